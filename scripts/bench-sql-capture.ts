// The SQL a page sent, for `npm run bench:http` (scripts/bench-http.ts): with BANGFU_BENCH_SQL=1,
// scripts/serve.ts wraps pg.Client.prototype.query (the Prisma pg adapter sends every statement
// through it; pg is a server-external package, so the server's pages share this module) and
// answers GET /__bench/sql with what was sent since the last such request, then forgets it.
// The benchmark loads one page at a time while it captures, so the statements are that page's.
// Never enabled in `npm start`; refused to anyone but this machine even when enabled.
import type { IncomingMessage, ServerResponse } from "node:http";
import pg from "pg";

export const BENCH_SQL_PATH = "/__bench/sql";
/**
 * ms: from the call to its answer, as the page waited for it (a statement queued behind another on
 * the same connection waits too); pid: the connection's backend, so a slow load can be told apart
 * as a new connection or a statement prepared there for the first time (see --plans).
 */
export type TCapturedStatement = { text: string; values: unknown[]; ms?: number; pid?: number };

/** A value as JSON that pg accepts back as the same parameter (bytes as bytea hex, bigint as text). */
function portable(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `\\x${Buffer.from(value).toString("hex")}`;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(portable);
  return value;
}

export function benchSqlCapture() {
  let statements: TCapturedStatement[] = [];
  const original = pg.Client.prototype.query;
  // Overloaded in @types/pg; the wrapper passes every call through unchanged.
  (pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
    const [first, second] = args;
    const text = typeof first === "string" ? first : (first as { text?: string } | null)?.text;
    const values = (typeof first === "object" && first && "values" in first ? (first as { values?: unknown[] }).values : second) as unknown[] | undefined;
    // A runaway capture (nobody reading) is bounded.
    const captured: TCapturedStatement | null = text && statements.length < 10_000 ? { text, values: Array.isArray(values) ? values.map(portable) : [] } : null;
    if (captured) statements.push(captured);
    const t0 = performance.now();
    const done = () => {
      if (!captured) return;
      captured.ms = performance.now() - t0;
      captured.pid = (this as unknown as { processID?: number }).processID;
    };
    // pg.Pool's query (Prisma's adapter runs on one) passes a callback; a client's own call gets a promise.
    const callback = args.at(-1);
    if (typeof callback === "function")
      args[args.length - 1] = function (this: unknown, ...answer: unknown[]) {
        done();
        return (callback as (...a: unknown[]) => unknown).apply(this, answer);
      };
    const result = (original as unknown as (...a: unknown[]) => unknown).apply(this, args);
    // Only observes: the caller still gets (and handles) the same promise.
    if (typeof (result as Promise<unknown> | undefined)?.then === "function") (result as Promise<unknown>).then(done, done);
    return result;
  };
  return {
    answer(req: IncomingMessage, res: ServerResponse) {
      const local = ["127.0.0.1", "::1", "::ffff:127.0.0.1"].includes(req.socket.remoteAddress ?? "");
      if (!local) {
        res.writeHead(403).end();
        return;
      }
      const body = JSON.stringify(statements);
      statements = [];
      res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-store" }).end(body);
    },
  };
}
