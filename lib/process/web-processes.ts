// How many web server processes `npm start` runs (scripts/serve.ts, node:cluster). One Node.js
// process renders pages on one core: at 1,000,000 files it is CPU-bound at about 40 pages a second
// while PostgreSQL uses the other core (docs/benchmarks/2026-12-07-http-2.md), so by default there
// is one per core — the job worker stays one process (decision 033).
import { availableParallelism } from "node:os";

/** The most processes chosen by default: each holds its own connection pool and ~300 MB. */
export const DEFAULT_MAX_WEB_PROCESSES = 4;
/** The most WEB_PROCESSES may ask for: each holds DATABASE_POOL_SIZE connections. */
export const MAX_WEB_PROCESSES = 16;

/**
 * WEB_PROCESSES when it is a whole number from 1 to MAX_WEB_PROCESSES; otherwise one per core,
 * at most DEFAULT_MAX_WEB_PROCESSES. Anything else in WEB_PROCESSES is an error the operator sees.
 */
export function webProcessCount(value = process.env.WEB_PROCESSES, cores = availableParallelism()): number {
  if (value === undefined || value.trim() === "") return Math.max(1, Math.min(cores, DEFAULT_MAX_WEB_PROCESSES));
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WEB_PROCESSES) {
    throw new Error(`WEB_PROCESSES 应为 1 到 ${MAX_WEB_PROCESSES} 之间的整数（现在是「${value}」）。`);
  }
  return n;
}

/**
 * Node.js flags of every web server process (decision 037): `npm start`, the bench and the e2e
 * server start scripts/serve.ts with them, and its cluster workers inherit them. Without a cap
 * V8 lets the old generation fill with garbage up to a limit of several GB on a big machine before
 * a full collection, so a busy server's memory climbs for minutes although its live heap stays
 * near 180 MB (docs/benchmarks/2026-12-07-http-5.md). 512 MB holds that live heap and an Excel
 * import's validation of 100,000 households beside it (~190 MB more at its peak). A 32 MB young
 * generation lets a render's short-lived objects die young: with both, two processes served 20
 * users at 65 req/s, p95 476 ms, at 1M on an Intel Xeon, memory levelling off.
 */
export const WEB_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=32", "--max-old-space-size=512"];
