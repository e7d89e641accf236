import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { getFileFollowUp } from "@/lib/dynamic/find";
import { DomainError } from "@/lib/errors/domain-error";
import { getFile, revealResidentIds } from "@/lib/filing/find-files";
import { householdLedger } from "@/lib/ledger/find-household-ledger";

// 户户清表册: what the print view of one or several household files needs — the file (ID
// numbers in full for those allowed, audited as a reveal; masked otherwise), its ledger and its follow-up. Printing is recorded in the trail:
// a paper copy of a file leaves the system.

export const PRINT_MAX_FILES = 50;

/**
 * Whether the sheets may carry full ID numbers: the paper file kept in the archive room needs them
 * (issue 26). The roles that may reveal them on screen (revealResidentIds) may print them, and each
 * file so printed is audited as a reveal; anyone else gets masked numbers and the sheet says so.
 */
export function mayPrintFullResidentIds(actor: TActor): boolean {
  return actor.roles.some((r) => r === "CASEWORKER" || r === "OFFICIAL" || r === "AUDITOR");
}

export async function getPrintableFiles(actor: TActor, fileIds: string[], options: { fullResidentIds?: boolean } = {}) {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  const full = !!options.fullResidentIds && mayPrintFullResidentIds(actor);
  const ids = [...new Set(fileIds)];
  if (ids.length === 0) throw new DomainError("请先在档案列表中勾选要打印的档案。", "PRINT_NONE");
  if (ids.length > PRINT_MAX_FILES) throw new DomainError(`一次最多打印 ${PRINT_MAX_FILES} 户档案，请分批打印。`, "PRINT_TOO_MANY");
  const files = [];
  for (const id of ids) {
    const file = await getFile(actor, id); // NotFoundError outside scope
    const [ledger, followUp] = await Promise.all([householdLedger(actor, id), getFileFollowUp(actor, id)]);
    // revealResidentIds writes the reveal's audit row, as the file page's 显示完整号码 does.
    const ids = full ? await revealResidentIds(actor, id) : null;
    const data = ids ? { ...file.data, members: file.data.members.map((m, i) => ({ ...m, residentId: ids[i] ?? m.residentId })) } : file.data;
    files.push({ file: { ...file, data }, ledger, followUp, fullResidentIds: !!ids });
  }
  await recordAudit(scopedDb(actor), actor, {
    action: "filing.print",
    entityType: "household_file",
    entityId: ids.length === 1 ? ids[0] : null,
    organisationId: actor.organisation.id,
    detail: { fileIds: ids, fullResidentIds: full },
  });
  return files;
}

export type TPrintableFile = Awaited<ReturnType<typeof getPrintableFiles>>[number];
