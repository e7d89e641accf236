// What may be done about a warning, asked by the page and by the domain functions alike. Pure.
import type { FileStatus, WarningStatus } from "@/lib/generated/prisma/enums";
import { roleAllows, type TAllowed } from "@/lib/auth/allowed";
import type { TActor } from "@/lib/auth/actor";

export const WARNING_READERS = ["CASEWORKER", "OFFICIAL", "AUDITOR"] as const;
export const WARNING_ACTORS = ["CASEWORKER", "OFFICIAL"] as const;

const settled: TAllowed = { ok: false, reason: "该预警已处理。", code: "SETTLED" };

/** 发起复核: only an open file has scheduled re-checks; the warning brings its re-check forward to today. */
export function canOpenRecheck(warning: { status: WarningStatus }, file: { status: FileStatus }): TAllowed {
  if (warning.status !== "OPEN") return settled;
  if (file.status !== "OPEN")
    return { ok: false, reason: "只有在档家庭可以发起动态核查；渐退期或已退档的家庭请走访核实，或返困重新建档。", code: "WRONG_STATUS" };
  return { ok: true };
}

/** 返困重新建档: the existing relapse path, for a file in observation or closed (reopenFile). Caseworkers only. */
export function canReopenFromWarning(warning: { status: WarningStatus }, file: { status: FileStatus }): TAllowed {
  if (warning.status !== "OPEN") return settled;
  if (file.status !== "OBSERVATION" && file.status !== "CLOSED")
    return { ok: false, reason: "只有渐退期或已退档的档案可以返困重新建档。", code: "WRONG_STATUS" };
  return { ok: true };
}

export function canDismissWarning(warning: { status: WarningStatus }): TAllowed {
  return warning.status === "OPEN" ? { ok: true } : settled;
}

/** 处理 a warning (dismiss, re-check, note): caseworkers and officials (act-on-warning.ts). */
export const mayActOnWarnings = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, WARNING_ACTORS);

/** 返困重新建档 from a warning: the caseworker's relapse path. */
export const mayReopenFromWarning = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, ["CASEWORKER"]);
