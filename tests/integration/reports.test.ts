// Guards the report figures (统计报表): a seeded random history of files (opened, re-tiered,
// transferred, exited for every reason, reopened), ledger entries with reversals, re-checks,
// measures and approvals is written straight into the database, and every report cell is compared
// with a count the test makes itself from the history it wrote — including open files as they were
// at a past date. Also the scope: a Tianshui user never sees Lanzhou's rows, nor picks Lanzhou.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { ZSubmitFilingData } from "@/lib/filing/schemas";
import { findReport } from "@/lib/reports/find-report";
import { loadReport } from "@/lib/reports/load-report";
import { mulberry32 } from "@/lib/calendar/sample";
import type { TPeriod } from "@/lib/reports/period";
import { actorFor, createTestUser, orgByCode, seedDemo } from "../support/factories";
import { filingValues, residentId } from "../support/filing-factory";
import { insertApprovedPayment } from "../support/ledger-fixtures";

// The seeded generator the spot checks draw with (mulberry32), so a failure can be replayed with the same seed.
const SEED = Number(process.env.REPORT_TEST_SEED ?? 20261201);
const random = mulberry32(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

const TIERS = ["DEEP", "RELATIVE", "ACCIDENT"] as const;
const LEVELS = ["NATIONAL", "PROVINCE", "CITY", "COUNTY"] as const;
const CATEGORIES = ["URBAN", "MIGRANT"] as const;
const CAUSES = ["ILLNESS", "DISABILITY", "EDUCATION", "DISASTER", "ACCIDENT", "UNEMPLOYMENT", "SINGLE_PARENT", "LOW_INCOME", "OTHER"] as const;
const CANCEL = ["NOT_ELIGIBLE", "FALSE_INFORMATION", "DEATH", "RETIREMENT", "LEFT_UNION", "OTHER"] as const;
const AID = ["LIVING", "MEDICAL", "EDUCATION", "WARMTH", "EMERGENCY"] as const;
// 专款专用 (fund_aid_rule, migration 0012): the warmth fund pays only WARMTH aid.
const FUNDS = ["CENTRAL_SPECIAL", "UNION_FUNDS", "WARMTH_FUND", "DONATION"] as const;
const FINDINGS = ["ACCURATE", "WRONGLY_FILED", "MISSED_EXIT", "WRONG_TIER"] as const;

// Day 0 is 2025-01-01; every change happens at noon China time of its day.
const DAY0 = Date.UTC(2025, 0, 1);
const dayString = (d: number) => new Date(DAY0 + d * 86_400_000).toISOString().slice(0, 10);
const noon = (d: number) => `${dayString(d)}T04:00:00Z`;

type TState = { org: string; tier: string; level: string; category: string; cause: string };
type TSegment = TState & { fileId: string; from: number; to: number | null };
type TEvent = { org: string; day: number; kind: string; detail: string };
type TEntry = { id: string; org: string; fileId: string; aid: string; fund: string; amount: number; day: number; reversal: boolean; student: string | null };
type TFile = {
  id: string;
  size: number;
  exitReason: string | null;
  exitDay: number | null;
  observationUntil: number | null;
  open?: boolean;
  paired?: boolean;
  org?: string;
};

const segments: TSegment[] = [];
const events: TEvent[] = [];
const entries: TEntry[] = [];
const files = new Map<string, TFile>();
const rechecks: Array<{ fileId: string; org: string; day: number; due: number; finding: string }> = [];
const measures: Array<{ fileId: string; org: string; day: number; status: string }> = [];
const approvals: Array<{ fileId: string; org: string; day: number; days: number; returned: boolean }> = [];

let sql: pg.Client;
let owner: pg.Client;
let orgs: Array<{ id: string; path: string; code: string }>;
let caseworker: TActor;
let official: TActor;
let provinceAuditor: TActor;
let tsAuditor: TActor;
let seq = 0;

async function writeHistory(count: number) {
  const inGansu = orgs.filter((o) => o.code.startsWith("GS"));
  for (let i = 0; i < count; i += 1) {
    seq += 1;
    const size = between(1, 5);
    const data = ZSubmitFilingData.parse(filingValues(inGansu[0]!.id));
    let state: TState = { org: pick(inGansu).id, tier: pick(TIERS), level: pick(LEVELS), category: pick(CATEGORIES), cause: pick(CAUSES) };
    let day = between(0, 200);
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO household_file (organisation_id, file_number, status, data, holder_name, holder_resident_id, household_size, file_level,
         worker_category, main_cause, secondary_causes, proposed_tier, tier, created_by_id, submitted_by_id, submitted_at, approved_by_id, approved_at,
         opened_at, updated_at, civil_check_result, next_check_due)
       VALUES ($1, $2, 'OPEN', $3, '测试户', $4, $5, $6::file_level, $7::worker_category, $8::hardship_cause, '{}', $9::tier, $9::tier, $10, $10, $11, $12, $11, $11, $11,
         'CONSISTENT', $13::date) RETURNING id`,
      [
        state.org,
        `R-${seq}`,
        JSON.stringify(data),
        data.members[0]!.residentId,
        size,
        state.level,
        state.category,
        state.cause,
        state.tier,
        caseworker.userId,
        noon(day),
        official.userId,
        dayString(day + 90),
      ],
    );
    const id = rows[0]!.id;
    const file: TFile = { id, size, exitReason: null, exitDay: null, observationUntil: null };
    files.set(id, file);
    events.push({ org: state.org, day, kind: "NEW", detail: "" });
    let current: TSegment = { ...state, fileId: id, from: day, to: null };
    segments.push(current);
    let status: "OPEN" | "OBSERVATION" | "CLOSED" | "DRAFT" = "OPEN";
    let episode = 1;
    const update = async (set: string, values: unknown[]) => {
      await sql.query(`UPDATE household_file SET ${set}, updated_at = $2 WHERE id = $1`, [id, noon(day), ...values]);
    };
    const reopenSegment = (next: TState) => {
      current.to = day;
      state = next;
      current = { ...state, fileId: id, from: day, to: null };
      segments.push(current);
    };

    for (let step = 0; step < between(0, 6); step += 1) {
      day += between(1, 120);
      if (status === "OPEN") {
        const op = pick(["tier", "cause", "transfer", "resolved", "cancelled", "nothing"] as const);
        if (op === "tier") {
          const tier = pick(TIERS.filter((t) => t !== state.tier));
          await update("tier = $3::tier", [tier]);
          reopenSegment({ ...state, tier });
        } else if (op === "cause") {
          const cause = pick(CAUSES.filter((c) => c !== state.cause));
          await update("main_cause = $3::hardship_cause", [cause]);
          reopenSegment({ ...state, cause });
        } else if (op === "transfer") {
          const org = pick(inGansu.filter((o) => o.id !== state.org)).id;
          await update("organisation_id = $3", [org]);
          events.push({ org: state.org, day, kind: "TRANSFER_OUT", detail: "" }, { org, day, kind: "TRANSFER_IN", detail: "" });
          reopenSegment({ ...state, org });
        } else if (op === "resolved") {
          await update("status = 'OBSERVATION', exit_reason = 'RESOLVED', exited_at = $2, observation_until = $3::date", [dayString(day + 365)]);
          events.push({ org: state.org, day, kind: "EXIT_RESOLVED", detail: "" });
          current.to = day;
          status = "OBSERVATION";
          Object.assign(file, { exitReason: "RESOLVED", exitDay: day, observationUntil: day + 365 });
        } else if (op === "cancelled") {
          const reason = pick(CANCEL);
          await update("status = 'CLOSED', exit_reason = 'CANCELLED', cancel_reason = $3::cancel_reason, exited_at = $2", [reason]);
          events.push({ org: state.org, day, kind: "EXIT_CANCELLED", detail: reason });
          current.to = day;
          status = "CLOSED";
          Object.assign(file, { exitReason: "CANCELLED", exitDay: day, observationUntil: null });
        }
      } else if (status === "OBSERVATION" || status === "CLOSED") {
        if (random() < 0.5) {
          episode += 1;
          await update("status = 'DRAFT', episode = $3", [episode]);
          events.push({ org: state.org, day, kind: "REOPENED", detail: "" });
          if (status === "OBSERVATION") events.push({ org: state.org, day, kind: "REOPENED_IN_OBSERVATION", detail: "" });
          status = "DRAFT";
        }
      } else if (status === "DRAFT") {
        await update("status = 'OPEN', exit_reason = NULL, cancel_reason = NULL, exited_at = NULL, observation_until = NULL, opened_at = $2", []);
        Object.assign(file, { exitReason: null, exitDay: null, observationUntil: null });
        current = { ...state, fileId: id, from: day, to: null };
        segments.push(current);
        status = "OPEN";
      }
    }

    // Pairing: some open files get a responsible cadre (pairing coverage counts today's files).
    Object.assign(file, { open: status === "OPEN", org: state.org, paired: false });
    if (status === "OPEN" && random() < 0.5) {
      day += 1;
      await update("responsible_cadre_id = $3", [caseworker.userId]);
      file.paired = true;
    }

    // Money: a few entries, some reversed, paid by the file's current organisation or (after a
    // transfer) by one that held it before, so some households are paid by two organisations.
    const students = [residentId({ birthDate: "2010-01-01" }), residentId({ birthDate: "2012-01-01" })];
    const payers = [...new Set(segments.filter((g) => g.fileId === id).map((g) => g.org))];
    for (let k = 0; k < between(0, 5); k += 1) {
      const aid = pick(AID);
      const entry = {
        org: random() < 0.6 ? state.org : pick(payers),
        fileId: id,
        aid,
        fund: pick(aid === "WARMTH" ? FUNDS : FUNDS.filter((f) => f !== "WARMTH_FUND")),
        amount: between(1, 5000) * 100,
        day: between(0, 700),
        reversal: false,
        student: aid === "EDUCATION" ? pick(students) : null,
      };
      const paid = {
        fileId: id,
        organisationId: entry.org,
        aidType: entry.aid,
        fundSource: entry.fund,
        studentResidentId: entry.student,
        recordedById: caseworker.userId,
        approvedById: official.userId,
      };
      const { entryId } = await insertApprovedPayment(sql, { ...paid, amountFen: entry.amount, entryDate: dayString(entry.day), purpose: "测试" });
      entries.push({ ...entry, id: entryId });
      if (random() < 0.25) {
        const day2 = entry.day + between(0, 60);
        await insertApprovedPayment(sql, {
          ...paid,
          amountFen: -entry.amount,
          entryDate: dayString(day2),
          purpose: "冲正",
          reverses: { entryId, reason: "录入错误" },
        });
        entries.push({ ...entry, id: `${entryId}-r`, amount: -entry.amount, day: day2, reversal: true });
      }
    }

    // Work: re-checks, measures and an approval history, all counted by the file's current organisation.
    for (let k = 0; k < between(0, 3); k += 1) {
      const check = between(0, 700);
      const due = check + between(-30, 30);
      const finding = pick(FINDINGS);
      await sql.query(
        `INSERT INTO recheck (file_id, episode, check_date, visitors, recorded_by_id, figures, per_capita_monthly_fen, tier_at_check, outcome, finding, due_date)
         VALUES ($1, 1, $2::date, '测试', $3, '{}', 100000, 'DEEP', 'CONFIRM', $4::recheck_finding, $5::date)`,
        [id, dayString(check), caseworker.userId, finding, dayString(due)],
      );
      rechecks.push({ fileId: id, org: state.org, day: check, due, finding });
    }
    for (let k = 0; k < between(0, 3); k += 1) {
      const created = between(0, 700);
      const mStatus = pick(["PLANNED", "IN_PROGRESS", "DONE", "CANCELLED"] as const);
      await sql.query(
        `INSERT INTO plan_measure (file_id, need, measure, responsible, due_date, status, outcome, created_by_id, created_at)
         VALUES ($1, '需求', '措施', '责任人', $2::date, $3::measure_status, '结果', $4, $5)`,
        [id, dayString(created + 30), mStatus, caseworker.userId, noon(created)],
      );
      measures.push({ fileId: id, org: state.org, day: created, status: mStatus });
    }
    if (random() < 0.6) {
      const submitted = between(0, 650);
      const returned = random() < 0.3;
      const approvedDay = submitted + between(1, 40);
      await sql.query(`INSERT INTO filing_event (file_id, episode, kind, to_status, actor_id, at) VALUES ($1, 1, 'SUBMITTED', 'SUBMITTED', $2, $3)`, [
        id,
        caseworker.userId,
        noon(submitted),
      ]);
      if (returned)
        await sql.query(`INSERT INTO filing_event (file_id, episode, kind, to_status, actor_id, at) VALUES ($1, 1, 'REJECTED', 'DRAFT', $2, $3)`, [
          id,
          official.userId,
          noon(submitted),
        ]);
      const resubmitted = returned ? submitted + 1 : submitted;
      if (returned)
        await sql.query(`INSERT INTO filing_event (file_id, episode, kind, to_status, actor_id, at) VALUES ($1, 1, 'SUBMITTED', 'SUBMITTED', $2, $3)`, [
          id,
          caseworker.userId,
          noon(resubmitted),
        ]);
      const at = Math.max(approvedDay, resubmitted + 1);
      await sql.query(`INSERT INTO filing_event (file_id, episode, kind, to_status, actor_id, at) VALUES ($1, 1, 'APPROVED', 'OPEN', $2, $3)`, [
        id,
        official.userId,
        noon(at),
      ]);
      approvals.push({ fileId: id, org: state.org, day: at, days: at - resubmitted, returned });
    }
  }
}

/** The child of `selected` that `orgId` lies under ("self" for the selected organisation itself). */
function childOf(selected: { id: string; path: string }, orgId: string): string | null {
  const org = orgs.find((o) => o.id === orgId)!;
  if (!org.path.startsWith(selected.path)) return null;
  return org.id === selected.id ? "self" : org.path.slice(selected.path.length).split("/")[0]!;
}

function expectedFor(selected: { id: string; path: string }, period: { fromDay: number; toDay: number }) {
  const rows = new Map<string, Record<string, number>>();
  const bump = (child: string | null, key: string, by = 1) => {
    if (!child) return;
    const row = rows.get(child) ?? {};
    row[key] = (row[key] ?? 0) + by;
    rows.set(child, row);
  };
  for (const s of segments) {
    if (s.from <= period.toDay && (s.to === null || s.to > period.toDay)) {
      const child = childOf(selected, s.org);
      for (const key of ["open", `tier:${s.tier}`, `level:${s.level}`, `category:${s.category}`, `cause:${s.cause}`]) bump(child, key);
    }
  }
  for (const e of events) {
    if (e.day < period.fromDay || e.day > period.toDay) continue;
    bump(childOf(selected, e.org), `event:${e.kind}`);
    if (e.kind === "EXIT_CANCELLED") bump(childOf(selected, e.org), `cancel:${e.detail}`);
  }
  const inPeriod = entries.filter((e) => e.day >= period.fromDay && e.day <= period.toDay && childOf(selected, e.org));
  for (const e of inPeriod) {
    bump(childOf(selected, e.org), "amount", e.amount);
    bump(childOf(selected, e.org), "times", e.reversal ? -1 : 1);
    const file = files.get(e.fileId)!;
    if (file.exitReason === "RESOLVED" && file.exitDay !== null && e.day >= file.exitDay && e.day <= file.observationUntil!) {
      bump(childOf(selected, e.org), "observationFen", e.amount);
      bump(childOf(selected, e.org), "observationTimes", e.reversal ? -1 : 1);
    }
  }
  // Households: more payments than reversals in the period, within the row.
  const helped = (group: (e: TEntry) => string) => {
    const net = new Map<string, number>();
    for (const e of inPeriod) net.set(group(e), (net.get(group(e)) ?? 0) + (e.reversal ? -1 : 1));
    return [...net.entries()].filter(([, v]) => v > 0).map(([k]) => k);
  };
  for (const key of helped((e) => `${childOf(selected, e.org)}|${e.fileId}`)) {
    const [child, fileId] = key.split("|");
    bump(child!, "households");
    bump(child!, "persons", files.get(fileId!)!.size);
  }
  for (const key of helped((e) => (e.student ? `${childOf(selected, e.org)}|${e.student}` : "none"))) if (key !== "none") bump(key.split("|")[0]!, "students");
  const totalHouseholds = helped((e) => e.fileId).length;
  const totalPersons = helped((e) => e.fileId).reduce((sum, id) => sum + files.get(id)!.size, 0);
  const totalStudents = helped((e) => e.student ?? "none").filter((k) => k !== "none").length;
  const byType = Object.fromEntries(AID.map((aid) => [aid, helped((e) => (e.aid === aid ? e.fileId : "none")).filter((k) => k !== "none").length]));
  const byTypePersons = Object.fromEntries(
    AID.map((aid) => [
      aid,
      helped((e) => (e.aid === aid ? e.fileId : "none"))
        .filter((k) => k !== "none")
        .reduce((sum, id) => sum + files.get(id)!.size, 0),
    ]),
  );
  const byFund = Object.fromEntries(FUNDS.map((fund) => [fund, helped((e) => (e.fund === fund ? e.fileId : "none")).filter((k) => k !== "none").length]));
  for (const f of files.values()) {
    if (!f.open) continue;
    bump(childOf(selected, f.org!), "openNow");
    if (f.paired) bump(childOf(selected, f.org!), "paired");
  }
  for (const r of rechecks) {
    if (r.day < period.fromDay || r.day > period.toDay) continue;
    bump(childOf(selected, r.org), "rechecks");
    bump(childOf(selected, r.org), r.day <= r.due ? "onTime" : "late");
    bump(childOf(selected, r.org), `finding:${r.finding}`);
  }
  for (const m of measures) {
    if (m.day < period.fromDay || m.day > period.toDay || m.status === "CANCELLED") continue;
    bump(childOf(selected, m.org), "measures");
    if (m.status !== "PLANNED") bump(childOf(selected, m.org), "measuresActive");
    if (m.status === "DONE") bump(childOf(selected, m.org), "resolved");
  }
  for (const a of approvals) {
    if (a.day < period.fromDay || a.day > period.toDay) continue;
    bump(childOf(selected, a.org), "approvals");
    bump(childOf(selected, a.org), "approvalDays", a.days);
    if (a.returned) bump(childOf(selected, a.org), "afterReturn");
  }
  return { rows, totalHouseholds, totalPersons, totalStudents, byType, byTypePersons, byFund };
}

function actualRows(report: Awaited<ReturnType<typeof findReport>>) {
  const rows = new Map<string, Record<string, number>>();
  const set = (key: string, name: string, value: number) => {
    if (!value) return;
    const row = rows.get(key) ?? {};
    row[name] = (row[name] ?? 0) + value;
    rows.set(key, row);
  };
  for (const r of report.files) {
    set(r.key, "open", r.open);
    for (const [k, v] of Object.entries(r.byTier)) set(r.key, `tier:${k}`, v!);
    for (const [k, v] of Object.entries(r.byLevel)) set(r.key, `level:${k}`, v!);
    for (const [k, v] of Object.entries(r.byCategory)) set(r.key, `category:${k}`, v!);
    for (const [k, v] of Object.entries(r.byCause)) set(r.key, `cause:${k}`, v!);
    for (const [k, v] of Object.entries(r.cancelByReason)) set(r.key, `cancel:${k}`, v!);
    set(r.key, "event:NEW", r.newFilings);
    set(r.key, "event:REOPENED", r.reopened);
    set(r.key, "event:EXIT_RESOLVED", r.exitResolved);
    set(r.key, "event:EXIT_CANCELLED", r.exitCancelled);
    set(r.key, "event:TRANSFER_IN", r.transferIn);
    set(r.key, "event:TRANSFER_OUT", r.transferOut);
  }
  for (const r of report.quality) set(r.key, "event:REOPENED_IN_OBSERVATION", r.reopenedInObservation);
  for (const r of report.money.rows) {
    for (const k of ["amount", "times", "households", "persons", "students", "observationFen", "observationTimes"] as const) {
      set(r.key, k, k === "amount" ? r.amountFen : r[k]);
    }
  }
  for (const r of report.work.rows) {
    for (const k of ["openNow", "paired", "rechecks", "onTime", "late", "measures", "measuresActive", "resolved", "approvals"] as const) set(r.key, k, r[k]);
    if (r.avgApprovalDays !== null) set(r.key, "approvalDays", Math.round(r.avgApprovalDays * r.approvals));
  }
  for (const r of report.quality) {
    for (const [k, v] of Object.entries(r.findings)) set(r.key, `finding:${k}`, v!);
    set(r.key, "afterReturn", r.approvalsAfterReturn);
  }
  return rows;
}

const sorted = (rows: Map<string, Record<string, number>>) =>
  Object.fromEntries(
    [...rows.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [
        k,
        Object.fromEntries(
          Object.entries(v)
            .filter(([, x]) => x !== 0)
            .sort(),
        ),
      ]),
  );

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  caseworker = await actorFor("lz_caseworker");
  official = await actorFor("lz_official");
  tsAuditor = await actorFor("ts_auditor");
  provinceAuditor = await actorFor((await createTestUser({ orgCode: "GS", roles: ["AUDITOR"] })).username);
  orgs = (await sql.query<{ id: string; path: string; code: string }>("SELECT id, path, code FROM organisation")).rows;
  await writeHistory(60);
  // The migration's backfill (as the owner, like a migration) over what exists, then more history
  // through the triggers on top of it, then household sizes changed after the money was counted.
  owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
  await owner.connect();
  await owner.query("SELECT report_ledger_people_rebuild()");
  // The open files at the end of every month that has ended are kept from here on (decision 039):
  // the history written next is dated in those months and must change them too.
  expect((await sql.query<{ n: number }>("SELECT report_open_roll() AS n")).rows[0]!.n).toBeGreaterThan(12);
  await writeHistory(40);
  for (const file of [...files.values()].filter(() => random() < 0.2)) {
    file.size = between(1, 6);
    await sql.query("UPDATE household_file SET household_size = $2 WHERE id = $1", [file.id, file.size]);
  }
  // Files no longer open move to another organisation after their approvals were counted: their
  // records (approvals, re-checks, measures) follow them; their ledger entries stay with the payer.
  const inGansu = orgs.filter((o) => o.code.startsWith("GS"));
  for (const file of [...files.values()].filter((f) => !f.open).slice(0, 8)) {
    const to = pick(inGansu.filter((o) => o.id !== file.org)).id;
    await sql.query("UPDATE household_file SET organisation_id = $2 WHERE id = $1", [file.id, to]);
    file.org = to;
    for (const r of [...rechecks, ...measures, ...approvals]) if (r.fileId === file.id) r.org = to;
  }
}, 180_000);

afterAll(async () => {
  await sql.end();
  await owner?.end();
});

describe("every report cell equals a direct count of the rows it summarises", () => {
  // Calendar months, quarters and years read the counts of migration 0018; other ranges (cutting
  // months) count the entries.
  const periods: Array<{ fromDay: number; toDay: number }> = [
    { fromDay: 0, toDay: 364 }, // the year 2025
    { fromDay: 365, toDay: 729 }, // the year 2026
    { fromDay: 90, toDay: 180 }, // 2025 Q2
    { fromDay: 59, toDay: 89 }, // March 2025
    { fromDay: 396, toDay: 423 }, // February 2026
    { fromDay: 45, toDay: 150 }, // mid-February to the end of May
    { fromDay: 400, toDay: 430 },
    { fromDay: 0, toDay: 800 },
  ];
  for (const code of ["GS", "GSLZ", "GSLZCG", "GSTS"]) {
    for (const p of periods) {
      it(`${code} ${dayString(p.fromDay)}–${dayString(p.toDay)} (seed ${SEED})`, async () => {
        const selected = await orgByCode(code);
        const period: TPeriod = { kind: "range", from: dayString(p.fromDay), to: dayString(p.toDay), label: "" };
        const report = await findReport(provinceAuditor, { organisationId: selected.id, period });
        const expected = expectedFor(selected, p);
        const actual = actualRows(report);
        // Average days are compared as rounded totals; everything else exactly.
        for (const row of [...expected.rows.values()]) if (row.approvalDays) row.approvalDays = Math.round(row.approvalDays);
        expect(sorted(actual)).toEqual(sorted(expected.rows));
        expect(report.money.total.households).toBe(expected.totalHouseholds);
        expect(report.money.total.persons).toBe(expected.totalPersons);
        expect(report.money.total.students).toBe(expected.totalStudents);
        for (const t of report.money.byType)
          expect([t.aidType, t.households, t.persons]).toEqual([t.aidType, expected.byType[t.aidType], expected.byTypePersons[t.aidType]]);
        for (const f of report.money.byFund) expect([f.fundSource, f.households]).toEqual([f.fundSource, expected.byFund[f.fundSource]]);
        expect(report.money.total.amountFen).toBe(report.money.rows.reduce((s, r) => s + r.amountFen, 0));
      });
    }
  }

  it("keeps the same counts through the triggers as the migration's backfill computes from the ledger", async () => {
    const counts =
      "SELECT period_kind, period_start::text, organisation_id, dim, key, households, persons FROM report_ledger_count WHERE households <> 0 OR persons <> 0 ORDER BY 1, 2, 3, 4, 5";
    const others = [
      "SELECT file_id, period_kind, period_start::text, organisation_id, times, by_type, by_fund FROM report_ledger_file_period ORDER BY 1, 2, 3, 4",
      "SELECT * FROM report_ledger_student_period ORDER BY 1, 2, 3, 4",
      // Which organisation paid first is kept only to tell when a second one pays.
      "SELECT file_id, CASE WHEN NOT multi THEN organisation_id END AS organisation_id, multi FROM report_ledger_file ORDER BY 1",
      "SELECT student_resident_id, CASE WHEN NOT multi THEN organisation_id END AS organisation_id, multi FROM report_ledger_student ORDER BY 1",
    ];
    const read = async () => {
      const rows = [];
      for (const q of [counts, ...others]) rows.push((await owner.query(q)).rows);
      return rows;
    };
    const before = await read();
    await owner.query("BEGIN");
    await owner.query("SELECT report_ledger_people_rebuild()");
    const after = await read();
    await owner.query("ROLLBACK");
    expect(after[0]!.length).toBeGreaterThan(100);
    expect(before).toEqual(after);
    // Some households were paid by two organisations: the case the report reads apart.
    expect((await owner.query("SELECT count(*)::int AS n FROM report_ledger_file WHERE multi")).rows[0].n).toBeGreaterThan(0);
  });

  it("keeps each month's open files as a rebuild from the changes computes them", async () => {
    const kept =
      "SELECT month::text, organisation_id, tier, file_level, worker_category, main_cause, files FROM report_open_month WHERE files <> 0 ORDER BY 1, 2, 3, 4, 5, 6";
    const before = (await owner.query(kept)).rows;
    await owner.query("BEGIN");
    await owner.query("SELECT report_open_month_rebuild()");
    const after = (await owner.query(kept)).rows;
    await owner.query("ROLLBACK");
    expect(before.length).toBeGreaterThan(100);
    expect(before).toEqual(after);
  });

  it("rebuilds every table a bulk load leaves to a rebuild to the rows its trigger kept", async () => {
    // The bulk loader leaves a trigger commented `bangfu:rebuild f()` off and calls f() instead
    // (migration 0025). Every such trigger must be covered here, with what its table should hold.
    const { rows: registered } = await owner.query<{ trigger: string; rebuild: string }>(`
      SELECT tgname AS trigger, substring(obj_description(oid, 'pg_trigger') FROM '^bangfu:rebuild ([a-z_]+)\\(\\)') AS rebuild
        FROM pg_trigger WHERE obj_description(oid, 'pg_trigger') LIKE 'bangfu:rebuild %' ORDER BY 1`);
    const tables: Record<string, string> = {
      ledger_daily_total_rebuild: "SELECT * FROM ledger_daily_total ORDER BY 1, 2, 3, 4",
      report_ledger_daily_rebuild: "SELECT * FROM report_ledger_daily ORDER BY 1, 2, 3, 4",
      ledger_entry_elsewhere_rebuild: "SELECT * FROM ledger_entry_elsewhere ORDER BY 1",
      // Compared in full by the test above (its counts' zero rows and first payer need care).
      report_ledger_people_rebuild:
        "SELECT period_kind, period_start::text, organisation_id, dim, key, households, persons FROM report_ledger_count WHERE households <> 0 OR persons <> 0 ORDER BY 1, 2, 3, 4, 5",
      // 0031: what each union holds per fund and year, from allocation rows and the ledger.
      allocation_balance_rebuild: "SELECT organisation_id, fund_source::text, year, balance_fen::text FROM allocation_balance ORDER BY 1, 2, 3",
      // 0065: 实际支出, 银行退回 and 未领取退回 per paying union, fund and day, and per month.
      allocation_spent_rebuild: `
        SELECT 'D' AS grain, paying_organisation_id, entry_date::text AS day, fund_source::text, spent_fen::text, bank_returned_fen::text, unclaimed_fen::text
          FROM allocation_spent_daily
        UNION ALL
        SELECT 'M', paying_organisation_id, month::text, fund_source::text, spent_fen::text, bank_returned_fen::text, unclaimed_fen::text
          FROM allocation_spent_monthly ORDER BY 1, 2, 3, 4`,
    };
    // This history has no batches: 0064's per-batch reconciliation sums are compared with their rebuild in batch-recon.test.ts.
    const comparedInOwnTest = ["batch_recon_rebuild"];
    expect(registered.map((r) => r.trigger)).toEqual([
      "batch_line_recon_change",
      "batch_line_recon_delete",
      "batch_line_recon_insert",
      "ledger_entry_batch_recon",
      "ledger_entry_daily_total",
      "ledger_entry_elsewhere_insert",
      "ledger_entry_report_daily",
      "ledger_entry_report_people",
      "ledger_entry_spend",
      "ledger_entry_spent_sums",
    ]);
    for (const { rebuild } of registered.filter((r) => !comparedInOwnTest.includes(r.rebuild))) {
      const query = tables[rebuild];
      expect(query, `${rebuild} has no comparison here`).toBeDefined();
      const kept = (await owner.query(query!)).rows;
      expect(kept.length, rebuild).toBeGreaterThan(0);
      await owner.query("BEGIN");
      await owner.query(`SELECT ${rebuild}()`);
      const rebuilt = (await owner.query(query!)).rows;
      await owner.query("ROLLBACK");
      expect(rebuilt, rebuild).toEqual(kept);
    }
  });

  it("has a history worth testing: every event kind occurs", () => {
    for (const kind of ["NEW", "REOPENED", "EXIT_RESOLVED", "EXIT_CANCELLED", "TRANSFER_IN", "REOPENED_IN_OBSERVATION"]) {
      expect(events.some((e) => e.kind === kind)).toBe(true);
    }
    expect(entries.some((e) => e.reversal)).toBe(true);
  });
});

// Scope: a Tianshui user (the attacker) asks for Lanzhou's report (the victim) and for the province.
describe("scope: a city user sees only their own city's rows", () => {
  it("refuses another city's organisation as if it did not exist", async () => {
    const lanzhou = await orgByCode("GSLZ");
    const period: TPeriod = { kind: "range", from: "2025-01-01", to: "2026-12-31", label: "" };
    await expect(findReport(tsAuditor, { organisationId: lanzhou.id, period })).rejects.toThrow(/不在您的管辖范围内/);
    await expect(findReport(tsAuditor, { organisationId: (await orgByCode("GS")).id, period })).rejects.toThrow(/不在您的管辖范围内/);
  });

  it("counts only Tianshui's files, entries and re-checks in its own report", async () => {
    const tianshui = await orgByCode("GSTS");
    const period: TPeriod = { kind: "range", from: "2025-01-01", to: "2026-12-31", label: "" };
    const own = await findReport(tsAuditor, { period });
    const asProvince = await findReport(provinceAuditor, { organisationId: tianshui.id, period });
    // The same figures; only the way up differs (the city user cannot go above their own union).
    expect({ ...own, organisation: null }).toEqual({ ...asProvince, organisation: null });
    expect(own.organisation.parentId).toBeNull();
    const names = own.files.map((r) => r.name).join("、");
    expect(names).not.toMatch(/兰州|城关|七里河|西固/);
    const { rows } = await sql.query<{ total: string | null }>(
      `SELECT sum(l.amount_fen) AS total FROM ledger_entry l JOIN organisation o ON o.id = l.organisation_id WHERE o.path LIKE $1 AND l.entry_date BETWEEN '2025-01-01' AND '2026-12-31'`,
      [`${tianshui.path}%`],
    );
    expect(own.money.total.amountFen).toBe(Number(rows[0]!.total ?? 0));
  });

  it("refuses a role that reads no reports", async () => {
    const admin = await actorFor("lz_admin");
    await expect(findReport(admin, { period: { kind: "month", from: "2025-01-01", to: "2025-01-31", label: "" } })).rejects.toThrow();
  });

  it("keeps the last report beside a refused quarter, with the error on its field (issue 26)", async () => {
    const last = new URLSearchParams({ kind: "year", year: "2025" }).toString();
    const refused = await loadReport(tsAuditor, { kind: "quarter", quarter: "2026Q5", last });
    expect(refused.errors).toEqual({ quarter: "季度应写作“年份-Q季度”，季度为 1 至 4，如 2026-Q4" });
    expect(refused.entered).toMatchObject({ kind: "quarter", quarter: "2026Q5" });
    expect(refused.report.period).toMatchObject({ from: "2025-01-01", to: "2025-12-31", label: "2025年" });
    // Without a last report, this month's; an end before the start is the end date's error.
    const noLast = await loadReport(tsAuditor, { kind: "range", from: "2026-03-01", to: "2026-02-01" });
    expect(noLast.errors).toEqual({ to: "结束日期不能早于开始日期。" });
    expect(noLast.report.period.kind).toBe("month");
    const fine = await loadReport(tsAuditor, { kind: "month" });
    expect(fine.errors).toBeNull();
    expect(fine.query.month).toBe(fine.report.period.from.slice(0, 7));
  });
});
