/** True for a unique-constraint violation, whether Prisma reports it (P2002) or the driver does (23505). */
export function isUniqueViolation(error: unknown, constraintOrField?: string): boolean {
  const e = error as { code?: string; meta?: Record<string, unknown>; cause?: unknown; message?: string };
  const unique = e?.code === "P2002" || e?.code === "23505";
  if (!unique) return false;
  if (!constraintOrField) return true;
  return JSON.stringify(e.meta ?? {}).includes(constraintOrField) || String(e.message ?? "").includes(constraintOrField);
}

/** True when a statement was refused by a trigger's `RAISE EXCEPTION '<marker>'` (the marker is somewhere in the error Prisma reports). */
export function isRaisedBy(error: unknown, marker: string): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): boolean => {
    if (!e || typeof e !== "object" || seen.has(e) || depth > 4) return false;
    seen.add(e);
    const o = e as Record<string, unknown>;
    if (typeof o.message === "string" && o.message.includes(marker)) return true;
    return ["meta", "cause", "driverAdapterError", "error"].some((key) => visit(o[key], depth + 1)) || JSON.stringify(o.meta ?? {}).includes(marker);
  };
  return visit(error, 0);
}
