// The production HTTP server: Next.js behind a plain node:http server, which is the only place
// that sees the socket. It sets the client's address (lib/http/forwarded.ts, TRUSTED_PROXY_COUNT)
// in a header of its own, replacing whatever a client sent under that name, so sign-in limits and
// the audit trail cannot be fooled by a forged X-Forwarded-For. Usage: tsx scripts/serve.ts <port> [host]
//
// One Node.js process renders on one core. With WEB_PROCESSES > 1 (by default one per core,
// lib/process/web-processes.ts; decision 033) this process is a node:cluster primary: it renders
// nothing, holds the port, hands each connection to the next of its workers in turn, and restarts
// a worker that dies as npm start restarts the server (lib/process/supervise.ts). The workers run
// this same file and serve exactly as a single process does.
import cluster from "node:cluster";
import { createServer, IncomingMessage, type Server, type ServerResponse } from "node:http";
import next from "next";
import { PROJECT_DIR } from "@/lib/db/paths";
import { CLIENT_IP_HEADER, clientAddress, trustedProxyCount } from "@/lib/http/forwarded";
import { PAGE_CSP_APPLIED_HEADER, pageCsp, takesPageCsp } from "@/lib/http/page-csp";
import { readBodyWithin } from "@/lib/http/read-body";
import { ACTION_BODY_MAX_BYTES, ACTION_BODY_TOO_LARGE, actionBodyProblem, isPossibleServerAction } from "@/lib/http/screen-action-request";
import { supervise } from "@/lib/process/supervise";
import { webProcessCount } from "@/lib/process/web-processes";
import { BENCH_SQL_PATH, benchSqlCapture } from "./bench-sql-capture";

const port = Number(process.argv[2] ?? process.env.PORT ?? 3000);
// 127.0.0.1 unless a LAN address is asked for (HOST, see README).
const hostname = process.argv[3] ?? process.env.HOST ?? "127.0.0.1";
const proxies = trustedProxyCount(process.env.TRUSTED_PROXY_COUNT);
// Next.js's request handler, once prepared (serveHere); screenAction hands requests on to it.
let handle: ReturnType<ReturnType<typeof next>["getRequestHandler"]>;
const processes = cluster.isPrimary ? webProcessCount() : 1;
if (cluster.isPrimary && processes > 1) runPrimary(processes);
else await serveHere();

/** The cluster primary: its workers serve; it only keeps them running and stops them when asked. */
function runPrimary(count: number) {
  const workers = Array.from({ length: count }, (_, i) =>
    supervise({
      name: `网页服务（进程 ${i + 1}）`,
      start: () => cluster.fork().process,
      requestStop: (child) => child.kill("SIGTERM"),
      forceStop: (child) => child.kill("SIGKILL"),
      // A worker's own stop waits at most 5 s for open connections.
      stopTimeoutMs: 8_000,
    }),
  );
  let stopping = false;
  const stopAll = () => {
    if (stopping) return;
    stopping = true;
    void Promise.all(workers.map((worker) => worker.stop())).then(() => process.exit(0));
  };
  process.on("SIGTERM", stopAll);
  process.on("SIGINT", stopAll);
  // npm start's IPC channel closing is the signal to stop (see serveHere), for the workers too.
  process.on("disconnect", stopAll);
  let listening = 0;
  cluster.on("listening", () => {
    if (++listening === count) console.log(`Listening on http://${hostname}:${port} (${count} processes)`);
  });
}

async function serveHere() {
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
  handle = app.getRequestHandler();
  // npm run bench:http only (BANGFU_BENCH_SQL=1): the SQL each page sent, read back by the benchmark.
  const benchSql = process.env.BANGFU_BENCH_SQL === "1" ? benchSqlCapture() : null;

  server = createServer((req, res) => {
    const forwarded = req.headers["x-forwarded-for"];
    req.headers[CLIENT_IP_HEADER] = clientAddress(req.socket.remoteAddress, Array.isArray(forwarded) ? forwarded.join(",") : forwarded, proxies);
    // With no proxy in front, a client's X-Forwarded-For is dropped so nothing downstream can trust it.
    if (proxies === 0) delete req.headers["x-forwarded-for"];
    // A staff page's nonce CSP here, not in proxy.ts: Next.js's proxy cost every page 2–3 ms of
    // CPU only to set it (lib/http/page-csp.ts). Next.js reads the nonce from the request's header.
    if (takesPageCsp(req.url ?? "/")) {
      const csp = pageCsp(false);
      req.headers["content-security-policy"] = csp;
      req.headers[PAGE_CSP_APPLIED_HEADER] = "1";
      res.setHeader("Content-Security-Policy", csp);
    } else delete req.headers[PAGE_CSP_APPLIED_HEADER];
    if (benchSql && req.url === BENCH_SQL_PATH) return benchSql.answer(req, res);
    if (isPossibleServerAction(req.method, req.url, req.headers)) void screenAction(req, res);
    else void handle(req, res);
  });
  // A worker is announced by its primary, once all of them listen.
  server.listen(port, hostname, () => {
    if (cluster.isPrimary) console.log(`Listening on http://${hostname}:${port}`);
  });
}

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
