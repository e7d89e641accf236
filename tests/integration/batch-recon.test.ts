// Guards what 资金对账 shows of a batch now that its figures are kept (batch_recon, migration 0064)
// instead of summed from its lines on every view: each figure after each thing that happens to a
// batch — listed, approved, answered by the bank, reversed, adjusted, removed, deleted — by hand;
// then any sequence of such writes (fast-check) against a plain count of the lines written in this
// file, and the kept rows against the migration's rebuild.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { todayInShanghai } from "@/lib/format/datetime";
import { approveBatch, createBatch, submitBatch } from "@/lib/ledger/batches";
import { getBatch } from "@/lib/ledger/find-batches";
import { ZCreateBatchInput } from "@/lib/ledger/schemas";
import { reconcileBatches } from "@/lib/payments/reconcile";
import { demoActors, orgByCode, seedDemo } from "../support/factories";
import { batchReconDifferences } from "../support/batch-recon";
import { insertApprovedPayment, insertPayableFiles } from "../support/ledger-fixtures";

let lzCaseworker: TActor;
let lzOfficial: TActor;
let lzAuditor: TActor;
let sql: pg.Client;
let owner: pg.Client;
let orgId: string;
const today = todayInShanghai();

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
  await Promise.all([sql.connect(), owner.connect()]);
  ({ lzCaseworker, lzOfficial, lzAuditor } = await demoActors());
  orgId = (await orgByCode("GSLZQLH01")).id;
  // Four households 批量1…4, each with an account in the holder's name.
  await insertPayableFiles(sql, { organisationId: orgId, count: 4, caseworkerId: lzCaseworker.userId, officialId: lzOfficial.userId });
});

afterAll(async () => {
  await Promise.all([sql.end(), owner.end()]);
});

async function draftBatch(name: string) {
  const { batchId } = await createBatch(
    lzCaseworker,
    ZCreateBatchInput.parse({
      idempotencyKey: randomUUID(),
      name,
      aidType: "WARMTH",
      fundSource: "WARMTH_FUND",
      standardAmountFen: "500",
      entryDate: today,
      purpose: "元旦春节慰问",
      organisationId: orgId,
      tiers: [],
      fileLevels: [],
    }),
  );
  return batchId;
}

async function approve(batchId: string) {
  let batch = await getBatch(lzCaseworker, batchId);
  await submitBatch(lzCaseworker, { batchId, expectedVersion: batch.version });
  batch = await getBatch(lzOfficial, batchId);
  await approveBatch(lzOfficial, { batchId, expectedVersion: batch.version });
}

const lines = async (batchId: string) =>
  (
    await sql.query<{ id: string; file_id: string; entry_id: string | null; holder: string }>(
      `SELECT l.id, l.file_id, e.id AS entry_id, f.holder_name AS holder FROM batch_line l JOIN household_file f ON f.id = l.file_id
         LEFT JOIN ledger_entry e ON e.batch_line_id = l.id WHERE l.batch_id = $1 ORDER BY f.holder_name`,
      [batchId],
    )
  ).rows;

const reverse = (entryId: string, fileId: string, amountFen: number, db: pg.Client = sql) =>
  insertApprovedPayment(db, {
    fileId,
    organisationId: orgId,
    aidType: "WARMTH",
    fundSource: "WARMTH_FUND",
    amountFen: -amountFen,
    purpose: "冲回",
    recordedById: lzCaseworker.userId,
    approvedById: lzOfficial.userId,
    reverses: { entryId, reason: "银行退回" },
  });

/** What the page shows of one batch: its figures and its differences (holder and problem). */
async function shown(batchId: string) {
  const [b] = await reconcileBatches(lzAuditor, { from: today, to: today, batchId });
  if (!b) return null;
  const { approvedLines, approvedFen, paidLines, paidFen, returnedLines, returnedFen, waitingLines, waitingFen, ledgerNetFen, differenceCount } = b;
  return {
    approvedLines,
    approvedFen,
    paidLines,
    paidFen,
    returnedLines,
    returnedFen,
    waitingLines,
    waitingFen,
    ledgerNetFen,
    differenceCount,
    differences: b.differences.map((d) => `${d.holderName}：${d.problem}`),
  };
}

describe("a batch's reconciliation figures (资金对账)", () => {
  it("follow the batch from its approval through the bank's answers, a reversal, an adjustment and a removal", async () => {
    const batchId = await draftBatch("对账：逐步");
    // A draft batch is not reconciled; its lines have no ledger entries yet.
    expect(await shown(batchId)).toBeNull();
    await approve(batchId);
    expect(await shown(batchId)).toEqual({
      approvedLines: 4,
      approvedFen: 200000,
      paidLines: 0,
      paidFen: 0,
      returnedLines: 0,
      returnedFen: 0,
      waitingLines: 4,
      waitingFen: 200000,
      ledgerNetFen: 200000,
      differenceCount: 0,
      differences: [],
    });
    const [one, two, three, four] = await lines(batchId);

    // The bank pays 批量1 and returns 批量2, whose entry is not reversed yet: one difference.
    await sql.query(`UPDATE batch_line SET payment_status = CASE WHEN id = $1 THEN 'PAID' ELSE 'RETURNED' END::payment_status WHERE id IN ($1, $2)`, [
      one!.id,
      two!.id,
    ]);
    expect(await shown(batchId)).toMatchObject({
      paidLines: 1,
      paidFen: 50000,
      returnedLines: 1,
      returnedFen: 50000,
      waitingLines: 2,
      waitingFen: 100000,
      ledgerNetFen: 200000,
      differenceCount: 1,
      differences: ["批量2：已退回或未领取，但台账未冲回"],
    });

    // The returned payment's entry is reversed: the ledger nets to what was paid or is waiting.
    await reverse(two!.entry_id!, two!.file_id, 50000);
    expect(await shown(batchId)).toMatchObject({ ledgerNetFen: 150000, differenceCount: 0, differences: [] });

    // 批量3's amount is adjusted to ¥300 after its entry of ¥500 was written: its ledger disagrees.
    await sql.query(`UPDATE batch_line SET adjusted_amount_fen = 30000, adjust_reason = '核减' WHERE id = $1`, [three!.id]);
    expect(await shown(batchId)).toMatchObject({ approvedFen: 180000, waitingFen: 80000, ledgerNetFen: 150000, differenceCount: 1 });

    // Removed, 批量3 no longer counts at all (nor does its entry).
    await sql.query(`UPDATE batch_line SET removed = true, removed_reason = '重复' WHERE id = $1`, [three!.id]);
    expect(await shown(batchId)).toMatchObject({
      approvedLines: 3,
      approvedFen: 150000,
      waitingLines: 1,
      waitingFen: 50000,
      ledgerNetFen: 100000,
      differenceCount: 0,
    });

    // A paid payment reversed by an ordinary correction: the money is back, the line still says 已到账.
    await reverse(one!.entry_id!, one!.file_id, 50000);
    expect(await shown(batchId)).toMatchObject({
      paidLines: 1,
      ledgerNetFen: 50000,
      differenceCount: 1,
      differences: ["批量1：台账已冲回，但付款状态不是退回"],
    });

    // 批量4 signed for (已签收) counts as paid.
    await sql.query(`UPDATE batch_line SET payment_status = 'SIGNED' WHERE id = $1`, [four!.id]);
    expect(await shown(batchId)).toMatchObject({ paidLines: 2, paidFen: 100000, waitingLines: 0, waitingFen: 0 });
  });

  it("equals a plain count of the lines after any sequence of writes to lines and the ledger", async () => {
    const a = await draftBatch("对账：随机甲");
    const b = await draftBatch("对账：随机乙");
    const all = [...(await lines(a)), ...(await lines(b))];
    const statuses = [null, "WAITING", "PAID", "RETURNED", "REISSUED", "CLOSED", "SIGNED", "UNCLAIMED"] as const;
    const line = fc.integer({ min: 0, max: all.length - 1 });
    const write = fc.oneof(
      fc.record({ kind: fc.constant("status" as const), lines: fc.uniqueArray(line, { minLength: 1, maxLength: 4 }), status: fc.constantFrom(...statuses) }),
      fc.record({ kind: fc.constant("adjust" as const), line, fen: fc.option(fc.integer({ min: 0, max: 90000 })) }),
      fc.record({ kind: fc.constant("remove" as const), line, removed: fc.boolean() }),
      fc.record({ kind: fc.constant("entry" as const), lines: fc.uniqueArray(line, { minLength: 1, maxLength: 3 }) }),
      fc.record({ kind: fc.constant("reverse" as const), line }),
      fc.record({ kind: fc.constant("delete" as const), line }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 12 }), async (writes) => {
        await owner.query("BEGIN");
        try {
          for (const w of writes) await apply(w);
          expect(await batchReconDifferences(owner, [a, b])).toEqual([]);
        } finally {
          await owner.query("ROLLBACK");
        }
      }),
      { numRuns: 40 },
    );

    type TWrite =
      | { kind: "status"; lines: number[]; status: (typeof statuses)[number] }
      | { kind: "adjust"; line: number; fen: number | null }
      | { kind: "remove"; line: number; removed: boolean }
      | { kind: "entry"; lines: number[] }
      | { kind: "reverse"; line: number }
      | { kind: "delete"; line: number };
    async function apply(w: TWrite) {
      const ids = (w.kind === "status" || w.kind === "entry" ? w.lines : [w.line]).map((i) => all[i]!.id);
      if (w.kind === "status") await owner.query(`UPDATE batch_line SET payment_status = $2::payment_status WHERE id = ANY($1::uuid[])`, [ids, w.status]);
      if (w.kind === "adjust")
        await owner.query(`UPDATE batch_line SET adjusted_amount_fen = $2, adjust_reason = CASE WHEN $2::int IS NULL THEN NULL ELSE '核定' END WHERE id = $1`, [
          ids[0],
          w.fen,
        ]);
      if (w.kind === "remove")
        await owner.query(`UPDATE batch_line SET removed = $2, removed_reason = CASE WHEN $2 THEN '不符合条件' END WHERE id = $1`, [ids[0], w.removed]);
      // One statement writes the entries of every line asked that has none (as an approval does).
      if (w.kind === "entry")
        await owner.query(
          `INSERT INTO ledger_entry (organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, bank_account_id, batch_line_id,
                                     recorded_by_id, approved_by_id)
           SELECT l.organisation_id, l.file_id, 'WARMTH', 'WARMTH_FUND', coalesce(l.adjusted_amount_fen, l.amount_fen), current_date, '慰问', l.bank_account_id, l.id, $2, $3
             FROM batch_line l WHERE l.id = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM ledger_entry e WHERE e.batch_line_id = l.id)`,
          [ids, lzCaseworker.userId, lzOfficial.userId],
        );
      if (w.kind === "reverse") {
        const { rows } = await owner.query<{ id: string; file_id: string; amount_fen: number }>(
          `SELECT e.id, e.file_id, e.amount_fen FROM ledger_entry e WHERE e.batch_line_id = $1 AND e.amount_fen > 0
              AND NOT EXISTS (SELECT 1 FROM ledger_entry v WHERE v.reverses_entry_id = e.id)`,
          [ids[0]],
        );
        if (rows[0]) await reverse(rows[0].id, rows[0].file_id, rows[0].amount_fen, owner);
      }
      // A line without an entry may be taken out of a draft batch altogether.
      if (w.kind === "delete")
        await owner.query(`DELETE FROM batch_line l WHERE l.id = $1 AND NOT EXISTS (SELECT 1 FROM ledger_entry e WHERE e.batch_line_id = l.id)`, [ids[0]]);
    }
  });

  it("is what the migration's rebuild computes from the lines", async () => {
    const kept = "SELECT * FROM batch_recon ORDER BY batch_id";
    const before = (await owner.query(kept)).rows;
    expect(before.length).toBeGreaterThan(1);
    await owner.query("BEGIN");
    await owner.query("SELECT batch_recon_rebuild()");
    const rebuilt = (await owner.query(kept)).rows;
    await owner.query("ROLLBACK");
    expect(rebuilt).toEqual(before);
    expect(await batchReconDifferences(owner)).toEqual([]);
  });
});
