import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { getFileFollowUp } from "@/lib/dynamic/find";
import { DomainError } from "@/lib/errors/domain-error";
import { getFile } from "@/lib/filing/find-files";
import { householdLedger } from "@/lib/ledger/find-ledger";

// 户户清表册: what the print view of one or several household files needs — the file (ID
// numbers masked, as on screen), its ledger and its follow-up. Printing is recorded in the trail:
// a paper copy of a file leaves the system.

export const PRINT_MAX_FILES = 50;

export async function getPrintableFiles(actor: TActor, fileIds: string[]) {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  const ids = [...new Set(fileIds)];
  if (ids.length === 0) throw new DomainError("请先在档案列表中勾选要打印的档案。", "PRINT_NONE");
  if (ids.length > PRINT_MAX_FILES) throw new DomainError(`一次最多打印 ${PRINT_MAX_FILES} 户档案，请分批打印。`, "PRINT_TOO_MANY");
  const files = [];
  for (const id of ids) {
    const file = await getFile(actor, id); // NotFoundError outside scope
    const [ledger, followUp] = await Promise.all([householdLedger(actor, id), getFileFollowUp(actor, id)]);
    files.push({ file, ledger, followUp });
  }
  await recordAudit(scopedDb(actor), actor, { action: "filing.print", entityType: "household_file", entityId: ids.length === 1 ? ids[0] : null, organisationId: actor.organisation.id, detail: { fileIds: ids } });
  return files;
}

export type TPrintableFile = Awaited<ReturnType<typeof getPrintableFiles>>[number];
