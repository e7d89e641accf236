// Guards the worker's own door (issue 24 §1, §4): the public query (本人查询) shows a household its
// own file and nothing else, answers a stranger the same (and in the same time) whatever they got
// wrong, and cannot be used to guess a query code within its limits; the query code is issued by a
// caseworker of the file's union only, and a new one ends the old.
// Limits in force: 10 failures per ID number per 24 h, 30 per address per hour (lib/public/limits.ts).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runActionAs } from "@/lib/actions/run-action";
import { runPublicAction } from "@/lib/actions/public-action";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { approveBatch, createBatch, submitBatch } from "@/lib/ledger/batches";
import { recordBankAccount } from "@/lib/ledger/bank-accounts";
import { findFilingNotice, findPublicVisits } from "@/lib/notice/find-filing-notice";
import { ZCreateOrganisationInput } from "@/lib/organisations/schemas";
import { issueQueryCode } from "@/lib/notice/issue-query-code";
import { z } from "zod";
import { queryOwnFile, type TPublicQueryAnswer } from "@/lib/public/query-own-file";
import { ZPublicQueryInput } from "@/lib/public/schemas";
import { demoActors, orgByCode, seedDemo } from "../support/factories";
import { insertApprovedPayment } from "../support/ledger-fixtures";
import { insertOpenFile } from "../support/open-file";
import { residentId } from "../support/resident-ids";
import { filingValues } from "../support/filing-factory";
import { saveDraft } from "@/lib/filing/save-filing";
import { ZSaveDraftInput } from "@/lib/filing/schemas";

let sql: pg.Client;
let lzCaseworker: TActor, lzOfficial: TActor, tsCaseworker: TActor, tsOfficial: TActor;
let ipCounter = 0;
/** An address no other test uses. */
const freshIp = () => `10.24.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;
const NOT_FOUND = "未查到与所填信息相符的档案。请核对姓名、身份证号码和建档告知书上的查询码；如仍查不到，请致电所在工会。";
const LIMITED = "查询失败次数过多，已暂停查询。请 24 小时后再试，或致电所在工会。";

const ask = (input: { name: string; residentId: string; code: string }, ip = freshIp(), now?: Date) =>
  queryOwnFile(ZPublicQueryInput.parse(input), { ip, now, floorMs: 0 });

/** An open file of the Lanzhou caseworker's union with a live query code; the holder is 张建华. */
async function fileWithCode(orgCode = "GSLZCG", people = { caseworker: lzCaseworker, official: lzOfficial }) {
  const org = await orgByCode(orgCode);
  const file = await insertOpenFile(sql, people, org.id);
  const { code } = await issueQueryCode(people.caseworker, { fileId: file.fileId });
  return { ...file, code, holderId: file.data.members[0]!.residentId!, organisationId: org.id };
}

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  ({ lzCaseworker, lzOfficial, tsCaseworker, tsOfficial } = await demoActors());
});
afterAll(async () => {
  await sql.end();
});

describe("the query code", () => {
  it("is 10 characters of an unambiguous alphabet, shown once and stored only as an argon2id hash", async () => {
    const file = await fileWithCode();
    expect(file.code).toMatch(/^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/);
    const rows = await prisma.fileQueryCode.findMany({ where: { fileId: file.fileId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.codeHash).toMatch(/^\$argon2id\$/);
    expect(rows[0]!.codeHash).not.toContain(file.code.replace("-", ""));
  });

  it("is issued only by a caseworker of the file's union, only for an approved file", async () => {
    const file = await fileWithCode();
    await expect(issueQueryCode(lzOfficial, { fileId: file.fileId })).rejects.toThrow("您没有权限");
    // Another city's caseworker: the file does not exist for them.
    await expect(issueQueryCode(tsCaseworker, { fileId: file.fileId })).rejects.toThrow("记录不存在");
    const draft = await saveDraft(lzCaseworker, ZSaveDraftInput.parse({ data: filingValues(file.organisationId) }));
    await expect(issueQueryCode(lzCaseworker, { fileId: draft.fileId })).rejects.toThrow("审定建档后");
    // Through the action a bad id is a Chinese field error, nothing written.
    const result = await runActionAs(z.object({ fileId: z.uuid() }), issueQueryCode, lzCaseworker, { fileId: "nope" });
    expect(result.ok).toBe(false);
  });

  it("a new code ends the old one at once, and the file's history keeps both issues", async () => {
    const file = await fileWithCode();
    const { code: second } = await issueQueryCode(lzCaseworker, { fileId: file.fileId });
    expect(second).not.toBe(file.code);
    const name = "张建华";
    expect((await ask({ name, residentId: file.holderId, code: file.code })).found).toBe(false);
    expect((await ask({ name, residentId: file.holderId, code: second })).found).toBe(true);
    const live = await prisma.fileQueryCode.count({ where: { fileId: file.fileId, endedAt: null } });
    expect(live).toBe(1);
    const visits = await findPublicVisits(lzCaseworker, file.fileId);
    expect(visits.map((v) => v.action)).toEqual(["public.query", "public.query_failed", "file.query_code_issue", "file.query_code_issue"]);
  });

  it("two caseworkers printing at once leave exactly one live code", async () => {
    const file = await fileWithCode();
    const results = await Promise.allSettled([0, 1, 2, 3].map(() => issueQueryCode(lzCaseworker, { fileId: file.fileId })));
    expect(results.some((r) => r.status === "fulfilled")).toBe(true);
    for (const r of results) if (r.status === "rejected") expect(String(r.reason)).toContain("刚刚为该档案生成了查询码");
    expect(await prisma.fileQueryCode.count({ where: { fileId: file.fileId, endedAt: null } })).toBe(1);
  });
});

describe("the 建档告知书", () => {
  it("prints the union's service phone, or the nearest union's above it, and what happens next", async () => {
    const file = await fileWithCode("GSLZCG01");
    // The demo seed gives 兰州市总工会 (GSLZ) a phone, not the district or the grassroots union.
    const before = await findFilingNotice(lzCaseworker, file.fileId);
    expect(before).toMatchObject({
      unionName: "兰州市城关区环境卫生管理所工会",
      servicePhone: "0931-12351",
      recheckMonths: 3,
      observationMonths: 12,
      allowed: { ok: true },
    });
    expect(before.liveCodeIssuedAt).toBeInstanceOf(Date);
    await sql.query("UPDATE organisation SET service_phone = '0931-8460000' WHERE code = 'GSLZCG'");
    expect((await findFilingNotice(lzCaseworker, file.fileId)).servicePhone).toBe("0931-8460000");
    await expect(findFilingNotice(tsCaseworker, file.fileId)).rejects.toThrow("记录不存在");
    // A phone is checked where a union is created, and by the database.
    expect(
      ZCreateOrganisationInput.safeParse({
        parentId: file.organisationId,
        name: "测试工会",
        code: "T-1",
        level: "GRASSROOTS",
        regionCode: "620102",
        servicePhone: "电话12",
      }).success,
    ).toBe(false);
    expect(
      ZCreateOrganisationInput.parse({
        parentId: file.organisationId,
        name: "测试工会",
        code: "T-1",
        level: "GRASSROOTS",
        regionCode: "620102",
        servicePhone: "",
      }).servicePhone,
    ).toBeUndefined();
    await expect(sql.query("UPDATE organisation SET service_phone = 'call me' WHERE code = 'GSLZCG'")).rejects.toThrow("organisation_service_phone_format");
  });
});

describe("the household sees its own file", () => {
  it("status, tier, pairing cadre, next re-check and 24 months of payments with the bank's outcome; nothing else", async () => {
    const file = await fileWithCode();
    const other = await fileWithCode();
    await sql.query("UPDATE household_file SET responsible_cadre_id = $1, next_check_due = '2027-03-15' WHERE id = $2", [lzCaseworker.userId, file.fileId]);
    await recordBankAccount(lzCaseworker, { fileId: file.fileId, bankName: "兰州银行", accountNumber: "6228480012345678", accountHolder: "张建华" });
    // A batch for the union: every open file in it gets a line, ours among them.
    const batch = await createBatch(lzCaseworker, {
      idempotencyKey: crypto.randomUUID(),
      paymentMethod: "BANK",
      name: "公开查询测试批次",
      aidType: "WARMTH",
      fundSource: "WARMTH_FUND",
      standardAmountFen: 80_000,
      entryDate: new Date().toISOString().slice(0, 10),
      purpose: "送温暖慰问金",
      organisationId: file.organisationId,
      tiers: [],
      fileLevels: [],
    });
    await submitBatch(lzCaseworker, { batchId: batch.batchId, expectedVersion: 1 });
    await approveBatch(lzOfficial, { batchId: batch.batchId, expectedVersion: 2 });
    // A payment from three years ago is past the 24 months shown.
    await insertApprovedPayment(sql, {
      fileId: file.fileId,
      organisationId: file.organisationId,
      aidType: "MEDICAL",
      fundSource: "CENTRAL_SPECIAL",
      amountFen: 150_000,
      entryDate: "2023-01-10",
      purpose: "医疗救助",
      recordedById: lzCaseworker.userId,
      approvedById: lzOfficial.userId,
    });
    await insertApprovedPayment(sql, {
      fileId: other.fileId,
      organisationId: other.organisationId,
      aidType: "EMERGENCY",
      fundSource: "UNION_FUNDS",
      amountFen: 33_300,
      purpose: "临时救助",
      recordedById: lzCaseworker.userId,
      approvedById: lzOfficial.userId,
    });

    const answer = await ask({ name: "张建华", residentId: file.holderId, code: file.code });
    if (!answer.found) throw new Error(answer.message);
    expect(answer.file).toMatchObject({
      fileNumber: file.fileNumber,
      unionName: "城关区总工会",
      status: "OPEN",
      tier: "DEEP",
      cadreName: lzCaseworker.name,
      nextCheckDue: "2027-03-15",
      observationUntil: null,
    });
    expect(answer.file.payments).toEqual([
      { date: new Date().toISOString().slice(0, 10), aidType: "WARMTH", amountFen: 80_000, accountLast4: "5678", outcome: "处理中" },
    ]);
    await sql.query("UPDATE batch_line SET payment_status = 'PAID', payment_updated_at = now() WHERE batch_id = $1 AND file_id = $2", [
      batch.batchId,
      file.fileId,
    ]);
    const paid = await ask({ name: "张建华", residentId: file.holderId, code: file.code });
    expect(paid.found && paid.file.payments[0]!.outcome).toBe("已到账");

    // Nothing of the members' ID numbers, the full account number, or the other household.
    const text = JSON.stringify(answer);
    for (const member of file.data.members) expect(text).not.toContain(member.residentId);
    expect(text).not.toContain("6228480012345678");
    expect(text).not.toContain(other.fileNumber);
    expect(text).not.toContain("33300");
    expect(Object.keys(answer.file).sort()).toEqual([
      "applications",
      "cadreName",
      "fileNumber",
      "nextCheckDue",
      "observationUntil",
      "payments",
      "status",
      "tier",
      "unionName",
    ]);
    expect(answer.file.applications).toEqual([]);
  });

  it("lists the holder's online applications with number, date and status, and nobody else's", async () => {
    const file = await fileWithCode();
    const other = await fileWithCode();
    const apply = (
      holderId: string,
      number: string,
      submittedAt: string,
      state: { status: string; fileId?: string; declineReason?: string } = { status: "SUBMITTED" },
    ) =>
      sql.query(
        `INSERT INTO online_application (number, organisation_id, status, data, holder_name, holder_resident_id, contact_phone, code_hash,
           consent_version, consented_at, consent_ip, submitted_at, accepted_at, decided_at, decline_reason, file_id)
         VALUES ($1, $2, $3::online_application_status, '{"note":"申请内容不应显示"}', '张建华', $4, '13900001111', 'x', 'v1', $5::timestamptz, '10.0.0.1', $5::timestamptz,
           CASE WHEN $3::online_application_status IN ('ACCEPTED', 'CONVERTED') THEN $5::timestamptz END, CASE WHEN $3::online_application_status IN ('CONVERTED', 'DECLINED') THEN $5::timestamptz END, $6, $7)`,
        [number, file.organisationId, state.status, holderId, submittedAt, state.declineReason ?? null, state.fileId ?? null],
      );
    // 23:30 UTC is the next morning in Beijing: the date shown is the Chinese one.
    await apply(file.holderId, "WS-TEST-0001", "2026-03-01T23:30:00Z", { status: "DECLINED", declineReason: "家庭收入高于困难标准" });
    await apply(file.holderId, "WS-TEST-0002", "2026-05-02T02:00:00Z", { status: "CONVERTED", fileId: file.fileId });
    await apply(file.holderId, "WS-TEST-0003", "2026-06-03T02:00:00Z", { status: "ACCEPTED" });
    await apply(file.holderId, "WS-TEST-0004", "2026-07-04T02:00:00Z");
    await apply(other.holderId, "WS-TEST-0005", "2026-07-05T02:00:00Z", { status: "DECLINED", declineReason: "另一户的理由" });

    const answer = await ask({ name: "张建华", residentId: file.holderId, code: file.code });
    if (!answer.found) throw new Error(answer.message);
    expect(answer.file.applications).toEqual([
      { number: "WS-TEST-0004", submittedOn: "2026-07-04", status: "SUBMITTED", fileNumber: null, declineReason: null },
      { number: "WS-TEST-0003", submittedOn: "2026-06-03", status: "ACCEPTED", fileNumber: null, declineReason: null },
      { number: "WS-TEST-0002", submittedOn: "2026-05-02", status: "CONVERTED", fileNumber: file.fileNumber, declineReason: null },
      { number: "WS-TEST-0001", submittedOn: "2026-03-02", status: "DECLINED", fileNumber: null, declineReason: "家庭收入高于困难标准" },
    ]);
    const text = JSON.stringify(answer);
    expect(text).not.toContain("WS-TEST-0005");
    expect(text).not.toContain("另一户的理由");
    expect(text).not.toContain("申请内容不应显示");
    expect(text).not.toContain("13900001111");

    // A wrong code shows no application either: the same one answer as for no file at all.
    expect(await ask({ name: "张建华", residentId: file.holderId, code: other.code })).toEqual({ found: false, limited: false, message: NOT_FOUND });
  });

  it("another household's code never opens this household's file, even with this holder's name", async () => {
    const mine = await fileWithCode();
    const theirs = await fileWithCode();
    expect(await ask({ name: "张建华", residentId: mine.holderId, code: theirs.code })).toEqual({ found: false, limited: false, message: NOT_FOUND });
    expect(await ask({ name: "张建华", residentId: theirs.holderId, code: mine.code })).toEqual({ found: false, limited: false, message: NOT_FOUND });
  });

  it("a file of another city is found the same way: the public query is not scoped, the code is the key", async () => {
    const file = await fileWithCode("GSTSQZ01", { caseworker: tsCaseworker, official: tsOfficial });
    const answer = await ask({ name: "张建华", residentId: file.holderId, code: file.code.toLowerCase().replace("-", " ") });
    expect(answer.found && answer.file.unionName).toBe("天水长城开关厂工会");
  });
});

describe("a stranger learns nothing from the answer or its time", () => {
  it("a wrong name, wrong ID number, wrong code and no file all give one answer", async () => {
    const file = await fileWithCode();
    const wrongCode = file.code.startsWith("A") ? "BBBBB-BBBBB" : "AAAAA-AAAAA";
    const answers = [
      await ask({ name: "李四", residentId: file.holderId, code: file.code }),
      await ask({ name: "张建华", residentId: residentId(), code: file.code }),
      await ask({ name: "张建华", residentId: file.holderId, code: wrongCode }),
      await ask({ name: "王五", residentId: residentId(), code: wrongCode }),
    ];
    for (const a of answers) expect(a).toEqual({ found: false, limited: false, message: NOT_FOUND });
    // Through the action as a browser reaches it: the same, and a malformed code is a format error only.
    const viaAction = await runPublicAction(
      ZPublicQueryInput,
      (input, ctx) => queryOwnFile(input, { ...ctx, floorMs: 0 }),
      { name: "王五", residentId: residentId(), code: wrongCode },
      { ip: freshIp() },
    );
    expect(viaAction).toEqual({ ok: true, data: { found: false, limited: false, message: NOT_FOUND } });
    const malformed = await runPublicAction(
      ZPublicQueryInput,
      (input, ctx) => queryOwnFile(input, ctx),
      { name: "王五", residentId: "123", code: "O0I1" },
      { ip: freshIp() },
    );
    expect(malformed.ok).toBe(false);
    expect(!malformed.ok && Object.keys(malformed.fieldErrors ?? {}).sort()).toEqual(["code", "residentId"]);
  });

  // The answer floor (80 ms in production, lib/public/limits.ts) hides the few rows' difference in
  // work between these cases as long as the work stays under it. This machine is shared and loaded
  // (answers took up to 150 ms here), so the test raises the floor to 300 ms to keep that condition.
  // Stated tolerance: the medians of 7 interleaved answers per case within 25 ms of each other
  // (timer wake-ups alone varied by up to 90 ms at a load of 17 on 2 cores).
  it("takes the same time for each wrong answer: medians within 25 ms of each other, none under the floor", async () => {
    const [named, coded] = [await fileWithCode(), await fileWithCode()];
    const wrongCode = coded.code.startsWith("A") ? "BBBBB-BBBBB" : "AAAAA-AAAAA";
    const cases = {
      wrongName: () => ({ name: "李四", residentId: named.holderId, code: named.code }),
      wrongCode: () => ({ name: "张建华", residentId: coded.holderId, code: wrongCode }),
      noFile: () => ({ name: "张建华", residentId: residentId(), code: coded.code }),
    };
    const times: Record<string, number[]> = { wrongName: [], wrongCode: [], noFile: [] };
    // Interleaved; 7 failures per ID number stay under its limit of 10.
    for (let round = 0; round < 7; round++) {
      for (const [label, input] of Object.entries(cases)) {
        const started = performance.now();
        const answer = await queryOwnFile(ZPublicQueryInput.parse(input()), { ip: freshIp(), floorMs: 300 });
        times[label]!.push(performance.now() - started);
        expect(answer).toEqual({ found: false, limited: false, message: NOT_FOUND });
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const medians = Object.values(times).map(median);
    for (const t of Object.values(times).flat()) expect(t).toBeGreaterThanOrEqual(300);
    expect(Math.max(...medians) - Math.min(...medians), JSON.stringify(times)).toBeLessThan(25);
  });
});

describe("the household is not kept waiting", () => {
  // The floor pads only the answers that show no file (decision 024, "Speed"): under a floor of
  // 2 s a wrong code waits it out and the right one is answered in its own time.
  it("answers the right code at once and a wrong one after the floor", async () => {
    const file = await fileWithCode();
    const wrongCode = file.code.startsWith("A") ? "BBBBB-BBBBB" : "AAAAA-AAAAA";
    let started = performance.now();
    const found = await queryOwnFile(ZPublicQueryInput.parse({ name: "张建华", residentId: file.holderId, code: file.code }), {
      ip: freshIp(),
      floorMs: 2_000,
    });
    expect(found.found).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
    started = performance.now();
    const wrong = await queryOwnFile(ZPublicQueryInput.parse({ name: "张建华", residentId: file.holderId, code: wrongCode }), {
      ip: freshIp(),
      floorMs: 2_000,
    });
    expect(wrong).toEqual({ found: false, limited: false, message: NOT_FOUND });
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_999);
  });
});

describe("guessing a code against the limits", () => {
  it("after 10 failures on an ID number every further attempt is refused unchecked, even the right code, for 24 hours", async () => {
    const file = await fileWithCode();
    const t0 = new Date();
    for (let i = 0; i < 10; i++) {
      expect(await ask({ name: "张建华", residentId: file.holderId, code: `${"23456789AB"[i]}CDEF-GHJKM` }, freshIp(), t0)).toEqual({
        found: false,
        limited: false,
        message: NOT_FOUND,
      });
    }
    expect(await ask({ name: "张建华", residentId: file.holderId, code: file.code }, freshIp(), t0)).toEqual({ found: false, limited: true, message: LIMITED });
    // The limit is per ID number, the same for numbers nobody holds.
    const nobody = residentId();
    for (let i = 0; i < 10; i++) await ask({ name: "王五", residentId: nobody, code: "AAAAA-AAAAA" }, freshIp(), t0);
    expect(await ask({ name: "王五", residentId: nobody, code: "AAAAA-AAAAA" }, freshIp(), t0)).toEqual({ found: false, limited: true, message: LIMITED });
    // A day later the household gets in again.
    const later = new Date(t0.getTime() + 25 * 3_600_000);
    expect((await ask({ name: "张建华", residentId: file.holderId, code: file.code }, freshIp(), later)).found).toBe(true);
  });

  it("twenty guesses at once: those arriving while one is checked are refused unchecked, and never more than ten are checked", async () => {
    const file = await fileWithCode();
    const t0 = new Date();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => ask({ name: "张建华", residentId: file.holderId, code: `${"23456789ABCDEFGHJKMN"[i]}PQRS-TUVWX` }, freshIp(), t0)),
    );
    const checked = answers.filter((a) => !a.found && !a.limited).length;
    expect(checked).toBeGreaterThanOrEqual(1);
    expect(checked).toBeLessThanOrEqual(10);
    expect(answers.filter((a) => !a.found && a.limited)).toHaveLength(20 - checked);
    // All twenty count: the number is now over its limit, so even the right code is refused.
    expect(await ask({ name: "张建华", residentId: file.holderId, code: file.code }, freshIp(), t0)).toEqual({ found: false, limited: true, message: LIMITED });
  });

  it("one address is stopped after 30 failures over any ID numbers, and its right answers do not count", async () => {
    const file = await fileWithCode();
    const ip = freshIp();
    const t0 = new Date();
    // Right answers are no failures.
    for (let i = 0; i < 3; i++) expect((await ask({ name: "张建华", residentId: file.holderId, code: file.code }, ip, t0)).found).toBe(true);
    // Thirty different numbers, ten at a time (the address count takes no lock: it can only overshoot).
    for (let i = 0; i < 3; i++)
      await Promise.all(Array.from({ length: 10 }, () => ask({ name: "王五", residentId: residentId(), code: "AAAAA-AAAAA" }, ip, t0)));
    expect(await ask({ name: "张建华", residentId: file.holderId, code: file.code }, ip, t0)).toEqual({ found: false, limited: true, message: LIMITED });
    // Another address is not affected, and this one is free again after the hour.
    expect((await ask({ name: "张建华", residentId: file.holderId, code: file.code }, freshIp(), t0)).found).toBe(true);
    expect((await ask({ name: "张建华", residentId: file.holderId, code: file.code }, ip, new Date(t0.getTime() + 61 * 60_000))).found).toBe(true);
  });

  it("keeps no ID number in the attempts it counts, and the attempts cannot be deleted to reset a limit", async () => {
    const file = await fileWithCode();
    await ask({ name: "张建华", residentId: file.holderId, code: "AAAAA-AAAAA" });
    const { rows } = await sql.query<{ subject_key: string }>("SELECT subject_key FROM public_attempt");
    expect(rows.some((r) => r.subject_key.includes(file.holderId))).toBe(false);
    await expect(sql.query("DELETE FROM public_attempt")).rejects.toThrow(/append-only|permission denied/);
  });
});

describe("every query is audited on the file, with the address", () => {
  it("answered and refused queries naming the holder appear on the file's history, with the address", async () => {
    const file = await fileWithCode();
    await ask({ name: "张建华", residentId: file.holderId, code: file.code }, "10.99.0.1");
    await ask({ name: "张建华", residentId: file.holderId, code: "AAAAA-AAAAA" }, "10.99.0.2");
    const visits = await findPublicVisits(lzCaseworker, file.fileId);
    expect(visits.slice(0, 2).map((v) => [v.action, v.ip])).toEqual([
      ["public.query_failed", "10.99.0.2"],
      ["public.query", "10.99.0.1"],
    ]);
    // Another city's staff never see them.
    expect(await findPublicVisits(tsCaseworker, file.fileId)).toEqual([]);
  });
});

export type { TPublicQueryAnswer };
