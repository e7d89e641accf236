import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { hasRole } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { ForbiddenError, NotFoundError } from "@/lib/errors/domain-error";
import { FILE_STATUS_LABELS, TIER_LABELS } from "@/lib/labels/household-file";
import { formatDateTime, todayInShanghai } from "@/lib/format/datetime";
import type { FileStatus, Tier } from "@/lib/generated/prisma/enums";
import { maskResidentId } from "@/lib/people/resident-id";
import type { TXlsxSheet } from "@/lib/xlsx/write-xlsx";
import { exportedByNote, exportFormatOf, tableResponse } from "@/lib/exports/table-response";
import { CIVIL_READERS, type TRosterDetail } from "./find-runs";
import { CIVIL_REASON_LABELS, CIVIL_STATUS_LABELS } from "./roster-columns";

// A run's results as a table (.xlsx through the shared writer, or CSV), read in keyset pages of
// 2,000. ID numbers masked unless an auditor asked for them in full; the export is audited.

const BATCH = 2000;

type TRow = {
  fileNumber: string | null;
  holderName: string | null;
  fileStatus: string | null;
  tier: string | null;
  residentId: string;
  name: string;
  reason: string;
  rosterIncomeFen: number | null;
  rosterSize: number | null;
  rosterPerCapitaFen: number | null;
  fileSize: number | null;
  threshold: number | null;
  onDibao: string;
  status: string;
  handledBy: string | null;
  handledAt: Date | null;
  note: string | null;
};

export async function runResultsSheet(actor: TActor, runId: string, options: { full: boolean }): Promise<TXlsxSheet<TRow>> {
  assertRole(actor, ...CIVIL_READERS);
  if (options.full && !hasRole(actor, "AUDITOR")) throw new ForbiddenError("只有审计人员可以导出完整身份号码。");
  const db = scopedDb(actor);
  const run = await db.civilRosterRun.findUnique({ where: { id: runId }, select: { id: true, fileName: true, createdAt: true, organisationId: true } });
  if (!run) throw new NotFoundError("比对记录不存在，或不在您的管辖范围内。");
  await recordAudit(db, actor, {
    action: "civil.export",
    entityType: "civil_roster_run",
    entityId: run.id,
    organisationId: actor.organisation.id,
    detail: { fullResidentIds: options.full },
  });

  async function* rows(): AsyncGenerator<TRow> {
    let after: string | undefined;
    for (;;) {
      const page = await db.civilComparisonResult.findMany({
        where: { runId, ...(after ? { id: { gt: after } } : {}) },
        orderBy: { id: "asc" },
        take: BATCH,
        select: {
          id: true,
          residentId: true,
          reason: true,
          detail: true,
          status: true,
          handledAt: true,
          note: true,
          handledBy: { select: { name: true } },
          file: { select: { fileNumber: true, holderName: true, status: true, tier: true } },
        },
      });
      for (const r of page) {
        const detail = r.detail as unknown as TRosterDetail;
        const tier = r.file?.tier ?? null;
        yield {
          fileNumber: r.file?.fileNumber ?? null,
          holderName: r.file?.holderName ?? null,
          fileStatus: r.file ? FILE_STATUS_LABELS[r.file.status as FileStatus] : "未建档",
          tier: tier ? TIER_LABELS[tier as Tier] : null,
          residentId: options.full ? r.residentId : maskResidentId(r.residentId),
          name: detail.roster.name,
          reason: CIVIL_REASON_LABELS[r.reason],
          rosterIncomeFen: detail.roster.householdIncomeFen,
          rosterSize: detail.roster.householdSize,
          rosterPerCapitaFen: detail.roster.perCapitaMonthlyFen,
          fileSize: detail.file?.householdSize ?? null,
          threshold: tier === "DEEP" ? detail.thresholds.deep : detail.thresholds.relative,
          onDibao: detail.roster.onDibao ? "是" : "否",
          status: CIVIL_STATUS_LABELS[r.status],
          handledBy: r.handledBy?.name ?? null,
          handledAt: r.handledAt,
          note: r.note,
        };
      }
      if (page.length < BATCH) return;
      after = page[page.length - 1]!.id;
    }
  }

  return {
    name: "比对结果",
    title: `${actor.organisation.name} 民政比对结果`,
    notes: [
      `名单 ${run.fileName}（${formatDateTime(run.createdAt)} 上传）`,
      `${options.full ? "含完整公民身份号码（审计导出）" : "公民身份号码已脱敏"}　${exportedByNote(actor)}`,
    ],
    columns: [
      { header: "档案编号", kind: "text", value: (r) => r.fileNumber, width: 20 },
      { header: "建档职工", kind: "text", value: (r) => r.holderName, width: 10 },
      { header: "档案状态", kind: "text", value: (r) => r.fileStatus, width: 10 },
      { header: "困难类别", kind: "text", value: (r) => r.tier, width: 10 },
      { header: "姓名（名单）", kind: "text", value: (r) => r.name, width: 10 },
      { header: "公民身份号码", kind: "text", value: (r) => r.residentId, width: 22 },
      { header: "不符原因", kind: "text", value: (r) => r.reason, width: 30 },
      { header: "享受低保", kind: "text", value: (r) => r.onDibao, width: 8 },
      { header: "家庭年收入（名单）", kind: "yuan", value: (r) => r.rosterIncomeFen },
      { header: "家庭人口（名单）", kind: "integer", value: (r) => r.rosterSize },
      { header: "家庭人口（档案）", kind: "integer", value: (r) => r.fileSize },
      { header: "人均月收入（名单）", kind: "yuan", value: (r) => r.rosterPerCapitaFen },
      { header: "所在类别标准（元/人·月）", kind: "yuan", value: (r) => r.threshold },
      { header: "处理状态", kind: "text", value: (r) => r.status, width: 14 },
      { header: "处理人", kind: "text", value: (r) => r.handledBy, width: 10 },
      { header: "处理时间", kind: "datetime", value: (r) => r.handledAt },
      { header: "说明", kind: "text", value: (r) => r.note, width: 30 },
    ],
    rows: rows(),
  };
}

/** The download of a run's results (.xlsx, or CSV with format=csv); full=1 only for an auditor. */
export async function exportRunResultsResponse(actor: TActor, runId: string, params: URLSearchParams): Promise<Response> {
  const full = params.get("full") === "1";
  const sheet = await runResultsSheet(actor, runId, { full });
  return tableResponse(actor, exportFormatOf(params), `民政比对结果-${todayInShanghai()}`, sheet, {
    what: "civil-results",
    entityType: "civil_roster_run",
    entityId: runId,
    detail: { fullResidentIds: full },
  });
}
