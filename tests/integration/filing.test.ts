// Guards filing (建档): one person, one open file, enforced by PostgreSQL under concurrency and
// across organisations; the review → publicity → approval workflow with maker–checker; gap-free
// file numbers; reopening instead of refiling; and scope (Lanzhou attacker, Tianshui victim).
import { beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { findFiles, getFile, revealResidentIds } from "@/lib/filing/find-files";
import { saveDraft, submitFiling } from "@/lib/filing/save-filing";
import { ZSaveDraftInput, ZSubmitFilingInput, type TFilingFormValues } from "@/lib/filing/schemas";
import { approveFiling, recordCivilCheck, rejectFiling, reopenFile, reviewFiling, startPublicity } from "@/lib/filing/workflow";
import { addDays, todayInShanghai } from "@/lib/format/datetime";
import { actorFor, createTestUser, orgByCode, seedDemo } from "../support/factories";
import { attachRequiredEvidence, backdateReview, filingValues, residentId, submitNewFiling } from "../support/filing-factory";

let lzCaseworker: TActor;
let lzOfficial: TActor;
let tsCaseworker: TActor;
let tsOfficial: TActor;
let lanzhouCounty: string;
let tianshuiCounty: string;
const today = todayInShanghai();

async function version(fileId: string) {
  return (await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId } })).version;
}

/** Takes a submitted filing through review, publicity (already ended) and the civil check. */
async function readyForApproval(official: TActor, fileId: string) {
  await reviewFiling(official, { fileId, expectedVersion: await version(fileId), homeVisitDate: today });
  await backdateReview(fileId, 7);
  await startPublicity(official, { fileId, expectedVersion: await version(fileId), startDate: addDays(today, -6) });
  await recordCivilCheck(official, { fileId, expectedVersion: await version(fileId), checkDate: today, result: "CONSISTENT" });
}

async function openFile(caseworker: TActor, official: TActor, values: TFilingFormValues) {
  const { fileId } = await submitNewFiling(caseworker, values);
  await readyForApproval(official, fileId);
  await approveFiling(official, { fileId, expectedVersion: await version(fileId), tier: "DEEP" });
  return fileId;
}

beforeAll(async () => {
  await seedDemo();
  lzCaseworker = await actorFor("lz_caseworker");
  lzOfficial = await actorFor("lz_official");
  tsCaseworker = await actorFor("ts_caseworker");
  tsOfficial = await actorFor("ts_official");
  lanzhouCounty = (await orgByCode("GSLZCG")).id;
  tianshuiCounty = (await orgByCode("GSTSQZ")).id;
});

describe("drafts and submission", () => {
  it("saves an incomplete draft, then refuses to submit it until it is complete and documented", async () => {
    const values = filingValues(lanzhouCounty, { mainCause: "", proposedTier: "" } as Partial<TFilingFormValues>);
    const draft = await saveDraft(lzCaseworker, ZSaveDraftInput.parse({ data: values }));
    expect(draft.warnings).toEqual([]);
    const incomplete = ZSubmitFilingInput.safeParse({ fileId: draft.fileId, expectedVersion: draft.version, data: values });
    expect(incomplete.success).toBe(false);
    expect(incomplete.error!.issues.map((i) => i.message)).toEqual(expect.arrayContaining(["请选择主要致困原因", "请选择建议困难类别"]));
    const complete = filingValues(lanzhouCounty, { members: values.members });
    await expect(
      submitFiling(lzCaseworker, ZSubmitFilingInput.parse({ fileId: draft.fileId, expectedVersion: draft.version, data: complete })),
    ).rejects.toThrow("提交前请先上传证明材料：申请书、家庭经济状况核对授权书");
    await attachRequiredEvidence(draft.fileId, lzCaseworker.userId);
    await submitFiling(lzCaseworker, ZSubmitFilingInput.parse({ fileId: draft.fileId, expectedVersion: draft.version, data: complete }));
    const file = await prisma.householdFile.findUniqueOrThrow({ where: { id: draft.fileId } });
    // Lanzhou's 低保 is 780 yuan: (2400×12 − 18000) ÷ 12 ÷ 3 = 300 yuan per person per month → deep.
    expect(file).toMatchObject({ status: "SUBMITTED", householdSize: 3, perCapitaMonthlyFen: 30000, suggestedTier: "DEEP", proposedTier: "DEEP" });
  });

  it("reports each bad ID number with its own message, also in a draft", () => {
    const values = filingValues(lanzhouCounty);
    const bad = (residentIdValue: string, birthDate = "1978-03-09", sex = "MALE") =>
      ZSaveDraftInput.safeParse({ data: { ...values, members: [{ ...values.members[0]!, residentId: residentIdValue, birthDate, sex }] } }).error?.issues[0]
        ?.message;
    const good = values.members[0]!.residentId as string;
    expect(bad(good.slice(0, 17))).toMatch(/18 位/);
    expect(bad(`${good.slice(0, 17)}${good.endsWith("1") ? "2" : "1"}`)).toMatch(/校验位/);
    expect(bad(good, "1978-03-10")).toMatch(/出生日期/);
    expect(bad(good, "1978-03-09", "FEMALE")).toMatch(/性别/);
    const lower = ZSaveDraftInput.parse({
      data: { ...values, members: [{ ...values.members[0]!, residentId: "11010519491231002x", birthDate: "1949-12-31", sex: "FEMALE" }] },
    });
    expect(lower.data.members[0]!.residentId).toBe("11010519491231002X");
  });

  it("warns at once when a draft names someone who already has a file", async () => {
    const values = filingValues(lanzhouCounty);
    await submitNewFiling(lzCaseworker, values);
    const copy = filingValues(tianshuiCounty, {
      members: [values.members[1]!, ...values.members.slice(2)].map((m, i) => (i === 0 ? { ...m, relation: "SELF" } : m)) as never,
    });
    const draft = await saveDraft(tsCaseworker, ZSaveDraftInput.parse({ data: copy }));
    expect(draft.warnings).toHaveLength(2);
    expect(draft.warnings[0]).toMatch(/已在「兰州市城关区环境卫生管理所工会|已在「城关区总工会/);
  });
});

describe("one person, one file (一人一档)", () => {
  it("refuses a second file for any member, across cities, naming the holding union but not the file's contents", async () => {
    const values = filingValues(lanzhouCounty);
    const fileId = await openFile(lzCaseworker, lzOfficial, values);
    const { fileNumber } = await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId } });
    const child = values.members[2]!;
    const other = filingValues(tianshuiCounty);
    other.members[1] = { ...child, relation: "CHILD" };
    const error = await submitNewFiling(tsCaseworker, other).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain("城关区总工会");
    expect(message).toContain(fileNumber!);
    expect(message).toContain("一人只能在一个有效档案中");
    expect(message).not.toContain(child.residentId as string);
    expect(message).not.toContain("张建华");
    expect(await prisma.householdFile.count({ where: { organisationId: tianshuiCounty, status: "SUBMITTED" } })).toBe(0);
  });

  it("submits what is on the screen: a member replaced since the last save no longer blocks the submission (issue 26)", async () => {
    const values = filingValues(lanzhouCounty);
    await openFile(lzCaseworker, lzOfficial, values);
    // A draft saved with someone who already holds a file (the page warns) …
    const withFiled = filingValues(lanzhouCounty);
    withFiled.members[2] = { ...values.members[2]! };
    const draft = await saveDraft(lzCaseworker, ZSaveDraftInput.parse({ data: withFiled }));
    expect(draft.warnings).toHaveLength(1);
    await attachRequiredEvidence(draft.fileId, lzCaseworker.userId);
    // … then that member replaced on screen and submitted without saving first.
    const replaced = {
      ...withFiled,
      members: [
        withFiled.members[0]!,
        withFiled.members[1]!,
        { ...withFiled.members[2]!, name: "张小月", residentId: residentId({ birthDate: "2008-06-20", sex: "FEMALE" }) },
      ],
    };
    await submitFiling(lzCaseworker, ZSubmitFilingInput.parse({ fileId: draft.fileId, expectedVersion: draft.version, data: replaced }));
    const people = await prisma.filePerson.findMany({ where: { fileId: draft.fileId }, orderBy: { residentId: "asc" } });
    expect(people.map((p) => p.residentId).sort()).toEqual(replaced.members.map((m) => m.residentId as string).sort());
    expect((await prisma.householdFile.findUniqueOrThrow({ where: { id: draft.fileId } })).status).toBe("SUBMITTED");
  });

  it("gives exactly one file when two caseworkers submit the same person at the same moment", async () => {
    const person = residentId({ birthDate: "1975-01-01" });
    const drafts = await Promise.all(
      [
        [lzCaseworker, lanzhouCounty],
        [tsCaseworker, tianshuiCounty],
      ].map(async ([actor, org]) => {
        const values = filingValues(org as string);
        values.members[0] = { ...values.members[0]!, residentId: person, birthDate: "1975-01-01" };
        const draft = await saveDraft(actor as TActor, ZSaveDraftInput.parse({ data: values }));
        await attachRequiredEvidence(draft.fileId, (actor as TActor).userId);
        return { actor: actor as TActor, values, draft };
      }),
    );
    const results = await Promise.allSettled(
      drafts.map(({ actor, values, draft }) =>
        submitFiling(actor, ZSubmitFilingInput.parse({ fileId: draft.fileId, expectedVersion: draft.version, data: values })),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason.message).toContain("不能重复建档");
    expect(await prisma.filePerson.count({ where: { residentId: person, holds: true } })).toBe(1);
  });

  it("is enforced by the database even if code skips the check", async () => {
    const values = filingValues(lanzhouCounty);
    const { fileId } = await submitNewFiling(lzCaseworker, values);
    const other = await prisma.householdFile.create({ data: { organisationId: tianshuiCounty, data: {}, createdById: tsCaseworker.userId } });
    await prisma.filePerson.create({ data: { fileId: other.id, residentId: values.members[0]!.residentId as string, isHolder: true } });
    // Moving the second file out of draft would make the person belong to two active files.
    await expect(
      prisma.$executeRaw`UPDATE household_file SET status = 'SUBMITTED', holder_name = 'x', holder_resident_id = ${values.members[0]!.residentId as string},
        household_size = 1, file_level = 'CITY', worker_category = 'URBAN', main_cause = 'ILLNESS', submitted_by_id = ${tsCaseworker.userId}::uuid,
        submitted_at = now(), proposed_tier = 'DEEP' WHERE id = ${other.id}::uuid`,
    ).rejects.toThrow(/file_person_one_active_file|household_file_one_file_per_holder|duplicate key/);
    expect((await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId } })).status).toBe("SUBMITTED");
  });

  it("frees the person when a filing is sent back, and reopens a closed file instead of filing again", async () => {
    const values = filingValues(lanzhouCounty);
    const fileId = await openFile(lzCaseworker, lzOfficial, values);
    const opened = await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId } });
    // Exits arrive with dynamic management; here the file is closed directly.
    await prisma.householdFile.update({ where: { id: fileId }, data: { status: "CLOSED" } });
    expect(await prisma.filePerson.count({ where: { fileId, holds: true } })).toBe(0);

    const refile = filingValues(lanzhouCounty, { members: values.members });
    const refused = await submitNewFiling(lzCaseworker, refile).catch((e: Error) => e);
    expect((refused as Error).message).toContain("请在原档案上办理返困重新启用");

    await reopenFile(lzCaseworker, { fileId, expectedVersion: await version(fileId) });
    const reopened = await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId } });
    expect(reopened).toMatchObject({ status: "DRAFT", episode: 2, fileNumber: opened.fileNumber });
    await submitFiling(lzCaseworker, ZSubmitFilingInput.parse({ fileId, expectedVersion: reopened.version, data: values }));
    await readyForApproval(lzOfficial, fileId);
    await approveFiling(lzOfficial, { fileId, expectedVersion: await version(fileId), tier: "RELATIVE" });
    expect(await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId } })).toMatchObject({
      status: "OPEN",
      episode: 2,
      fileNumber: opened.fileNumber,
      tier: "RELATIVE",
    });

    const sentBack = await submitNewFiling(lzCaseworker, filingValues(lanzhouCounty));
    await rejectFiling(lzOfficial, { fileId: sentBack.fileId, expectedVersion: await version(sentBack.fileId), reason: "收入证明缺失" });
    const rejected = await prisma.householdFile.findUniqueOrThrow({ where: { id: sentBack.fileId } });
    expect(rejected).toMatchObject({ status: "DRAFT", rejectionReason: "收入证明缺失" });
    expect(await prisma.filePerson.count({ where: { fileId: sentBack.fileId, holds: true } })).toBe(0);
  });
});

describe("workflow", () => {
  it("assigns gap-free numbers per union and year, and only after publicity and a consistent civil check", async () => {
    const { fileId } = await submitNewFiling(lzCaseworker, filingValues(lanzhouCounty));
    await reviewFiling(lzOfficial, { fileId, expectedVersion: await version(fileId), homeVisitDate: today });
    await startPublicity(lzOfficial, { fileId, expectedVersion: await version(fileId), startDate: today });
    await expect(approveFiling(lzOfficial, { fileId, expectedVersion: await version(fileId), tier: "DEEP" })).rejects.toThrow("期满后（次日起）才能审定");
    await backdateReview(fileId, 7);
    await prisma.householdFile.update({
      where: { id: fileId },
      data: { publicityStart: new Date(`${addDays(today, -6)}T00:00:00Z`), publicityEnd: new Date(`${addDays(today, -1)}T00:00:00Z`) },
    });
    await expect(approveFiling(lzOfficial, { fileId, expectedVersion: await version(fileId), tier: "DEEP" })).rejects.toThrow("请先录入民政核对结果");
    await recordCivilCheck(lzOfficial, { fileId, expectedVersion: await version(fileId), checkDate: today, result: "INCONSISTENT" });
    await expect(approveFiling(lzOfficial, { fileId, expectedVersion: await version(fileId), tier: "DEEP" })).rejects.toThrow("核对不符");
    await recordCivilCheck(lzOfficial, { fileId, expectedVersion: await version(fileId), checkDate: today, result: "CONSISTENT" });
    await approveFiling(lzOfficial, { fileId, expectedVersion: await version(fileId), tier: "DEEP" });

    const second = await openFile(lzCaseworker, lzOfficial, filingValues(lanzhouCounty));
    const numbers = await prisma.householdFile.findMany({
      where: { id: { in: [fileId, second] } },
      orderBy: { approvedAt: "asc" },
      select: { fileNumber: true },
    });
    const year = today.slice(0, 4);
    const [a, b] = numbers.map((n) => n.fileNumber!);
    expect(a).toMatch(new RegExp(`^GSLZCG-${year}-\\d{5}$`));
    expect(Number(b!.slice(-5))).toBe(Number(a!.slice(-5)) + 1);
    const events = await prisma.filingEvent.findMany({ where: { fileId }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.kind)).toEqual([
      "CREATED",
      "SUBMITTED",
      "REVIEWED",
      "PUBLICITY_STARTED",
      "CIVIL_CHECK_RECORDED",
      "CIVIL_CHECK_RECORDED",
      "APPROVED",
    ]);
  });

  it("never lets the submitter review or approve their own filing, in code or in the database", async () => {
    const both = await createTestUser({ orgCode: "GSLZ", roles: ["CASEWORKER", "OFFICIAL"] });
    const actor = await actorFor(both.username);
    const { fileId } = await submitNewFiling(actor, filingValues(lanzhouCounty));
    await expect(reviewFiling(actor, { fileId, expectedVersion: await version(fileId), homeVisitDate: today })).rejects.toThrow("不能初审自己提交的");
    await readyForApproval(lzOfficial, fileId);
    await expect(approveFiling(actor, { fileId, expectedVersion: await version(fileId), tier: "DEEP" })).rejects.toThrow("不能审定自己提交的");
    await expect(prisma.$executeRaw`UPDATE household_file SET approved_by_id = submitted_by_id WHERE id = ${fileId}::uuid`).rejects.toThrow(
      /household_file_approver_not_submitter/,
    );
  });

  it("lets exactly one of two officials approve the same filing at once", async () => {
    const secondOfficial = await actorFor((await createTestUser({ orgCode: "GSLZ", roles: ["OFFICIAL"] })).username);
    const { fileId } = await submitNewFiling(lzCaseworker, filingValues(lanzhouCounty));
    await readyForApproval(lzOfficial, fileId);
    const expectedVersion = await version(fileId);
    const results = await Promise.allSettled([
      approveFiling(lzOfficial, { fileId, expectedVersion, tier: "DEEP" }),
      approveFiling(secondOfficial, { fileId, expectedVersion, tier: "RELATIVE" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason.message).toMatch(/已被他人处理|刚被他人处理/);
    expect(await prisma.filingEvent.count({ where: { fileId, kind: "APPROVED" } })).toBe(1);
  });

  it("refuses steps to the wrong role", async () => {
    const auditor = await actorFor("lz_auditor");
    const { fileId } = await submitNewFiling(lzCaseworker, filingValues(lanzhouCounty));
    await expect(saveDraft(auditor, ZSaveDraftInput.parse({ data: filingValues(lanzhouCounty) }))).rejects.toThrow("没有权限");
    await expect(reviewFiling(lzCaseworker, { fileId, expectedVersion: await version(fileId), homeVisitDate: today })).rejects.toThrow("没有权限");
    await expect(reviewFiling(auditor, { fileId, expectedVersion: await version(fileId), homeVisitDate: today })).rejects.toThrow("没有权限");
  });
});

describe("scope", () => {
  it("keeps another city's files out of reach: reading, searching, editing, deciding", async () => {
    const values = filingValues(lanzhouCounty);
    const { fileId } = await submitNewFiling(lzCaseworker, values);
    await expect(getFile(tsCaseworker, fileId)).rejects.toThrow("不在您的管辖范围内");
    await expect(revealResidentIds(tsCaseworker, fileId)).rejects.toThrow("不在您的管辖范围内");
    const search = await findFiles(tsCaseworker, { q: values.members[0]!.residentId as string, status: "ALL" });
    expect(search.total).toBe(0);
    expect((await findFiles(lzCaseworker, { q: values.members[0]!.residentId as string, status: "ALL" })).total).toBe(1);
    await expect(reviewFiling(tsOfficial, { fileId, expectedVersion: await version(fileId), homeVisitDate: today })).rejects.toThrow("不在您的管辖范围内");
    await expect(saveDraft(tsCaseworker, ZSaveDraftInput.parse({ data: filingValues(lanzhouCounty) }))).rejects.toThrow("不在您的管辖范围内");
    const own = await saveDraft(tsCaseworker, ZSaveDraftInput.parse({ data: filingValues(tianshuiCounty) }));
    await expect(
      saveDraft(tsCaseworker, ZSaveDraftInput.parse({ fileId: own.fileId, expectedVersion: own.version, data: filingValues(lanzhouCounty) })),
    ).rejects.toThrow("不在您的管辖范围内");
  });

  it("masks ID numbers on the page and audits every full view", async () => {
    const values = filingValues(lanzhouCounty);
    const { fileId } = await submitNewFiling(lzCaseworker, values);
    const page = await getFile(lzOfficial, fileId);
    const holderId = values.members[0]!.residentId as string;
    expect(page.data.members[0]!.residentId).toBe(`${holderId.slice(0, 6)}********${holderId.slice(-4)}`);
    expect(await revealResidentIds(lzOfficial, fileId)).toEqual(values.members.map((m) => m.residentId));
    const audit = await prisma.auditEvent.findMany({ where: { entityId: fileId, action: "filing.reveal-resident-ids" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorId).toBe(lzOfficial.userId);
  });
});
