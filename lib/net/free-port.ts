// A TCP port on the loopback address that the OS just handed out: for the extra PostgreSQL clusters
// a restore check, a test or a spec starts beside a running one.
import { createServer } from "node:net";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}
