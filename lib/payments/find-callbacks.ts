import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { PAGE_SIZE, toPage } from "@/lib/data/pagination";
import { scopedDb } from "@/lib/data/scope";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { TPerUnion } from "./callback-sample";
import type { TCallbackFilters } from "./schemas";

// 回访名单: the sampled households in the actor's scope (through their files), newest batch first.

export async function findCallbacks(actor: TActor, filters: TCallbackFilters, page: number) {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  const db = scopedDb(actor);
  const where: Prisma.CallbackCallWhereInput = {
    ...(filters.status === "open"
      ? { outcome: null }
      : filters.status === "done"
        ? { outcome: { not: null } }
        : filters.status === "problem"
          ? { outcome: { in: ["NOT_RECEIVED", "AMOUNT_MISMATCH"] } }
          : {}),
    ...(filters.batchId ? { batchId: filters.batchId } : {}),
    ...(filters.q ? { file: { holderName: { contains: filters.q } } } : {}),
  };
  const [total, rows] = await Promise.all([
    db.callbackCall.count({ where }),
    db.callbackCall.findMany({
      where,
      orderBy: [{ sample: { drawnAt: "desc" } }, { id: "asc" }],
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        outcome: true,
        note: true,
        calledAt: true,
        calledBy: { select: { name: true } },
        batch: {
          select: {
            id: true,
            name: true,
            paymentMethod: true,
            goodsDescription: true,
            createdById: true,
            submittedById: true,
            approvedById: true,
            paidById: true,
          },
        },
        batchLine: { select: { amountFen: true, adjustedAmountFen: true, paymentStatus: true } },
        file: { select: { id: true, holderName: true, fileNumber: true } },
        organisation: { select: { name: true } },
      },
    }),
  ]);
  return toPage(
    rows.map((r) => ({ ...r, amountFen: r.batchLine.adjustedAmountFen ?? r.batchLine.amountFen })),
    total,
    page,
  );
}

/** How a batch's sample was drawn, and how far the calls have got; null before the batch is paid. */
export async function findCallbackSample(actor: TActor, batchId: string) {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  const db = scopedDb(actor);
  const sample = await db.callbackSample.findUnique({
    where: { batchId },
    select: { id: true, seed: true, share: true, population: true, sampled: true, perUnion: true, drawnAt: true },
  });
  if (!sample) return null;
  const outcomes = await db.callbackCall.groupBy({ by: ["outcome"], where: { sampleId: sample.id }, _count: { _all: true } });
  return {
    ...sample,
    seed: sample.seed.toString(),
    share: sample.share.toNumber(),
    perUnion: sample.perUnion as TPerUnion[],
    outcomes: Object.fromEntries(outcomes.map((o) => [o.outcome ?? "OPEN", o._count._all])) as Record<string, number>,
  };
}

/** The auditor's open call-back problems (未收到, 金额不符), with the call and who called. */
export async function findCallbackProblems(actor: TActor, page: number) {
  assertRole(actor, "AUDITOR");
  const db = scopedDb(actor);
  const where = { kind: "CALLBACK_PROBLEM" as const, status: "OPEN" as const };
  const [total, items] = await Promise.all([
    db.workItem.count({ where }),
    db.workItem.findMany({
      where,
      orderBy: [{ dueDate: "asc" }, { createdAt: "asc" }],
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: { id: true, sourceKey: true, dueDate: true },
    }),
  ]);
  const calls = await db.callbackCall.findMany({
    where: { id: { in: items.map((i) => i.sourceKey) } },
    select: {
      id: true,
      outcome: true,
      note: true,
      calledAt: true,
      calledBy: { select: { name: true } },
      batch: { select: { id: true, name: true, paymentMethod: true } },
      batchLine: { select: { amountFen: true, adjustedAmountFen: true, paymentStatus: true } },
      file: { select: { id: true, holderName: true } },
      organisation: { select: { name: true } },
    },
  });
  const byId = new Map(calls.map((c) => [c.id, c]));
  return toPage(
    items.flatMap((i) => {
      const call = byId.get(i.sourceKey);
      return call ? [{ itemId: i.id, ...call, amountFen: call.batchLine.adjustedAmountFen ?? call.batchLine.amountFen }] : [];
    }),
    total,
    page,
  );
}
