// Guards the exactness of the warnings and referrals report (issue 25): every cell of every table
// equals a direct count written here in plain SQL over the base tables (never with the function
// under test), for a city union's scope and a period, with data outside the scope (Tianshui) and
// outside the period that must not be counted.
import { beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { decideChange, proposeExit } from "@/lib/dynamic/changes";
import { recordVisit } from "@/lib/dynamic/pairing";
import { approveFiling, recordCivilCheck, reviewFiling, startPublicity } from "@/lib/filing/workflow";
import { addDays, todayInShanghai } from "@/lib/format/datetime";
import { closeReferral, createReferral } from "@/lib/referrals/refer";
import { actOnWarning } from "@/lib/warnings/act-on-warning";
import { findWarningReport } from "@/lib/warnings/find-warning-report";
import { raiseWarnings } from "@/lib/warnings/raise-warnings";
import { actorFor, orgByCode, seedDemo } from "../support/factories";
import { backdateReview, filingValues, submitNewFiling } from "../support/filing-factory";

const today = todayInShanghai();
const from = `${today.slice(0, 4)}-01-01`;
let city: TActor;

async function openFile(caseworker: TActor, official: TActor, county: string) {
  const { fileId } = await submitNewFiling(caseworker, filingValues(county));
  const ref = async () => ({ fileId, expectedVersion: (await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId } })).version });
  await reviewFiling(official, { ...(await ref()), homeVisitDate: today });
  await backdateReview(fileId, 7);
  await startPublicity(official, { ...(await ref()), startDate: addDays(today, -6) });
  await recordCivilCheck(official, { ...(await ref()), checkDate: today, result: "CONSISTENT" });
  await approveFiling(official, { ...(await ref()), tier: "DEEP" });
  return { fileId, ref };
}

beforeAll(async () => {
  await seedDemo();
  city = await actorFor("lz_caseworker");
  const lzOfficial = await actorFor("lz_official");
  const ts = { cw: await actorFor("ts_caseworker"), off: await actorFor("ts_official"), county: (await orgByCode("GSTSQZ")).id };
  const lzCounty = (await orgByCode("GSLZCG")).id;
  const paths = ["EMPLOYMENT", "EMPLOYMENT", "SOCIAL_SECURITY", null] as const;
  for (const [i, path] of paths.entries()) {
    for (const side of [{ cw: city, off: lzOfficial, county: lzCounty }, ...(i < 2 ? [ts] : [])]) {
      const { fileId, ref } = await openFile(side.cw, side.off, side.county);
      await createReferral(side.cw, {
        fileId,
        department: i % 2 ? "HUMAN_RESOURCES" : "CIVIL_AFFAIRS",
        item: "转介",
        referredOn: today,
        contact: "对接人",
        dueDate: today,
      });
      const exit = await proposeExit(side.cw, { ...(await ref()), exitReason: "RESOLVED", exitPath: path ?? undefined, reason: "脱困" });
      await decideChange(side.off, { requestId: exit.id, expectedVersion: 1, approve: true });
      await recordVisit(side.cw, { fileId, visitDate: today, visitors: "王静", findings: "走访", events: i === 3 ? [] : ["JOB_LOSS"] });
    }
  }
  // One referral closed as 办结, one overdue (referred long ago, outside the period), one 不符合.
  const refs = await prisma.referral.findMany({ orderBy: { createdAt: "asc" } });
  await closeReferral(lzOfficial, { referralId: refs[0]!.id, expectedVersion: 1, outcome: "GRANTED", outcomeOn: today, outcomeNote: "低保" });
  await closeReferral(lzOfficial, { referralId: refs[2]!.id, expectedVersion: 1, outcome: "NOT_ELIGIBLE", outcomeOn: today });
  await prisma.referral.update({
    where: { id: refs[4]!.id },
    data: { referredOn: new Date(`${Number(today.slice(0, 4)) - 1}-06-01`), dueDate: new Date(`${Number(today.slice(0, 4)) - 1}-07-01`) },
  });
  await raiseWarnings(today);
  const warnings = await prisma.hardshipWarning.findMany({ where: { rule: "LIFE_EVENT", file: { organisationId: lzCounty } }, orderBy: { raisedAt: "asc" } });
  await actOnWarning(city, { warningId: warnings[0]!.id, expectedVersion: 1, action: "REOPEN" });
  await actOnWarning(city, { warningId: warnings[1]!.id, expectedVersion: 1, action: "DISMISS", note: "已核实" });
});

const n = (rows: Array<{ n: bigint | number }>) => Number(rows[0]!.n);

describe("the warnings and referrals report", () => {
  it("equals a direct count in every cell", async () => {
    const report = await findWarningReport(city, { from, to: today, today });
    const path = `${city.organisation.path}%`;
    const cells = (key: string) => {
      const t = report.tables.find((x) => x.key === key)!;
      return [...t.rows, ...(t.total ? [t.total] : [])].map((row) => t.columns.slice(1).map((c) => c.value(row)));
    };
    const inScope = `JOIN household_file f ON f.id = x.file_id JOIN organisation o ON o.id = f.organisation_id WHERE o.path LIKE $1`;
    const q = async (sql: string, ...args: unknown[]) => n(await prisma.$queryRawUnsafe<Array<{ n: bigint }>>(sql, path, ...args));
    const dayStart = `(($2::date)::timestamp AT TIME ZONE 'Asia/Shanghai')`;
    const dayEnd = `((($3::date) + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`;

    const rules = ["LOW_INCOME", "LIFE_EVENT", "CIVIL_LISTING", "MEDICAL_AID", "NO_VISIT"];
    const expectedRules: number[][] = [];
    for (const rule of rules) {
      const raised = `SELECT count(*) AS n FROM hardship_warning x ${inScope} AND x.rule = $4::warning_rule AND x.raised_on BETWEEN $2::date AND $3::date`;
      const acted = (status: string) =>
        `SELECT count(*) AS n FROM hardship_warning x ${inScope} AND x.rule = $4::warning_rule AND x.status = '${status}' AND x.acted_at >= ${dayStart} AND x.acted_at < ${dayEnd}`;
      expectedRules.push([
        await q(raised, from, today, rule),
        await q(`${raised} AND x.status = 'OPEN'`, from, today, rule),
        await q(acted("RECHECK_OPENED"), from, today, rule),
        await q(acted("REOPENED"), from, today, rule),
        await q(acted("DISMISSED"), from, today, rule),
      ]);
    }
    expectedRules.push(expectedRules[0]!.map((_, i) => expectedRules.reduce((s, r) => s + r[i]!, 0)));
    expect(cells("rules")).toEqual(expectedRules);
    expect(expectedRules[1]).toEqual([3, 1, 0, 1, 1]);

    const exitsSql = `SELECT count(*) AS n FROM change_request x ${inScope} AND x.kind = 'EXIT' AND x.status = 'APPROVED' AND x.exit_reason = 'RESOLVED' AND x.decided_at >= ${dayStart} AND x.decided_at < ${dayEnd}`;
    const exits = await q(exitsSql, from, today);
    const returned = await q(
      `${exitsSql} AND EXISTS (SELECT 1 FROM filing_event e WHERE e.file_id = x.file_id AND e.kind = 'REOPENED' AND e.at > x.decided_at
      AND e.at < (((x.decided_at AT TIME ZONE 'Asia/Shanghai')::date + interval '24 months')::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`,
      from,
      today,
    );
    expect(cells("return")).toEqual([[exits, returned, returned / exits]]);
    expect([exits, returned]).toEqual([4, 1]);

    const expectedReferrals: number[][] = [];
    for (const d of ["CIVIL_AFFAIRS", "HUMAN_RESOURCES", "MEDICAL_INSURANCE", "EDUCATION", "HOUSING", "OTHER"]) {
      const base = `SELECT count(*) AS n FROM referral x ${inScope} AND x.department = $4::referral_department AND x.referred_on BETWEEN $2::date AND $3::date`;
      expectedReferrals.push([
        await q(base, from, today, d),
        await q(`${base} AND x.outcome = 'GRANTED'`, from, today, d),
        await q(`${base} AND x.outcome = 'NOT_ELIGIBLE'`, from, today, d),
        await q(`${base} AND x.outcome = 'UNRESOLVED'`, from, today, d),
        await q(`${base} AND x.outcome IS NULL`, from, today, d),
        await q(`${base} AND x.outcome IS NULL AND x.due_date < $5::date`, from, today, d, today),
      ]);
    }
    expectedReferrals.push(expectedReferrals[0]!.map((_, i) => expectedReferrals.reduce((s, r) => s + r[i]!, 0)));
    expect(cells("referrals")).toEqual(expectedReferrals);
    expect(expectedReferrals[6]![0]).toBe(3);

    const expectedPaths: number[][] = [];
    for (const p of ["EMPLOYMENT", "SOCIAL_SECURITY", "MEDICAL", "EDUCATION", "HOUSING", "OTHER"])
      expectedPaths.push([await q(`${exitsSql} AND x.exit_path = $4::exit_path`, from, today, p)]);
    expectedPaths.push([await q(`${exitsSql} AND x.exit_path IS NULL`, from, today)]);
    expectedPaths.push([expectedPaths.reduce((s, r) => s + r[0]!, 0)]);
    expect(cells("paths")).toEqual(expectedPaths);
    expect(expectedPaths.map((r) => r[0])).toEqual([2, 1, 0, 0, 0, 0, 1, 4]);
  });
});
