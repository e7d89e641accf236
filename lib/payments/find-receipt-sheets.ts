import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { isUuid } from "@/lib/data/ids";
import { scopedDb } from "@/lib/data/scope";
import { DomainError, NotFoundError } from "@/lib/errors/domain-error";
import { dateOnlyString } from "@/lib/format/datetime";
import { maskResidentId } from "@/lib/people/resident-id";
import { PAYMENT_METHOD_LABELS } from "./labels";

// 签收表: the A4 list a cash or goods batch is handed over against — per base union, each household
// with its amount or goods and an empty signature and date cell, cut into sheets of a fixed number
// of rows so that each sheet carries its own subtotal (本页小计) and 第 x 页 / 共 y 页 (a browser
// cannot total a printed page, so the sheets are cut here). Printing is audited: the list leaves
// the system with names on it.

export const RECEIPT_ROWS_PER_SHEET = 14;

export type TReceiptRow = { no: number; holderName: string; fileNumber: string | null; residentId: string | null; amountFen: number };
export type TReceiptSheet = {
  unionName: string;
  rows: TReceiptRow[];
  pageFen: number;
  /** On a union's last sheet: its households and total. */
  unionTotal: { lines: number; fen: number } | null;
  page: number;
  pages: number;
};

export async function findReceiptSheets(actor: TActor, batchId: string) {
  assertRole(actor, "CASEWORKER", "OFFICIAL", "AUDITOR");
  if (!isUuid(batchId)) throw new NotFoundError("批次不存在，或不在您的管辖范围内。");
  const db = scopedDb(actor);
  const batch = await db.disbursementBatch.findUnique({
    where: { id: batchId },
    select: {
      id: true,
      name: true,
      status: true,
      paymentMethod: true,
      goodsDescription: true,
      entryDate: true,
      purpose: true,
      organisationId: true,
      organisation: { select: { name: true } },
    },
  });
  if (!batch) throw new NotFoundError("批次不存在，或不在您的管辖范围内。");
  if (batch.paymentMethod === "BANK") throw new DomainError("银行代发的批次以银行回盘为凭，没有签收表。", "NOT_RECEIPT_BATCH");
  if (batch.status === "DRAFT" || batch.status === "SUBMITTED") throw new DomainError("批次审批通过后才能打印签收表。", "NOT_APPROVED");
  const lines = await db.batchLine.findMany({
    where: { batchId, removed: false },
    select: {
      amountFen: true,
      adjustedAmountFen: true,
      file: { select: { holderName: true, fileNumber: true, holderResidentId: true } },
      organisation: { select: { name: true, path: true } },
    },
  });
  lines.sort((a, b) => a.organisation.path.localeCompare(b.organisation.path) || (a.file.holderName ?? "").localeCompare(b.file.holderName ?? "", "zh-CN"));
  const byUnion = new Map<string, TReceiptRow[]>();
  for (const line of lines) {
    const rows = byUnion.get(line.organisation.name) ?? [];
    rows.push({
      no: rows.length + 1,
      holderName: line.file.holderName ?? "—",
      fileNumber: line.file.fileNumber,
      residentId: line.file.holderResidentId ? maskResidentId(line.file.holderResidentId) : null,
      amountFen: line.adjustedAmountFen ?? line.amountFen,
    });
    byUnion.set(line.organisation.name, rows);
  }
  const sheets: Omit<TReceiptSheet, "page" | "pages">[] = [];
  for (const [unionName, rows] of byUnion) {
    for (let i = 0; i < rows.length; i += RECEIPT_ROWS_PER_SHEET) {
      const part = rows.slice(i, i + RECEIPT_ROWS_PER_SHEET);
      const last = i + RECEIPT_ROWS_PER_SHEET >= rows.length;
      sheets.push({
        unionName,
        rows: part,
        pageFen: part.reduce((n, r) => n + r.amountFen, 0),
        unionTotal: last ? { lines: rows.length, fen: rows.reduce((n, r) => n + r.amountFen, 0) } : null,
      });
    }
  }
  await recordAudit(db, actor, {
    action: "payments.print-receipt-sheet",
    entityType: "disbursement_batch",
    entityId: batch.id,
    organisationId: batch.organisationId,
    detail: { lines: lines.length, sheets: sheets.length },
  });
  return {
    batch: {
      id: batch.id,
      name: batch.name,
      method: batch.paymentMethod,
      methodLabel: PAYMENT_METHOD_LABELS[batch.paymentMethod],
      goods: batch.goodsDescription,
      entryDate: dateOnlyString(batch.entryDate),
      purpose: batch.purpose,
      organisationName: batch.organisation.name,
    },
    sheets: sheets.map((s, i) => ({ ...s, page: i + 1, pages: sheets.length })) as TReceiptSheet[],
    total: { lines: lines.length, fen: lines.reduce((n, l) => n + (l.adjustedAmountFen ?? l.amountFen), 0) },
  };
}
