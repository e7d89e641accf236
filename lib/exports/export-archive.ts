import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { hasRole } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedReadDb } from "@/lib/data/scope";
import { ForbiddenError } from "@/lib/errors/domain-error";
import { describeArchiveQuery } from "@/lib/filing/archive-params";
import { archiveFilterSql, archiveRows, type TArchiveKey, type TArchiveQuery, type TArchiveRow } from "@/lib/filing/find-files";
import { CAUSE_LABELS, FILE_LEVEL_LABELS, FILE_STATUS_LABELS, TIER_LABELS, WORKER_CATEGORY_LABELS } from "@/lib/labels/household-file";
import { SEX_LABELS } from "@/lib/filing/labels";
import type { Prisma } from "@/lib/generated/prisma/client";
import { maskResidentId } from "@/lib/people/resident-id";
import type { TXlsxSheet } from "@/lib/xlsx/write-xlsx";
import { exportedByNote } from "./table-response";

// 困难职工台账: the archive's filtered list as a table, in the archive's own order, read in keyset
// pages of 2,000 through the page's own filter and keyset (archiveFilterSql, archiveRows) so a
// province's million files stream through in constant memory. ID numbers are masked unless an
// auditor asked for them in full; both the request and the choice are in the audit trail.

const BATCH = 2000;

type TArchiveExportRow = TArchiveRow & { residentId: string | null; birthDate: string | null; sex: string | null };

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

  // Each page is the archive page's own read (archiveRows: keys from the index, then the page's
  // rows with their organisation's name), one query per 2,000 rows.
  async function* rows(): AsyncGenerator<TArchiveExportRow> {
    let after: TArchiveKey | undefined;
    for (;;) {
      const page = await archiveRows(actor, where, { after }, BATCH);
      for (const row of page.rows) {
        const rid = row.holder_resident_id;
        // Birth date and sex are part of a valid GB 11643 number (digits 7–14 and 17).
        yield {
          ...row,
          residentId: rid ? (options.full ? rid : maskResidentId(rid)) : null,
          birthDate: rid ? `${rid.slice(6, 10)}-${rid.slice(10, 12)}-${rid.slice(12, 14)}` : null,
          sex: rid ? (Number(rid[16]) % 2 === 1 ? SEX_LABELS.MALE : SEX_LABELS.FEMALE) : null,
        };
      }
      if (!page.more) return;
      const last = page.rows.at(-1)!;
      after = { updatedAt: last.updated_at, id: last.id };
    }
  }

  return {
    name: "困难职工台账",
    title: `${actor.organisation.name} 困难职工台账`,
    notes: [describeArchiveQuery(query, orgName), `${options.full ? "含完整公民身份号码（审计导出）" : "公民身份号码已脱敏"}　${exportedByNote(actor)}`],
    columns: [
      { header: "档案编号", kind: "text", value: (r) => r.file_number, width: 18 },
      { header: "建档职工", kind: "text", value: (r) => r.holder_name, width: 10 },
      { header: "公民身份号码", kind: "text", value: (r) => r.residentId, width: 21 },
      { header: "性别", kind: "text", value: (r) => r.sex, width: 6 },
      { header: "出生日期", kind: "date", value: (r) => r.birthDate },
      { header: "建档单位", kind: "text", value: (r) => r.organisation_name, width: 24 },
      { header: "状态", kind: "text", value: (r) => FILE_STATUS_LABELS[r.status], width: 8 },
      { header: "困难类别", kind: "text", value: (r) => (r.tier ? TIER_LABELS[r.tier] : r.proposed_tier ? `${TIER_LABELS[r.proposed_tier]}（申报）` : null) },
      { header: "档案级别", kind: "text", value: (r) => (r.file_level ? FILE_LEVEL_LABELS[r.file_level] : null), width: 9 },
      { header: "职工类别", kind: "text", value: (r) => (r.worker_category ? WORKER_CATEGORY_LABELS[r.worker_category] : null), width: 13 },
      { header: "主要致困原因", kind: "text", value: (r) => (r.main_cause ? CAUSE_LABELS[r.main_cause] : null), width: 12 },
      { header: "家庭人口", kind: "integer", value: (r) => r.household_size },
      { header: "人均月收入（元）", kind: "yuan", value: (r) => r.per_capita_monthly_fen },
      { header: "建档时间", kind: "datetime", value: (r) => r.opened_at },
      { header: "下次核查", kind: "date", value: (r) => r.next_check_due },
      { header: "更新时间", kind: "datetime", value: (r) => r.updated_at },
    ],
    rows: rows(),
  };
}
