import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { hasRole } from "@/lib/auth/actor";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import type { TScopedDb } from "@/lib/data/scope";
import { isUuid } from "@/lib/data/ids";
import { CHANGE_KIND_LABELS, EVIDENCE_KIND_LABELS } from "@/lib/filing/labels";
import { AID_TYPE_LABELS } from "@/lib/ledger/labels";
import { formatFen } from "@/lib/money/money";
import { entityTypeLabel } from "./readable";

/** What an audit row was about, as people call it, with a link when the reader may open it. */
export type TAuditSubject = { type: string; name: string; href: string | null; fileId: string | null };

type TRowRef = { entityType: string; entityId: string | null };

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

  const [files, evidence, changes, measures, disbursements, batches, lines, entries, accounts, users, orgs, civilRuns] = await Promise.all([
    db.householdFile.findMany({ where: { id: { in: ids("household_file") } }, select: { id: true, holderName: true, fileNumber: true } }),
    db.evidenceFile.findMany({ where: { id: { in: ids("evidence_file") } }, select: { id: true, kind: true, originalName: true, file: fileSelect } }),
    db.changeRequest.findMany({ where: { id: { in: ids("change_request") } }, select: { id: true, kind: true, file: fileSelect } }),
    db.planMeasure.findMany({ where: { id: { in: ids("plan_measure") } }, select: { id: true, measure: true, file: fileSelect } }),
    db.disbursement.findMany({ where: { id: { in: ids("disbursement") } }, select: { id: true, aidType: true, amountFen: true, file: fileSelect } }),
    db.disbursementBatch.findMany({ where: { id: { in: ids("disbursement_batch") } }, select: { id: true, name: true } }),
    db.batchLine.findMany({ where: { id: { in: ids("batch_line") } }, select: { id: true, batch: { select: { id: true, name: true } }, file: fileSelect } }),
    db.ledgerEntry.findMany({ where: { id: { in: ids("ledger_entry") } }, select: { id: true, aidType: true, amountFen: true, file: fileSelect } }),
    db.bankAccount.findMany({ where: { id: { in: ids("bank_account") } }, select: { id: true, bankName: true, file: fileSelect } }),
    db.user.findMany({ where: { id: { in: ids("user") } }, select: { id: true, name: true, username: true } }),
    db.organisation.findMany({ where: { id: { in: ids("organisation") } }, select: { id: true, name: true } }),
    db.civilRosterRun.findMany({ where: { id: { in: ids("civil_roster_run") } }, select: { id: true, fileName: true } }),
  ]);

  const subjects = new Map<string, TAuditSubject>();
  const put = (type: string, id: string, name: string, href: string | null, fileId: string | null = null) => subjects.set(`${type}:${id}`, { type: entityTypeLabel(type), name, href, fileId });
  for (const f of files) put("household_file", f.id, household(f), fileHref(f.id), f.id);
  for (const e of evidence) put("evidence_file", e.id, `${household(e.file)} · ${EVIDENCE_KIND_LABELS[e.kind]}：${e.originalName}`, fileHref(e.file.id), e.file.id);
  for (const c of changes) put("change_request", c.id, `${household(c.file)} · ${CHANGE_KIND_LABELS[c.kind]}`, fileHref(c.file.id), c.file.id);
  for (const m of measures) put("plan_measure", m.id, `${household(m.file)} · ${m.measure.slice(0, 40)}`, fileHref(m.file.id), m.file.id);
  for (const d of disbursements) {
    put("disbursement", d.id, `${household(d.file)} · ${AID_TYPE_LABELS[d.aidType]} ${formatFen(d.amountFen)}`, may("ledger") ? `/ledger/disbursements/${d.id}` : fileHref(d.file.id), d.file.id);
  }
  for (const b of batches) put("disbursement_batch", b.id, b.name, may("batches") ? `/batches/${b.id}` : null);
  for (const l of lines) put("batch_line", l.id, `${l.batch.name} · ${household(l.file)}`, may("batches") ? `/batches/${l.batch.id}` : fileHref(l.file.id), l.file.id);
  for (const e of entries) put("ledger_entry", e.id, `${household(e.file)} · ${AID_TYPE_LABELS[e.aidType]} ${formatFen(e.amountFen)}`, fileHref(e.file.id), e.file.id);
  for (const a of accounts) put("bank_account", a.id, `${household(a.file)} · ${a.bankName}`, fileHref(a.file.id), a.file.id);
  for (const u of users) put("user", u.id, `${u.name}（${u.username}）`, may("users") ? `/admin/users/${u.id}` : null);
  for (const o of orgs) put("organisation", o.id, o.name, may("organisations") ? `/orgs/${o.id}` : null);
  for (const r of civilRuns) put("civil_roster_run", r.id, `名单 ${r.fileName}`, may("civil") ? `/civil/${r.id}` : null);
  return subjects;
}

/** The subject of one row, or its type alone when the record is gone or out of the reader's scope. */
export function subjectOf(subjects: Map<string, TAuditSubject>, row: TRowRef): TAuditSubject {
  if (row.entityType === "audit_event") return { type: entityTypeLabel(row.entityType), name: "审计日志", href: null, fileId: null };
  // A calendar day is named by its date, which is its id; the row itself may since have been withdrawn.
  if (row.entityType === "calendar_day") return { type: entityTypeLabel(row.entityType), name: row.entityId ?? "", href: null, fileId: null };
  return subjects.get(`${row.entityType}:${row.entityId}`) ?? { type: entityTypeLabel(row.entityType), name: row.entityId ? "（已删除或已不在管辖范围内）" : "", href: null, fileId: null };
}
