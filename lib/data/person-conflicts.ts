import "server-only";
import { prisma } from "@/lib/db/client";
import { FILE_STATUS_LABELS } from "@/lib/labels/household-file";
import type { FileStatus } from "@/lib/generated/prisma/enums";
import { maskResidentId } from "@/lib/people/resident-id";

// 一人一档 is a system-wide rule, so this lookup crosses organisation scope on purpose. It
// returns only what a caseworker needs to contact the holding union — its name, the file number
// and the status — never the other file's contents.

export type TPersonConflict = {
  residentId: string;
  maskedResidentId: string;
  fileId: string;
  fileNumber: string | null;
  status: FileStatus;
  organisationName: string;
  /** The conflict is the household's own earlier file (closed): it must be reopened, not refiled. */
  sameHolderClosed: boolean;
};

export async function findPersonConflicts(people: Array<{ residentId: string; isHolder: boolean }>, excludeFileId?: string): Promise<TPersonConflict[]> {
  if (people.length === 0) return [];
  const ids = people.map((p) => p.residentId);
  const holderId = people.find((p) => p.isHolder)?.residentId;
  const [active, holderFiles] = await Promise.all([
    prisma.filePerson.findMany({
      where: { residentId: { in: ids }, holds: true, fileId: excludeFileId ? { not: excludeFileId } : undefined },
      include: { file: { select: { id: true, fileNumber: true, status: true, organisation: { select: { name: true } } } } },
    }),
    holderId
      ? prisma.householdFile.findMany({
          where: { holderResidentId: holderId, status: "CLOSED", id: excludeFileId ? { not: excludeFileId } : undefined },
          select: { id: true, fileNumber: true, status: true, organisation: { select: { name: true } } },
        })
      : [],
  ]);
  return [
    ...active.map((row) => ({
      residentId: row.residentId,
      maskedResidentId: maskResidentId(row.residentId),
      fileId: row.file.id,
      fileNumber: row.file.fileNumber,
      status: row.file.status,
      organisationName: row.file.organisation.name,
      sameHolderClosed: false,
    })),
    ...holderFiles.map((file) => ({
      residentId: holderId!,
      maskedResidentId: maskResidentId(holderId!),
      fileId: file.id,
      fileNumber: file.fileNumber,
      status: file.status,
      organisationName: file.organisation.name,
      sameHolderClosed: true,
    })),
  ];
}

export function describeConflict(conflict: TPersonConflict, name?: string): string {
  const who = `公民身份号码 ${conflict.maskedResidentId}${name ? `（${name}）` : ""}`;
  const where = `「${conflict.organisationName}」${conflict.fileNumber ? `的档案 ${conflict.fileNumber}` : "提交的档案"}（${FILE_STATUS_LABELS[conflict.status]}）`;
  if (conflict.sameHolderClosed) {
    return `${who} 已有${where}。同一户不能重新建档，请在原档案上办理返困重新启用。`;
  }
  return `${who} 已在${where}中。一人只能在一个有效档案中，不能重复建档。`;
}

/**
 * The one-person-one-open-file check for a whole import at once: every person already in a file
 * that holds them, and every holder whose household was filed before (it must be reopened).
 */
export async function findBulkPersonConflicts(residentIds: string[], holderIds: string[]): Promise<TPersonConflict[]> {
  if (residentIds.length === 0) return [];
  const [active, holders] = await Promise.all([
    prisma.$queryRaw<Array<{ resident_id: string; file_id: string; file_number: string | null; status: FileStatus; name: string }>>`
      SELECT p.resident_id, f.id AS file_id, f.file_number, f.status, o.name
        FROM file_person p JOIN household_file f ON f.id = p.file_id JOIN organisation o ON o.id = f.organisation_id
       WHERE p.holds AND p.resident_id = ANY(${residentIds}::text[])`,
    prisma.$queryRaw<Array<{ resident_id: string; file_id: string; file_number: string | null; status: FileStatus; name: string }>>`
      SELECT f.holder_resident_id AS resident_id, f.id AS file_id, f.file_number, f.status, o.name
        FROM household_file f JOIN organisation o ON o.id = f.organisation_id
       WHERE f.holder_resident_id = ANY(${holderIds}::text[]) AND f.status IN ('CLOSED', 'OBSERVATION')`,
  ]);
  const conflict = (row: (typeof active)[number], sameHolderClosed: boolean): TPersonConflict => ({
    residentId: row.resident_id,
    maskedResidentId: maskResidentId(row.resident_id),
    fileId: row.file_id,
    fileNumber: row.file_number,
    status: row.status,
    organisationName: row.name,
    sameHolderClosed,
  });
  return [...active.map((r) => conflict(r, false)), ...holders.map((r) => conflict(r, true))];
}

/**
 * 疑似冒领 (issue 25): how many *other* household files hold the same bank account as their
 * current one, across every union (a shared account is a system-wide fact, like 一人一档). Only
 * the count leaves this function; the auditors' signal carries the rows.
 */
export function accountHeldByOtherFiles(accountNumber: string, fileId: string): Promise<number> {
  return prisma.bankAccount.count({ where: { accountNumber, supersededAt: null, fileId: { not: fileId } } });
}
