// The production HTTP server: Next.js behind a plain node:http server, which is the only place
// that sees the socket. It sets the client's address (lib/http/forwarded.ts, TRUSTED_PROXY_COUNT)
// in a header of its own, replacing whatever a client sent under that name, so sign-in limits and
// the audit trail cannot be fooled by a forged X-Forwarded-For. Usage: tsx scripts/serve.ts <port> [host]
import { createServer, type Server } from "node:http";
import next from "next";
import { PROJECT_DIR } from "@/lib/db/paths";
import { CLIENT_IP_HEADER, clientAddress, trustedProxyCount } from "@/lib/http/forwarded";

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

server = createServer((req, res) => {
  const forwarded = req.headers["x-forwarded-for"];
  req.headers[CLIENT_IP_HEADER] = clientAddress(req.socket.remoteAddress, Array.isArray(forwarded) ? forwarded.join(",") : forwarded, proxies);
  // With no proxy in front, a client's X-Forwarded-For is dropped so nothing downstream can trust it.
  if (proxies === 0) delete req.headers["x-forwarded-for"];
  void handle(req, res);
});
server.listen(port, hostname, () => console.log(`Listening on http://${hostname}:${port}`));

