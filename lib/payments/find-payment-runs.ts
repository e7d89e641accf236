import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { PAGE_SIZE, toPage } from "@/lib/data/pagination";
import { NotFoundError } from "@/lib/errors/domain-error";
import type { PaymentStatus } from "@/lib/generated/prisma/enums";

type TCounts = Record<"WAITING" | "PAID" | "RETURNED" | "CLOSED", number>;

function countsOf(rows: Array<{ paymentRunId: string | null; paymentStatus: PaymentStatus | null; _count: number; _sum: { amountFen: number | null } }>) {
  const byRun = new Map<string, TCounts & { totalFen: number }>();
  for (const r of rows) {
    if (!r.paymentRunId || !r.paymentStatus) continue;
    const c = byRun.get(r.paymentRunId) ?? { WAITING: 0, PAID: 0, RETURNED: 0, CLOSED: 0, totalFen: 0 };
    c[r.paymentStatus as keyof TCounts] += r._count;
    c.totalFen += r._sum.amountFen ?? 0;
    byRun.set(r.paymentRunId, c);
  }
  return byRun;
}

/** 代发汇总 in scope, newest first, with how many payments are waiting, paid, returned, closed. */
export async function findPaymentRuns(actor: TActor, options: { page: number }) {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  const db = scopedDb(actor);
  const [total, runs] = await Promise.all([
    db.paymentRun.count(),
    db.paymentRun.findMany({
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (options.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: { id: true, name: true, fundSource: true, createdAt: true, organisation: { select: { name: true } }, createdBy: { select: { name: true } } },
    }),
  ]);
  const grouped = await db.disbursement.groupBy({
    by: ["paymentRunId", "paymentStatus"],
    where: { paymentRunId: { in: runs.map((r) => r.id) } },
    _count: true,
    _sum: { amountFen: true },
  });
  const counts = countsOf(grouped);
  return toPage(
    runs.map((r) => ({ ...r, counts: counts.get(r.id) ?? { WAITING: 0, PAID: 0, RETURNED: 0, CLOSED: 0, totalFen: 0 } })),
    total,
    options.page,
  );
}

/** One run: its payments in reference order, its applied return files. */
export async function getPaymentRun(actor: TActor, runId: string) {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  const db = scopedDb(actor);
  const run = await db.paymentRun.findUnique({
    where: { id: runId },
    select: {
      id: true,
      name: true,
      fundSource: true,
      createdAt: true,
      createdById: true,
      organisationId: true,
      organisation: { select: { name: true } },
      createdBy: { select: { name: true } },
      returns: {
        orderBy: { appliedAt: "asc" },
        select: {
          id: true,
          fileName: true,
          paidLines: true,
          paidFen: true,
          returnedLines: true,
          returnedFen: true,
          appliedAt: true,
          appliedBy: { select: { name: true } },
        },
      },
    },
  });
  if (!run) throw new NotFoundError("代发汇总不存在，或不在您的管辖范围内。");
  const grouped = await db.disbursement.groupBy({
    by: ["paymentRunId", "paymentStatus"],
    where: { paymentRunId: run.id },
    _count: true,
    _sum: { amountFen: true },
  });
  return { ...run, counts: countsOf(grouped).get(run.id) ?? { WAITING: 0, PAID: 0, RETURNED: 0, CLOSED: 0, totalFen: 0 } };
}
