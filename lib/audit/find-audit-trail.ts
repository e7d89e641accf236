import "server-only";
import { auditActionLabel } from "@/lib/audit/labels";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { PAGE_SIZE, toPage } from "@/lib/data/pagination";
import type { SignInOutcome } from "@/lib/generated/prisma/enums";

export const SIGN_IN_OUTCOME_LABELS: Record<SignInOutcome, string> = {
  SUCCESS: "登录成功",
  BAD_PASSWORD: "密码错误",
  UNKNOWN_USER: "用户名不存在",
  ACCOUNT_LOCKED: "账户已锁定",
  ACCOUNT_DISABLED: "账户已停用",
  IP_LIMITED: "来源地址受限",
};

type TRange = { from?: Date; to?: Date; page: number };

// Auditors read the trail of their own subtree. Attempts with an unknown username belong to no
// organisation and so appear in no subtree's trail; they still count towards the address limit.

export async function findAuditEvents(actor: TActor, query: TRange & { action?: string }) {
  assertRole(actor, "AUDITOR", "ADMIN");
  const db = scopedDb(actor);
  const where = {
    at: { gte: query.from, lt: query.to },
    ...(query.action ? { action: { startsWith: query.action } } : {}),
  };
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
  const actorIds = [...new Set(rows.map((r) => r.actorId).filter((id): id is string => !!id))];
  const actors = await db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true, username: true } });
  const actorById = new Map(actors.map((a) => [a.id, a]));
  return toPage(
    rows.map((r) => ({ ...r, id: r.id.toString(), actor: r.actorId ? actorById.get(r.actorId) ?? null : null })),
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
  return toPage(rows.map((r) => ({ ...r, id: r.id.toString() })), total, query.page);
}

/**
 * Every matching row of the trail, newest first, in pages of 2,000 (keyset on id), for the
 * auditor's export. The export itself is recorded in the trail.
 */
export type TAuditTrailRow = { at: Date; cells: Array<string | null | undefined> };

export async function* exportAuditTrail(actor: TActor, query: { kind: "events" | "signins"; from?: Date; to?: Date; outcome?: SignInOutcome }): AsyncGenerator<TAuditTrailRow> {
  assertRole(actor, "AUDITOR");
  const db = scopedDb(actor);
  await recordAudit(db, actor, {
    action: `audit.export.${query.kind}`,
    entityType: "audit_event",
    organisationId: actor.organisation.id,
    detail: { from: query.from?.toISOString() ?? null, to: query.to?.toISOString() ?? null, outcome: query.outcome ?? null },
  });
  const at = { gte: query.from, lt: query.to };
  let before: bigint | undefined;
  for (;;) {
    const id = before === undefined ? undefined : { lt: before };
    if (query.kind === "events") {
      const rows = await db.auditEvent.findMany({ where: { at, id }, orderBy: { id: "desc" }, take: 2000, include: { organisation: { select: { name: true } } } });
      if (rows.length === 0) return;
      const actors = await db.user.findMany({ where: { id: { in: [...new Set(rows.flatMap((r) => (r.actorId ? [r.actorId] : [])))] } }, select: { id: true, name: true, username: true } });
      const byId = new Map(actors.map((a) => [a.id, a]));
      for (const r of rows) {
        const who = r.actorId ? byId.get(r.actorId) : undefined;
        yield { at: r.at, cells: [who ? `${who.name}（${who.username}）` : "", auditActionLabel(r.action), r.entityType, r.entityId, r.organisation?.name, r.ip, r.detail ? JSON.stringify(r.detail) : ""] };
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
      for (const r of rows) yield { at: r.at, cells: [r.username, r.user?.name, r.user?.organisation.name, SIGN_IN_OUTCOME_LABELS[r.outcome], r.ip, r.userAgent] };
      before = rows.at(-1)!.id;
    }
  }
}
