// Guards the public notice and objections (公示与异议, issue 24 §3): a union's public page lists only
// the files in publicity today under it, with the name masked and nothing but union, tier and
// dates; anyone may object before the deadline, named or anonymous, by an opaque token; the
// objection blocks approval until an official resolves it; objections are limited per address,
// refused after the deadline (in code and in the database), audited and shown on the file.
// Victim: Lanzhou (城关区). Attacker/other union: Tianshui (秦州区).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPublicAction } from "@/lib/actions/public-action";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { approveFiling, recordCivilCheck, resolveObjection, reviewFiling, startPublicity } from "@/lib/filing/workflow";
import { addDays, todayInShanghai } from "@/lib/format/datetime";
import { findPublicVisits } from "@/lib/notice/find-filing-notice";
import { filePublicObjection } from "@/lib/public/file-public-objection";
import { findPublicityFile, findPublicityNotice, findPublicityNoticeForPrint, findPublicityNoticeInScope } from "@/lib/public/find-publicity-notice";
import { ZPublicObjectionInput, ZPublicUnionSearch } from "@/lib/public/schemas";
import { findUnionsByName } from "@/lib/public/search-unions";
import { demoActors, orgByCode, seedDemo } from "../support/factories";
import { backdateReview, filingValues, submitNewFiling } from "../support/filing-factory";

let sql: pg.Client;
let lzCaseworker: TActor, lzOfficial: TActor, tsCaseworker: TActor, tsOfficial: TActor;
let county: string, grassroots: string, tianshui: string;
const today = todayInShanghai();
let ipCounter = 0;
const freshIp = () => `10.40.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;
const ref = async (fileId: string) => ({ fileId, expectedVersion: (await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId } })).version });
const tokenOf = async (fileId: string) => (await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId } })).publicityToken!;

function named(orgId: string, holder: string): ReturnType<typeof filingValues> {
  const values = filingValues(orgId);
  values.members[0] = { ...values.members[0]!, name: holder };
  return values;
}

/** Submitted, reviewed a week ago, publicity from `startOffset` days for 5 days (PUBLICITY_DAYS), civil check done. */
async function inPublicity(orgId: string, holder: string, startOffset = -2, people = { caseworker: lzCaseworker, official: lzOfficial }) {
  const { fileId } = await submitNewFiling(people.caseworker, named(orgId, holder));
  await reviewFiling(people.official, { ...(await ref(fileId)), homeVisitDate: addDays(today, -7) });
  await backdateReview(fileId, 7);
  await startPublicity(people.official, { ...(await ref(fileId)), startDate: addDays(today, startOffset) });
  await recordCivilCheck(people.official, { ...(await ref(fileId)), checkDate: today, result: "CONSISTENT" });
  return fileId;
}

const object = (token: string, fields: { content?: string; name?: string; contact?: string } = {}, ip = freshIp()) =>
  filePublicObjection(
    ZPublicObjectionInput.parse({
      token,
      content: fields.content ?? "该户家中有两套住房，并有出租收入。",
      name: fields.name ?? "",
      contact: fields.contact ?? "",
    }),
    { ip },
  );

let current: string, currentTwoChar: string, inCounty: string, ended: string, notStarted: string, reviewedOnly: string, inTianshui: string;

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  ({ lzCaseworker, lzOfficial, tsCaseworker, tsOfficial } = await demoActors());
  county = (await orgByCode("GSLZCG")).id;
  grassroots = (await orgByCode("GSLZCG01")).id;
  tianshui = (await orgByCode("GSTSQZ")).id;
  current = await inPublicity(grassroots, "王丽静");
  currentTwoChar = await inPublicity(grassroots, "王静");
  inCounty = await inPublicity(county, "欧阳小明");
  ended = await inPublicity(grassroots, "赵海燕", -5); // last day yesterday
  notStarted = await inPublicity(grassroots, "钱多多", 2);
  ({ fileId: reviewedOnly } = await submitNewFiling(lzCaseworker, named(grassroots, "孙未公")));
  await reviewFiling(lzOfficial, { ...(await ref(reviewedOnly)), homeVisitDate: today });
  inTianshui = await inPublicity(tianshui, "李天水", -1, { caseworker: tsCaseworker, official: tsOfficial });
});
afterAll(async () => {
  await sql.end();
});

describe("a union's public notice", () => {
  it("lists only the files in publicity today under that union, masked, with union, tier and dates only", async () => {
    const notice = await findPublicityNotice(grassroots, { page: 1 });
    const tokens = notice!.files.rows.map((r) => r.token);
    expect(tokens).toContain(await tokenOf(current));
    expect(tokens).toContain(await tokenOf(currentTwoChar));
    // Ended yesterday, starts in two days, not yet in publicity, or above this union: not listed.
    for (const id of [ended, notStarted, inCounty]) expect(tokens).not.toContain(await tokenOf(id));
    expect(await tokenOf(reviewedOnly)).toBeNull();
    const currentToken = await tokenOf(current);
    const row = notice!.files.rows.find((r) => r.token === currentToken)!;
    expect(Object.keys(row).sort()).toEqual(["baseUnion", "maskedName", "publicityEnd", "publicityStart", "tier", "token"]);
    const mine = notice!.files.rows.filter((r) => ["王*静", "王*"].includes(r.maskedName));
    expect(mine).toHaveLength(2);
    expect(mine[0]).toMatchObject({
      baseUnion: "兰州市城关区环境卫生管理所工会",
      tier: expect.any(String),
      publicityStart: addDays(today, -2),
      publicityEnd: addDays(today, 2),
    });
    // No name, ID number or id anywhere in what the page gets.
    const text = JSON.stringify(notice);
    for (const secret of ["王丽静", "王静", current, ...(await prisma.filePerson.findMany({ where: { fileId: current } })).map((p) => p.residentId)])
      expect(text).not.toContain(secret);
    expect(notice!.union).toEqual({ id: grassroots, name: "兰州市城关区环境卫生管理所工会", servicePhone: "0931-12351" });
  });

  it("of a county union includes its grassroots unions; another city's notice shows none of them", async () => {
    const countyTokens = (await findPublicityNoticeForPrint(county))!.rows.map((r) => r.token);
    expect(countyTokens).toEqual(expect.arrayContaining([await tokenOf(current), await tokenOf(inCounty)]));
    expect((await findPublicityNoticeForPrint(county))!.rows.map((r) => r.maskedName)).toContain("欧**明");
    const other = (await findPublicityNoticeForPrint(tianshui))!.rows.map((r) => r.token);
    for (const id of [current, currentTwoChar, inCounty]) expect(other).not.toContain(await tokenOf(id));
    expect(other).toContain(await tokenOf(inTianshui));
  });

  it("pages 20 at a time with an exact total", async () => {
    const {
      rows: [counted],
    } = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM household_file f JOIN organisation o ON o.id = f.organisation_id
        WHERE f.status = 'PUBLICITY' AND o.path LIKE (SELECT path FROM organisation WHERE id = $1) || '%'
          AND f.publicity_start <= $2::date AND f.publicity_end >= $2::date`,
      [county, today],
    );
    const n = counted!.n;
    const first = await findPublicityNotice(county, { page: 1 });
    expect(first!.files.total).toBe(n);
    expect(first!.files.rows.length).toBe(Math.min(20, n));
    expect(await findPublicityNotice("00000000-0000-4000-8000-000000000000", { page: 1 })).toBeNull();
  });

  it("is found by the union's name, within the search budget", async () => {
    expect((await findUnionsByName("环境卫生", "any")).map((u) => u.name)).toContain("兰州市城关区环境卫生管理所工会");
    expect(ZPublicUnionSearch.safeParse("城").error?.issues[0]?.message).toBe("请至少输入 2 个字");
    expect(ZPublicUnionSearch.safeParse("工".repeat(31)).error?.issues[0]?.message).toBe("不能超过 30 个字");
    expect((await findUnionsByName("工会", "any")).length).toBeLessThanOrEqual(20);
  });

  it("prints from the staff side only for a union in the actor's scope", async () => {
    expect((await findPublicityNoticeInScope(lzOfficial, grassroots))!.rows.map((r) => r.maskedName)).toContain("王*静");
    expect(await findPublicityNoticeInScope(tsOfficial, grassroots)).toBeNull();
  });
});

describe("an objection filed on the public page", () => {
  it("named with a contact, or anonymous, becomes a publicity objection of the file, audited with its address", async () => {
    const token = await tokenOf(current);
    const receipt = await object(token, { name: "李四", contact: "13800001111" }, "10.40.9.1");
    expect(receipt).toEqual({ receivedOn: today, deadline: addDays(today, 2), named: true });
    expect((await object(token, { content: "听说其配偶在外地有稳定工作。" }, "10.40.9.2")).named).toBe(false);
    const rows = await prisma.publicityObjection.findMany({ where: { fileId: current }, orderBy: { recordedAt: "asc" } });
    expect(
      rows.map((r) => ({
        source: r.source,
        recordedById: r.recordedById,
        name: r.objectorName,
        contact: r.objectorContact,
        ip: r.submittedIp,
        content: r.content,
      })),
    ).toEqual([
      { source: "PUBLIC", recordedById: null, name: "李四", contact: "13800001111", ip: "10.40.9.1", content: "该户家中有两套住房，并有出租收入。" },
      { source: "PUBLIC", recordedById: null, name: null, contact: null, ip: "10.40.9.2", content: "听说其配偶在外地有稳定工作。" },
    ]);
    const visits = await findPublicVisits(lzOfficial, current);
    expect(
      visits
        .filter((v) => v.action === "public.objection")
        .map((v) => v.ip)
        .sort(),
    ).toEqual(["10.40.9.1", "10.40.9.2"]);
    // Another city's official sees none of it.
    expect(await findPublicVisits(tsOfficial, current)).toEqual([]);
  });

  it("blocks approval until an official records how it was resolved", async () => {
    const fileId = await inPublicity(grassroots, "周好人", -4); // today is the last day
    await object(await tokenOf(fileId), { content: "该户实际收入高于申报，请核实。" });
    // The publicity ends (the dates move back a day, as tomorrow would).
    await sql.query("UPDATE household_file SET publicity_start = publicity_start - 1, publicity_end = publicity_end - 1 WHERE id = $1", [fileId]);
    await expect(approveFiling(lzOfficial, { ...(await ref(fileId)), tier: "DEEP" })).rejects.toThrow("有 1 条公示异议尚未登记处理结果");
    const objection = await prisma.publicityObjection.findFirstOrThrow({ where: { fileId } });
    await resolveObjection(lzOfficial, { ...(await ref(fileId)), objectionId: objection.id, resolution: "经入户核实，收入与申报一致，异议不成立" });
    await approveFiling(lzOfficial, { ...(await ref(fileId)), tier: "DEEP" });
    expect((await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId } })).status).toBe("OPEN");
    // Once approved, its token names nothing.
    await expect(object(await tokenOf(fileId))).rejects.toThrow("该公示不存在或已结束");
  });

  it("is refused after the deadline and before the start, with nothing written, in code and in the database", async () => {
    await expect(object(await tokenOf(ended))).rejects.toThrow(`该户公示已于 ${addDays(today, -1)} 截止，不再受理网上异议。如有情况，请致电 0931-12351。`);
    await expect(object(await tokenOf(notStarted))).rejects.toThrow("该户公示尚未开始");
    expect(await prisma.publicityObjection.count({ where: { fileId: { in: [ended, notStarted] } } })).toBe(0);
    const insert = (fileId: string) =>
      sql.query(
        "INSERT INTO publicity_objection (file_id, episode, received_on, content, source, submitted_ip) VALUES ($1, 1, CURRENT_DATE, '迟到的异议内容', 'PUBLIC', 'x')",
        [fileId],
      );
    await expect(insert(ended)).rejects.toThrow(/not in its publicity period/);
    await expect(insert(notStarted)).rejects.toThrow(/not in its publicity period/);
    // A public objection names no recorder; a staff one must.
    await expect(
      sql.query("INSERT INTO publicity_objection (file_id, episode, received_on, content, source) VALUES ($1, 1, CURRENT_DATE, '缺少登记人', 'STAFF')", [
        current,
      ]),
    ).rejects.toThrow(/publicity_objection_source_fields/);
  });

  it("names a file only by a token of its current publicity: a wrong token, a file id or a malformed one is refused", async () => {
    await expect(object("00000000-0000-4000-8000-000000000000")).rejects.toThrow("该公示不存在或已结束");
    await expect(object(current)).rejects.toThrow("该公示不存在或已结束");
    expect(await findPublicityFile(current)).toBeNull();
    const bad = await runPublicAction(ZPublicObjectionInput, filePublicObjection, { token: "1", content: "内容足够长的异议" }, { ip: freshIp() });
    expect(bad).toMatchObject({ ok: false, fieldErrors: { token: "该公示不存在或已结束，请从公示名单重新进入" } });
    // Tokens are new for each file and unrelated to ids.
    const tokens = await Promise.all([current, currentTwoChar, inCounty].map(tokenOf));
    expect(new Set(tokens).size).toBe(3);
    for (const t of tokens) expect([current, currentTwoChar, inCounty]).not.toContain(t);
  });

  it("keeps to its size budgets with Chinese messages, nothing written", async () => {
    const before = await prisma.publicityObjection.count();
    const token = await tokenOf(currentTwoChar);
    const run = (input: Record<string, unknown>) =>
      runPublicAction(ZPublicObjectionInput, filePublicObjection, { token, content: "内容足够长的异议", ...input }, { ip: freshIp() });
    expect(await run({ content: "长".repeat(1001) })).toMatchObject({ ok: false, fieldErrors: { content: "异议内容不能超过 1000 个字" } });
    expect(await run({ content: "太短" })).toMatchObject({ ok: false, fieldErrors: { content: "请写明异议的事实，至少 5 个字" } });
    expect(await run({ name: "名".repeat(31) })).toMatchObject({ ok: false, fieldErrors: { name: "姓名不能超过 30 个字" } });
    expect(await run({ contact: "1".repeat(51) })).toMatchObject({ ok: false, fieldErrors: { contact: "联系方式不能超过 50 个字" } });
    expect(await run({ content: "有控制字符\u0007的异议" })).toMatchObject({ ok: false });
    expect(await prisma.publicityObjection.count()).toBe(before);
  });

  it("is limited to 5 an hour per address; the 6th is refused and another address is not affected", async () => {
    const token = await tokenOf(currentTwoChar);
    const sequential = "10.40.200.2";
    for (let i = 0; i < 5; i++) await object(token, { content: `逐条提交的异议 ${i + 1}` }, sequential);
    await expect(object(token, { content: "第六条异议的内容" }, sequential)).rejects.toThrow("本网络地址提交异议过于频繁，请 1 小时后再试");
    expect(await prisma.publicityObjection.count({ where: { submittedIp: sequential } })).toBe(5);
    expect(await prisma.publicAttempt.count({ where: { ip: sequential, kind: "OBJECTION" } })).toBe(6);
    await expect(object(token, { content: "另一个地址的异议" }, "10.40.200.3")).resolves.toMatchObject({ named: false });
  });
});

describe("a notice longer than ten pages", () => {
  // Guards the bounded count of the notice page (lib/public/find-publicity-notice.ts): it stops ten
  // pages past the page shown ("超过 200 条"), yet every file stays reachable page by page, newest
  // publicity first, and a file on the last day of its publicity is still listed.
  it("counts ten pages ahead and still reaches every file, the last day included", async () => {
    // 215 more files in publicity at Tianshui, copied from one (the database gives each its own
    // token); a quarter of them started four days ago and end today.
    await sql.query(
      `INSERT INTO household_file (organisation_id, data, created_by_id, status, holder_name, holder_resident_id, household_size, file_level, worker_category,
                                   main_cause, submitted_by_id, submitted_at, proposed_tier, reviewed_by_id, reviewed_at, home_visit_date, publicity_start, publicity_end)
       SELECT organisation_id, data, created_by_id, status, '天水' || g, '62050319900101' || lpad(g::text, 4, '0'), household_size, file_level, worker_category,
              main_cause, submitted_by_id, submitted_at, proposed_tier, reviewed_by_id, reviewed_at, home_visit_date,
              publicity_start - (g % 4 = 3)::int * 3, publicity_end - (g % 4 = 3)::int * 3
         FROM household_file, generate_series(1, 215) g WHERE id = $1`,
      [inTianshui],
    );
    const { rows: expected } = await sql.query<{ token: string; last_day: boolean }>(
      `SELECT f.publicity_token::text AS token, f.publicity_end = $2::date AS last_day FROM household_file f JOIN organisation o ON o.id = f.organisation_id
        WHERE f.status = 'PUBLICITY' AND o.path LIKE (SELECT path FROM organisation WHERE id = $1) || '%'
          AND f.publicity_start <= $2::date AND f.publicity_end >= $2::date`,
      [tianshui, today],
    );
    expect(expected.length).toBe(216);
    expect(expected.filter((r) => r.last_day).length).toBe(54);

    const first = (await findPublicityNotice(tianshui, { page: 1 }))!.files;
    expect(first).toMatchObject({ total: 200, totalAtLeast: true, page: 1, pageCount: 10 });
    expect(first.rows).toHaveLength(20);
    const seen: string[] = [];
    const starts: string[] = [];
    for (let page = 1; page <= 11; page++) {
      const files = (await findPublicityNotice(tianshui, { page }))!.files;
      // Always a page further while there are more files; from page 2 on, (page + 9) × 20 ≥ 216: exact.
      if (page > 1) expect(files).toMatchObject({ total: 216, totalAtLeast: false, pageCount: 11 });
      seen.push(...files.rows.map((r) => r.token));
      starts.push(...files.rows.map((r) => r.publicityStart));
    }
    expect(seen).toHaveLength(216);
    expect(new Set(seen)).toEqual(new Set(expected.map((r) => r.token)));
    expect(starts).toEqual([...starts].sort().reverse());
    expect((await findPublicityNotice(tianshui, { page: 12 }))!.files.rows).toEqual([]);
  });
});
