import "server-only";
import type pg from "pg";
import type PgBoss from "pg-boss";
import { pgClient } from "@/lib/db/pg";

// What the jobs process's workers share (the background exports, lib/exports/export-worker.ts, and
// the report fold, lib/reports/report-fold-worker.ts): a row or a statement NOTIFYs a channel at
// its commit; the worker LISTENs on a connection of its own and turns each notification into a
// pg-boss job, so the web server needs no access to pg-boss's schema. A notification can be
// missed (the listening connection was lost, the worker was not running), so a sweep at start and
// every minute queues whatever is still waiting. A lost connection is made again after 5 s.

const SWEEP_MS = 60_000;
const RECONNECT_MS = 5_000;

export type TListenAndSweep = { stop(): Promise<void> };

export type TListenAndSweepOptions = {
  /** The NOTIFY channel (a name of letters, digits and underscores). */
  channel: string;
  /** Queues what waits (a missed notification's work); runs once at start and every minute. */
  sweep: () => Promise<void>;
  /** Queues the work a notification announces; `payload` is the NOTIFY's, if any. */
  onNotify: (payload: string | undefined) => Promise<void>;
  /** The worker's name in its Chinese error messages, e.g. 后台导出. */
  label: string;
  /** The pg-boss the worker queues to: stop() stops it, letting running jobs finish (up to 30 s). */
  boss: PgBoss;
  /** The listening connection's database (the application role), and its application_name. */
  connectionString: string | undefined;
  applicationName: string;
  /** Tests only: a shorter sweep interval. */
  sweepMs?: number;
};

export async function listenAndSweep(options: TListenAndSweepOptions): Promise<TListenAndSweep> {
  const { channel, sweep, onNotify, label, boss } = options;
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`listenAndSweep: invalid channel ${channel}`);

  let stopped = false;
  let listener: pg.Client | undefined;
  const listen = async () => {
    const client = pgClient({ connectionString: options.connectionString, application_name: options.applicationName });
    client.on("notification", (message) => void onNotify(message.payload).catch((error) => console.error(`${label}入队失败：`, error)));
    // A lost connection is made again; the sweep covers what was missed meanwhile.
    client.on("error", (error) => console.error(`${label}通知连接出错：`, error));
    client.on("end", () => {
      if (!stopped) setTimeout(() => void listen().catch((error) => console.error(`${label}通知连接失败：`, error)), RECONNECT_MS);
    });
    await client.connect();
    await client.query(`LISTEN ${channel}`);
    listener = client;
  };
  await listen();
  await sweep();
  const timer = setInterval(() => void sweep().catch((error) => console.error(`${label}巡检失败：`, error)), options.sweepMs ?? SWEEP_MS);
  timer.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await listener?.end().catch(() => {});
      // A job cut short is the worker's to handle: an export is failed as interrupted at the next
      // start; a fold rolls back and its entries stay pending.
      await boss.stop({ graceful: true, timeout: 30_000, wait: true }).catch(() => {});
    },
  };
}
