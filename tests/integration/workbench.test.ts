// Guards the workbench (工作台): each role's items count real records within the user's scope and
// link where the work is done; a Tianshui user (attacker) sees none of Lanzhou's (victim) work; an
// empty workbench is empty.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { ZSubmitFilingData } from "@/lib/filing/schemas";
import { runDailyCalendar } from "@/lib/calendar/run-daily-calendar";
import { findWorkbench, type TWorkbench } from "@/lib/workbench/find-workbench";
import { actorFor, createTestUser, demoActors, orgByCode, seedDemo } from "../support/factories";
import { addDays, todayInShanghai } from "@/lib/format/datetime";
import { reviewFiling, startPublicity } from "@/lib/filing/workflow";
import { backdateReview, filingValues, submitNewFiling } from "../support/filing-factory";
import { insertApprovedPayment } from "../support/ledger-fixtures";

let sql: pg.Client;
let lzCaseworker: TActor;
let lzOfficial: TActor;
let lzAuditor: TActor;
let tsCaseworker: TActor;
let tsOfficial: TActor;
let tsAuditor: TActor;
let seq = 0;

const item = (workbench: TWorkbench, key: string) => workbench.sections.flatMap((s) => s.items).find((i) => i.key === key);

async function openFile(orgCode: string, options: { nextCheckDue: string; status?: "OPEN" | "OBSERVATION" }) {
  seq += 1;
  const org = await orgByCode(orgCode);
  const data = ZSubmitFilingData.parse(filingValues(org.id));
  const { rows } = await sql.query<{ id: string; version: number }>(
    `INSERT INTO household_file (organisation_id, file_number, status, data, holder_name, holder_resident_id, household_size, file_level, worker_category,
       main_cause, proposed_tier, tier, created_by_id, submitted_by_id, submitted_at, approved_by_id, approved_at, opened_at, civil_check_result, next_check_due,
       exit_reason, exited_at, observation_until)
     VALUES ($1, $2, $3::file_status, $4, '测试户', $5, 3, 'CITY', 'URBAN', 'ILLNESS', 'DEEP', 'DEEP', $6, $6, now(), $7, now(), now(), 'CONSISTENT', $8::date,
       CASE WHEN $3 = 'OBSERVATION' THEN 'RESOLVED'::exit_reason END, CASE WHEN $3 = 'OBSERVATION' THEN now() END, CASE WHEN $3 = 'OBSERVATION' THEN current_date + 5 END)
     RETURNING id, version`,
    [
      org.id,
      `W-${seq}`,
      options.status ?? "OPEN",
      JSON.stringify(data),
      data.members[0]!.residentId,
      lzCaseworker.userId,
      lzOfficial.userId,
      options.nextCheckDue,
    ],
  );
  return { ...rows[0]!, organisationId: org.id };
}

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  ({ lzCaseworker, lzOfficial, lzAuditor, tsCaseworker, tsOfficial, tsAuditor } = await demoActors());
});

afterAll(async () => {
  await sql.end();
});

describe("workbench", () => {
  it("is empty, and says so through totalOpen, before there is any work", async () => {
    for (const actor of [tsCaseworker, tsOfficial, tsAuditor]) expect((await findWorkbench(actor)).totalOpen).toBe(0);
  });

  it("lists a caseworker's overdue and due re-checks and observation periods ending, only in their scope", async () => {
    await openFile("GSLZCG", { nextCheckDue: "2020-01-01" });
    await openFile("GSLZXG", { nextCheckDue: "2020-01-01" });
    const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    await openFile("GSLZCG", { nextCheckDue: soon });
    await openFile("GSLZCG", { nextCheckDue: soon, status: "OBSERVATION" });
    const mine = await findWorkbench(lzCaseworker);
    expect(item(mine, "recheck-overdue")).toMatchObject({ count: 2, href: "/dynamic?tab=checks&which=overdue" });
    expect(item(mine, "recheck-soon")).toMatchObject({ count: 1, href: "/dynamic?tab=checks&which=soon" });
    expect(item(mine, "observation-ending")).toMatchObject({ count: 1, href: "/dynamic?tab=observation" });
    const theirs = await findWorkbench(tsCaseworker);
    expect(item(theirs, "recheck-overdue")!.count).toBe(0);
    expect(theirs.totalOpen).toBe(0);
  });

  it("shows the daily calendar job's work items, counted in scope, linking to 待办事项", async () => {
    // The files of the test above: Lanzhou has re-checks overdue and due soon, Tianshui none.
    const today = new Date().toISOString().slice(0, 10);
    await runDailyCalendar(today);
    const { rows } = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM work_item w JOIN household_file f ON f.id = w.file_id JOIN organisation o ON o.id = f.organisation_id
        WHERE w.status = 'OPEN' AND w.kind = 'RECHECK_DUE' AND o.path LIKE $1 || '%'`,
      [lzCaseworker.organisation.path],
    );
    expect(rows[0]!.n).toBeGreaterThanOrEqual(3);
    const mine = await findWorkbench(lzCaseworker, { today });
    expect(item(mine, "calendar-RECHECK_DUE")).toMatchObject({ count: rows[0]!.n, href: "/tasks?kind=RECHECK_DUE", tone: "red" });
    const theirs = await findWorkbench(tsCaseworker, { today });
    expect(theirs.sections.find((s) => s.key === "calendar")).toBeUndefined();
    expect(theirs.totalOpen).toBe(0);
  });

  it("gives an official each waiting change with its oldest age, never their own proposals", async () => {
    const file = await openFile("GSLZCG", { nextCheckDue: "2030-01-01" });
    await sql.query(
      `INSERT INTO change_request (file_id, organisation_id, kind, file_version, current_tier, proposed_tier, reason, requested_by_id, requested_at)
       VALUES ($1, $2, 'TIER_CHANGE', $3, 'DEEP', 'RELATIVE', '收入增加', $4, now() - interval '3 days')`,
      [file.id, file.organisationId, file.version, lzCaseworker.userId],
    );
    const official = await findWorkbench(lzOfficial);
    expect(item(official, "change-TIER_CHANGE")).toMatchObject({ count: 1, href: "/review?changes=TIER_CHANGE", detail: "最早 3 天前提出" });
    expect(item(await findWorkbench(tsOfficial), "change-TIER_CHANGE")!.count).toBe(0);
  });

  it("shows an auditor recent large and reversed payments with links to the household", async () => {
    const file = await openFile("GSLZCG", { nextCheckDue: "2030-01-01" });
    const paid = {
      fileId: file.id,
      organisationId: file.organisationId,
      aidType: "MEDICAL",
      fundSource: "CENTRAL_SPECIAL",
      recordedById: lzCaseworker.userId,
      approvedById: lzOfficial.userId,
    } as const;
    const entry = await insertApprovedPayment(sql, { ...paid, amountFen: 900000, purpose: "大病医疗救助" });
    await insertApprovedPayment(sql, { ...paid, amountFen: -900000, purpose: "冲正", reverses: { entryId: entry.entryId, reason: "重复录入" } });
    const auditor = await findWorkbench(lzAuditor);
    expect(item(auditor, "large")!.count).toBe(1);
    expect(item(auditor, "reversals")!.count).toBe(1);
    const records = auditor.sections.find((s) => s.key === "auditor")!.records!;
    expect(records.map((r) => r.tags)).toEqual(expect.arrayContaining([["大额"], ["冲正"]]));
    expect(records.every((r) => r.href === `/files/${file.id}`)).toBe(true);
    expect((await findWorkbench(tsAuditor)).totalOpen).toBe(0);

    // Transferred to Tianshui: the entry stays Lanzhou's (it paid it) and is Tianshui's too (it
    // holds the file now), counted once in each — as the ledger lists it.
    await sql.query("UPDATE household_file SET organisation_id = (SELECT id FROM organisation WHERE code = 'GSTS') WHERE id = $1", [file.id]);
    expect(item(await findWorkbench(lzAuditor), "large")!.count).toBe(1);
    expect(item(await findWorkbench(tsAuditor), "large")!.count).toBe(1);
    const province = await actorFor((await createTestUser({ orgCode: "GS", roles: ["AUDITOR"] })).username);
    expect(item(await findWorkbench(province), "large")!.count).toBe(1);
  });
  it("gives an official each review step with its count and oldest waiting age, only in scope", async () => {
    const org = await orgByCode("GSLZCG");
    const today = todayInShanghai();
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1) ids.push((await submitNewFiling(lzCaseworker, filingValues(org.id))).fileId);
    const version = async (id: string) => (await sql.query<{ version: number }>("SELECT version FROM household_file WHERE id = $1", [id])).rows[0]!.version;
    const review = async (id: string, daysAgo: number) => {
      await reviewFiling(lzOfficial, { fileId: id, expectedVersion: await version(id), homeVisitDate: today });
      await backdateReview(id, daysAgo);
    };
    // 0: submitted four days ago; 1: reviewed two days ago; 2: in publicity since nine days ago
    // (ended); 3: in publicity from today.
    await sql.query("UPDATE household_file SET submitted_at = submitted_at - interval '4 days' WHERE id = $1", [ids[0]]);
    await review(ids[1]!, 2);
    await review(ids[2]!, 10);
    await startPublicity(lzOfficial, { fileId: ids[2]!, expectedVersion: await version(ids[2]!), startDate: addDays(today, -9) });
    await review(ids[3]!, 1);
    await startPublicity(lzOfficial, { fileId: ids[3]!, expectedVersion: await version(ids[3]!), startDate: today });
    const {
      rows: [ended],
    } = await sql.query<{ ended: boolean; later: boolean }>(
      "SELECT (SELECT publicity_end <= $3::date FROM household_file WHERE id = $1) AS ended, (SELECT publicity_end > $3::date FROM household_file WHERE id = $2) AS later",
      [ids[2], ids[3], today],
    );
    expect(ended).toEqual({ ended: true, later: true });

    const official = await findWorkbench(lzOfficial);
    expect(item(official, "step-SUBMITTED")).toMatchObject({ count: 1, href: "/review?status=SUBMITTED", detail: "最早 4 天前提交" });
    expect(item(official, "step-REVIEWED")).toMatchObject({ count: 1, detail: "最早 2 天前初审" });
    expect(item(official, "step-PUBLICITY")!.count).toBe(2);
    expect(item(official, "step-PUBLICITY")!.detail).toMatch(/^最早 [89] 天前开始公示$/);
    expect(item(official, "publicity-ended")!.count).toBe(1);
    const elsewhere = await findWorkbench(tsOfficial);
    for (const key of ["step-SUBMITTED", "step-REVIEWED", "step-PUBLICITY", "publicity-ended"]) {
      expect(item(elsewhere, key)).toMatchObject({ count: 0, detail: undefined });
    }
  });
});
