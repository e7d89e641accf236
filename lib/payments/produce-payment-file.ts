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
import type { TBankLayout } from "./layout-schema";
import { loadBatchPaymentLines, type TBatchPaymentLine } from "./payment-lines";

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
  return { batch, layout, ...splitPayable(layout, await loadBatchPaymentLines(db, batch)) };
}

/** The lines that go to the bank in this layout, and the ones that cannot, with the reason. */
export function splitPayable(layout: TBankLayout, all: TBatchPaymentLine[]) {
  const payable: TBatchPaymentLine[] = [];
  const notPayable: TNotPayableLine[] = [];
  for (const line of all) {
    const reason = line.notPayable ?? layoutProblem(layout, line);
    if (reason) notPayable.push({ seq: line.seq, reference: line.reference, name: line.name, amountFen: line.amountFen, reason });
    else payable.push(line);
  }
  return { payable, notPayable };
}

const safeName = (s: string) => s.replace(/[\\/:*?"<>|\r\n]/g, "_");

/**
 * The bytes in the layout, and an audit row naming the layout and the file's SHA-256: one path for
 * a batch's file and a run's (produce-run-payment-file.ts). The same lines, layout and date give
 * the same bytes every time (render-payment-file.ts), so the audit trail proves which file went to
 * the bank.
 */
export async function produceBankFile(
  actor: TActor,
  what: {
    layout: TBankLayout;
    payable: TBatchPaymentLine[];
    notPayable: TNotPayableLine[];
    date: Date;
    /** 代发文件 or 代发汇总, then the owner's name */
    fileName: [string, string];
    nothingPayable: string;
    audit: {
      action: "payments.produce-file" | "payments.produce-run-file";
      entityType: "disbursement_batch" | "payment_run";
      entityId: string;
      organisationId: string;
    };
  },
): Promise<TPaymentFile> {
  const { layout, payable, notPayable } = what;
  if (payable.length === 0) throw new DomainError(what.nothingPayable, "NOTHING_PAYABLE");
  const file = await renderPaymentFile(layout, payable, what.date);
  const sha256 = createHash("sha256").update(file.bytes).digest("hex");
  const totalFen = payable.reduce((sum, l) => sum + l.amountFen, 0);
  await scopedDb(actor).$transaction(async (tx) => {
    await recordAudit(tx, actor, {
      ...what.audit,
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
  return {
    bytes: file.bytes,
    fileName: `${what.fileName[0]}_${safeName(what.fileName[1])}_${safeName(layout.name)}.${file.extension}`,
    contentType: file.contentType,
    sha256,
    lines: payable.length,
    totalFen,
    notPayable,
  };
}

/** 生成代发文件 of an approved (or paid) bank batch, dated by its approval. */
export async function producePaymentFile(actor: TActor, input: { batchId: string; layoutId?: string }): Promise<TPaymentFile> {
  assertRole(actor, "CASEWORKER", "OFFICIAL");
  const { batch, ...lines } = await paymentFileLines(actor, input.batchId, input.layoutId);
  return produceBankFile(actor, {
    ...lines,
    date: batch.approvedAt ?? new Date(0),
    fileName: ["代发文件", batch.name],
    nothingPayable: "没有可以代发的行：每一行都缺少本人实名账户，请先处理。",
    audit: { action: "payments.produce-file", entityType: "disbursement_batch", entityId: batch.id, organisationId: batch.organisationId },
  });
}
