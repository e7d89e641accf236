// The bank's side in the browser tests: the return file (回盘) a bank sends back for a batch, in the
// default layout's return form, built from the database the way the bank would have read the
// payment file (references "BF" + the batch id's first ten hex digits + the 序号 of the line in id order).
import { sql } from "./fixtures";

export async function bankReturnCsv(batchName: string, failures: Record<string, string> = {}): Promise<{ batchId: string; csv: string }> {
  const lines = await sql<{ batch_id: string; seq: string; holder: string; account: string; amount: number }>(
    `SELECT l.batch_id, row_number() OVER (ORDER BY l.id)::text AS seq, a.account_holder AS holder, a.account_number AS account,
            COALESCE(l.adjusted_amount_fen, l.amount_fen) AS amount
       FROM batch_line l JOIN disbursement_batch b ON b.id = l.batch_id LEFT JOIN bank_account a ON a.id = l.bank_account_id
      WHERE b.name = $1 AND NOT l.removed ORDER BY l.id`,
    [batchName],
  );
  const batchId = lines[0]!.batch_id;
  const code = batchId.replace(/-/g, "").slice(0, 10).toUpperCase();
  const rows = lines.map((l) => {
    const failed = failures[l.holder];
    return [`BF${code}${l.seq.padStart(5, "0")} 送温暖`, l.holder, l.account, (l.amount / 100).toFixed(2), failed ? "失败" : "成功", failed ?? ""].join(",");
  });
  const total = (lines.reduce((s, l) => s + l.amount, 0) / 100).toFixed(2);
  return { batchId, csv: ["摘要,收款人姓名,收款账号,金额,处理结果,失败原因", ...rows, `合计,,,${total},,`].join("\r\n") + "\r\n" };
}
