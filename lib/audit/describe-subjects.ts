import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { hasRole } from "@/lib/auth/actor";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import type { TScopedDb } from "@/lib/data/scope";
import { isUuid } from "@/lib/data/ids";
import { CHANGE_KIND_LABELS, EVIDENCE_KIND_LABELS } from "@/lib/filing/labels";
import { AID_TYPE_LABELS } from "@/lib/ledger/labels";
import { formatFen } from "@/lib/money/money";
import { ALLOCATION_KIND_LABELS } from "@/lib/allocations/labels";
import { WORK_ITEM_LABELS } from "@/lib/calendar/labels";
import { EXPORT_KIND_LABELS } from "@/lib/exports/labels";
import { SIGNAL_KIND_LABELS } from "@/lib/signals/labels";
import { REFERRAL_DEPARTMENT_LABELS, WARNING_RULE_LABELS } from "@/lib/warnings/labels";
import { entityTypeLabel } from "./readable";

/** What an audit row was about, as people call it, with a link when the reader may open it. */
export type TAuditSubject = { type: string; name: string; href: string | null; fileId: string | null };

type TRowRef = { entityType: string; entityId: string | null };

/** A type's query runs only when the page has rows of that type: most pages name three or four types of ~30. */
const some = <T>(list: string[], read: (list: string[]) => Promise<T[]>): Promise<T[]> => (list.length > 0 ? read(list) : Promise.resolve([]));

const household = (f: { holderName: string | null; fileNumber: string | null } | null | undefined) =>
  f ? `${f.holderName ?? "未填姓名"}家庭${f.fileNumber ? `（${f.fileNumber}）` : "（草稿）"}` : "";

/**
 * Names the objects of a page of audit rows in one query per object type, read through the
 * reader's scope: a record that has since left it (a transferred file) or was deleted (a draft) is
 * named by its type only. Links go only to sections the reader's roles can open.
 */
export async function describeAuditSubjects(actor: TActor, db: TScopedDb, rows: TRowRef[]): Promise<Map<string, TAuditSubject>> {
  const ids = (type: string) => [...new Set(rows.filter((r) => r.entityType === type && r.entityId && isUuid(r.entityId)).map((r) => r.entityId!))];
  const may = (section: keyof typeof SECTION_ROLES) => hasRole(actor, ...SECTION_ROLES[section]);
  const fileHref = (id: string) => (may("archive") ? `/files/${id}` : null);
  const fileSelect = { select: { id: true, holderName: true, fileNumber: true } } as const;

  const [files, evidence, changes, measures, disbursements, batches, lines, entries, accounts, users, orgs, civilRuns, later] = await Promise.all([
    some(ids("household_file"), (list) => db.householdFile.findMany({ where: { id: { in: list } }, select: { id: true, holderName: true, fileNumber: true } })),
    some(ids("evidence_file"), (list) =>
      db.evidenceFile.findMany({ where: { id: { in: list } }, select: { id: true, kind: true, originalName: true, file: fileSelect } }),
    ),
    some(ids("change_request"), (list) => db.changeRequest.findMany({ where: { id: { in: list } }, select: { id: true, kind: true, file: fileSelect } })),
    some(ids("plan_measure"), (list) => db.planMeasure.findMany({ where: { id: { in: list } }, select: { id: true, measure: true, file: fileSelect } })),
    some(ids("disbursement"), (list) =>
      db.disbursement.findMany({ where: { id: { in: list } }, select: { id: true, aidType: true, amountFen: true, file: fileSelect } }),
    ),
    some(ids("disbursement_batch"), (list) => db.disbursementBatch.findMany({ where: { id: { in: list } }, select: { id: true, name: true } })),
    some(ids("batch_line"), (list) =>
      db.batchLine.findMany({ where: { id: { in: list } }, select: { id: true, batch: { select: { id: true, name: true } }, file: fileSelect } }),
    ),
    some(ids("ledger_entry"), (list) =>
      db.ledgerEntry.findMany({ where: { id: { in: list } }, select: { id: true, aidType: true, amountFen: true, file: fileSelect } }),
    ),
    some(ids("bank_account"), (list) => db.bankAccount.findMany({ where: { id: { in: list } }, select: { id: true, bankName: true, file: fileSelect } })),
    some(ids("user"), (list) => db.user.findMany({ where: { id: { in: list } }, select: { id: true, name: true, username: true } })),
    some(ids("organisation"), (list) => db.organisation.findMany({ where: { id: { in: list } }, select: { id: true, name: true } })),
    some(ids("civil_roster_run"), (list) => db.civilRosterRun.findMany({ where: { id: { in: list } }, select: { id: true, fileName: true } })),
    describeLaterSubjects(db, ids),
  ]);

  const subjects = new Map<string, TAuditSubject>();
  const put = (type: string, id: string, name: string, href: string | null, fileId: string | null = null) =>
    subjects.set(`${type}:${id}`, { type: entityTypeLabel(type), name, href, fileId });
  for (const f of files) put("household_file", f.id, household(f), fileHref(f.id), f.id);
  for (const e of evidence)
    put("evidence_file", e.id, `${household(e.file)} · ${EVIDENCE_KIND_LABELS[e.kind]}：${e.originalName}`, fileHref(e.file.id), e.file.id);
  for (const c of changes) put("change_request", c.id, `${household(c.file)} · ${CHANGE_KIND_LABELS[c.kind]}`, fileHref(c.file.id), c.file.id);
  for (const m of measures) put("plan_measure", m.id, `${household(m.file)} · ${m.measure.slice(0, 40)}`, fileHref(m.file.id), m.file.id);
  for (const d of disbursements) {
    put(
      "disbursement",
      d.id,
      `${household(d.file)} · ${AID_TYPE_LABELS[d.aidType]} ${formatFen(d.amountFen)}`,
      may("ledger") ? `/ledger/disbursements/${d.id}` : fileHref(d.file.id),
      d.file.id,
    );
  }
  for (const b of batches) put("disbursement_batch", b.id, b.name, may("batches") ? `/batches/${b.id}` : null);
  for (const l of lines)
    put("batch_line", l.id, `${l.batch.name} · ${household(l.file)}`, may("batches") ? `/batches/${l.batch.id}` : fileHref(l.file.id), l.file.id);
  for (const e of entries)
    put("ledger_entry", e.id, `${household(e.file)} · ${AID_TYPE_LABELS[e.aidType]} ${formatFen(e.amountFen)}`, fileHref(e.file.id), e.file.id);
  for (const a of accounts) put("bank_account", a.id, `${household(a.file)} · ${a.bankName}`, fileHref(a.file.id), a.file.id);
  for (const u of users) put("user", u.id, `${u.name}（${u.username}）`, may("users") ? `/admin/users/${u.id}` : null);
  for (const o of orgs) put("organisation", o.id, o.name, may("organisations") ? `/orgs/${o.id}` : null);
  for (const r of civilRuns) put("civil_roster_run", r.id, `名单 ${r.fileName}`, may("civil") ? `/civil/${r.id}` : null);
  for (const s of later) put(s.type, s.id, s.name, s.fileId ? fileHref(s.fileId) : s.batchId && may("batches") ? `/batches/${s.batchId}` : null, s.fileId);
  return subjects;
}

type TLaterSubject = { type: string; id: string; name: string; fileId: string | null; batchId?: string };

/**
 * The objects of the actions added by issues 21–25 (warnings, referrals, call-backs, receipts, payment runs,
 * allocations, imports, spot checks, signals, work items, bank layouts, exports), named the way
 * their own pages name them: the household, the batch or the union they are about.
 */
async function describeLaterSubjects(db: TScopedDb, ids: (type: string) => string[]): Promise<TLaterSubject[]> {
  const fileSelect = { select: { id: true, holderName: true, fileNumber: true } } as const;
  const [warnings, referrals, calls, samples, scans, allocations, imports, checks, records, signals, items, layouts, exports, runs, applications] =
    await Promise.all([
      some(ids("hardship_warning"), (list) => db.hardshipWarning.findMany({ where: { id: { in: list } }, select: { id: true, rule: true, file: fileSelect } })),
      some(ids("referral"), (list) =>
        db.referral.findMany({ where: { id: { in: list } }, select: { id: true, department: true, item: true, file: fileSelect } }),
      ),
      some(ids("callback_call"), (list) =>
        db.callbackCall.findMany({ where: { id: { in: list } }, select: { id: true, batch: { select: { name: true } }, file: fileSelect } }),
      ),
      some(ids("callback_sample"), (list) =>
        db.callbackSample.findMany({
          where: { id: { in: list } },
          select: { id: true, sampled: true, batch: { select: { id: true, name: true } } },
        }),
      ),
      some(ids("batch_receipt_scan"), (list) =>
        db.batchReceiptScan.findMany({
          where: { id: { in: list } },
          select: { id: true, originalName: true, batch: { select: { id: true, name: true } } },
        }),
      ),
      some(ids("allocation"), (list) =>
        db.allocation.findMany({
          where: { id: { in: list } },
          select: { id: true, kind: true, amountFen: true, organisation: { select: { name: true } }, recipient: { select: { name: true } } },
        }),
      ),
      some(ids("household_import"), (list) =>
        db.householdImport.findMany({ where: { id: { in: list } }, select: { id: true, fileName: true, batchNumber: true } }),
      ),
      some(ids("spot_check"), (list) =>
        db.spotCheck.findMany({ where: { id: { in: list } }, select: { id: true, year: true, organisation: { select: { name: true } } } }),
      ),
      some(ids("spot_check_record"), (list) =>
        db.spotCheckRecord.findMany({
          where: { id: { in: list } },
          select: { id: true, spotCheck: { select: { year: true } }, file: fileSelect },
        }),
      ),
      some(ids("suspect_signal"), (list) =>
        db.suspectSignal.findMany({
          where: { id: { in: list } },
          select: { id: true, kind: true, files: { select: { file: fileSelect }, take: 3 } },
        }),
      ),
      some(ids("work_item"), (list) => db.workItem.findMany({ where: { id: { in: list } }, select: { id: true, kind: true, file: fileSelect } })),
      // Bank layouts belong to no union (one list for the whole system).
      some(ids("bank_layout"), (list) => db.bankLayout.findMany({ where: { id: { in: list } }, select: { id: true, name: true } })),
      some(ids("export_job"), (list) => db.exportJob.findMany({ where: { id: { in: list } }, select: { id: true, kind: true } })),
      some(ids("payment_run"), (list) => db.paymentRun.findMany({ where: { id: { in: list } }, select: { id: true, name: true } })),
      some(ids("online_application"), (list) =>
        db.onlineApplication.findMany({ where: { id: { in: list } }, select: { id: true, number: true, holderName: true, fileId: true } }),
      ),
    ]);
  const onFile = (type: string, id: string, file: { id: string; holderName: string | null; fileNumber: string | null }, what: string): TLaterSubject => ({
    type,
    id,
    name: `${household(file)} · ${what}`,
    fileId: file.id,
  });
  return [
    ...warnings.map((w) => onFile("hardship_warning", w.id, w.file, WARNING_RULE_LABELS[w.rule])),
    ...referrals.map((r) => onFile("referral", r.id, r.file, `${REFERRAL_DEPARTMENT_LABELS[r.department]}：${r.item.slice(0, 30)}`)),
    ...calls.map((c) => onFile("callback_call", c.id, c.file, `${c.batch.name} 回访`)),
    ...samples.map((s) => ({ type: "callback_sample", id: s.id, name: `${s.batch.name} · 抽取 ${s.sampled} 户回访`, fileId: null, batchId: s.batch.id })),
    ...scans.map((s) => ({ type: "batch_receipt_scan", id: s.id, name: `${s.batch.name} · ${s.originalName}`, fileId: null, batchId: s.batch.id })),
    ...allocations.map((a) => ({
      type: "allocation",
      id: a.id,
      name: `${a.organisation.name}${a.recipient ? ` → ${a.recipient.name}` : ""} · ${ALLOCATION_KIND_LABELS[a.kind]} ${formatFen(Number(a.amountFen))}`,
      fileId: null,
    })),
    ...imports.map((i) => ({ type: "household_import", id: i.id, name: `第 ${i.batchNumber} 批：${i.fileName}`, fileId: null })),
    ...checks.map((c) => ({ type: "spot_check", id: c.id, name: `${c.organisation.name} ${c.year} 年度抽查`, fileId: null })),
    ...records.map((r) => onFile("spot_check_record", r.id, r.file, `${r.spotCheck.year} 年度抽查`)),
    ...signals.map((s) => ({
      type: "suspect_signal",
      id: s.id,
      name: `${SIGNAL_KIND_LABELS[s.kind]}：${s.files.map((f) => household(f.file)).join("、")}`,
      fileId: null,
    })),
    ...items.map((w) => onFile("work_item", w.id, w.file, WORK_ITEM_LABELS[w.kind])),
    ...layouts.map((l) => ({ type: "bank_layout", id: l.id, name: l.name, fileId: null })),
    ...exports.map((e) => ({ type: "export_job", id: e.id, name: EXPORT_KIND_LABELS[e.kind], fileId: null })),
    ...runs.map((r) => ({ type: "payment_run", id: r.id, name: r.name, fileId: null })),
    ...applications.map((a) => ({ type: "online_application", id: a.id, name: `网上申请 ${a.number} · ${a.holderName}`, fileId: a.fileId })),
  ];
}

/** The subject of one row, or its type alone when the record is gone or out of the reader's scope. */
export function subjectOf(subjects: Map<string, TAuditSubject>, row: TRowRef): TAuditSubject {
  if (row.entityType === "audit_event") return { type: entityTypeLabel(row.entityType), name: "审计日志", href: null, fileId: null };
  // A calendar day is named by its date, which is its id; the row itself may since have been withdrawn.
  // A report, a job run: what was downloaded or run is in the action and its detail.
  if (row.entityType === "report") return { type: entityTypeLabel(row.entityType), name: "统计与汇总表", href: null, fileId: null };
  if (row.entityType === "job_run") return { type: entityTypeLabel(row.entityType), name: "每日档案日历", href: null, fileId: null };
  if (row.entityType === "calendar_day") return { type: entityTypeLabel(row.entityType), name: row.entityId ?? "", href: null, fileId: null };
  return (
    subjects.get(`${row.entityType}:${row.entityId}`) ?? {
      type: entityTypeLabel(row.entityType),
      name: row.entityId ? "（已删除或已不在管辖范围内）" : "",
      href: null,
      fileId: null,
    }
  );
}
