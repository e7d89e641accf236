import "server-only";
import { auditActionLabel } from "@/lib/audit/labels";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb, scopedReadDb, type TScopedDb } from "@/lib/data/scope";
import { isUuid } from "@/lib/data/ids";
import type { Prisma } from "@/lib/generated/prisma/client";
import { describeAuditSubjects, subjectOf } from "./describe-subjects";
import { auditActorText, nameAuditActors } from "./name-audit-actors";
import { ACTION_GROUP_LABELS, displayIp, formatAuditDetail } from "./readable";
import { PAGE_SIZE, toPage } from "@/lib/data/pagination";
import type { SignInOutcome } from "@/lib/generated/prisma/enums";

export const SIGN_IN_OUTCOME_LABELS: Record<SignInOutcome, string> = {
  SUCCESS: "登录成功",
  BAD_PASSWORD: "密码错误",
  UNKNOWN_USER: "用户名不存在",
  // Since issue 22 §5 nothing locks: these are attempts refused unchecked because the name, or the
  // address, had to wait after repeated failures (lib/auth/sign-in.ts). The browser was told only 用户名或密码错误.
  ACCOUNT_LOCKED: "失败过多须等待（未核对密码）",
  ACCOUNT_DISABLED: "账户已停用",
  IP_LIMITED: "来源地址失败过多须等待",
};

/** Who acted on a row without a user: the worker at the public door, or the system's daily jobs. */
function withoutUser(action: string): string {
  return action.startsWith("public.") ? "职工本人（线上查询）" : "系统（定时任务）";
}

type TRange = { from?: Date; to?: Date; page: number };

/** The operation-log filters: who, which kind of action, about what (a file's whole history), where, when. */
export type TAuditEventFilter = {
  from?: Date;
  to?: Date;
  actorId?: string;
  /** An ACTION_GROUP_LABELS key: the action code's first part. */
  group?: string;
  /** A household file: its own rows and those of its documents, requests, measures, payments and accounts. */
  fileId?: string;
  /** An organisation in scope, with the unions below it. */
  organisationId?: string;
};

async function auditEventWhere(db: TScopedDb, query: TAuditEventFilter): Promise<Prisma.AuditEventWhereInput> {
  const and: Prisma.AuditEventWhereInput[] = [{ at: { gte: query.from, lt: query.to } }];
  if (query.actorId && isUuid(query.actorId)) and.push({ actorId: query.actorId });
  if (query.group && query.group in ACTION_GROUP_LABELS) and.push({ action: { startsWith: `${query.group}.` } });
  if (query.organisationId && isUuid(query.organisationId)) {
    const org = await db.organisation.findUnique({ where: { id: query.organisationId }, select: { path: true } });
    // An organisation outside the scope matches nothing rather than being ignored.
    and.push(org ? { organisation: { path: { startsWith: org.path } } } : { id: -1n });
  }
  if (query.fileId && isUuid(query.fileId)) and.push({ OR: await fileHistoryWhere(db, query.fileId) });
  return { AND: and };
}

/** The rows about a file and about every record that belongs to it. */
async function fileHistoryWhere(db: TScopedDb, fileId: string): Promise<Prisma.AuditEventWhereInput[]> {
  const where = { fileId };
  const select = { id: true } as const;
  const [evidence, changes, measures, disbursements, lines, entries, accounts] = await Promise.all([
    db.evidenceFile.findMany({ where, select }),
    db.changeRequest.findMany({ where, select }),
    db.planMeasure.findMany({ where, select }),
    db.disbursement.findMany({ where, select }),
    db.batchLine.findMany({ where, select }),
    db.ledgerEntry.findMany({ where, select }),
    db.bankAccount.findMany({ where, select }),
  ]);
  const of = (entityType: string, rows: Array<{ id: string }>): Prisma.AuditEventWhereInput[] =>
    rows.length ? [{ entityType, entityId: { in: rows.map((r) => r.id) } }] : [];
  return [
    { entityType: "household_file", entityId: fileId },
    // Rows that name the file in their detail (e.g. a bank-account reveal).
    { detail: { path: ["fileId"], equals: fileId } },
    ...of("evidence_file", evidence),
    ...of("change_request", changes),
    ...of("plan_measure", measures),
    ...of("disbursement", disbursements),
    ...of("batch_line", lines),
    ...of("ledger_entry", entries),
    ...of("bank_account", accounts),
  ];
}

/** The people who may appear in the trail of the reader's scope, for the person filter. */
export async function listAuditPeople(actor: TActor) {
  assertRole(actor, "AUDITOR", "ADMIN");
  return scopedDb(actor).user.findMany({ orderBy: [{ name: "asc" }], select: { id: true, name: true, username: true }, take: 500 });
}

/** The name of the file a history filter is about, for the page heading. */
export async function auditFileName(actor: TActor, fileId: string | undefined): Promise<string | null> {
  if (!fileId || !isUuid(fileId)) return null;
  const file = await scopedDb(actor).householdFile.findUnique({ where: { id: fileId }, select: { holderName: true, fileNumber: true } });
  return file ? `${file.holderName ?? "未填姓名"}家庭${file.fileNumber ? `（${file.fileNumber}）` : ""}` : null;
}

// Auditors read the trail of their own subtree. Attempts with an unknown username belong to no
// organisation and so appear in no subtree's trail; they still count towards the address limit.

export async function findAuditEvents(actor: TActor, query: TAuditEventFilter & { page: number }) {
  assertRole(actor, "AUDITOR", "ADMIN");
  const db = scopedDb(actor);
  const where = await auditEventWhere(db, query);
  const [rows, total] = await Promise.all([
    db.auditEvent.findMany({
      where,
      orderBy: { id: "desc" },
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      include: { organisation: { select: { name: true } } },
    }),
    db.auditEvent.count({ where }),
  ]);
  const actorById = await nameAuditActors(rows.map((r) => r.actorId));
  const subjects = await describeAuditSubjects(actor, db, rows);
  return toPage(
    rows.map((r) => ({
      // action, entityType and entityId stay as recorded (codes, for filters and tests); the page shows actionLabel and subject.
      id: r.id.toString(),
      at: r.at,
      action: r.action,
      actionLabel: auditActionLabel(r.action),
      entityType: r.entityType,
      entityId: r.entityId,
      organisation: r.organisation,
      ip: displayIp(r.ip),
      actor: r.actorId ? (actorById.get(r.actorId) ?? null) : null,
      actorNote: withoutUser(r.action),
      subject: subjectOf(subjects, r),
      detail: formatAuditDetail(r.detail),
    })),
    total,
    query.page,
  );
}

export async function findSignInAttempts(actor: TActor, query: TRange & { outcome?: SignInOutcome }) {
  assertRole(actor, "AUDITOR", "ADMIN");
  const db = scopedDb(actor);
  const where = { at: { gte: query.from, lt: query.to }, ...(query.outcome ? { outcome: query.outcome } : {}) };
  const [rows, total] = await Promise.all([
    db.signInAttempt.findMany({
      where,
      orderBy: { id: "desc" },
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      include: { user: { select: { name: true, organisation: { select: { name: true } } } } },
    }),
    db.signInAttempt.count({ where }),
  ]);
  return toPage(
    rows.map((r) => ({ ...r, id: r.id.toString(), ip: displayIp(r.ip) })),
    total,
    query.page,
  );
}

/** How many rows exportAuditTrail writes for the query. */
export async function countAuditTrail(actor: TActor, query: TAuditEventFilter & { kind: "events" | "signins"; outcome?: SignInOutcome }): Promise<number> {
  assertRole(actor, "AUDITOR");
  const db = await scopedReadDb(actor);
  if (query.kind === "events") return db.auditEvent.count({ where: await auditEventWhere(db, query) });
  return db.signInAttempt.count({ where: { at: { gte: query.from, lt: query.to }, ...(query.outcome ? { outcome: query.outcome } : {}) } });
}

/**
 * Every matching row of the trail, newest first, in pages of 2,000 (keyset on id), for the
 * auditor's export. The export itself is recorded in the trail.
 */
export type TAuditTrailRow = { at: Date; cells: Array<string | null | undefined> };

export async function* exportAuditTrail(
  actor: TActor,
  query: TAuditEventFilter & { kind: "events" | "signins"; outcome?: SignInOutcome },
): AsyncGenerator<TAuditTrailRow> {
  assertRole(actor, "AUDITOR");
  const db = await scopedReadDb(actor);
  await recordAudit(db, actor, {
    action: `audit.export.${query.kind}`,
    entityType: "audit_event",
    organisationId: actor.organisation.id,
    detail: { from: query.from?.toISOString() ?? null, to: query.to?.toISOString() ?? null, outcome: query.outcome ?? null },
  });
  const at = { gte: query.from, lt: query.to };
  const eventWhere = query.kind === "events" ? await auditEventWhere(db, query) : {};
  let before: bigint | undefined;
  for (;;) {
    const id = before === undefined ? undefined : { lt: before };
    if (query.kind === "events") {
      const rows = await db.auditEvent.findMany({
        where: { AND: [eventWhere, { id }] },
        orderBy: { id: "desc" },
        take: 2000,
        include: { organisation: { select: { name: true } } },
      });
      if (rows.length === 0) return;
      const byId = await nameAuditActors(rows.map((r) => r.actorId));
      const subjects = await describeAuditSubjects(actor, db, rows);
      for (const r of rows) {
        const who = r.actorId ? byId.get(r.actorId) : undefined;
        const subject = subjectOf(subjects, r);
        yield {
          at: r.at,
          cells: [
            who ? auditActorText(who) : withoutUser(r.action),
            auditActionLabel(r.action),
            subject.type,
            subject.name,
            r.organisation?.name,
            displayIp(r.ip),
            formatAuditDetail(r.detail),
          ],
        };
      }
      before = rows.at(-1)!.id;
    } else {
      const rows = await db.signInAttempt.findMany({
        where: { at, id, ...(query.outcome ? { outcome: query.outcome } : {}) },
        orderBy: { id: "desc" },
        take: 2000,
        include: { user: { select: { name: true, organisation: { select: { name: true } } } } },
      });
      if (rows.length === 0) return;
      for (const r of rows)
        yield { at: r.at, cells: [r.username, r.user?.name, r.user?.organisation.name, SIGN_IN_OUTCOME_LABELS[r.outcome], displayIp(r.ip), r.userAgent] };
      before = rows.at(-1)!.id;
    }
  }
}
