import { ConflictError, DomainError } from "@/lib/errors/domain-error";

// Contention made cheap and bounded. A decision first claims its row with FOR NO KEY UPDATE NOWAIT
// (lib/data/row-lock.ts): of many people acting on one record at once, one holds the row and the
// others fail at once with "已被他人处理" instead of queueing for the connection pool. A
// serialization failure or deadlock is retried once; what still cannot run, or cannot get a
// connection in time (P2028), is "系统繁忙，请稍后重试" — never the generic error.

export class BusyError extends DomainError {
  constructor() {
    super("系统繁忙，请稍后重试。", "BUSY");
  }
}

export const ROW_TAKEN_MESSAGE = "该记录已被他人处理或正在处理，请刷新页面查看最新情况。";

/** Someone else holds the row right now (FOR … NOWAIT refused). */
export class RowTakenError extends ConflictError {
  constructor() {
    super(ROW_TAKEN_MESSAGE);
  }
}

/**
 * Runs a whole transaction again while its row is taken, a few times with a short random pause in
 * between, holding no connection while it waits. For submissions whose repeat must get the first
 * one's answer (idempotency) once it has committed.
 */
export async function retryWhileTaken<T>(run: () => Promise<T>, tries = 10): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof RowTakenError) || attempt >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 60 * attempt));
    }
  }
}

/** Every code an error carries: Prisma's (P2034), PostgreSQL's SQLSTATE (55P03), and those in its message. */
function codesOf(error: unknown): Set<string> {
  const codes = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number) => {
    if (!e || typeof e !== "object" || seen.has(e) || depth > 4) return;
    seen.add(e);
    const o = e as Record<string, unknown>;
    for (const key of ["code", "originalCode", "sqlState"]) if (typeof o[key] === "string") codes.add(o[key] as string);
    if (typeof o.message === "string") for (const m of o.message.matchAll(/\b(55P03|40001|40P01|P2028|P2034)\b/g)) codes.add(m[1]!);
    for (const key of ["meta", "cause", "driverAdapterError", "error"]) visit(o[key], depth + 1);
  };
  visit(error, 0);
  return codes;
}

export const isRowTaken = (error: unknown) => codesOf(error).has("55P03");
export const isSerializationFailure = (error: unknown) => ["40001", "40P01", "P2034"].some((c) => codesOf(error).has(c));
export const isPoolTimeout = (error: unknown) => codesOf(error).has("P2028");

function mapped(error: unknown): unknown {
  if (error instanceof DomainError) return error;
  if (isRowTaken(error)) return new RowTakenError();
  if (isSerializationFailure(error) || isPoolTimeout(error)) return new BusyError();
  return error;
}

/** Runs a domain function; a serialization failure or deadlock gets one more try, expected contention errors become DomainErrors. */
export async function withContention<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!isSerializationFailure(error)) throw mapped(error);
  }
  try {
    return await run();
  } catch (error) {
    throw mapped(error);
  }
}
