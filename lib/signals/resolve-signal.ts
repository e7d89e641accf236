import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { PAGE_SIZE, toPage } from "@/lib/data/pagination";
import { scopedDb } from "@/lib/data/scope";
import { ConflictError, NotFoundError } from "@/lib/errors/domain-error";
import type { SignalKind, SignalStatus } from "@/lib/generated/prisma/enums";
import { SIGNAL_READERS, SIGNAL_STATUS_LABELS } from "./labels";
import type { TResolveSignalInput } from "./schemas";

/** 合理 or 已纠正 (with what was done), once, by an auditor or official; audited. */
export async function resolveSignal(actor: TActor, input: TResolveSignalInput) {
  assertRole(actor, ...SIGNAL_READERS);
  const db = scopedDb(actor);
  return db.$transaction(async (tx) => {
    const signal = await tx.suspectSignal.findUnique({
      where: { id: input.signalId },
      select: { id: true, status: true, version: true, files: { select: { file: { select: { organisationId: true } } }, take: 1 } },
    });
    if (!signal) throw new NotFoundError("线索不存在，或不在您的管辖范围内。");
    const { count } = await tx.suspectSignal.updateMany({
      where: { id: signal.id, status: "OPEN", version: input.expectedVersion },
      data: { status: input.status, note: input.note, resolvedById: actor.userId, resolvedAt: new Date(), version: { increment: 1 } },
    });
    if (count !== 1) throw new ConflictError(`该线索已被他人核查（${SIGNAL_STATUS_LABELS[signal.status]}），请刷新页面查看。`);
    await recordAudit(tx, actor, {
      action: "signal.resolve",
      entityType: "suspect_signal",
      entityId: signal.id,
      organisationId: signal.files[0]?.file.organisationId ?? actor.organisation.id,
      detail: { status: input.status, note: input.note },
    });
  });
}

/** The signals naming a file in scope, newest first; each with its rows (files in scope shown, others only counted). */
export async function findSignals(actor: TActor, query: { status?: SignalStatus; kind?: SignalKind }, page: number) {
  assertRole(actor, ...SIGNAL_READERS);
  const db = scopedDb(actor);
  const where = { ...(query.status ? { status: query.status } : {}), ...(query.kind ? { kind: query.kind } : {}) };
  const [total, rows] = await Promise.all([
    db.suspectSignal.count({ where }),
    db.suspectSignal.findMany({
      where,
      orderBy: [{ raisedOn: "desc" }, { id: "asc" }],
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        kind: true,
        reason: true,
        raisedOn: true,
        status: true,
        version: true,
        note: true,
        resolvedAt: true,
        resolvedBy: { select: { name: true } },
        _count: { select: { files: true } },
      },
    }),
  ]);
  // The rows behind each signal, read through their own scoped query: another union's file stays unseen.
  const files = await db.suspectSignalFile.findMany({
    where: { signalId: { in: rows.map((r) => r.id) } },
    select: {
      signalId: true,
      detail: true,
      file: { select: { id: true, fileNumber: true, holderName: true, status: true, organisation: { select: { name: true } } } },
    },
  });
  return toPage(
    rows.map((r) => ({ ...r, files: files.filter((f) => f.signalId === r.id), elsewhere: r._count.files - files.filter((f) => f.signalId === r.id).length })),
    total,
    page,
  );
}

export async function openSignalCount(actor: TActor) {
  return scopedDb(actor).suspectSignal.count({ where: { status: "OPEN" } });
}
