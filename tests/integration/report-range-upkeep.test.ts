// Guards the kept points of a custom range (migration 0053, decision 035): the households, persons
// and students of a range that is not a calendar month, quarter or year, as the tables' upkeep
// leaves them after the writes that move a point — a back-dated payment (it changes the previous
// payment of the one after it), a household's size changed after its payments, a reversal inside
// and outside the range, a file paid by two organisations, a student, and two statements paying one
// file at once (the second must see the first). Every figure of the first part is written out by
// hand from the entries listed; the second part (fast-check) compares the report with a plain count
// over the entries the test wrote, for random ledgers written in random order and random ranges,
// and the kept tables with what report_range_rebuild() computes from the ledger.
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import type { AidType, FundSource } from "@/lib/generated/prisma/enums";
import { findReport, type TReport } from "@/lib/reports/find-report";
import type { TPeriod } from "@/lib/reports/period";
import { expectNoDemoPaymentsBeforeMid2025, startReportTest } from "../support/report-test";
import { insertOpenFile } from "../support/open-file";
import { insertApprovedPayment, type TSql } from "../support/ledger-fixtures";

let sql: pg.Client;
let caseworker: TActor;
let official: TActor;
let provinceAuditor: TActor;
let org: Record<string, string>;
const file: Record<string, string> = {};

async function household(name: string, orgCode: string, size: number) {
  const opened = await insertOpenFile(sql, { caseworker, official }, org[orgCode]!, {}, { householdSize: size, openedAt: "2021-06-01T04:00:00Z" });
  file[name] = opened.fileId;
}

async function pay(name: string, orgCode: string, entryDate: string, aidType: AidType, fundSource: FundSource, student?: string, db: TSql = sql) {
  const base = {
    fileId: file[name]!,
    organisationId: org[orgCode]!,
    aidType,
    fundSource,
    studentResidentId: student ?? null,
    recordedById: caseworker.userId,
    approvedById: official.userId,
  };
  const { entryId } = await insertApprovedPayment(db, { ...base, amountFen: 1_000, entryDate, purpose: "测试" });
  return {
    reverse: (on: string) =>
      insertApprovedPayment(sql, { ...base, amountFen: -1_000, entryDate: on, purpose: "冲正", reverses: { entryId, reason: "录入错误" } }),
  };
}

const range = (from: string, to: string): TPeriod => ({ kind: "range", from, to, label: `${from}–${to}` });
const moneyOf = async (from: string, to: string) => {
  const report: TReport = await findReport(provinceAuditor, { organisationId: org.GS, period: range(from, to), groups: ["money"] });
  const m = report.money;
  return {
    total: [m.total.households, m.total.persons, m.total.students],
    cities: Object.fromEntries(m.rows.filter((r) => r.households || r.students).map((r) => [r.name, [r.households, r.persons, r.students]])),
    byType: Object.fromEntries(m.byType.map((t) => [t.aidType, [t.households, t.persons]])),
    byFund: Object.fromEntries(m.byFund.map((f) => [f.fundSource, [f.households, f.persons]])),
  };
};

beforeAll(async () => {
  ({ sql, caseworker, official, provinceAuditor, org } = await startReportTest(["GS", "GSLZCG01", "GSLZQLH01", "GSTSQZ01"]));
  await expectNoDemoPaymentsBeforeMid2025(sql);
}, 120_000);

afterAll(async () => {
  await sql.end();
});

describe("the points of 2022, after the writes that move them", () => {
  beforeAll(async () => {
    await household("A", "GSLZCG01", 3);
    await household("B", "GSLZQLH01", 2);
    await household("C", "GSLZCG01", 4);
    await household("D", "GSLZCG01", 1);
    await household("E", "GSLZCG01", 6);
    await household("F", "GSTSQZ01", 3);
    await household("G", "GSLZQLH01", 2);
    // A: paid March 10th and April 20th, then a payment back-dated to March 2nd (the 10th's previous payment now).
    await pay("A", "GSLZCG01", "2022-03-10", "LIVING", "UNION_FUNDS");
    await pay("A", "GSLZCG01", "2022-04-20", "LIVING", "UNION_FUNDS");
    await pay("A", "GSLZCG01", "2022-03-02", "LIVING", "UNION_FUNDS");
    // B: two payments, then its household grows from 2 to 5.
    await pay("B", "GSLZQLH01", "2022-03-15", "MEDICAL", "CENTRAL_SPECIAL");
    await pay("B", "GSLZQLH01", "2022-05-01", "MEDICAL", "CENTRAL_SPECIAL");
    await sql.query("UPDATE household_file SET household_size = 5 WHERE id = $1", [file.B]);
    // C: paid and reversed inside the range; D: paid inside, reversed after it.
    await (await pay("C", "GSLZCG01", "2022-03-20", "EMERGENCY", "DONATION")).reverse("2022-03-25");
    await (await pay("D", "GSLZCG01", "2022-04-10", "LIVING", "UNION_FUNDS")).reverse("2022-05-10");
    // D's household then grows from 1 to 7: counted where its payment stands, not where its reversal cancels it.
    await sql.query("UPDATE household_file SET household_size = 7 WHERE id = $1", [file.D]);
    // E (a Lanzhou file): paid by its Lanzhou union and by a Tianshui union.
    await pay("E", "GSLZCG01", "2022-04-01", "LIVING", "UNION_FUNDS");
    await pay("E", "GSTSQZ01", "2022-04-02", "LIVING", "UNION_FUNDS");
    // F: a student paid twice.
    await pay("F", "GSTSQZ01", "2022-03-10", "EDUCATION", "CENTRAL_SPECIAL", "620502201203030033");
    await pay("F", "GSTSQZ01", "2022-04-05", "EDUCATION", "CENTRAL_SPECIAL", "620502201203030033");
    // G: two statements at once, the second back-dated; it waits for the first's lock and must see its entry.
    const first = new pg.Client({ connectionString: process.env.DATABASE_URL });
    const second = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await first.connect();
    await second.connect();
    try {
      const pid = (await second.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
      await first.query("BEGIN");
      await second.query("BEGIN");
      await pay("G", "GSLZQLH01", "2022-04-12", "MEDICAL", "CENTRAL_SPECIAL", undefined, first);
      const waiting = pay("G", "GSLZQLH01", "2022-03-12", "MEDICAL", "CENTRAL_SPECIAL", undefined, second);
      // The second statement waits for the first's lock on the file (report_ledger_file's upsert).
      for (let tries = 0; ; tries++) {
        const { rowCount } = await sql.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'", [pid]);
        if (rowCount === 1) break;
        if (tries > 200) throw new Error("the second statement never waited for the first");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await first.query("COMMIT");
      await waiting;
      await second.query("COMMIT");
    } finally {
      await first.end();
      await second.end();
    }
  }, 120_000);

  it("counts March 2nd to April 30th: each household once, its current size, the reversed payment not at all", async () => {
    expect(await moneyOf("2022-03-02", "2022-04-30")).toEqual({
      // A, B (5 persons now), D (7 persons now; its reversal is after the range), E (paid by two unions: once), F, G (paid twice: once).
      total: [6, 26, 1],
      cities: { 兰州市总工会: [5, 23, 0], 天水市总工会: [2, 9, 1] }, // A B D E G; E F
      byType: { LIVING: [3, 16], MEDICAL: [2, 7], EMERGENCY: [0, 0], EDUCATION: [1, 3] },
      byFund: { UNION_FUNDS: [3, 16], CENTRAL_SPECIAL: [3, 10], DONATION: [0, 0] },
    });
  });

  it("counts a range inside March once per household whose payments there repeat", async () => {
    // A (2nd, 10th), B (15th), C (paid and reversed: no), F (10th), G (12th).
    expect((await moneyOf("2022-03-01", "2022-03-30")).total).toEqual([4, 13, 1]);
    // A's payment of the 10th follows its back-dated one of the 2nd, before this range: A is counted. F, G.
    expect((await moneyOf("2022-03-03", "2022-03-12")).total).toEqual([3, 8, 1]);
    expect((await moneyOf("2022-03-03", "2022-03-09")).total).toEqual([0, 0, 0]);
  });

  it("counts a range across three months with both edges partial", async () => {
    // A (20th April), B (1st May), D (10th April; reversed 10th May: net 0 there, whatever its size), E, F (5th April), G (12th April).
    expect(await moneyOf("2022-03-26", "2022-05-10")).toMatchObject({ total: [5, 19, 1], cities: { 兰州市总工会: [4, 16, 0], 天水市总工会: [2, 9, 1] } });
  });
});

// A payment per random (household, organisation, aid type and fund, day), written in random order,
// some reversed days later; a size changed now and then. The report must give what a plain count
// over those entries gives: per grouping, the households whose payments outnumber their reversals.
const PAYERS = ["GSLZCG01", "GSLZQLH01", "GSTSQZ01"] as const;
const KINDS: Array<[AidType, FundSource, boolean]> = [
  ["LIVING", "UNION_FUNDS", false],
  ["MEDICAL", "CENTRAL_SPECIAL", false],
  ["EMERGENCY", "DONATION", false],
  ["EDUCATION", "CENTRAL_SPECIAL", true],
];
const CITY: Record<string, string> = { GSLZCG01: "兰州市总工会", GSLZQLH01: "兰州市总工会", GSTSQZ01: "天水市总工会" };
type TEntry = { name: string; payer: string; kind: number; day: string; times: number; student: string | null };
const written: TEntry[] = [];
const sizes: Record<string, number> = {};
const dayOf = (n: number) => new Date(Date.UTC(2023, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);

function plainCount(from: string, to: string) {
  const net = new Map<string, number>();
  for (const e of written.filter((w) => w.day >= from && w.day <= to)) {
    const [aid, fund] = KINDS[e.kind]!;
    for (const key of [`total|${e.name}`, `city:${CITY[e.payer]}|${e.name}`, `type:${aid}|${e.name}`, `fund:${fund}|${e.name}`])
      net.set(key, (net.get(key) ?? 0) + e.times);
    if (e.student) for (const key of [`students|${e.student}`, `cityStudents:${CITY[e.payer]}|${e.student}`]) net.set(key, (net.get(key) ?? 0) + e.times);
  }
  const out: Record<string, [number, number]> = {};
  for (const [key, times] of net) {
    if (times <= 0) continue;
    const [group, who] = key.split("|") as [string, string];
    const figures = (out[group] ??= [0, 0]);
    figures[0] += 1;
    figures[1] += group.startsWith("students") || group.startsWith("cityStudents") ? 0 : sizes[who]!;
  }
  return out;
}

describe("random ledgers written in random order", () => {
  it("give every range the households, persons and students of a plain count over their entries", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            who: fc.integer({ min: 0, max: 2 }),
            payer: fc.constantFrom(...PAYERS),
            kind: fc.integer({ min: 0, max: KINDS.length - 1 }),
            day: fc.integer({ min: 0, max: 150 }),
            reversedAfter: fc.option(fc.integer({ min: 0, max: 60 }), { freq: 4 }),
            student: fc.integer({ min: 0, max: 2 }),
            resize: fc.option(fc.integer({ min: 1, max: 8 }), { freq: 6 }),
          }),
          { minLength: 10, maxLength: 40 },
        ),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 170 }), fc.integer({ min: 0, max: 120 })), { minLength: 6, maxLength: 10 }),
        async (entries, ranges) => {
          run += 1;
          const names: string[] = [];
          for (let i = 0; i < 3; i++) {
            const name = `P${run}-${i}`;
            sizes[name] = 1 + ((run + i) % 6);
            await household(name, i % 2 ? "GSTSQZ01" : "GSLZCG01", sizes[name]);
            names.push(name);
          }
          for (const e of entries) {
            const name = names[e.who]!;
            const [aid, fund, withStudent] = KINDS[e.kind]!;
            // Students shared across runs and households, so a student is now and then paid by two unions.
            const student = withStudent ? `6205022013010100${e.student}${e.who % 2}` : null;
            const day = dayOf(e.day);
            const entry = await pay(name, e.payer, day, aid, fund, student ?? undefined);
            written.push({ name, payer: e.payer, kind: e.kind, day, times: 1, student });
            if (e.reversedAfter !== null) {
              const on = dayOf(e.day + e.reversedAfter);
              await entry.reverse(on);
              written.push({ name, payer: e.payer, kind: e.kind, day: on, times: -1, student });
            }
            if (e.resize !== null) {
              await sql.query("UPDATE household_file SET household_size = $2 WHERE id = $1", [file[name], e.resize]);
              sizes[name] = e.resize;
            }
          }
          for (const [start, length] of ranges) {
            const [from, to] = [dayOf(start), dayOf(start + length)];
            const money = await findReport(provinceAuditor, { organisationId: org.GS, period: range(from, to), groups: ["money"] });
            const plain = plainCount(from, to);
            const m = money.money;
            const pick = (figures: [number, number] | undefined) => figures ?? [0, 0];
            const got: Record<string, [number, number]> = {
              total: [m.total.households, m.total.persons],
              students: [m.total.students, 0],
            };
            for (const r of m.rows) {
              got[`city:${r.name}`] = [r.households, r.persons];
              got[`cityStudents:${r.name}`] = [r.students, 0];
            }
            for (const t of m.byType) got[`type:${t.aidType}`] = [t.households, t.persons];
            for (const f of m.byFund) got[`fund:${f.fundSource}`] = [f.households, f.persons];
            for (const key of new Set([...Object.keys(got), ...Object.keys(plain)])) {
              expect(pick(got[key]), `${key} over ${from}–${to}`).toEqual(pick(plain[key]));
            }
          }
        },
      ),
      { numRuns: 10 },
    );
  }, 600_000);

  it("keeps the tables as report_range_rebuild() and report_range_reversal_rebuild() compute them from the ledger", async () => {
    // Rows whose counts all came back to zero stay behind in the kept tables; the rebuild writes none.
    const tables = {
      report_range_paid_daily: "payments <> 0 OR persons <> 0",
      report_range_paid_monthly: "payments <> 0 OR persons <> 0",
      report_range_repeat_monthly: "repeats <> 0 OR persons <> 0",
      report_range_repeat_first: "repeats <> array_fill(0, ARRAY[31]) OR persons <> array_fill(0, ARRAY[31])",
      report_range_repeat_last: "repeats <> 0 OR persons <> 0",
      report_range_reversal_cell: "true",
    };
    const read = async () => {
      const out: Record<string, unknown[]> = {};
      for (const [t, nonZero] of Object.entries(tables)) {
        out[t] = (await sql.query(`SELECT to_jsonb(t)::text AS r FROM ${t} t WHERE ${nonZero} ORDER BY 1`)).rows.map((r) => r.r);
      }
      return out;
    };
    const kept = await read();
    expect(kept.report_range_paid_daily!.length).toBeGreaterThan(10);
    expect(kept.report_range_reversal_cell!.length, "the random ledgers reversed payments").toBeGreaterThan(5);
    // As the owner (the bulk loader's rebuild), in a transaction rolled back: the kept rows stay.
    const owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
    await owner.connect();
    try {
      await owner.query("BEGIN");
      await owner.query("SELECT report_range_rebuild(), report_range_reversal_rebuild()");
      const rebuilt: Record<string, unknown[]> = {};
      for (const [t, nonZero] of Object.entries(tables)) {
        rebuilt[t] = (await owner.query(`SELECT to_jsonb(t)::text AS r FROM ${t} t WHERE ${nonZero} ORDER BY 1`)).rows.map((r) => r.r);
      }
      expect(rebuilt).toEqual(kept);
    } finally {
      await owner.query("ROLLBACK");
      await owner.end();
    }
  });
});
