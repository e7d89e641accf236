import "server-only";
import { createHash } from "node:crypto";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { DomainError, NotFoundError } from "@/lib/errors/domain-error";
import { BATCH_STATUS_LABELS } from "@/lib/ledger/labels";
import { findBankLayout } from "./layouts";
import { layoutProblem, renderPaymentFile } from "./render-payment-file";
import { loadBatchPaymentLines } from "./payment-lines";

export type TNotPayableLine = { seq: number; reference: string; name: string; amountFen: number; reason: string };

export type TPaymentFile = {
  bytes: Buffer;
  fileName: string;
  contentType: string;
  sha256: string;
  lines: number;
  totalFen: number;
  notPayable: TNotPayableLine[];
};

/** Which lines go to the bank in this layout, and which cannot, with the reason. */
export async function paymentFileLines(actor: TActor, batchId: string, layoutId?: string) {
  const db = scopedDb(actor);
  const batch = await db.disbursementBatch.findUnique({
    where: { id: batchId },
    select: { id: true, aidType: true, status: true, paymentMethod: true, name: true, approvedAt: true, organisationId: true },
  });
  if (!batch) throw new NotFoundError("批次不存在，或不在您的管辖范围内。");
  if (batch.paymentMethod !== "BANK") throw new DomainError("该批次以现金或实物发放，没有银行代发文件（请打印签收表）。", "NOT_BANK");
  if (batch.status !== "APPROVED" && batch.status !== "PAID") {
    throw new DomainError(`批次审批通过后才能生成代发文件，当前状态为“${BATCH_STATUS_LABELS[batch.status]}”。`, "NOT_APPROVED");
  }
  const layout = await findBankLayout(db, layoutId);
  const all = await loadBatchPaymentLines(db, batch);
  const payable = [];
  const notPayable: TNotPayableLine[] = [];
  for (const line of all) {
    const reason = line.notPayable ?? layoutProblem(layout, line);
    if (reason) notPayable.push({ seq: line.seq, reference: line.reference, name: line.name, amountFen: line.amountFen, reason });
    else payable.push(line);
  }
  return { batch, layout, payable, notPayable };
}

/**
 * 生成代发文件: the bytes in the layout, and an audit row naming the layout and the file's SHA-256.
 * The same batch and layout give the same bytes every time (render-payment-file.ts), so the audit
 * trail proves which file went to the bank.
 */
export async function producePaymentFile(actor: TActor, input: { batchId: string; layoutId?: string }): Promise<TPaymentFile> {
  assertRole(actor, "CASEWORKER", "OFFICIAL");
  const { batch, layout, payable, notPayable } = await paymentFileLines(actor, input.batchId, input.layoutId);
  if (payable.length === 0) throw new DomainError("没有可以代发的行：每一行都缺少本人实名账户，请先处理。", "NOTHING_PAYABLE");
  const file = await renderPaymentFile(layout, payable, batch.approvedAt ?? new Date(0));
  const sha256 = createHash("sha256").update(file.bytes).digest("hex");
  const totalFen = payable.reduce((sum, l) => sum + l.amountFen, 0);
  await scopedDb(actor).$transaction(async (tx) => {
    await recordAudit(tx, actor, {
      action: "payments.produce-file",
      entityType: "disbursement_batch",
      entityId: batch.id,
      organisationId: batch.organisationId,
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
  const safeName = batch.name.replace(/[\\/:*?"<>|\r\n]/g, "_");
  return {
    bytes: file.bytes,
    fileName: `代发文件_${safeName}_${layout.name.replace(/[\\/:*?"<>|\r\n]/g, "_")}.${file.extension}`,
    contentType: file.contentType,
    sha256,
    lines: payable.length,
    totalFen,
    notPayable,
  };
}
