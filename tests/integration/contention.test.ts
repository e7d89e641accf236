// Guards behaviour under load and double submission (issue 8 §6): fifty officials approving one
// filing at once give exactly one winner and forty-nine quick "已被他人处理" (no generic error, no
// pool exhaustion); fifty identical disbursements give one request; a disbursement identical to a
// recent one needs "确认不是重复发放", enforced on the server.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { withContention } from "@/lib/db/contention";
import { prisma } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";
import { approveFiling } from "@/lib/filing/workflow";
import { addDays, dateOnly, todayInShanghai } from "@/lib/format/datetime";
import { recordBankAccount } from "@/lib/ledger/bank-accounts";
import { approveDisbursement, recordDisbursement, rejectDisbursement } from "@/lib/ledger/disbursements";
import { ZRecordBankAccountInput, ZRecordDisbursementInput, type TRecordDisbursementFormValues } from "@/lib/ledger/schemas";
import { actorFor, createTestUser, orgByCode, seedDemo } from "../support/factories";
import { filingValues, submitNewFiling } from "../support/filing-factory";

let caseworker: TActor;
let officials: TActor[];
let county: string;
const today = todayInShanghai();

/** A submitted filing moved straight to the end of its publicity, civil-affairs check agreed. */
async function readyToApprove() {
  const { fileId } = await submitNewFiling(caseworker, filingValues(county));
  await prisma.householdFile.update({
    where: { id: fileId },
    data: {
      status: "PUBLICITY",
      reviewedById: officials[0]!.userId,
      reviewedAt: new Date(Date.now() - 8 * 86_400_000),
      homeVisitDate: dateOnly(addDays(today, -8)),
      publicityStart: dateOnly(addDays(today, -7)),
      publicityEnd: dateOnly(addDays(today, -1)),
      civilCheckResult: "CONSISTENT",
      civilCheckDate: dateOnly(today),
    },
  });
  return prisma.householdFile.findUniqueOrThrow({ where: { id: fileId } });
}

async function payableFile() {
  const file = await readyToApprove();
  await approveFiling(officials[0]!, { fileId: file.id, expectedVersion: file.version, tier: "DEEP" });
  await recordBankAccount(
    caseworker,
    ZRecordBankAccountInput.parse({ fileId: file.id, bankName: "中国银行兰州分行", accountNumber: "6217 0000 1234 5678", accountHolder: file.holderName! }),
  );
  return file.id;
}

const disbursement = (fileId: string, overrides: Partial<TRecordDisbursementFormValues> = {}) =>
  ZRecordDisbursementInput.parse({
    idempotencyKey: randomUUID(),
    fileId,
    aidType: "LIVING",
    fundSource: "CENTRAL_SPECIAL",
    amountFen: "300",
    entryDate: today,
    purpose: "季度生活救助",
    evidence: "",
    studentIndex: "",
    overCapNote: "",
    ...overrides,
  });

beforeAll(async () => {
  await seedDemo();
  caseworker = await actorFor("lz_caseworker");
  officials = [await actorFor("lz_official")];
  for (let i = 0; i < 4; i++) officials.push(await actorFor((await createTestUser({ orgCode: "GSLZ", roles: ["OFFICIAL"] })).username));
  county = (await orgByCode("GSLZCG")).id;
});

describe("fifty approvals of one filing at once", () => {
  it("give exactly one winner; every other is told at once that someone else handled it", async () => {
    const file = await readyToApprove();
    const started = Date.now();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        withContention(() => approveFiling(officials[i % officials.length]!, { fileId: file.id, expectedVersion: file.version, tier: "DEEP" })),
      ),
    );
    const elapsed = Date.now() - started;
    const losers = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(losers).toHaveLength(49);
    for (const loser of losers) {
      expect(loser.reason).toBeInstanceOf(DomainError);
      expect((loser.reason as DomainError).message).toMatch(/已被他人处理|刚被他人处理/);
    }
    expect(await prisma.filingEvent.count({ where: { fileId: file.id, kind: "APPROVED" } })).toBe(1);
    expect(await prisma.tierDecision.count({ where: { fileId: file.id } })).toBe(1);
    // Not a timing assertion on the machine's speed: 50 transactions queued behind a row lock for the
    // transaction timeout (5 s each) is what this guards against.
    expect(elapsed).toBeLessThan(5000);
  });

  it("lets one of fifty officials approve a request, the others told it was handled", async () => {
    const fileId = await payableFile();
    const { disbursementId } = await recordDisbursement(caseworker, disbursement(fileId));
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => withContention(() => approveDisbursement(officials[i % officials.length]!, { disbursementId }))),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect((r.reason as DomainError).message).toMatch(/已被他人处理|刚被他人处理|已被处理/);
    expect(await prisma.ledgerEntry.count({ where: { disbursementId } })).toBe(1);
  });
});

describe("fifty identical disbursements at once", () => {
  it("record one request whether the key is the same (a repeat) or fresh (a suspected duplicate)", async () => {
    const fileId = await payableFile();
    // Same key: one request; the others return it, or are told at once that it is being recorded.
    const same = disbursement(fileId);
    const repeats = await Promise.allSettled(Array.from({ length: 50 }, () => withContention(() => recordDisbursement(caseworker, same))));
    const recorded = repeats.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    expect(new Set(recorded.map((r) => r.disbursementId)).size).toBe(1);
    expect(recorded.filter((r) => !r.repeated)).toHaveLength(1);
    for (const r of repeats) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "CONFLICT", message: expect.stringContaining("正在处理") });

    // Fresh keys (a double click that made a new key): none gets through without the confirmation.
    const fresh = await Promise.allSettled(Array.from({ length: 50 }, () => withContention(() => recordDisbursement(caseworker, disbursement(fileId)))));
    expect(fresh.filter((r) => r.status === "fulfilled")).toHaveLength(0);
    for (const r of fresh) expect((r as PromiseRejectedResult).reason.code).toMatch(/^(POSSIBLE_DUPLICATE|CONFLICT)$/);
    expect(await prisma.disbursement.count({ where: { fileId } })).toBe(1);
  });
});

describe("a disbursement identical to a recent one", () => {
  it("needs 确认不是重复发放; a different amount, a date outside the window or a rejected twin does not", async () => {
    const fileId = await payableFile();
    const first = await recordDisbursement(caseworker, disbursement(fileId, { entryDate: addDays(today, -10) }));
    const refused = await recordDisbursement(caseworker, disbursement(fileId)).catch((e: DomainError) => e);
    expect(refused).toMatchObject({ code: "POSSIBLE_DUPLICATE", fieldErrors: { confirmNotDuplicate: "请确认这不是重复发放" } });
    expect((refused as DomainError).message).toBe(
      `该户 30 天内已有一笔相同类型、相同金额的发放（${addDays(today, -10)}，待审批）。如确实不是重复发放，请勾选“确认不是重复发放”后再提交。`,
    );
    expect(await prisma.disbursement.count({ where: { fileId } })).toBe(1);

    await recordDisbursement(caseworker, disbursement(fileId, { amountFen: "300.01" }));
    await recordDisbursement(caseworker, disbursement(fileId, { entryDate: addDays(today, -45) }));
    const confirmed = await recordDisbursement(caseworker, disbursement(fileId, { confirmNotDuplicate: "on" }));
    expect(confirmed.repeated).toBe(false);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { entityId: confirmed.disbursementId, action: "ledger.record-disbursement" } });
    expect(audit.detail).toMatchObject({ confirmedNotDuplicate: expect.any(String) });

    const other = await payableFile();
    const rejected = await recordDisbursement(caseworker, disbursement(other));
    await rejectDisbursement(officials[0]!, { disbursementId: rejected.disbursementId, reason: "金额有误" });
    await recordDisbursement(caseworker, disbursement(other));
    expect(first.repeated).toBe(false);
  });
});
