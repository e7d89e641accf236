// Which database serves a read that may use the replica (archive, reports, exports: the callers
// of scopedReadDb in lib/data/scope.ts), with read-your-writes for the user who wrote.
//
// - No DATABASE_REPLICA_URL: always the primary (null).
// - A user who wrote (any write through scopedDb, any statement inside one of their transactions,
//   any server action they ran) reads from the primary for DATABASE_REPLICA_STICKY_MS (default
//   5 s) after their last such statement. After that window — by then the transaction that
//   statement belonged to has committed or rolled back — the primary's flushed WAL position is
//   taken once, and the user keeps reading from the primary until the replica has replayed up to
//   it: their write is then on the replica, and the mark is dropped.
// - The replica's replay position is asked at most every REPLAY_CACHE_MS. The position only moves
//   forward, so an answer up to that old can only send a read to the primary unnecessarily, never
//   to a replica that lacks the write. A replica that does not answer, or is not (or no longer) in
//   recovery, sends every read to the primary until it answers as a standby again.
//
// The marks are kept in this process: `npm start` serves every user from one Next.js process.
// Several application processes behind a load balancer need sticky sessions for the guarantee.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { prisma, replicaPrisma } from "./client";

const REPLAY_CACHE_MS = 200;
const REPLICA_RETRY_MS = 2_000;

type TWriteMark = { at: number; lsn: bigint | null };

const state = globalThis as unknown as {
  bangfuWriteMarks?: Map<string, TWriteMark>;
  bangfuReplay?: { client: PrismaClient; askedAt: number; lsn: bigint | null; pending?: Promise<bigint | null> };
};
const marks = (state.bangfuWriteMarks ??= new Map());

function stickyMs(): number {
  const value = Number(process.env.DATABASE_REPLICA_STICKY_MS ?? 5_000);
  return Number.isFinite(value) && value >= 0 ? value : 5_000;
}

/** "16/B374D848" → a number that orders like the WAL position. */
export function parseLsn(text: string): bigint {
  const [high, low] = text.split("/");
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

/** Called for every write (and every statement in a transaction) made for `userId`. */
export function noteWrite(userId: string | undefined): void {
  if (!userId || !process.env.DATABASE_REPLICA_URL) return;
  marks.set(userId, { at: Date.now(), lsn: null });
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
  current.pending ??= client
    // Null unless the server is a standby in recovery: a promoted one no longer follows the primary.
    .$queryRaw<Array<{ lsn: string | null }>>`SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text END AS lsn`
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
  const mark = userId ? marks.get(userId) : undefined;
  if (mark && Date.now() - mark.at < stickyMs()) return null;
  const replayed = await replayedLsn(replica);
  if (replayed === null) return null;
  if (!mark) return replica;
  if (mark.lsn === null) {
    const rows = await prisma.$queryRaw<Array<{ lsn: string }>>`SELECT pg_current_wal_flush_lsn()::text AS lsn`;
    // A write noted while the primary was asked keeps its own (newer) mark.
    if (marks.get(userId!) !== mark) return null;
    mark.lsn = parseLsn(rows[0]!.lsn);
  }
  if (replayed < mark.lsn) return null;
  if (marks.get(userId!) === mark) marks.delete(userId!);
  return replica;
}
