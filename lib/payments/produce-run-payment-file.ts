import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { NotFoundError } from "@/lib/errors/domain-error";
import { findBankLayout } from "./layouts";
import { produceBankFile, splitPayable, type TPaymentFile } from "./produce-payment-file";
import { loadRunPaymentLines } from "./run-payment-lines";

/** A run's lines in this layout: the ones that go to the bank, and the ones that cannot, with the reason. */
export async function runPaymentFileLines(actor: TActor, runId: string, layoutId?: string) {
  const db = scopedDb(actor);
  const run = await db.paymentRun.findUnique({ where: { id: runId }, select: { id: true, name: true, createdAt: true, organisationId: true } });
  if (!run) throw new NotFoundError("代发汇总不存在，或不在您的管辖范围内。");
  const layout = await findBankLayout(db, layoutId);
  return { run, layout, ...splitPayable(layout, await loadRunPaymentLines(db, run.id)) };
}

/** 生成代发汇总文件: as a batch's (produce-payment-file.ts), dated by the run's creation. */
export async function produceRunPaymentFile(actor: TActor, input: { runId: string; layoutId?: string }): Promise<TPaymentFile> {
  assertRole(actor, "CASEWORKER", "OFFICIAL");
  const { run, ...lines } = await runPaymentFileLines(actor, input.runId, input.layoutId);
  return produceBankFile(actor, {
    ...lines,
    date: run.createdAt,
    fileName: ["代发汇总", run.name],
    nothingPayable: "没有可以代发的付款：每一笔都缺少本人实名账户，请先处理。",
    audit: { action: "payments.produce-run-file", entityType: "payment_run", entityId: run.id, organisationId: run.organisationId },
  });
}
