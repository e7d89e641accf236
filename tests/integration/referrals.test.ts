// Guards referrals to other departments (部门转介, issue 25) and the exit path of a 脱困 exit: a
// referral made from a file's plan with date, contact and due date, overdue on the caseworker's
// workbench until its outcome is recorded (办结 says what was granted), once; the 脱困 exit records
// its main path on the file and a cancellation none. Scope: Tianshui (attacker) neither sees nor
// closes Lanzhou's (victim's) referrals. Two people recording an outcome at once: one wins.
import { beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { decideChange, proposeExit } from "@/lib/dynamic/changes";
import { addMeasure } from "@/lib/dynamic/pairing";
import { ZProposeExitInput } from "@/lib/dynamic/schemas";
import { approveFiling, recordCivilCheck, reviewFiling, startPublicity } from "@/lib/filing/workflow";
import { addDays, todayInShanghai } from "@/lib/format/datetime";
import { findFileReferrals } from "@/lib/referrals/find-referrals";
import { closeReferral, createReferral } from "@/lib/referrals/refer";
import { ZCloseReferralInput, ZCreateReferralInput } from "@/lib/referrals/schemas";
import { findWorkbench } from "@/lib/workbench/find-workbench";
import { actorFor, createTestUser, orgByCode, seedDemo } from "../support/factories";
import { backdateReview, filingValues, submitNewFiling } from "../support/filing-factory";

let caseworker: TActor;
let official: TActor;
let tsCaseworker: TActor;
let tsOfficial: TActor;
let county: string;
const today = todayInShanghai();

const fileRow = (id: string) => prisma.householdFile.findUniqueOrThrow({ where: { id } });
const ref = async (fileId: string) => ({ fileId, expectedVersion: (await fileRow(fileId)).version });

async function openFile() {
  const { fileId } = await submitNewFiling(caseworker, filingValues(county));
  await reviewFiling(official, { ...(await ref(fileId)), homeVisitDate: today });
  await backdateReview(fileId, 7);
  await startPublicity(official, { ...(await ref(fileId)), startDate: addDays(today, -6) });
  await recordCivilCheck(official, { ...(await ref(fileId)), checkDate: today, result: "CONSISTENT" });
  await approveFiling(official, { ...(await ref(fileId)), tier: "DEEP" });
  return fileId;
}

const referralInput = (fileId: string, overrides: Record<string, unknown> = {}) =>
  ZCreateReferralInput.parse({
    fileId,
    department: "HUMAN_RESOURCES",
    item: "申请公益性岗位",
    referredOn: addDays(today, -20),
    contact: "区人社局就业科 刘科长 0931-8888888",
    dueDate: addDays(today, -1),
    ...overrides,
  });

const overdueItem = async (actor: TActor) =>
  (await findWorkbench(actor)).sections.find((s) => s.key === "caseworker")!.items.find((i) => i.key === "referrals-overdue")!;

beforeAll(async () => {
  await seedDemo();
  caseworker = await actorFor("lz_caseworker");
  official = await actorFor("lz_official");
  tsCaseworker = await actorFor("ts_caseworker");
  tsOfficial = await actorFor("ts_official");
  county = (await orgByCode("GSLZCG")).id;
});

describe("referrals", () => {
  it("refers a need of the plan to 人社, shows it overdue on the workbench, and closes it as 办结 with what was granted", async () => {
    const fileId = await openFile();
    const measure = await addMeasure(caseworker, {
      fileId,
      need: "户主失业",
      measure: "转介人社部门安排公益性岗位",
      responsible: "区人社局",
      dueDate: addDays(today, 30),
    });
    const before = (await overdueItem(caseworker)).count;
    const { id } = await createReferral(caseworker, referralInput(fileId, { measureId: measure.id }));
    expect((await overdueItem(caseworker)).count).toBe(before + 1);
    expect((await overdueItem(tsCaseworker)).count).toBe(0);

    expect(() => ZCloseReferralInput.parse({ referralId: id, expectedVersion: 1, outcome: "GRANTED", outcomeOn: today, outcomeNote: "" })).toThrow(
      "办结请写明落实的政策或待遇",
    );
    await expect(closeReferral(tsOfficial, { referralId: id, expectedVersion: 1, outcome: "GRANTED", outcomeOn: today, outcomeNote: "x" })).rejects.toThrow(
      "不在您的管辖范围内",
    );
    await closeReferral(official, {
      referralId: id,
      expectedVersion: 1,
      outcome: "GRANTED",
      outcomeOn: today,
      outcomeNote: "公益性岗位（社区保洁），月工资 2,000 元",
    });
    const [row] = await findFileReferrals(caseworker, fileId);
    expect(row).toMatchObject({
      outcome: "GRANTED",
      outcomeNote: "公益性岗位（社区保洁），月工资 2,000 元",
      closedById: official.userId,
      measureId: measure.id,
    });
    expect((await overdueItem(caseworker)).count).toBe(before);
    expect(await prisma.auditEvent.count({ where: { entityId: id, action: { in: ["referral.create", "referral.close"] } } })).toBe(2);
    await expect(closeReferral(official, { referralId: id, expectedVersion: 2, outcome: "UNRESOLVED", outcomeOn: today })).rejects.toThrow("已被他人登记结果");
  });

  it("refuses bad input in Chinese with nothing written, another file's measure, and another union's file", async () => {
    const fileId = await openFile();
    const other = await openFile();
    const measure = await addMeasure(caseworker, { fileId: other, need: "就医", measure: "医疗救助", responsible: "医保局", dueDate: addDays(today, 30) });
    expect(() => referralInput(fileId, { dueDate: addDays(today, -30) })).toThrow("办结时限不能早于转介日期");
    expect(() => referralInput(fileId, { department: "POLICE" })).toThrow("请选择转介部门");
    await expect(createReferral(caseworker, referralInput(fileId, { referredOn: addDays(today, 1), dueDate: addDays(today, 2) }))).rejects.toThrow(
      "转介日期不能晚于今天",
    );
    await expect(createReferral(caseworker, referralInput(fileId, { measureId: measure.id }))).rejects.toThrow("所选帮扶措施不属于该档案");
    await expect(createReferral(tsCaseworker, referralInput(fileId))).rejects.toThrow("不在您的管辖范围内");
    await expect(createReferral(official, referralInput(fileId))).rejects.toThrow("没有权限");
    expect(await prisma.referral.count({ where: { fileId } })).toBe(0);
  });

  it("lets one of two officials record an outcome; the other is told", async () => {
    const fileId = await openFile();
    const { id } = await createReferral(caseworker, referralInput(fileId));
    const second = await actorFor((await createTestUser({ orgCode: "GSLZ", roles: ["OFFICIAL"] })).username);
    const results = await Promise.allSettled([
      closeReferral(official, { referralId: id, expectedVersion: 1, outcome: "NOT_ELIGIBLE", outcomeOn: today, outcomeNote: "家庭收入超过低保标准" }),
      closeReferral(second, { referralId: id, expectedVersion: 1, outcome: "UNRESOLVED", outcomeOn: today }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await prisma.referral.count({ where: { id, outcome: { not: null } } })).toBe(1);
  });
});

describe("the exit path", () => {
  it("requires a main path for 脱困 and keeps it on the file; a cancellation has none", async () => {
    const fileId = await openFile();
    expect(() => ZProposeExitInput.parse({ ...{ fileId, expectedVersion: 1 }, exitReason: "RESOLVED", reason: "脱困" })).toThrow("脱困退档须选择脱困主要路径");
    const exit = await proposeExit(
      caseworker,
      ZProposeExitInput.parse({ ...(await ref(fileId)), exitReason: "RESOLVED", exitPath: "EMPLOYMENT", reason: "公益性岗位稳定就业" }),
    );
    await decideChange(official, { requestId: exit.id, expectedVersion: 1, approve: true });
    expect(await fileRow(fileId)).toMatchObject({ status: "OBSERVATION", exitReason: "RESOLVED", exitPath: "EMPLOYMENT" });

    const cancelled = await openFile();
    const c = await proposeExit(
      caseworker,
      ZProposeExitInput.parse({ ...(await ref(cancelled)), exitReason: "CANCELLED", cancelReason: "RETIREMENT", exitPath: "HOUSING", reason: "已退休" }),
    );
    await decideChange(official, { requestId: c.id, expectedVersion: 1, approve: true });
    expect(await fileRow(cancelled)).toMatchObject({ status: "CLOSED", exitPath: null });
    // The database says the same: a path only on a 脱困 exit.
    await expect(prisma.householdFile.update({ where: { id: cancelled }, data: { exitPath: "HOUSING" } })).rejects.toThrow();
  });
});

// Guards the auditors' shared-account signal (疑似冒领): told at once on the bank-account form,
// raised by the daily run with its rows, visible to each union only with its own files, resolved
// once (audited), and back only when the fact set changes.
describe("shared bank account signal", () => {
  it("warns at once, raises one signal with its rows, resolves it once, and raises again only when the files holding the account change", async () => {
    const { recordBankAccount } = await import("@/lib/ledger/bank-accounts");
    const { raiseSignals } = await import("@/lib/signals/raise-signals");
    const { findSignals, resolveSignal } = await import("@/lib/signals/resolve-signal");
    const tsCounty = (await orgByCode("GSTSQZ")).id;
    const lz = await openFile();
    const { fileId: ts } = await submitNewFiling(tsCaseworker, filingValues(tsCounty));
    const third = await openFile();
    const account = { bankName: "中国工商银行兰州城关支行", accountNumber: "6222020304050607", accountHolder: "张建华" };
    expect((await recordBankAccount(caseworker, { fileId: lz, ...account })).sharedWith).toBe(0);
    expect((await recordBankAccount(tsCaseworker, { fileId: ts, ...account })).sharedWith).toBe(1);
    await raiseSignals(today);
    await raiseSignals(today);
    const auditor = await actorFor("lz_auditor");
    const tsAuditor = await actorFor("ts_auditor");
    const page = await findSignals(auditor, { status: "OPEN", kind: "SHARED_ACCOUNT" }, 1);
    expect(page.total).toBe(1);
    const [signal] = page.rows;
    expect(signal!.reason).toBe("银行账号 6222****0607 同时登记为 2 户档案的收款账户");
    // Each union sees its own household behind the signal and only a count of the other.
    expect(signal!.files.map((f) => f.file.id)).toEqual([lz]);
    expect(signal!.elsewhere).toBe(1);
    expect((await findSignals(tsAuditor, { kind: "SHARED_ACCOUNT" }, 1)).rows[0]!.files.map((f) => f.file.id)).toEqual([ts]);
    await expect(resolveSignal(caseworker, { signalId: signal!.id, expectedVersion: 1, status: "REASONABLE", note: "x" })).rejects.toThrow("没有权限");

    await resolveSignal(auditor, { signalId: signal!.id, expectedVersion: 1, status: "CORRECTED", note: "天水户已更换为本人账户" });
    await expect(resolveSignal(tsAuditor, { signalId: signal!.id, expectedVersion: 1, status: "REASONABLE", note: "同名" })).rejects.toThrow("已被他人核查");
    expect(await prisma.auditEvent.count({ where: { action: "signal.resolve", entityId: signal!.id } })).toBe(1);
    // The same fact again (a rerun reading everything): nothing new.
    await prisma.warningWatermark.deleteMany({ where: { name: "suspect-signals" } });
    await raiseSignals(today);
    expect(await prisma.suspectSignal.count({ where: { kind: "SHARED_ACCOUNT" } })).toBe(1);
    // The facts change: a third household records the account.
    await recordBankAccount(caseworker, { fileId: third, ...account });
    await raiseSignals(today);
    const open = await findSignals(auditor, { status: "OPEN", kind: "SHARED_ACCOUNT" }, 1);
    expect(open.rows.map((r) => r.reason)).toEqual(["银行账号 6222****0607 同时登记为 3 户档案的收款账户"]);
    await expect(prisma.suspectSignal.delete({ where: { id: signal!.id } })).rejects.toThrow();
  });
});
