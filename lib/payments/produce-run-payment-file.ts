import "server-only";
import { createHash } from "node:crypto";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { DomainError, NotFoundError } from "@/lib/errors/domain-error";
import { findBankLayout } from "./layouts";
import type { TNotPayableLine, TPaymentFile } from "./produce-payment-file";
import { layoutProblem, renderPaymentFile } from "./render-payment-file";
import { loadRunPaymentLines } from "./run-payment-lines";

/** A run's lines in this layout: the ones that go to the bank, and the ones that cannot, with the reason. */
export async function runPaymentFileLines(actor: TActor, runId: string, layoutId?: string) {
  const db = scopedDb(actor);
  const run = await db.paymentRun.findUnique({ where: { id: runId }, select: { id: true, name: true, createdAt: true, organisationId: true } });
  if (!run) throw new NotFoundError("代发汇总不存在，或不在您的管辖范围内。");
  const layout = await findBankLayout(db, layoutId);
  const all = await loadRunPaymentLines(db, run.id);
  const payable = [];
  const notPayable: TNotPayableLine[] = [];
  for (const line of all) {
    const reason = line.notPayable ?? layoutProblem(layout, line);
    if (reason) notPayable.push({ seq: line.seq, reference: line.reference, name: line.name, amountFen: line.amountFen, reason });
    else payable.push(line);
  }
  return { run, layout, payable, notPayable };
}

/**
 * 生成代发汇总文件: as a batch's (produce-payment-file.ts) — the same layout renderer, dated by the
 * run's creation so the same run and layout give the same bytes, audited with the SHA-256.
 */
export async function produceRunPaymentFile(actor: TActor, input: { runId: string; layoutId?: string }): Promise<TPaymentFile> {
  assertRole(actor, "CASEWORKER", "OFFICIAL");
  const { run, layout, payable, notPayable } = await runPaymentFileLines(actor, input.runId, input.layoutId);
  if (payable.length === 0) throw new DomainError("没有可以代发的付款：每一笔都缺少本人实名账户，请先处理。", "NOTHING_PAYABLE");
  const file = await renderPaymentFile(layout, payable, run.createdAt);
  const sha256 = createHash("sha256").update(file.bytes).digest("hex");
  const totalFen = payable.reduce((sum, l) => sum + l.amountFen, 0);
  await scopedDb(actor).$transaction(async (tx) => {
    await recordAudit(tx, actor, {
      action: "payments.produce-run-file",
      entityType: "payment_run",
      entityId: run.id,
      organisationId: run.organisationId,
      detail: {
        layout: layout.name,
        layoutVersion: layout.version,
        sha256,
        bytes: file.bytes.length,
        lines: payable.length,
        totalFen,
        notPayable: notPayable.length,
      },
    });
  });
  const safe = (s: string) => s.replace(/[\\/:*?"<>|\r\n]/g, "_");
  return {
    bytes: file.bytes,
    fileName: `代发汇总_${safe(run.name)}_${safe(layout.name)}.${file.extension}`,
    contentType: file.contentType,
    sha256,
    lines: payable.length,
    totalFen,
    notPayable,
  };
}
