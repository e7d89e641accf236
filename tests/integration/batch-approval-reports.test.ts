// Guards the report upkeep of a batch approval (issue 28): approving a batch writes all its entries
// with one INSERT … SELECT, and the statement-level triggers keep the reports — households and
// persons helped per month, quarter and year (report_ledger_count), payments and money per day
// (report_ledger_daily, ledger_daily_total). The counts after approving a batch of hundreds of
// lines are compared with numbers written out by hand: a household already helped this month is
// counted once, removed lines not at all, persons by household size. And the 专款专用 rule refuses a
// ledger row its fund may not pay also when it is one row among several of one statement (as a
// batch's entries are), and nothing of that statement is kept, the reports included.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { todayInShanghai } from "@/lib/format/datetime";
import { approveBatch, createBatch, removeLine, submitBatch } from "@/lib/ledger/batches";
import { getBatch } from "@/lib/ledger/find-batches";
import { ZCreateBatchInput } from "@/lib/ledger/schemas";
import { randomUUID } from "node:crypto";
import { demoActors, orgByCode, seedDemo } from "../support/factories";
import { insertApprovedPayment, insertPayableFiles } from "../support/ledger-fixtures";

let sql: pg.Client;
let caseworker: TActor;
let official: TActor;
let grassroots: string;
const today = todayInShanghai();
const starts = {
  M: `${today.slice(0, 7)}-01`,
  Q: `${today.slice(0, 4)}-${String(Math.floor((Number(today.slice(5, 7)) - 1) / 3) * 3 + 1).padStart(2, "0")}-01`,
  Y: `${today.slice(0, 4)}-01-01`,
};

type TCounts = Record<string, { households: number; persons: number }>;

/** report_ledger_count of the grassroots union for this month, quarter and year, by "period dim key". */
async function counts(): Promise<TCounts> {
  const { rows } = await sql.query<{ period_kind: string; dim: string; key: string; households: number; persons: string }>(
    `SELECT period_kind, dim, key, households, persons::text FROM report_ledger_count
      WHERE organisation_id = $1 AND ((period_kind = 'M' AND period_start = $2) OR (period_kind = 'Q' AND period_start = $3) OR (period_kind = 'Y' AND period_start = $4))`,
    [grassroots, starts.M, starts.Q, starts.Y],
  );
  return Object.fromEntries(rows.map((r) => [`${r.period_kind} ${r.dim} ${r.key}`, { households: r.households, persons: Number(r.persons) }]));
}

async function money() {
  const { rows } = await sql.query<{ payments: number; total: string; entries: number; daily_total: string }>(
    `SELECT coalesce((SELECT payments FROM report_ledger_daily WHERE organisation_id = $1 AND entry_date = $2 AND aid_type = 'LIVING' AND fund_source = 'UNION_FUNDS'), 0) AS payments,
            coalesce((SELECT total_fen FROM report_ledger_daily WHERE organisation_id = $1 AND entry_date = $2 AND aid_type = 'LIVING' AND fund_source = 'UNION_FUNDS'), 0)::text AS total,
            coalesce((SELECT entries FROM ledger_daily_total WHERE organisation_id = $1 AND entry_date = $2 AND aid_type = 'LIVING' AND fund_source = 'UNION_FUNDS'), 0)::int AS entries,
            coalesce((SELECT total_fen FROM ledger_daily_total WHERE organisation_id = $1 AND entry_date = $2 AND aid_type = 'LIVING' AND fund_source = 'UNION_FUNDS'), 0)::text AS daily_total`,
    [grassroots, today],
  );
  return { payments: rows[0]!.payments, totalFen: Number(rows[0]!.total), entries: rows[0]!.entries, dailyTotalFen: Number(rows[0]!.daily_total) };
}

const fileId = async (number: string) => (await sql.query<{ id: string }>("SELECT id FROM household_file WHERE file_number = $1", [number])).rows[0]!.id;
const entryCount = async () => Number((await sql.query<{ n: string }>("SELECT count(*)::text AS n FROM ledger_entry")).rows[0]!.n);

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  ({ tsCaseworker: caseworker, tsOfficial: official } = await demoActors());
  grassroots = (await orgByCode("GSTSMJ01")).id;
  // 400 households, BULK4-1 … BULK4-400; the first hundred of three persons, the others of one.
  await insertPayableFiles(sql, { organisationId: grassroots, count: 400, caseworkerId: caseworker.userId, officialId: official.userId, series: 4 });
  await sql.query("UPDATE household_file SET household_size = 3 WHERE file_number ~ '^BULK4-([1-9]|[1-9][0-9]|100)$'");
});

afterAll(async () => {
  await sql.end();
});

describe("a batch approval keeps the reports equal to its entries", () => {
  it("counts 398 approved lines: a household helped earlier this month once, removed lines not at all, persons by household size", async () => {
    // BULK4-1 (three persons) was already helped this month by a single 生活救助 from 工会经费.
    await insertApprovedPayment(sql, {
      fileId: await fileId("BULK4-1"),
      organisationId: grassroots,
      aidType: "LIVING",
      fundSource: "UNION_FUNDS",
      amountFen: 30_000,
      entryDate: today,
      purpose: "单笔生活救助",
      recordedById: caseworker.userId,
      approvedById: official.userId,
    });
    const input = ZCreateBatchInput.parse({
      idempotencyKey: randomUUID(),
      name: "生活救助批次",
      aidType: "LIVING",
      fundSource: "UNION_FUNDS",
      standardAmountFen: "200",
      entryDate: today,
      purpose: "批量审批统计",
      organisationId: grassroots,
      tiers: [],
      fileLevels: [],
    });
    const { batchId, lineCount } = await createBatch(caseworker, input);
    expect(lineCount).toBe(400);
    // BULK4-2 (three persons) and BULK4-400 (one) are taken off the list.
    for (const number of ["BULK4-2", "BULK4-400"]) {
      const { rows } = await sql.query<{ id: string }>(
        "SELECT l.id FROM batch_line l JOIN household_file f ON f.id = l.file_id WHERE l.batch_id = $1 AND f.file_number = $2",
        [batchId, number],
      );
      const batch = await getBatch(caseworker, batchId);
      await removeLine(caseworker, { batchId, expectedVersion: batch.version, lineId: rows[0]!.id, reason: "已另行救助" });
    }
    await submitBatch(caseworker, { batchId, expectedVersion: (await getBatch(caseworker, batchId)).version });

    const before = await counts();
    const moneyBefore = await money();
    const { entries } = await approveBatch(official, { batchId, expectedVersion: (await getBatch(official, batchId)).version });
    expect(entries).toBe(398);
    const after = await counts();

    // 398 households paid: BULK4-1 was counted already; BULK4-3…100 (98 × 3 persons) and
    // BULK4-101…399 (299 × 1) are new — 397 households, 593 persons, in every period, under
    // 生活救助 and under 工会经费. No other type, fund or student count moves.
    const delta = Object.fromEntries(
      Object.keys({ ...before, ...after }).map((k) => [
        k,
        { households: (after[k]?.households ?? 0) - (before[k]?.households ?? 0), persons: (after[k]?.persons ?? 0) - (before[k]?.persons ?? 0) },
      ]),
    );
    const changed = Object.fromEntries(Object.entries(delta).filter(([, d]) => d.households !== 0 || d.persons !== 0));
    const expected = { households: 397, persons: 593 };
    expect(changed).toEqual({
      "M A ": expected,
      "M T LIVING": expected,
      "M F UNION_FUNDS": expected,
      "Q A ": expected,
      "Q T LIVING": expected,
      "Q F UNION_FUNDS": expected,
      "Y A ": expected,
      "Y T LIVING": expected,
      "Y F UNION_FUNDS": expected,
    });
    // BULK4-1 counted once this month although paid twice.
    expect(after["M A "]!.households).toBe(398);

    // Money: 398 payments of ¥200.00 today.
    expect(await money()).toEqual({
      payments: moneyBefore.payments + 398,
      totalFen: moneyBefore.totalFen + 7_960_000,
      entries: moneyBefore.entries + 398,
      dailyTotalFen: moneyBefore.dailyTotalFen + 7_960_000,
    });
  });

  it("refuses a ledger row its fund may not pay, alone or among allowed rows, and keeps nothing of the statement", async () => {
    const entriesBefore = await entryCount();
    const moneyBefore = await money();
    // 送温暖资金 pays only 送温暖 (the demo's fund_aid_rule).
    await expect(
      insertApprovedPayment(sql, {
        fileId: await fileId("BULK4-5"),
        organisationId: grassroots,
        aidType: "LIVING",
        fundSource: "WARMTH_FUND",
        amountFen: 10_000,
        entryDate: today,
        purpose: "误用送温暖资金",
        recordedById: caseworker.userId,
        approvedById: official.userId,
      }),
    ).rejects.toMatchObject({ code: "23514", constraint: "fund_aid_rule_violated", message: `fund WARMTH_FUND may not pay aid type LIVING on ${today}` });
    // Two rows in one statement: an allowed 生活救助 from 工会经费 and a forbidden one from 送温暖资金.
    await expect(
      sql.query(
        `WITH d AS (
           INSERT INTO disbursement (idempotency_key, file_id, organisation_id, aid_type, fund_source, amount_fen, entry_date, purpose, status, recorded_by_id, decided_by_id, decided_at)
           SELECT gen_random_uuid(), $1, $2, 'LIVING', f::fund_source, 10000, $3::date, '两笔', 'APPROVED', $4, $5, now() FROM unnest(ARRAY['UNION_FUNDS', 'WARMTH_FUND']) f
           RETURNING id, fund_source)
         INSERT INTO ledger_entry (organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, recorded_by_id, approved_by_id, disbursement_id)
         SELECT $2, $1, 'LIVING', d.fund_source, 10000, $3::date, '两笔', $4, $5, d.id FROM d`,
        [await fileId("BULK4-6"), grassroots, today, caseworker.userId, official.userId],
      ),
    ).rejects.toMatchObject({ constraint: "fund_aid_rule_violated" });
    expect(await entryCount()).toBe(entriesBefore);
    expect(await money()).toEqual(moneyBefore);
  });
});
