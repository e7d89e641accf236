/** True for a unique-constraint violation, whether Prisma reports it (P2002) or the driver does (23505). */
export function isUniqueViolation(error: unknown, constraintOrField?: string): boolean {
  const e = error as { code?: string; meta?: Record<string, unknown>; cause?: unknown; message?: string };
  const unique = e?.code === "P2002" || e?.code === "23505";
  if (!unique) return false;
  if (!constraintOrField) return true;
  return JSON.stringify(e.meta ?? {}).includes(constraintOrField) || String(e.message ?? "").includes(constraintOrField);
}
