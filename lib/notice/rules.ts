import type { FileStatus } from "@/lib/generated/prisma/enums";
import type { TAllowed } from "@/lib/filing/rules";

// When a 建档告知书 with a query code may be printed: the file was approved and is still followed
// (在档, or 渐退期 after a resolved exit). A closed file's household keeps the code it has.
export const QUERY_CODE_STATUSES: readonly FileStatus[] = ["OPEN", "OBSERVATION"];

export function canIssueQueryCode(file: { status: FileStatus; fileNumber: string | null }): TAllowed {
  if (!file.fileNumber || !QUERY_CODE_STATUSES.includes(file.status)) {
    return { ok: false, reason: "档案审定建档后（在档或渐退期）才能打印建档告知书、生成查询码。", code: "NOT_APPROVED" };
  }
  return { ok: true };
}
