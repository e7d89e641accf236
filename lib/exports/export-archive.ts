import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { hasRole } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedReadDb } from "@/lib/data/scope";
import { ForbiddenError } from "@/lib/errors/domain-error";
import { describeArchiveQuery } from "@/lib/filing/archive-params";
import { archiveFilterSql, archiveRows, type TArchiveKey, type TArchiveQuery } from "@/lib/filing/find-files";
import { CAUSE_LABELS, FILE_LEVEL_LABELS, FILE_STATUS_LABELS, SEX_LABELS, TIER_LABELS, WORKER_CATEGORY_LABELS } from "@/lib/filing/labels";
import type { Prisma } from "@/lib/generated/prisma/client";
import { maskResidentId } from "@/lib/people/resident-id";
import type { TXlsxSheet } from "@/lib/xlsx/write-xlsx";
import { exportedByNote } from "./table-response";

// 困难职工台账: the archive's filtered list as a table, in the archive's own order, read in keyset
// pages of 2,000 through the page's own filter and keyset (archiveFilterSql, archiveRows) so a
// province's million files stream through in constant memory. ID numbers are masked unless an
// auditor asked for them in full; both the request and the choice are in the audit trail.

const BATCH = 2000;

const select = {
  id: true, fileNumber: true, status: true, holderName: true, holderResidentId: true, householdSize: true, tier: true, proposedTier: true,
  fileLevel: true, workerCategory: true, mainCause: true, perCapitaMonthlyFen: true, openedAt: true, nextCheckDue: true, updatedAt: true,
  organisationId: true,
} satisfies Prisma.HouseholdFileSelect;

type TArchiveExportRow = Prisma.HouseholdFileGetPayload<{ select: typeof select }> & { residentId: string | null; birthDate: string | null; sex: string | null; organisationName: string | null };

export async function archiveExportSheet(actor: TActor, query: TArchiveQuery, options: { full: boolean }): Promise<TXlsxSheet<TArchiveExportRow>> {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  if (options.full && !hasRole(actor, "AUDITOR")) throw new ForbiddenError("只有审计人员可以导出完整身份号码。");
  const db = await scopedReadDb(actor);
  const where = await archiveFilterSql(actor, query);
  const orgName = query.organisationId ? (await db.organisation.findUnique({ where: { id: query.organisationId }, select: { name: true } }))?.name : undefined;
  await recordAudit(db, actor, {
    action: "archive.export",
    entityType: "household_file",
    organisationId: actor.organisation.id,
    detail: { filters: { ...query }, fullResidentIds: options.full } as Prisma.InputJsonValue,
  });

  // Organisation names from one read of the (few) organisations in scope: a relation select per
  // page would make Prisma send and merge a second query for every 2,000 rows.
  const names = new Map((await db.organisation.findMany({ select: { id: true, name: true } })).map((o) => [o.id, o.name]));

  async function* rows(): AsyncGenerator<TArchiveExportRow> {
    let after: TArchiveKey | undefined;
    for (;;) {
      const keys = await archiveRows(actor, where, { after }, BATCH);
      const ids = keys.rows.map((r) => r.id);
      const byId = new Map((await db.householdFile.findMany({ where: { id: { in: ids } }, select })).map((r) => [r.id, r]));
      for (const id of ids) {
        const row = byId.get(id);
        if (!row) continue;
        const rid = row.holderResidentId;
        // Birth date and sex are part of a valid GB 11643 number (digits 7–14 and 17).
        yield {
          ...row,
          organisationName: names.get(row.organisationId) ?? null,
          residentId: rid ? (options.full ? rid : maskResidentId(rid)) : null,
          birthDate: rid ? `${rid.slice(6, 10)}-${rid.slice(10, 12)}-${rid.slice(12, 14)}` : null,
          sex: rid ? (Number(rid[16]) % 2 === 1 ? SEX_LABELS.MALE : SEX_LABELS.FEMALE) : null,
        };
      }
      if (!keys.more) return;
      const last = keys.rows.at(-1)!;
      after = { updatedAt: last.updated_at, id: last.id };
    }
  }

  return {
    name: "困难职工台账",
    title: `${actor.organisation.name} 困难职工台账`,
    notes: [describeArchiveQuery(query, orgName), `${options.full ? "含完整公民身份号码（审计导出）" : "公民身份号码已脱敏"}　${exportedByNote(actor)}`],
    columns: [
      { header: "档案编号", kind: "text", value: (r) => r.fileNumber, width: 18 },
      { header: "建档职工", kind: "text", value: (r) => r.holderName, width: 10 },
      { header: "公民身份号码", kind: "text", value: (r) => r.residentId, width: 21 },
      { header: "性别", kind: "text", value: (r) => r.sex, width: 6 },
      { header: "出生日期", kind: "date", value: (r) => r.birthDate },
      { header: "建档单位", kind: "text", value: (r) => r.organisationName, width: 24 },
      { header: "状态", kind: "text", value: (r) => FILE_STATUS_LABELS[r.status], width: 8 },
      { header: "困难类别", kind: "text", value: (r) => (r.tier ? TIER_LABELS[r.tier] : r.proposedTier ? `${TIER_LABELS[r.proposedTier]}（申报）` : null) },
      { header: "档案级别", kind: "text", value: (r) => (r.fileLevel ? FILE_LEVEL_LABELS[r.fileLevel] : null), width: 9 },
      { header: "职工类别", kind: "text", value: (r) => (r.workerCategory ? WORKER_CATEGORY_LABELS[r.workerCategory] : null), width: 13 },
      { header: "主要致困原因", kind: "text", value: (r) => (r.mainCause ? CAUSE_LABELS[r.mainCause] : null), width: 12 },
      { header: "家庭人口", kind: "integer", value: (r) => r.householdSize },
      { header: "人均月收入（元）", kind: "yuan", value: (r) => r.perCapitaMonthlyFen },
      { header: "建档时间", kind: "datetime", value: (r) => r.openedAt },
      { header: "下次核查", kind: "date", value: (r) => r.nextCheckDue },
      { header: "更新时间", kind: "datetime", value: (r) => r.updatedAt },
    ],
    rows: rows(),
  };
}
