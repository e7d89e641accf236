// The production HTTP server: Next.js behind a plain node:http server, which is the only place
// that sees the socket. It sets the client's address (lib/http/forwarded.ts, TRUSTED_PROXY_COUNT)
// in a header of its own, replacing whatever a client sent under that name, so sign-in limits and
// the audit trail cannot be fooled by a forged X-Forwarded-For. Usage: tsx scripts/serve.ts <port> [host]
import { createServer, IncomingMessage, type Server, type ServerResponse } from "node:http";
import next from "next";
import { PROJECT_DIR } from "@/lib/db/paths";
import { CLIENT_IP_HEADER, clientAddress, trustedProxyCount } from "@/lib/http/forwarded";
import { readBodyWithin } from "@/lib/http/read-body";
import { ACTION_BODY_MAX_BYTES, ACTION_BODY_TOO_LARGE, actionBodyProblem, isPossibleServerAction } from "@/lib/http/screen-action-request";
import { BENCH_SQL_PATH, benchSqlCapture } from "./bench-sql-capture";

const port = Number(process.argv[2] ?? process.env.PORT ?? 3000);
// 127.0.0.1 unless a LAN address is asked for (HOST, see README).
const hostname = process.argv[3] ?? process.env.HOST ?? "127.0.0.1";
const proxies = trustedProxyCount(process.env.TRUSTED_PROXY_COUNT);
let server: Server | undefined;
function stop() {
  if (!server) process.exit(0);
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 5000).unref();
}
// Before the (slow) prepare, so that a signal during start-up is not missed.
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// Started by npm start with an IPC channel: it closes when npm start dies, even by kill -9, and a
// server left without it would keep the port and serve without its supervisor.
process.on("disconnect", stop);

const app = next({ dev: false, dir: PROJECT_DIR, port, hostname });
await app.prepare();
const handle = app.getRequestHandler();
// npm run bench:http only (BANGFU_BENCH_SQL=1): the SQL each page sent, read back by the benchmark.
const benchSql = process.env.BANGFU_BENCH_SQL === "1" ? benchSqlCapture() : null;

server = createServer((req, res) => {
  const forwarded = req.headers["x-forwarded-for"];
  req.headers[CLIENT_IP_HEADER] = clientAddress(req.socket.remoteAddress, Array.isArray(forwarded) ? forwarded.join(",") : forwarded, proxies);
  // With no proxy in front, a client's X-Forwarded-For is dropped so nothing downstream can trust it.
  if (proxies === 0) delete req.headers["x-forwarded-for"];
  if (benchSql && req.url === BENCH_SQL_PATH) return benchSql.answer(req, res);
  if (isPossibleServerAction(req.method, req.url, req.headers)) void screenAction(req, res);
  else void handle(req, res);
});

function refuse(res: ServerResponse, status: number, message: string) {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" });
  res.end(message);
}

/**
 * A server action's body is read here within its budget and screened (lib/http/screen-action-request.ts):
 * what Next.js could only answer with a 500 gets a 400 and a Chinese message. What passes is
 * handed to Next.js as a request of its own carrying the bytes already read.
 */
async function screenAction(req: IncomingMessage, res: ServerResponse) {
  // Made only when reading starts (a declared length over the budget reads nothing, and node
  // discards the unread body after the answer), and not destroyed when reading stops at the
  // budget, so the 413 can still be written.
  const body = { [Symbol.asyncIterator]: () => req.iterator({ destroyOnReturn: false }) as AsyncIterator<Uint8Array> };
  const read = await readBodyWithin(body, req.headers["content-length"], ACTION_BODY_MAX_BYTES).catch(() => null);
  if (!read) return; // the client went away while sending
  if (!read.ok) {
    // Stopped part way through: the rest is discarded as it arrives, never held (closing instead
    // can reset the connection before the client reads the answer). Node's requestTimeout ends a
    // body that never stops.
    if (req.headers["content-length"] === undefined) req.resume();
    return refuse(res, 413, ACTION_BODY_TOO_LARGE);
  }
  const problem = await actionBodyProblem(req.headers, read.bytes);
  if (problem) return refuse(res, 400, problem);
  const replay = new IncomingMessage(req.socket);
  Object.assign(replay, {
    method: req.method,
    url: req.url,
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    httpVersion: req.httpVersion,
    httpVersionMajor: req.httpVersionMajor,
    httpVersionMinor: req.httpVersionMinor,
    // Without it, the end of this copy reads as a request cut short and node destroys the socket.
    complete: true,
  });
  replay.push(read.bytes);
  replay.push(null);
  void handle(replay, res);
}
server.listen(port, hostname, () => console.log(`Listening on http://${hostname}:${port}`));
