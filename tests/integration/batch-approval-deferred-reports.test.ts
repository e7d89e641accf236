// Guards decision 032 (issue 28): a ledger statement of more than 1,000 entries — a batch approval —
// leaves its share of the report counts (households, persons, students per month, quarter and year)
// pending instead of upserting 30,000 rows under the approval's locks; the job worker folds it in
// a moment later, and a report of a calendar period folds what is still pending before it reads.
// What a user would notice if that went wrong: a report read right after an approval that misses its
// households, a reversal or a household-size change made before the fold counted wrongly, or two
// approvals at once losing one another's households. The expected figures are written out here,
// and the counts the triggers and the fold keep are compared with the rebuild from the ledger
// (report_ledger_people_rebuild, an independent computation).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { todayInShanghai } from "@/lib/format/datetime";
import { approveBatch, createBatch, submitBatch } from "@/lib/ledger/batches";
import { getBatch } from "@/lib/ledger/find-batches";
import { ZCreateBatchInput } from "@/lib/ledger/schemas";
import { foldPendingForReport } from "@/lib/reports/fold-pending";
import { findReport } from "@/lib/reports/find-report";
import { periodFrom, type TPeriod, ZReportQuery } from "@/lib/reports/period";
import { startReportFoldWorker } from "@/lib/reports/report-fold-worker";
import { randomUUID } from "node:crypto";
import { demoActors, orgByCode, seedDemo } from "../support/factories";
import { insertApprovedPayment, insertPayableFiles } from "../support/ledger-fixtures";

let sql: pg.Client;
let owner: pg.Client;
let caseworker: TActor;
let official: TActor;
let auditor: TActor;
let district: string;
let mj01: string;
let mj02: string;
const today = todayInShanghai();
const period = (kind: "month" | "quarter" | "year") => periodFrom(ZReportQuery.parse({ kind }), today) as TPeriod;

type TFigures = { households: number; persons: number; times: number; amountFen: number };
/** The 资金发放 figures of 民乐 district's report (its two grassroots unions as rows) for a period. */
async function figures(kind: "month" | "quarter" | "year" = "month") {
  const report = await findReport(auditor, { organisationId: district, period: period(kind) });
  const pick = (r: TFigures): TFigures => ({ households: r.households, persons: r.persons, times: r.times, amountFen: r.amountFen });
  const row = (id: string) => report.money.rows.find((r) => r.organisationId === id);
  const zero = { households: 0, persons: 0, times: 0, amountFen: 0 };
  return {
    total: pick(report.money.total),
    mj01: row(mj01) ? pick(row(mj01)!) : zero,
    mj02: row(mj02) ? pick(row(mj02)!) : zero,
    living: report.money.byType.find((t) => t.aidType === "LIVING")?.households ?? 0,
  };
}
const plus = (a: TFigures, b: TFigures): TFigures => ({
  households: a.households + b.households,
  persons: a.persons + b.persons,
  times: a.times + b.times,
  amountFen: a.amountFen + b.amountFen,
});

const pending = async () => Number((await owner.query<{ n: string }>("SELECT count(*)::text AS n FROM report_ledger_pending")).rows[0]!.n);
const fileId = async (number: string) => (await sql.query<{ id: string }>("SELECT id FROM household_file WHERE file_number = $1", [number])).rows[0]!.id;

/** A submitted 生活救助 batch of ¥200.00 a household from 工会经费 over the open files of one union and tier. */
async function submittedBatch(organisationId: string, tier: "DEEP" | "RELATIVE" | "ACCIDENT") {
  const input = ZCreateBatchInput.parse({
    idempotencyKey: randomUUID(),
    name: `生活救助 ${tier}`,
    aidType: "LIVING",
    fundSource: "UNION_FUNDS",
    standardAmountFen: "200",
    entryDate: today,
    purpose: "批量审批后报表",
    organisationId,
    tiers: [tier],
    fileLevels: [],
  });
  const { batchId, lineCount } = await createBatch(caseworker, input);
  await submitBatch(caseworker, { batchId, expectedVersion: (await getBatch(caseworker, batchId)).version });
  return { batchId, lineCount };
}
const approve = async (batchId: string) => approveBatch(official, { batchId, expectedVersion: (await getBatch(official, batchId)).version });

/** Every count table as the triggers and folds kept it, and as the rebuild computes it from the ledger. */
async function keptAndRebuilt() {
  const queries = [
    "SELECT period_kind, period_start::text, organisation_id, dim, key, households, persons FROM report_ledger_count WHERE households <> 0 OR persons <> 0 ORDER BY 1, 2, 3, 4, 5",
    "SELECT file_id, period_kind, period_start::text, organisation_id, times, by_type, by_fund FROM report_ledger_file_period ORDER BY 1, 2, 3, 4",
    "SELECT file_id, CASE WHEN NOT multi THEN organisation_id END AS organisation_id, multi FROM report_ledger_file ORDER BY 1",
  ];
  const read = async () => Promise.all(queries.map(async (q) => (await owner.query(q)).rows));
  const kept = await read();
  await owner.query("BEGIN");
  await owner.query("SELECT report_ledger_people_rebuild()");
  const rebuilt = await read();
  await owner.query("ROLLBACK");
  return { kept, rebuilt };
}

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
  await owner.connect();
  ({ tsCaseworker: caseworker, tsOfficial: official, tsAuditor: auditor } = await demoActors());
  district = (await orgByCode("GSTSMJ")).id;
  mj01 = (await orgByCode("GSTSMJ01")).id;
  mj02 = (await orgByCode("GSTSMJ02")).id;
  // 民乐 01: BULK5-1…1200, 深度困难, the first 200 of two persons. 民乐 02: BULK6-1…1100, 深度困难.
  // Then 相对困难 households for the two approvals at once: BULK7-1…1050 (01), BULK8-1…1050 (02), of three persons.
  const ids = { caseworkerId: caseworker.userId, officialId: official.userId };
  await insertPayableFiles(sql, { organisationId: mj01, count: 1200, series: 5, ...ids });
  await insertPayableFiles(sql, { organisationId: mj02, count: 1100, series: 6, ...ids });
  await insertPayableFiles(sql, { organisationId: mj01, count: 1050, series: 7, ...ids });
  await insertPayableFiles(sql, { organisationId: mj02, count: 1050, series: 8, ...ids });
  await sql.query("UPDATE household_file SET household_size = 2 WHERE file_number ~ '^BULK5-([1-9]|[1-9][0-9]|1[0-9][0-9]|200)$'");
  await sql.query("UPDATE household_file SET tier = 'RELATIVE', proposed_tier = 'RELATIVE', household_size = 3 WHERE file_number ~ '^BULK[78]-'");
}, 60_000);

afterAll(async () => {
  await sql?.end();
  await owner?.end();
});

describe("a big approval's households reach the reports through the fold", () => {
  it("shows a 1,200-line approval in the report read right after it, in month, quarter and year", async () => {
    const before = { month: await figures("month"), quarter: await figures("quarter"), year: await figures("year") };
    const { batchId, lineCount } = await submittedBatch(mj01, "DEEP");
    expect(lineCount).toBe(1200);
    expect(await approve(batchId)).toMatchObject({ entries: 1200 });
    // The approval left its report upkeep to the fold.
    expect(await pending()).toBe(1200);

    // 1,200 households: 200 of two persons, 1,000 of one — 1,400 persons; 1,200 payments of ¥200.00.
    const added = { households: 1200, persons: 1400, times: 1200, amountFen: 24_000_000 };
    const month = await figures("month");
    expect(await pending()).toBe(0);
    expect(month.mj01).toEqual(plus(before.month.mj01, added));
    expect(month.total).toEqual(plus(before.month.total, added));
    expect(month.mj02).toEqual(before.month.mj02);
    expect(month.living).toBe(before.month.living + 1200);
    expect((await figures("quarter")).total).toEqual(plus(before.quarter.total, added));
    expect((await figures("year")).total).toEqual(plus(before.year.total, added));
  });

  it("counts a reversal and a household-size change made before the fold as if the approval had been folded at once", async () => {
    const before = await figures("month");
    const { batchId, lineCount } = await submittedBatch(mj02, "DEEP");
    expect(lineCount).toBe(1100);
    await approve(batchId);
    expect(await pending()).toBe(1100);
    // Before anything folds: BULK6-1's payment is reversed (a single statement, folded at once) and
    // BULK6-2's household grows from one person to four.
    const [reversed] = (
      await sql.query<{ id: string }>("SELECT e.id FROM ledger_entry e JOIN batch_line l ON l.id = e.batch_line_id WHERE l.batch_id = $1 AND e.file_id = $2", [
        batchId,
        await fileId("BULK6-1"),
      ])
    ).rows;
    await insertApprovedPayment(sql, {
      fileId: await fileId("BULK6-1"),
      organisationId: mj02,
      aidType: "LIVING",
      fundSource: "UNION_FUNDS",
      amountFen: -20_000,
      entryDate: today,
      purpose: "冲正：生活救助",
      recordedById: caseworker.userId,
      approvedById: official.userId,
      reverses: { entryId: reversed!.id, reason: "收款账户错误，资金退回" },
    });
    await sql.query("UPDATE household_file SET household_size = 4 WHERE file_number = 'BULK6-2'");
    expect(await pending()).toBe(1100);

    // 1,099 households helped (BULK6-1's only payment is reversed): 1,098 of one person and BULK6-2
    // of four — 1,102 persons; 1,100 payments less one reversal, ¥220,000.00 less ¥200.00.
    const after = await figures("month");
    expect(after.mj02).toEqual(plus(before.mj02, { households: 1099, persons: 1102, times: 1099, amountFen: 21_980_000 }));
    expect(after.mj01).toEqual(before.mj01);
    const { kept, rebuilt } = await keptAndRebuilt();
    expect(kept).toEqual(rebuilt);
  });

  it("folds two approvals made at once, while a report reads, through the job worker", async () => {
    const worker = await startReportFoldWorker(process.env.MIGRATION_DATABASE_URL!, process.env.DATABASE_URL!);
    try {
      const before = await figures("month");
      const [one, two] = await Promise.all([submittedBatch(mj01, "RELATIVE"), submittedBatch(mj02, "RELATIVE")]);
      expect([one.lineCount, two.lineCount]).toEqual([1050, 1050]);
      // Both approvals at once, and a report read while they commit and the worker folds.
      const [a, b, during] = await Promise.all([approve(one.batchId), approve(two.batchId), figures("month")]);
      expect([a.entries, b.entries]).toEqual([1050, 1050]);
      // The report saw each approval wholly or not at all.
      for (const row of ["mj01", "mj02"] as const) expect([0, 1050]).toContain(during[row].households - before[row].households);

      // The worker folds both without a report asking (a notification at each commit).
      const deadline = Date.now() + 20_000;
      while ((await pending()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await pending()).toBe(0);

      // 1,050 new households of three persons in each union: 3,150 persons, ¥210,000.00.
      const added = { households: 1050, persons: 3150, times: 1050, amountFen: 21_000_000 };
      const after = await figures("month");
      expect(after.mj01).toEqual(plus(before.mj01, added));
      expect(after.mj02).toEqual(plus(before.mj02, added));
      expect(after.total).toEqual(plus(before.total, { households: 2100, persons: 6300, times: 2100, amountFen: 42_000_000 }));
      const { kept, rebuilt } = await keptAndRebuilt();
      expect(kept).toEqual(rebuilt);
    } finally {
      await worker.stop();
    }
  }, 60_000);

  it("makes a report read while the worker folds wait for that fold, and fold nothing itself", async () => {
    // 民乐 02: BULK9-1…1020, 意外致困, one person each.
    await insertPayableFiles(sql, { organisationId: mj02, count: 1020, series: 9, caseworkerId: caseworker.userId, officialId: official.userId });
    await sql.query("UPDATE household_file SET tier = 'ACCIDENT', proposed_tier = 'ACCIDENT' WHERE file_number ~ '^BULK9-'");
    const before = await figures("month");
    const { batchId, lineCount } = await submittedBatch(mj02, "ACCIDENT");
    expect(lineCount).toBe(1020);
    await approve(batchId);
    expect(await pending()).toBe(1020);

    // The worker's fold, caught half-way: it has taken the 1,020 entries and not yet committed.
    const worker = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await worker.connect();
    try {
      await worker.query("BEGIN");
      expect((await worker.query<{ folded: number }>("SELECT report_ledger_fold() AS folded")).rows[0]!.folded).toBe(1020);
      // A report asks now: it waits for the worker (one fold at a time) instead of folding the same entries again.
      let settled = false;
      const reading = foldPendingForReport(auditor).finally(() => (settled = true));
      await new Promise((r) => setTimeout(r, 500));
      expect(settled).toBe(false);
      await worker.query("COMMIT");
      expect((await reading).folded).toBe(0);
    } finally {
      await worker.end();
    }
    expect(await pending()).toBe(0);

    // 1,020 households of one person, ¥204,000.00 — counted once.
    const after = await figures("month");
    expect(after.mj02).toEqual(plus(before.mj02, { households: 1020, persons: 1020, times: 1020, amountFen: 20_400_000 }));
    expect(after.mj01).toEqual(before.mj01);
    const { kept, rebuilt } = await keptAndRebuilt();
    expect(kept).toEqual(rebuilt);
  }, 60_000);

  it("keeps a statement of up to 1,000 entries out of the pending table: its counts are kept at once", async () => {
    const medical = async () =>
      (
        await owner.query<{ households: number }>(
          "SELECT coalesce(sum(households), 0)::int AS households FROM report_ledger_count WHERE organisation_id = $1 AND period_kind = 'M' AND period_start = $2::date AND dim = 'T' AND key = 'MEDICAL'",
          [mj01, `${today.slice(0, 7)}-01`],
        )
      ).rows[0]!.households;
    const before = await medical();
    await insertApprovedPayment(sql, {
      fileId: await fileId("BULK5-1"),
      organisationId: mj01,
      aidType: "MEDICAL",
      fundSource: "UNION_FUNDS",
      amountFen: 50_000,
      entryDate: today,
      purpose: "单笔医疗救助",
      recordedById: caseworker.userId,
      approvedById: official.userId,
    });
    // Nothing pending, and the count table itself (no report read in between) has the household.
    expect(await pending()).toBe(0);
    expect(await medical()).toBe(before + 1);
  });
});
