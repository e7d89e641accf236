// Guards "under garbage" (issue 8 §6): malformed bodies sent to the main actions — random JSON,
// valid bodies with one field replaced by anything, strings carrying NUL and other control
// characters — always get the normal Chinese answer: never the generic error, never an unhandled
// exception, and nothing written to the database when the answer is a refusal.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GENERIC_ACTION_ERROR, runActionAs } from "@/lib/actions/run-action";
import { recordAllocation } from "@/lib/allocations/record-allocation";
import { ZRecordAllocationInput } from "@/lib/allocations/schemas";
import type { TActor } from "@/lib/auth/actor";
import { dismissResult, proposeExitFromResult } from "@/lib/civil/act-on-result";
import { ZDismissResultInput, ZProposeExitFromResultInput } from "@/lib/civil/schemas";
import { prisma } from "@/lib/db/client";
import { proposeExit, proposeTransfer } from "@/lib/dynamic/changes";
import { addMeasure, recordVisit } from "@/lib/dynamic/pairing";
import { ZAddMeasureInput, ZProposeExitInput, ZProposeTransferInput, ZRecordVisitInput } from "@/lib/dynamic/schemas";
import { saveDraft } from "@/lib/filing/save-filing";
import { ZRecordObjectionInput, ZRejectFilingInput, ZSaveDraftInput } from "@/lib/filing/schemas";
import { recordObjection, rejectFiling } from "@/lib/filing/workflow";
import { todayInShanghai } from "@/lib/format/datetime";
import { recordBankAccount } from "@/lib/ledger/bank-accounts";
import { approveDisbursement, recordDisbursement } from "@/lib/ledger/disbursements";
import { ZApproveDisbursementInput, ZRecordBankAccountInput, ZRecordDisbursementInput } from "@/lib/ledger/schemas";
import { actorFor, orgByCode, seedDemo } from "../support/factories";
import { filingValues } from "../support/filing-factory";

let caseworker: TActor;
let official: TActor;
let county: string;
let fileId: string;
const today = todayInShanghai();
const errors = vi.spyOn(console, "error");

const TABLES = [
  "household_file",
  "file_person",
  "disbursement",
  "bank_account",
  "ledger_entry",
  "audit_event",
  "change_request",
  "visit",
  "plan_measure",
  "publicity_objection",
  "filing_event",
  "civil_comparison_result",
  "allocation",
];

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) counts[table] = Number((await prisma.$queryRawUnsafe<[{ n: bigint }]>(`SELECT count(*) AS n FROM ${table}`))[0].n);
  return counts;
}

/** Strings a form never sends: control characters, NUL, lone surrogates, huge and odd text. */
const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "\u0000",
    "a\u0000b",
    "\u0007",
    "x\u001b[31m",
    "\u2028",
    "\ud800",
    "%00",
    "'; DROP TABLE ledger_entry; --",
    "9".repeat(5000),
    "-1",
    "NaN",
    "1e309",
  ),
  fc.string().map((s) => `${s}\u0000`),
);
const anyValue = fc.oneof(nastyString, fc.anything({ maxDepth: 2 }), fc.constant(undefined), fc.constant(null), fc.integer(), fc.double());

type TCase = {
  name: string;
  schema: Parameters<typeof runActionAs>[0];
  run: Parameters<typeof runActionAs>[1];
  actor: () => TActor;
  valid: () => Record<string, unknown>;
};

const cases: TCase[] = [
  {
    name: "登记发放",
    schema: ZRecordDisbursementInput,
    run: recordDisbursement as never,
    actor: () => caseworker,
    valid: () => ({
      idempotencyKey: randomUUID(),
      fileId,
      aidType: "LIVING",
      fundSource: "CENTRAL_SPECIAL",
      amountFen: "100",
      entryDate: today,
      purpose: "季度生活救助",
      evidence: "",
      studentIndex: "",
      overCapNote: "",
    }),
  },
  {
    name: "审批发放",
    schema: ZApproveDisbursementInput,
    run: approveDisbursement as never,
    actor: () => official,
    valid: () => ({ disbursementId: randomUUID() }),
  },
  {
    name: "登记银行账户",
    schema: ZRecordBankAccountInput,
    run: recordBankAccount as never,
    actor: () => caseworker,
    valid: () => ({ fileId, bankName: "中国银行", accountNumber: "6217000012345678", accountHolder: "某某" }),
  },
  { name: "保存草稿", schema: ZSaveDraftInput, run: saveDraft as never, actor: () => caseworker, valid: () => ({ data: filingValues(county) }) },
  {
    name: "记录异议",
    schema: ZRecordObjectionInput,
    run: recordObjection as never,
    actor: () => official,
    valid: () => ({ fileId, expectedVersion: 1, receivedOn: today, content: "群众反映收入不实", handling: "" }),
  },
  {
    name: "退回",
    schema: ZRejectFilingInput,
    run: rejectFiling as never,
    actor: () => official,
    valid: () => ({ fileId, expectedVersion: 1, reason: "材料不全" }),
  },
  {
    name: "走访",
    schema: ZRecordVisitInput,
    run: recordVisit as never,
    actor: () => caseworker,
    valid: () => ({ fileId, visitDate: today, visitors: "王静", findings: "生活稳定" }),
  },
  {
    name: "帮扶措施",
    schema: ZAddMeasureInput,
    run: addMeasure as never,
    actor: () => caseworker,
    valid: () => ({ fileId, need: "就业", measure: "推荐岗位", responsible: "社区", dueDate: today }),
  },
  {
    name: "退档申请",
    schema: ZProposeExitInput,
    run: proposeExit as never,
    actor: () => caseworker,
    valid: () => ({ fileId, expectedVersion: 1, exitReason: "RESOLVED", reason: "收入稳定" }),
  },
  {
    name: "比对不属实",
    schema: ZDismissResultInput,
    run: dismissResult as never,
    actor: () => caseworker,
    valid: () => ({ resultId: randomUUID(), expectedVersion: 0, note: "名单有误" }),
  },
  {
    name: "比对退档",
    schema: ZProposeExitFromResultInput,
    run: proposeExitFromResult as never,
    actor: () => caseworker,
    valid: () => ({ resultId: randomUUID(), expectedVersion: 0, fileVersion: 1, exitReason: "CANCELLED", cancelReason: "DEATH", reason: "已死亡" }),
  },
  {
    name: "下拨额度",
    schema: ZRecordAllocationInput,
    run: recordAllocation as never,
    actor: () => official,
    valid: () => ({
      idempotencyKey: randomUUID(),
      kind: "PASS_DOWN",
      fundSource: "DONATION",
      recipientId: county,
      amountFen: "1",
      entryDate: today,
      source: "",
      note: "年度下拨",
    }),
  },
  {
    name: "转出申请",
    schema: ZProposeTransferInput,
    run: proposeTransfer as never,
    actor: () => caseworker,
    valid: () => ({ fileId, expectedVersion: 1, targetOrganisationCode: "GSTSQZ", reason: "迁居" }),
  },
];

/** A valid body with one field (or a new one) replaced by something no form sends. */
const mutated = (valid: Record<string, unknown>) =>
  fc.tuple(fc.constantFrom(...Object.keys(valid), "__proto__", "constructor", "extra"), anyValue).map(([key, value]) => ({ ...valid, [key]: value }));
/** A valid body whose every text field carries a control character somewhere. */
const poisoned = (valid: Record<string, unknown>) =>
  fc
    .tuple(fc.constantFrom("\u0000", "\u0001", "\u001f", "\u007f", "\u0085", "\u2028"), fc.nat(8))
    .map(([c, at]) => Object.fromEntries(Object.entries(valid).map(([k, v]) => [k, typeof v === "string" ? `${v.slice(0, at)}${c}${v.slice(at)}` : v])));

beforeAll(async () => {
  await seedDemo();
  caseworker = await actorFor("lz_caseworker");
  official = await actorFor("lz_official");
  county = (await orgByCode("GSLZCG")).id;
  // A real file the valid bodies name, so that mutated bodies reach the domain functions.
  fileId = (await prisma.householdFile.create({ data: { organisationId: county, data: {}, createdById: caseworker.userId }, select: { id: true } })).id;
});

afterAll(() => {
  errors.mockRestore();
});

describe("malformed action bodies", () => {
  for (const c of cases) {
    it(`${c.name}: always the normal Chinese answer, and nothing written when refused`, async () => {
      errors.mockClear();
      await fc.assert(
        fc.asyncProperty(fc.oneof(anyValue, mutated(c.valid()), poisoned(c.valid())), async (body) => {
          const before = await rowCounts();
          const result = await runActionAs(c.schema, c.run, c.actor(), body);
          if (result.ok) return; // a body that is in fact valid may be accepted
          expect(result.error).not.toBe(GENERIC_ACTION_ERROR);
          expect(result.error).toMatch(/[\u4e00-\u9fff]/);
          expect(await rowCounts()).toEqual(before);
        }),
        { numRuns: 40 },
      );
      expect(errors).not.toHaveBeenCalled();
    });
  }

  it("refuses NUL in any string, however deep, before a schema or the database sees it", async () => {
    const before = await rowCounts();
    const body = { data: { ...filingValues(county), members: [{ name: "张\u0000三", relation: "SELF" }] } };
    const result = await runActionAs(ZSaveDraftInput, saveDraft as never, caseworker, body);
    expect(result).toMatchObject({ ok: false, fieldErrors: { "data.members.0.name": "不能包含控制字符或不可见字符，请删除后重新填写" } });
    expect(await rowCounts()).toEqual(before);
    expect(ZRecordDisbursementInput.safeParse({ ...cases[0]!.valid(), purpose: "生活\u0000救助" }).success).toBe(false);
  });
});
