// Guards policy administration (政策参数管理): the value in force by date and region fallback
// (region → city → province → national), a change only from today on and never an overlap (also in
// PostgreSQL: exclusion constraints and the guard trigger), 专款专用 refused on a single
// disbursement, a batch and in the database itself, the evidence a cause requires at submission,
// who may change which region (a Lanzhou administrator cannot touch Tianshui's or national
// rows), the audit row with before and after, and decisions that keep the figures they used.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runActionAs } from "@/lib/actions/run-action";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { saveDraft, submitFiling } from "@/lib/filing/save-filing";
import { ZSaveDraftInput, ZSubmitFilingData, ZSubmitFilingInput } from "@/lib/filing/schemas";
import { addDays, todayInShanghai } from "@/lib/format/datetime";
import { aidPolicyFor } from "@/lib/ledger/aid-policy";
import { createBatch } from "@/lib/ledger/batches";
import { recordDisbursement } from "@/lib/ledger/disbursements";
import { ZCreateBatchInput, ZRecordDisbursementInput } from "@/lib/ledger/schemas";
import { addPolicyRow } from "@/lib/policy/add-policy-row";
import { findPolicyOverview } from "@/lib/policy/find-policy";
import { dibaoStandard, policyValue } from "@/lib/policy/policy";
import { ZAddPolicyRowInput } from "@/lib/policy/schemas";
import { actorFor, orgByCode, seedDemo } from "../support/factories";
import { attachRequiredEvidence, filingValues } from "../support/filing-factory";

const today = todayInShanghai();
let lzAdmin: TActor;
let gsAdmin: TActor;
let lzCaseworker: TActor;
let lzOfficial: TActor;
let sql: pg.Client;
let lanzhouCounty: string;

const add = (actor: TActor, input: Record<string, unknown>) => addPolicyRow(actor, ZAddPolicyRowInput.parse({ note: "", effectiveTo: "", ...input }));

beforeAll(async () => {
  await seedDemo();
  lzAdmin = await actorFor("lz_admin");
  gsAdmin = await actorFor("gs_admin");
  lzCaseworker = await actorFor("lz_caseworker");
  lzOfficial = await actorFor("lz_official");
  lanzhouCounty = (await orgByCode("GSLZCG")).id;
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
});
afterAll(async () => {
  await sql.end();
});

describe("the value in force", () => {
  it("is chosen by date and by region fallback, with the boundary day belonging to the new row", async () => {
    await add(lzAdmin, { kind: "DIBAO", regionCode: "620100", monthlyFen: "800", effectiveFrom: addDays(today, 10) });
    await add(lzAdmin, { kind: "DIBAO", regionCode: "620100", monthlyFen: "820.50", effectiveFrom: addDays(today, 40) });
    // 城关区 (620102) has no row of its own: Lanzhou's applies.
    expect((await dibaoStandard("620102", addDays(today, 9))).monthlyFen).toBe(78000);
    expect((await dibaoStandard("620102", addDays(today, 10))).monthlyFen).toBe(80000);
    expect((await dibaoStandard("620102", addDays(today, 39))).monthlyFen).toBe(80000);
    expect((await dibaoStandard("620102", addDays(today, 40))).monthlyFen).toBe(82050);
    expect((await dibaoStandard("620102", addDays(today, 40))).regionCode).toBe("620100");
    // A Gansu region nobody set: the province's standard; outside Gansu: the national fallback.
    expect((await dibaoStandard("629999", today)).monthlyFen).toBe(66400);
    expect((await dibaoStandard("110101", today)).monthlyFen).toBe(57000);
  });

  it("falls back for parameters too, and shows where the value came from", async () => {
    await add(lzAdmin, { kind: "PARAMETER", regionCode: "620100", key: "PUBLICITY_DAYS", value: "7", effectiveFrom: today });
    expect(await policyValue("PUBLICITY_DAYS", "620102", today)).toBe(7);
    expect(await policyValue("PUBLICITY_DAYS", "620502", today)).toBe(5);
    const overview = await findPolicyOverview(lzAdmin, { regionCode: "620102" });
    const publicity = overview.sections.PARAMETER.inForce.find((r) => r.item === "公示天数")!;
    expect(publicity).toMatchObject({ value: "7 天", source: "沿用市级标准" });
    const multiplier = overview.sections.PARAMETER.inForce.find((r) => r.item === "相对困难倍数")!;
    expect(multiplier).toMatchObject({ value: "2 倍低保", source: "沿用全国标准" });
  });

  it("takes a region's own aid standard before the national one, per file level", async () => {
    await add(gsAdmin, {
      kind: "AID",
      regionCode: "620000",
      aidType: "EDUCATION",
      fileLevel: "CITY",
      standardAmountFen: "6500",
      annualCapFen: "6500",
      capPer: "STUDENT",
      cash: "true",
      allowedInObservation: "true",
      effectiveFrom: addDays(today, 5),
    });
    const tx = prisma as never;
    expect((await aidPolicyFor(tx, "EDUCATION", "CITY", "620102", addDays(today, 4))).standardAmountFen).toBe(600000);
    expect((await aidPolicyFor(tx, "EDUCATION", "CITY", "620102", addDays(today, 5))).standardAmountFen).toBe(650000);
    // County files in Gansu and city files elsewhere keep the national figures.
    expect((await aidPolicyFor(tx, "EDUCATION", "COUNTY", "620102", addDays(today, 5))).standardAmountFen).toBe(500000);
    expect((await aidPolicyFor(tx, "EDUCATION", "CITY", "110101", addDays(today, 5))).standardAmountFen).toBe(600000);
  });
});

describe("a change", () => {
  it("is refused when its period overlaps a row already scheduled, and nothing is written", async () => {
    await add(lzAdmin, { kind: "PARAMETER", regionCode: "620100", key: "OBSERVATION_MONTHS", value: "18", effectiveFrom: addDays(today, 60) });
    const before = await prisma.policyParameter.count();
    await expect(
      add(lzAdmin, { kind: "PARAMETER", regionCode: "620100", key: "OBSERVATION_MONTHS", value: "15", effectiveFrom: addDays(today, 30) }),
    ).rejects.toMatchObject({
      code: "POLICY_OVERLAP",
    });
    expect(await prisma.policyParameter.count()).toBe(before);
    // With an end on the scheduled row's start it fits.
    await add(lzAdmin, {
      kind: "PARAMETER",
      regionCode: "620100",
      key: "OBSERVATION_MONTHS",
      value: "15",
      effectiveFrom: addDays(today, 30),
      effectiveTo: addDays(today, 60),
    });
    expect(await policyValue("OBSERVATION_MONTHS", "620103", addDays(today, 45))).toBe(15);
    expect(await policyValue("OBSERVATION_MONTHS", "620103", addDays(today, 60))).toBe(18);
    expect(await policyValue("OBSERVATION_MONTHS", "620103", addDays(today, 29))).toBe(12);
  });

  it("cannot start in the past, and the database refuses overlaps, edits and deletions", async () => {
    await expect(add(lzAdmin, { kind: "DIBAO", regionCode: "620100", monthlyFen: "700", effectiveFrom: addDays(today, -1) })).rejects.toMatchObject({
      code: "PAST_EFFECTIVE_DATE",
    });
    await expect(sql.query("INSERT INTO dibao_standard (region_code, monthly_fen, effective_from) VALUES ('620500', 70000, '2025-01-01')")).rejects.toThrow(
      /dibao_standard_no_overlap/,
    );
    await expect(sql.query("UPDATE dibao_standard SET monthly_fen = 1 WHERE region_code = '620500'")).rejects.toThrow(/never edited/);
    await expect(sql.query("UPDATE dibao_standard SET effective_to = '2025-01-01' WHERE region_code = '620500'")).rejects.toThrow(
      /only be cut short, from today/,
    );
    await expect(sql.query("DELETE FROM policy_parameter WHERE key = 'PUBLICITY_DAYS'")).rejects.toThrow(/never deleted/);
  });

  it("is audited with the row before and after", async () => {
    const { id } = await add(gsAdmin, { kind: "DIBAO", regionCode: "620500", monthlyFen: "730", effectiveFrom: addDays(today, 3), note: "天水市 2027 年标准" });
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "policy.add-row", entityId: id } });
    expect(audit.actorId).toBe(gsAdmin.userId);
    expect(audit.detail).toMatchObject({
      before: { regionCode: "620500", monthlyFen: 71500, effectiveFrom: "2024-07-01", effectiveTo: null },
      after: { regionCode: "620500", monthlyFen: 73000, effectiveFrom: addDays(today, 3), note: "天水市 2027 年标准" },
    });
    expect((await dibaoStandard("620502", addDays(today, 2))).monthlyFen).toBe(71500);
  });
});

describe("a day that does not exist", () => {
  // Guards issue 22 §7: the policy form took 2027-02-30 and stored 2027-03-02 without a word.
  it("is refused by the policy form's action with a Chinese message, and nothing is written", async () => {
    const nextYear = Number(today.slice(0, 4)) + 1;
    const counts = async () => ({
      dibao: await prisma.dibaoStandard.count(),
      parameters: await prisma.policyParameter.count(),
      audit: await prisma.auditEvent.count({ where: { action: "policy.add-row" } }),
    });
    const before = await counts();

    const from = await runActionAs(ZAddPolicyRowInput, addPolicyRow, lzAdmin, {
      kind: "DIBAO",
      regionCode: "620100",
      monthlyFen: "800",
      effectiveFrom: `${nextYear}-02-30`,
      effectiveTo: "",
      note: "",
    });
    const to = await runActionAs(ZAddPolicyRowInput, addPolicyRow, lzAdmin, {
      kind: "PARAMETER",
      regionCode: "620100",
      key: "OBSERVATION_MONTHS",
      value: "15",
      effectiveFrom: `${nextYear}-01-10`,
      effectiveTo: `${nextYear}-04-31`,
      note: "",
    });

    expect(from).toMatchObject({
      ok: false,
      error: "提交的内容有误，请检查标红的项目。",
      fieldErrors: { effectiveFrom: `${nextYear}-02-30 这一天不存在（该月没有这么多天），请重新选择日期` },
    });
    expect(to).toMatchObject({ ok: false, fieldErrors: { effectiveTo: `${nextYear}-04-31 这一天不存在（该月没有这么多天），请重新选择日期` } });
    expect(await counts()).toEqual(before);
    expect(await prisma.dibaoStandard.count({ where: { regionCode: "620100", effectiveFrom: new Date(`${nextYear}-03-02T00:00:00Z`) } })).toBe(0);
  });
});

// Two cities: the Lanzhou administrator (attacker here) must not set Tianshui's or the national policy.
describe("who may change policy", () => {
  it("is an administrator, for their own region and below", async () => {
    const input = { kind: "DIBAO", regionCode: "620103", monthlyFen: "790", effectiveFrom: addDays(today, 100) };
    await expect(add(lzCaseworker, input)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(add(lzAdmin, { ...input, regionCode: "620500" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(add(lzAdmin, { ...input, regionCode: "" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(add(lzAdmin, { ...input, regionCode: "620000" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(add(lzAdmin, input)).resolves.toBeTruthy();
    // A city administrator sees the province's region only as a fallback, not as a region to edit.
    const overview = await findPolicyOverview(lzAdmin, { regionCode: "620500" });
    expect(overview.regionCode).toBe("620100");
    expect((await findPolicyOverview(lzAdmin, { regionCode: "" })).canEdit).toBe(false);
  });
});

let fileSeq = 0;
async function openFile(organisationId: string) {
  fileSeq += 1;
  const data = ZSubmitFilingData.parse(filingValues(organisationId));
  const holder = data.members[0]!;
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO household_file (organisation_id, file_number, status, data, holder_name, holder_resident_id, household_size, file_level,
       worker_category, main_cause, proposed_tier, tier, created_by_id, submitted_by_id, submitted_at, approved_by_id, approved_at, opened_at,
       civil_check_result, next_check_due)
     VALUES ($1, $2, 'OPEN', $3, $4, $5, $6, 'CITY', 'URBAN', 'ILLNESS', 'DEEP', 'DEEP', $7, $7, now(), $8, now(), now(), 'CONSISTENT', CURRENT_DATE + 90) RETURNING id`,
    [
      organisationId,
      `P-${Date.now()}-${fileSeq}`,
      JSON.stringify(data),
      holder.name,
      holder.residentId,
      data.members.length,
      lzCaseworker.userId,
      lzOfficial.userId,
    ],
  );
  return rows[0]!.id;
}

describe("专款专用", () => {
  it("refuses a single disbursement and a batch from a fund that may not pay the type", async () => {
    const fileId = await openFile(lanzhouCounty);
    const single = ZRecordDisbursementInput.parse({
      idempotencyKey: randomUUID(),
      fileId,
      aidType: "LIVING",
      fundSource: "WARMTH_FUND",
      amountFen: "300",
      entryDate: today,
      purpose: "生活救助",
      evidence: "",
      studentIndex: "",
      overCapNote: "",
    });
    await expect(recordDisbursement(lzCaseworker, single)).rejects.toMatchObject({
      code: "FUND_NOT_ALLOWED",
      message: expect.stringContaining("送温暖资金只能用于送温暖"),
    });
    const batch = ZCreateBatchInput.parse({
      idempotencyKey: randomUUID(),
      organisationId: lanzhouCounty,
      name: "生活救助批次",
      aidType: "LIVING",
      fundSource: "WARMTH_FUND",
      standardAmountFen: "300",
      entryDate: today,
      purpose: "季度生活救助",
      tiers: [],
      fileLevels: [],
    });
    await expect(createBatch(lzCaseworker, batch)).rejects.toMatchObject({ code: "FUND_NOT_ALLOWED" });
    expect(await prisma.disbursement.count({ where: { fileId } })).toBe(0);
    expect(await prisma.disbursementBatch.count({ where: { name: "生活救助批次" } })).toBe(0);
  });

  it("follows a region's own rule, and the database refuses what code might let through", async () => {
    await add(lzAdmin, { kind: "FUND", regionCode: "620100", fundSource: "DONATION", aidTypes: ["MEDICAL", "EDUCATION"], effectiveFrom: today });
    const lanzhou = await openFile(lanzhouCounty);
    const single = (fileId: string) =>
      ZRecordDisbursementInput.parse({
        idempotencyKey: randomUUID(),
        fileId,
        aidType: "EMERGENCY",
        fundSource: "DONATION",
        amountFen: "300",
        entryDate: today,
        purpose: "临时救助",
        evidence: "",
        studentIndex: "",
        overCapNote: "",
      });
    await expect(recordDisbursement(lzCaseworker, single(lanzhou))).rejects.toMatchObject({ code: "FUND_NOT_ALLOWED" });
    await expect(
      sql.query(
        `INSERT INTO disbursement (idempotency_key, file_id, organisation_id, aid_type, fund_source, amount_fen, entry_date, purpose, recorded_by_id)
         VALUES (gen_random_uuid(), $1, $2, 'EMERGENCY', 'DONATION', 100, $4, 'x', $3)`,
        [lanzhou, lanzhouCounty, lzCaseworker.userId, today],
      ),
    ).rejects.toThrow(/may not pay aid type/);
    // The entry carries a real source (a request the rule allows), so that only 专款专用 — now a
    // statement trigger, checked after the row's own CHECKs — can refuse it.
    const allowed = await sql.query<{ id: string }>(
      `INSERT INTO disbursement (idempotency_key, file_id, organisation_id, aid_type, fund_source, amount_fen, entry_date, purpose, recorded_by_id)
       VALUES (gen_random_uuid(), $1, $2, 'MEDICAL', 'DONATION', 100, $4, 'x', $3) RETURNING id`,
      [lanzhou, lanzhouCounty, lzCaseworker.userId, today],
    );
    await expect(
      sql.query(
        `INSERT INTO ledger_entry (organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, recorded_by_id, approved_by_id, disbursement_id)
         VALUES ($1, $2, 'LIVING', 'WARMTH_FUND', 100, $5, 'x', $3, $4, $6)`,
        [lanzhouCounty, lanzhou, lzCaseworker.userId, lzOfficial.userId, today, allowed.rows[0]!.id],
      ),
    ).rejects.toThrow(/may not pay aid type/);
  });
});

describe("evidence a cause requires", () => {
  async function draftWith(kinds: Parameters<typeof attachRequiredEvidence>[2]) {
    const values = filingValues(lanzhouCounty, { secondaryCauses: [] });
    const draft = await saveDraft(lzCaseworker, ZSaveDraftInput.parse({ data: values }));
    await attachRequiredEvidence(draft.fileId, lzCaseworker.userId, kinds);
    return { draft, values };
  }

  it("is required at submission: 因病 without a diagnosis is refused with nothing changed", async () => {
    const { draft, values } = await draftWith(["APPLICATION", "AUTHORISATION"]);
    await expect(
      submitFiling(lzCaseworker, ZSubmitFilingInput.parse({ fileId: draft.fileId, expectedVersion: draft.version, data: values })),
    ).rejects.toMatchObject({
      code: "EVIDENCE_REQUIRED",
      message: expect.stringContaining("诊断证明、医疗票据"),
    });
    expect((await prisma.householdFile.findUniqueOrThrow({ where: { id: draft.fileId } })).status).toBe("DRAFT");
    await attachRequiredEvidence(draft.fileId, lzCaseworker.userId, ["DIAGNOSIS"]);
    await expect(
      submitFiling(lzCaseworker, ZSubmitFilingInput.parse({ fileId: draft.fileId, expectedVersion: draft.version, data: values })),
    ).resolves.toBeTruthy();
  });
});

describe("decisions keep the figures they used", () => {
  it("a filing submitted before a change keeps its 低保 figure; one after uses the new one", async () => {
    const first = await draftWith2();
    const before = await prisma.householdFile.findUniqueOrThrow({ where: { id: first } });
    expect(before.policyFigures).toMatchObject({ dibaoMonthlyFen: 78000, dibaoRegionCode: "620100", onDate: today });
    await add(lzAdmin, { kind: "DIBAO", regionCode: "620102", monthlyFen: "850", effectiveFrom: today });
    const second = await draftWith2();
    expect((await prisma.householdFile.findUniqueOrThrow({ where: { id: second } })).policyFigures).toMatchObject({
      dibaoMonthlyFen: 85000,
      dibaoRegionCode: "620102",
    });
    expect((await prisma.householdFile.findUniqueOrThrow({ where: { id: first } })).policyFigures).toEqual(before.policyFigures);
  });

  async function draftWith2() {
    const values = filingValues(lanzhouCounty);
    const draft = await saveDraft(lzCaseworker, ZSaveDraftInput.parse({ data: values }));
    await attachRequiredEvidence(draft.fileId, lzCaseworker.userId);
    await submitFiling(lzCaseworker, ZSubmitFilingInput.parse({ fileId: draft.fileId, expectedVersion: draft.version, data: values }));
    return draft.fileId;
  }
});
