// Guards the fast path of the custom-range upkeep (migration 0057, decision 035 step 2): a statement
// whose payments come after every folded payment of their file adds one point each (prev = the last
// folded payment of the sequence, or the statement's own previous one), and only a file or student
// with a back-dated payment takes the full with-minus-without computation. The statements here
// write several payments at once, the way a batch approval does: a back-dated payment of one file
// beside fresh payments of others, two payments of one file and key on the same day, a payment on
// the day of the file's last folded payment with its id sorting before and after that payment's
// (035 orders a sequence by day and id), a student, and a single payment written while a big
// statement's payments of the same file wait for the fold. Every figure is written out by hand from
// the payments listed; the kept tables must also equal what report_range_rebuild() computes.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import type { AidType, FundSource } from "@/lib/generated/prisma/enums";
import { findReport } from "@/lib/reports/find-report";
import { expectNoDemoPaymentsBeforeMid2025, startReportTest } from "../support/report-test";
import { insertOpenFile } from "../support/open-file";

let sql: pg.Client;
let caseworker: TActor;
let official: TActor;
let provinceAuditor: TActor;
let org: Record<string, string>;
const file: Record<string, string> = {};

async function household(name: string, orgCode: string, size: number) {
  const opened = await insertOpenFile(sql, { caseworker, official }, org[orgCode]!, {}, { householdSize: size, openedAt: "2021-01-04T04:00:00Z" });
  file[name] = opened.fileId;
}

type TPayment = { name: string; orgCode: string; day: string; aid?: AidType; fund?: FundSource; student?: string; id?: string };

/** Approved payments written by one INSERT (one statement, as a batch approval writes its lines). */
async function payStatement(payments: TPayment[]) {
  const values: unknown[] = [];
  const rows = payments.map((p) => {
    values.push(randomUUID(), p.id ?? randomUUID(), file[p.name]!, org[p.orgCode]!, p.aid ?? "LIVING", p.fund ?? "UNION_FUNDS", p.day, p.student ?? null);
    const i = values.length - 8;
    return `($${i + 1}::uuid, $${i + 2}::uuid, $${i + 3}::uuid, $${i + 4}::uuid, $${i + 5}::aid_type, $${i + 6}::fund_source, $${i + 7}::date, $${i + 8}::text)`;
  });
  values.push(caseworker.userId, official.userId);
  const [recorder, approver] = [`$${values.length - 1}`, `$${values.length}`];
  await sql.query(
    `WITH v (key, id, file_id, organisation_id, aid_type, fund_source, entry_date, student) AS (VALUES ${rows.join(", ")}),
     d AS (
       INSERT INTO disbursement (idempotency_key, file_id, organisation_id, aid_type, fund_source, amount_fen, entry_date, purpose,
                                 student_resident_id, status, recorded_by_id, decided_by_id, decided_at)
       SELECT key, file_id, organisation_id, aid_type, fund_source, 1000, entry_date, '测试', student, 'APPROVED', ${recorder}, ${approver}, now() FROM v
       RETURNING id, idempotency_key)
     INSERT INTO ledger_entry (id, organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, student_resident_id,
                               recorded_by_id, approved_by_id, disbursement_id)
     SELECT v.id, v.organisation_id, v.file_id, v.aid_type, v.fund_source, 1000, v.entry_date, '测试', v.student, ${recorder}, ${approver}, d.id
       FROM v JOIN d ON d.idempotency_key = v.key`,
    values,
  );
}

const moneyOf = async (from: string, to: string) => {
  const period = { kind: "range" as const, from, to, label: `${from}–${to}` };
  const m = (await findReport(provinceAuditor, { organisationId: org.GS!, period, groups: ["money"] })).money;
  return [m.total.households, m.total.persons, m.total.students];
};

// Ids chosen so that the same-day payments sort before or after the folded one of their file.
const LOW = "00000000-0000-4000-8000-000000000001";
const HIGH = "ffffffff-ffff-4fff-bfff-fffffffffff1";
const STUDENT = "620502201103030011";

beforeAll(async () => {
  ({ sql, caseworker, official, provinceAuditor, org } = await startReportTest(["GS", "GSLZCG01", "GSTSQZ01"]));
  await expectNoDemoPaymentsBeforeMid2025(sql);

  await household("H", "GSLZCG01", 2);
  await household("J", "GSLZCG01", 3);
  await household("K", "GSLZCG01", 4);
  await household("L", "GSLZCG01", 5);
  await household("M", "GSLZCG01", 1);
  await household("S", "GSTSQZ01", 3);
  await household("P", "GSLZCG01", 2);
  // Folded first, one statement each.
  await payStatement([{ name: "H", orgCode: "GSLZCG01", day: "2021-03-10" }]);
  await payStatement([{ name: "J", orgCode: "GSLZCG01", day: "2021-03-05" }]);
  await payStatement([{ name: "K", orgCode: "GSLZCG01", day: "2021-03-20", id: LOW }]);
  await payStatement([{ name: "L", orgCode: "GSLZCG01", day: "2021-03-20", id: HIGH }]);
  await payStatement([{ name: "S", orgCode: "GSTSQZ01", day: "2021-05-10", aid: "EDUCATION", fund: "CENTRAL_SPECIAL", student: STUDENT }]);
  // H back-dated to March 1st (its payment of the 10th now follows it) beside fresh payments of J and M.
  await payStatement([
    { name: "J", orgCode: "GSLZCG01", day: "2021-03-25" },
    { name: "H", orgCode: "GSLZCG01", day: "2021-03-01" },
    { name: "M", orgCode: "GSLZCG01", day: "2021-03-25" },
  ]);
  // J paid twice on April 10th in one statement, same aid type and fund.
  await payStatement([
    { name: "J", orgCode: "GSLZCG01", day: "2021-04-10" },
    { name: "J", orgCode: "GSLZCG01", day: "2021-04-10" },
  ]);
  // K and L paid again on the day of their last payment: K's new id sorts after the folded one, L's before.
  await payStatement([
    { name: "K", orgCode: "GSLZCG01", day: "2021-03-20", id: "ffffffff-ffff-4fff-bfff-fffffffffff2" },
    { name: "L", orgCode: "GSLZCG01", day: "2021-03-20", id: "00000000-0000-4000-8000-000000000002" },
  ]);
  // The student: a fresh payment beside H's, then a back-dated one beside J's.
  await payStatement([
    { name: "S", orgCode: "GSTSQZ01", day: "2021-05-20", aid: "EDUCATION", fund: "CENTRAL_SPECIAL", student: STUDENT },
    { name: "H", orgCode: "GSLZCG01", day: "2021-05-20" },
  ]);
  await payStatement([
    { name: "J", orgCode: "GSLZCG01", day: "2021-05-21" },
    { name: "S", orgCode: "GSTSQZ01", day: "2021-05-01", aid: "EDUCATION", fund: "CENTRAL_SPECIAL", student: STUDENT },
  ]);
  // P: paid July 1st; then a statement of 1,001 payments dated July 10th (more than 1,000 entries:
  // left pending for the fold), and before any fold a single payment of July 20th. The single one
  // must not see the pending ones (its prev is July 1st); the fold then finds them back-dated.
  await payStatement([{ name: "P", orgCode: "GSLZCG01", day: "2021-07-01" }]);
  await payStatement(Array.from({ length: 1_001 }, () => ({ name: "P", orgCode: "GSLZCG01", day: "2021-07-10" })));
  await payStatement([{ name: "P", orgCode: "GSLZCG01", day: "2021-07-20" }]);
  const { rows: pending } = await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM report_ledger_pending");
  expect(pending[0]!.n, "the big statement's payments wait for the fold").toBe(1_001);
}, 120_000);

afterAll(async () => {
  await sql.end();
});

describe("statements of several payments, fresh and back-dated", () => {
  it("counts a file once when a back-dated payment of the statement precedes its folded one", async () => {
    // H (1st and 10th: once), J (5th); K and L pay on the 20th, M on the 25th.
    expect(await moneyOf("2021-03-01", "2021-03-10")).toEqual([2, 5, 0]);
    // H's payment of the 10th alone: its previous payment (the 1st) is before the range.
    expect(await moneyOf("2021-03-02", "2021-03-12")).toEqual([2, 5, 0]);
    // Fresh payments of the same statement: J and M on the 25th.
    expect(await moneyOf("2021-03-21", "2021-03-26")).toEqual([2, 4, 0]);
    expect(await moneyOf("2021-03-01", "2021-03-30")).toEqual([5, 15, 0]);
  });

  it("counts a file paid twice on one day by one statement once", async () => {
    expect(await moneyOf("2021-04-10", "2021-04-10")).toEqual([1, 3, 0]);
    // J (March 25th, then April 10th twice) and M (March 25th).
    expect(await moneyOf("2021-03-21", "2021-04-30")).toEqual([2, 4, 0]);
  });

  it("counts a payment on the day of the file's last one once, whichever way its id sorts", async () => {
    // K (new id after the folded one) and L (new id before it), each paid twice on the 20th.
    expect(await moneyOf("2021-03-20", "2021-03-20")).toEqual([2, 9, 0]);
    expect(await moneyOf("2021-03-15", "2021-03-22")).toEqual([2, 9, 0]);
  });

  it("counts a student paid fresh and back-dated by statements paying other files too", async () => {
    // S's student on the 1st and the 10th: once; S is a household too.
    expect(await moneyOf("2021-05-01", "2021-05-10")).toEqual([1, 3, 1]);
    // The 20th: its previous payment (the 10th) is before the range. H on the 20th, J on the 21st.
    expect(await moneyOf("2021-05-15", "2021-05-21")).toEqual([3, 8, 1]);
    expect(await moneyOf("2021-05-11", "2021-05-19")).toEqual([0, 0, 0]);
  });

  it("folds a big statement's payments after a later single payment of the same file", async () => {
    // P on the 10th (1,001 times) and the 20th: the 20th's previous payment is the 10th, before the range.
    expect(await moneyOf("2021-07-11", "2021-07-20")).toEqual([1, 2, 0]);
    expect(await moneyOf("2021-07-02", "2021-07-10")).toEqual([1, 2, 0]);
    expect(await moneyOf("2021-07-01", "2021-07-20")).toEqual([1, 2, 0]);
    expect(await moneyOf("2021-07-11", "2021-07-19")).toEqual([0, 0, 0]);
  });

  it("keeps the tables as report_range_rebuild() computes them from the ledger", async () => {
    // Rows whose counts all came back to zero stay behind in the kept tables; the rebuild writes none.
    const tables = {
      report_range_paid_daily: "payments <> 0 OR persons <> 0",
      report_range_paid_monthly: "payments <> 0 OR persons <> 0",
      report_range_repeat_monthly: "repeats <> 0 OR persons <> 0",
      report_range_repeat_first: "repeats <> array_fill(0, ARRAY[31]) OR persons <> array_fill(0, ARRAY[31])",
      report_range_repeat_last: "repeats <> 0 OR persons <> 0",
    };
    const read = async (db: pg.Client) => {
      const out: Record<string, string[]> = {};
      for (const [t, nonZero] of Object.entries(tables)) {
        out[t] = (await db.query<{ r: string }>(`SELECT to_jsonb(t)::text AS r FROM ${t} t WHERE ${nonZero} ORDER BY 1`)).rows.map((r) => r.r);
      }
      return out;
    };
    const kept = await read(sql);
    expect(kept.report_range_repeat_first!.some((r) => r.includes('"prev_day": "2021-03-20"'))).toBe(true);
    // As the owner (the bulk loader's rebuild), in a transaction rolled back: the kept rows stay.
    const owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
    await owner.connect();
    try {
      await owner.query("BEGIN");
      await owner.query("SELECT report_range_rebuild()");
      expect(await read(owner)).toEqual(kept);
    } finally {
      await owner.query("ROLLBACK");
      await owner.end();
    }
  });
});
