// Who may move a household import on, asked by the import page and enforced by
// import-households.ts with `enforce`: the importer confirms (or re-validates) their own upload; an
// import of existing open files (迁入) waits for a different official's approval. Pure.
import { ALLOWED, firstRefusal, refuse, roleAllows, type TAllowed } from "@/lib/auth/allowed";
import type { TActor } from "@/lib/auth/actor";

type TWho = Pick<TActor, "roles" | "userId">;
type TUpload = { status: string; createdById: string };

/** Caseworkers upload, validate and confirm imports. */
export const mayImport = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, ["CASEWORKER"]);
/** Officials approve or reject an import of existing open files. */
export const mayDecideImports = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, ["OFFICIAL"]);

const owner = (actor: TWho, upload: TUpload, reason: string) => () => (upload.createdById === actor.userId ? ALLOWED : refuse(reason, "IMPORT_NOT_OWNER"));

/** 确认导入: the importer, while the validated workbook waits for them. */
export function canCommitImport(actor: TWho, upload: TUpload): TAllowed {
  return firstRefusal(
    owner(actor, upload, "只有上传该工作簿的经办人可以确认导入。"),
    () => mayImport(actor),
    () => (upload.status === "READY" ? ALLOWED : refuse("该导入不是待确认状态（可能已在导入或已导入），请刷新页面。", "CONFLICT")),
  );
}

/** 重新校验 an import that failed: the importer. */
export function canRevalidateImport(actor: TWho, upload: TUpload): TAllowed {
  return firstRefusal(
    owner(actor, upload, "只有上传该工作簿的经办人可以重新校验。"),
    () => mayImport(actor),
    () => (upload.status === "FAILED" ? ALLOWED : refuse("该导入不是“导入失败”状态，无需重新校验，请刷新页面。", "CONFLICT")),
  );
}

/**
 * 批准 / 驳回 an import batch of existing files: an official other than its importer. Whether it
 * still waits is checked by the decision's UPDATE (status in its WHERE), which names the status.
 */
export function canDecideImport(actor: TWho, upload: TUpload & { mode: string }, what: "批准" | "驳回" = "批准"): TAllowed {
  return firstRefusal(
    () => (upload.mode === "OPEN" ? ALLOWED : refuse("只有按已在档档案迁入的导入批次需要审批。", "IMPORT_NOT_OPEN")),
    () => (mayDecideImports(actor).ok ? ALLOWED : refuse("该批次等待工作人员审批。", "FORBIDDEN")),
    () => (upload.createdById === actor.userId ? refuse(`不能${what}自己上传的导入批次，请由其他工作人员审批。`, "MAKER_CHECKER") : ALLOWED),
  );
}
