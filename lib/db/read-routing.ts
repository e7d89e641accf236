// Which database serves a read that may use the replica (archive, reports, exports: the callers
// of scopedReadDb in lib/data/scope.ts), with read-your-writes for the user who wrote.
//
// - No DATABASE_REPLICA_URL: always the primary (null).
// - A user who wrote (any write through scopedDb, any statement inside one of their transactions,
//   any server action they ran) reads from the primary for DATABASE_REPLICA_STICKY_MS (default
//   5 s) after their last noted write. After that window — by then the transaction that
//   statement belonged to has committed or rolled back — the primary's flushed WAL position is
//   taken once, and the user keeps reading from the primary until the replica has replayed up to
//   it: their write is then on the replica, and the mark is dropped.
// - The replica's replay position is asked at most every REPLAY_CACHE_MS. The position only moves
//   forward, so an answer up to that old can only send a read to the primary unnecessarily, never
//   to a replica that lacks the write. A replica that does not answer, or is not (or no longer) in
//   recovery, sends every read to the primary until it answers as a standby again.
//
// The marks live in the database (replica_write_mark, migration 0044), not in this process: with
// several app servers behind a load balancer (issue 29, docs/decisions/029-several-machines.md) the
// next request of a user who wrote may reach another server, which must see the mark. Times are
// the database's clock, so app servers whose clocks differ agree on the window. A process writes a
// user's mark at most every noteEveryMs() (a transaction's statements each note a write): a
// skipped note is never more than that after the stored one, and the window is counted from the
// stored one, so the margin left for a transaction to commit is the window minus that interval.
// The marks have a small pool of their own: a note made while a transaction holds one of the
// main pool's connections must not wait for another (ten transactions at once would wait forever).
import type pg from "pg";
import { pgPool } from "@/lib/db/pg";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { replicaPrisma } from "./client";

const REPLAY_CACHE_MS = 200;
const REPLICA_RETRY_MS = 2_000;

const state = globalThis as unknown as {
  /** userId → when this process last stored that user's mark (Date.now()). */
  bangfuNotedWrites?: Map<string, number>;
  bangfuMarkPool?: { url: string; pool: pg.Pool };
  bangfuReplay?: { client: PrismaClient; askedAt: number; lsn: bigint | null; pending?: Promise<bigint | null> };
};
const noted = (state.bangfuNotedWrites ??= new Map());

function stickyMs(): number {
  const value = Number(process.env.DATABASE_REPLICA_STICKY_MS ?? 5_000);
  return Number.isFinite(value) && value >= 0 ? value : 5_000;
}

/** "16/B374D848" → a number that orders like the WAL position. */
export function parseLsn(text: string): bigint {
  const [high, low] = text.split("/");
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

/** How often one process stores a user's mark: at most every second, and at most half the window. */
function noteEveryMs(): number {
  return Math.min(1_000, stickyMs() / 2);
}

/** The primary (DATABASE_URL), two connections for the marks only. */
function markPool(): pg.Pool {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start`.");
  const cached = state.bangfuMarkPool;
  if (cached?.url === url) return cached.pool;
  void cached?.pool.end().catch(() => {});
  const pool = pgPool({ connectionString: url, max: 2 });
  // An idle connection the server dropped (a failover) is replaced on the next query.
  pool.on("error", () => {});
  state.bangfuMarkPool = { url, pool };
  return pool;
}

/**
 * Called for every write (and every statement in a transaction) made for `userId`, before and
 * after the statement; awaited, so the mark is in the database before the user's next request can
 * reach another app server. A failure is thrown: the caller decides (a write not yet made fails
 * with it; one already made only logs it).
 */
export async function noteWrite(userId: string | undefined): Promise<void> {
  if (!userId || !process.env.DATABASE_REPLICA_URL) return;
  const now = Date.now();
  const last = noted.get(userId);
  if (last !== undefined && now - last < noteEveryMs()) return;
  noted.set(userId, now);
  try {
    await markPool().query(
      `INSERT INTO replica_write_mark (user_id, written_at) VALUES ($1, clock_timestamp())
       ON CONFLICT (user_id) DO UPDATE SET written_at = GREATEST(replica_write_mark.written_at, excluded.written_at), wal_position = NULL`,
      [userId],
    );
  } catch (error) {
    noted.delete(userId);
    throw error;
  }
}

/** Prisma's message is several lines; the last says what happened ("Can't reach database server at …"). */
function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.trim().split("\n").at(-1) ?? text;
}

async function replayedLsn(client: PrismaClient): Promise<bigint | null> {
  const now = Date.now();
  let replay = state.bangfuReplay;
  if (replay?.client !== client) replay = state.bangfuReplay = { client, askedAt: 0, lsn: null };
  const age = now - replay.askedAt;
  if (age < (replay.lsn === null ? REPLICA_RETRY_MS : REPLAY_CACHE_MS)) return replay.lsn;
  const current = replay;
  current.pending ??= // Null unless the server is a standby in recovery: a promoted one no longer follows the primary.
    client.$queryRaw<Array<{ lsn: string | null }>>`SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text END AS lsn`
      .then((rows) => {
        if (rows[0]?.lsn) return parseLsn(rows[0].lsn);
        if (current.lsn !== null || current.askedAt === 0) console.error("DATABASE_REPLICA_URL 指向的数据库不是处于恢复状态的只读副本，查询改由主库执行。");
        return null;
      })
      .catch((error: unknown) => {
        if (current.lsn !== null || current.askedAt === 0) console.error("只读副本无法访问，查询改由主库执行：", describeError(error));
        return null;
      })
      .then((lsn) => {
        current.askedAt = Date.now();
        current.lsn = lsn;
        current.pending = undefined;
        return lsn;
      });
  return current.pending;
}

/** The client a replica-eligible read of `userId` goes to: the replica, or null for the primary. */
export async function readClientFor(userId: string | undefined): Promise<PrismaClient | null> {
  const replica = replicaPrisma();
  if (!replica) return null;
  const pool = userId ? markPool() : null;
  const mark = pool
    ? (
        await pool.query<{ written_at: string; wal_position: string | null; sticky: boolean }>(
          `SELECT written_at::text, wal_position::text, clock_timestamp() - written_at < $2 * interval '1 millisecond' AS sticky
             FROM replica_write_mark WHERE user_id = $1`,
          [userId, stickyMs()],
        )
      ).rows[0]
    : undefined;
  if (mark?.sticky) return null;
  const replayed = await replayedLsn(replica);
  if (replayed === null) return null;
  if (!mark || !pool) return replica;
  let position = mark.wal_position === null ? null : BigInt(mark.wal_position);
  if (position === null) {
    // Taken once per mark; a write noted meanwhile (written_at moved) keeps its own, newer mark.
    const { rows } = await pool.query<{ wal_position: string }>(
      `UPDATE replica_write_mark SET wal_position = (pg_current_wal_flush_lsn() - '0/0'::pg_lsn)::bigint
        WHERE user_id = $1 AND written_at = $2::timestamptz AND wal_position IS NULL RETURNING wal_position::text`,
      [userId, mark.written_at],
    );
    if (!rows[0]) return null;
    position = BigInt(rows[0].wal_position);
  }
  if (replayed < position) return null;
  await pool.query("DELETE FROM replica_write_mark WHERE user_id = $1 AND written_at = $2::timestamptz AND wal_position = $3", [
    userId,
    mark.written_at,
    position.toString(),
  ]);
  return replica;
}
