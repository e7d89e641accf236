// Guards issue 8 §1, separation of duties for people: an administrator never changes their own
// roles (or they could make themselves an official and approve), and every grant and removal is
// audited with before and after; whoever submitted a filing, recorded a batch or proposed a change
// takes no later step on it, whatever roles they hold — in the domain functions and in PostgreSQL.
import { createHash, randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { decideChange, proposeTierChange } from "@/lib/dynamic/changes";
import { approveFiling, recordCivilCheck, recordObjection, rejectFiling, resolveObjection, reviewFiling, startPublicity } from "@/lib/filing/workflow";
import { addDays, todayInShanghai } from "@/lib/format/datetime";
import { rejectBatch } from "@/lib/ledger/batches";
import { scopedDb } from "@/lib/data/scope";
import { applyReturnFile } from "@/lib/payments/apply-return-file";
import { settleBatchIfComplete } from "@/lib/payments/settle-batch";
import { returnCsvFile } from "../support/bank-files";
import { setUserRoles } from "@/lib/users/manage-users";
import { actorFor, createTestUser, orgByCode, seedDemo } from "../support/factories";
import { backdateReview, filingValues, submitNewFiling } from "../support/filing-factory";

let both: TActor; // caseworker and official at once: the person the rule is about
let official: TActor;
let admin: TActor;
let county: string;
let sql: pg.Client;
const today = todayInShanghai();

const version = async (fileId: string) => (await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId } })).version;
const ref = async (fileId: string) => ({ fileId, expectedVersion: await version(fileId) });
const eventCount = (fileId: string) => prisma.filingEvent.count({ where: { fileId } });

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  both = await actorFor((await createTestUser({ orgCode: "GSLZ", roles: ["CASEWORKER", "OFFICIAL"] })).username);
  official = await actorFor("lz_official");
  admin = await actorFor("lz_admin");
  county = (await orgByCode("GSLZCG")).id;
});

afterAll(async () => {
  await sql.end();
});

describe("an administrator and their own account", () => {
  it("cannot change their own roles — not even to add the official role — and nothing is written", async () => {
    const auditsBefore = await prisma.auditEvent.count({ where: { action: "user.roles" } });
    await expect(setUserRoles(admin, { userId: admin.userId, roles: ["ADMIN", "OFFICIAL"] })).rejects.toThrow("不能修改自己的角色");
    await expect(setUserRoles(admin, { userId: admin.userId, roles: ["ADMIN"] })).rejects.toThrow("不能修改自己的角色");
    expect((await prisma.user.findUniqueOrThrow({ where: { id: admin.userId } })).roles).toEqual(["ADMIN"]);
    expect(await prisma.auditEvent.count({ where: { action: "user.roles" } })).toBe(auditsBefore);
  });

  it("has another administrator change roles, audited with the roles before and after", async () => {
    const target = await createTestUser({ orgCode: "GSLZ", roles: ["CASEWORKER", "AUDITOR"] });
    await setUserRoles(admin, { userId: target.id, roles: ["CASEWORKER", "OFFICIAL"] });
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "user.roles", entityId: target.id } });
    expect(audit.actorId).toBe(admin.userId);
    expect(audit.detail).toMatchObject({ before: ["CASEWORKER", "AUDITOR"], after: ["CASEWORKER", "OFFICIAL"], granted: ["OFFICIAL"], removed: ["AUDITOR"] });
  });
});

describe("the submitter of a filing, holding both caseworker and official roles", () => {
  it("takes no later step on it: review, publicity, civil check, objection resolution, approval, rejection", async () => {
    const { fileId } = await submitNewFiling(both, filingValues(county));
    const events = await eventCount(fileId);
    await expect(reviewFiling(both, { ...(await ref(fileId)), homeVisitDate: today })).rejects.toThrow("不能初审自己提交的");
    await expect(recordCivilCheck(both, { ...(await ref(fileId)), checkDate: today, result: "CONSISTENT" })).rejects.toThrow("不能核对自己提交的");
    await expect(rejectFiling(both, { ...(await ref(fileId)), reason: "自己退回" })).rejects.toThrow("不能退回自己提交的");

    await reviewFiling(official, { ...(await ref(fileId)), homeVisitDate: today });
    await backdateReview(fileId, 7);
    await expect(startPublicity(both, { ...(await ref(fileId)), startDate: addDays(today, -6) })).rejects.toThrow("不能公示自己提交的");
    await startPublicity(official, { ...(await ref(fileId)), startDate: addDays(today, -6) });
    // Recording what the public said is not a decision: anyone in the workflow may.
    await recordObjection(both, { ...(await ref(fileId)), receivedOn: today, content: "邻居反映有出租收入" });
    const objection = await prisma.publicityObjection.findFirstOrThrow({ where: { fileId } });
    await expect(resolveObjection(both, { ...(await ref(fileId)), objectionId: objection.id, resolution: "已核实" })).rejects.toThrow("不能处理自己提交的");
    await expect(approveFiling(both, { ...(await ref(fileId)), tier: "DEEP" })).rejects.toThrow("不能审定自己提交的");
    // review, publicity and the objection: the refused steps wrote nothing.
    expect(await eventCount(fileId)).toBe(events + 3);
    expect(await prisma.objectionResolution.count({ where: { objectionId: objection.id } })).toBe(0);
    expect((await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId } })).civilCheckResult).toBeNull();
  });

  it("is refused by the database too, whatever the code does", async () => {
    const { fileId } = await submitNewFiling(both, filingValues(county));
    for (const kind of ["REVIEWED", "PUBLICITY_STARTED", "CIVIL_CHECK_RECORDED", "OBJECTION_RESOLVED", "APPROVED", "REJECTED"]) {
      await expect(
        sql.query("INSERT INTO filing_event (file_id, episode, kind, to_status, actor_id) VALUES ($1, 1, $2, 'SUBMITTED', $3)", [fileId, kind, both.userId]),
      ).rejects.toThrow(/maker-checker/);
    }
    // Someone else may; the submitter may still record what is not a decision.
    await sql.query("INSERT INTO filing_event (file_id, episode, kind, to_status, actor_id) VALUES ($1, 1, 'CIVIL_CHECK_RECORDED', 'SUBMITTED', $2)", [
      fileId,
      official.userId,
    ]);
    await sql.query("INSERT INTO filing_event (file_id, episode, kind, to_status, actor_id) VALUES ($1, 1, 'OBJECTION_RECORDED', 'SUBMITTED', $2)", [
      fileId,
      both.userId,
    ]);
  });
});

describe("batches: whoever drew up or submitted one decides nothing on it", () => {
  async function batchRow(status: string, makerId: string, approverId: string | null) {
    const { rows } = await sql.query<{ id: string; version: number }>(
      `INSERT INTO disbursement_batch (idempotency_key, organisation_id, name, aid_type, fund_source, entry_date, purpose, status,
         created_by_id, submitted_by_id, submitted_at, approved_by_id, approved_at)
       VALUES ($1, $2, '送温暖', 'WARMTH', 'WARMTH_FUND', CURRENT_DATE, '春节慰问', $3::batch_status, $4, $4, now(), $5, CASE WHEN $5::uuid IS NULL THEN NULL ELSE now() END)
       RETURNING id, version`,
      [randomUUID(), (await orgByCode("GSLZ")).id, status, makerId, approverId],
    );
    return { batchId: rows[0]!.id, expectedVersion: rows[0]!.version };
  }

  it("refuses the maker rejecting it or marking it paid, in code and in the database", async () => {
    const submitted = await batchRow("SUBMITTED", both.userId, null);
    await expect(rejectBatch(both, { ...submitted, reason: "重做" })).rejects.toThrow("不能退回自己编制或提交的批次");
    await expect(
      sql.query("UPDATE disbursement_batch SET status = 'DRAFT', rejected_by_id = submitted_by_id WHERE id = $1", [submitted.batchId]),
    ).rejects.toThrow(/disbursement_batch_rejecter_not_maker/);
    await rejectBatch(official, { ...submitted, reason: "名单需核实" });
    expect(await prisma.disbursementBatch.findUniqueOrThrow({ where: { id: submitted.batchId } })).toMatchObject({
      status: "DRAFT",
      rejectedById: official.userId,
      submittedById: both.userId,
    });

    const approved = await batchRow("APPROVED", both.userId, official.userId);
    const answer = returnCsvFile([{ reference: "BF000000000000001", name: "某某", account: "6228480000000001", amount: "500.00", result: "成功" }]);
    const sha = createHash("sha256")
      .update(Buffer.from(await answer.arrayBuffer()))
      .digest("hex");
    await expect(applyReturnFile(both, { batchId: approved.batchId, file: answer, expectedSha256: sha })).rejects.toThrow("不能确认自己编制或提交的批次的回盘");
    await expect(
      sql.query("UPDATE disbursement_batch SET status = 'PAID', paid_by_id = created_by_id, paid_at = now() WHERE id = $1", [approved.batchId]),
    ).rejects.toThrow(/disbursement_batch_payer_not_maker/);
    // Settled by the maker's own last step, the batch names the official who approved it as payer, never the maker.
    expect(await scopedDb(both).$transaction((tx) => settleBatchIfComplete(tx, both, approved.batchId))).toBe(true);
    expect(await prisma.disbursementBatch.findUniqueOrThrow({ where: { id: approved.batchId } })).toMatchObject({ status: "PAID", paidById: official.userId });
  });
});

describe("change requests: the proposer decides nothing on their own request", () => {
  it("refuses a caseworker-official deciding their own tier change", async () => {
    const { fileId } = await submitNewFiling(await actorFor("lz_caseworker"), filingValues(county));
    await reviewFiling(official, { ...(await ref(fileId)), homeVisitDate: today });
    await backdateReview(fileId, 7);
    await startPublicity(official, { ...(await ref(fileId)), startDate: addDays(today, -6) });
    await recordCivilCheck(official, { ...(await ref(fileId)), checkDate: today, result: "CONSISTENT" });
    await approveFiling(official, { ...(await ref(fileId)), tier: "DEEP" });
    const request = await proposeTierChange(both, { ...(await ref(fileId)), proposedTier: "RELATIVE", reason: "收入增加" });
    await expect(decideChange(both, { requestId: request.id, expectedVersion: 1, approve: true })).rejects.toThrow("不能审批自己提出的申请");
    await expect(sql.query("UPDATE change_request SET status = 'APPROVED', decided_by_id = requested_by_id WHERE id = $1", [request.id])).rejects.toThrow(
      /change_request_decider_not_requester/,
    );
  });
});
