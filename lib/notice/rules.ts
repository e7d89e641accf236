import type { FileStatus } from "@/lib/generated/prisma/enums";
import { firstRefusal, roleAllows, type TAllowed } from "@/lib/auth/allowed";
import type { TActor } from "@/lib/auth/actor";

// When a 建档告知书 with a query code may be printed: the file was approved and is still followed
// (在档, or 渐退期 after a resolved exit). A closed file's household keeps the code it has.
export const QUERY_CODE_STATUSES: readonly FileStatus[] = ["OPEN", "OBSERVATION"];

export function canIssueQueryCode(file: { status: FileStatus; fileNumber: string | null }): TAllowed {
  if (!file.fileNumber || !QUERY_CODE_STATUSES.includes(file.status)) {
    return { ok: false, reason: "档案审定建档后（在档或渐退期）才能打印建档告知书、生成查询码。", code: "NOT_APPROVED" };
  }
  return { ok: true };
}

/** A caseworker prints the notice and issues its query code (issue-query-code.ts). */
export const mayIssueQueryCode = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, ["CASEWORKER"]);

/** 打印建档告知书 on the file page: a caseworker, for an approved file still followed. */
export function canPrintNotice(actor: Pick<TActor, "roles">, file: { status: FileStatus; fileNumber: string | null }): TAllowed {
  return firstRefusal(
    () => mayIssueQueryCode(actor),
    () => canIssueQueryCode(file),
  );
}
