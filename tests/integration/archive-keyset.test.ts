// Guards the archive at scale (issue 12): pages by key (every file exactly once, in order, forwards,
// backwards, from the end, and by page-number jumps), counts kept exact by household_file_tally
// through the workflow, and name search by any part of a name, pinyin or initials — within scope
// (a Tianshui caseworker never finds Lanzhou's 王静).
import { beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { decodeArchiveKey, findFiles, findReviewQueue, type TArchivePosition } from "@/lib/filing/find-files";
import { approveFiling, recordCivilCheck, rejectFiling, reviewFiling, startPublicity } from "@/lib/filing/workflow";
import { addDays, todayInShanghai } from "@/lib/format/datetime";
import { actorFor, orgByCode, seedDemo } from "../support/factories";
import { backdateReview, filingValues, residentId, submitNewFiling } from "../support/filing-factory";

let caseworker: TActor;
let official: TActor;
let auditor: TActor;
let tsCaseworker: TActor;
let county: string;
const today = todayInShanghai();
const NAMES = ["王静", "张建华", "李秀英", "单晓丽", "马志明"];
const created: string[] = [];

function holder(name: string) {
  const values = filingValues(county);
  const birth = "1979-04-12";
  values.members = [{ ...values.members[0]!, name, residentId: residentId({ birthDate: birth }), birthDate: birth }];
  values.secondaryCauses = [];
  return values;
}

const version = async (fileId: string) => (await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId } })).version;

beforeAll(async () => {
  await seedDemo();
  caseworker = await actorFor("lz_caseworker");
  official = await actorFor("lz_official");
  auditor = await actorFor("lz_auditor");
  tsCaseworker = await actorFor("ts_caseworker");
  county = (await orgByCode("GSLZCG")).id;
  for (let i = 0; i < 45; i++) created.push((await submitNewFiling(caseworker, holder(NAMES[i % NAMES.length]!))).fileId);
});

/** Walks the archive from a position to the end (下一页 after 下一页), returning the ids seen. */
async function walkForward(actor: TActor, position: TArchivePosition = {}) {
  const seen: string[] = [];
  let page = await findFiles(actor, { status: "SUBMITTED" }, position);
  for (;;) {
    seen.push(...page.rows.map((r) => r.id));
    if (!page.next) return seen;
    page = await findFiles(actor, { status: "SUBMITTED" }, { after: decodeArchiveKey(page.next ?? undefined) });
  }
}

describe("archive pages by key", () => {
  it("shows every file once, newest change first, and the same files backwards from 末页", async () => {
    const forward = await walkForward(auditor);
    expect(forward).toHaveLength(45);
    expect(new Set(forward)).toEqual(new Set(created));
    // Files were submitted one after another: the newest submission comes first.
    expect(forward[0]).toBe(created[44]);
    expect(forward[44]).toBe(created[0]);

    const backward: string[] = [];
    let page = await findFiles(auditor, { status: "SUBMITTED" }, { last: true });
    expect(page.rows).toHaveLength(20);
    expect(page.next).toBeNull();
    for (;;) {
      backward.unshift(...page.rows.map((r) => r.id));
      if (!page.previous) break;
      page = await findFiles(auditor, { status: "SUBMITTED" }, { before: decodeArchiveKey(page.previous ?? undefined) });
    }
    expect(backward).toEqual(forward);
  });

  it("jumps to a nearby page number to the same rows as clicking 下一页 that many times", async () => {
    const first = await findFiles(auditor, { status: "SUBMITTED" });
    const jumped = await findFiles(auditor, { status: "SUBMITTED" }, { after: decodeArchiveKey(first.next ?? undefined), skip: 1 });
    const forward = await walkForward(auditor);
    expect(jumped.rows.map((r) => r.id)).toEqual(forward.slice(40, 45));
    expect(jumped.next).toBeNull();
  });

  it("keeps the count exact through the workflow (tally maintained by the database)", async () => {
    expect((await findFiles(auditor, { status: "SUBMITTED" })).total).toBe(45);
    expect((await findFiles(auditor, { status: "SUBMITTED", tier: "DEEP" })).total).toBe(0);
    const approved = created[3]!;
    await reviewFiling(official, { fileId: approved, expectedVersion: await version(approved), homeVisitDate: today });
    await backdateReview(approved, 7);
    await startPublicity(official, { fileId: approved, expectedVersion: await version(approved), startDate: addDays(today, -5) });
    await recordCivilCheck(official, { fileId: approved, expectedVersion: await version(approved), checkDate: today, result: "CONSISTENT" });
    await approveFiling(official, { fileId: approved, expectedVersion: await version(approved), tier: "DEEP" });
    await rejectFiling(official, { fileId: created[4]!, expectedVersion: await version(created[4]!), reason: "材料不全" });
    const submitted = await findFiles(auditor, { status: "SUBMITTED" });
    expect({ total: submitted.total, atLeast: submitted.totalAtLeast }).toEqual({ total: 43, atLeast: false });
    // A cause is counted from the rows (no tally has secondary causes): exact below the bound, on
    // the first page and on a later one alike.
    const byCause = await findFiles(auditor, { status: "SUBMITTED", cause: "ILLNESS" });
    expect({ total: byCause.total, atLeast: byCause.totalAtLeast, rows: byCause.rows.length }).toEqual({ total: 43, atLeast: false, rows: 20 });
    const laterByCause = await findFiles(auditor, { status: "SUBMITTED", cause: "ILLNESS" }, { after: decodeArchiveKey(byCause.next ?? undefined) });
    expect({ total: laterByCause.total, rows: laterByCause.rows.length }).toEqual({ total: 43, rows: 20 });
    expect((await findFiles(auditor, { status: "SUBMITTED", cause: "DISASTER" })).total).toBe(0);
    expect((await findFiles(auditor, { status: "OPEN", tier: "DEEP", fileLevel: "CITY" })).total).toBe(1);
    expect((await findFiles(auditor, { status: "OPEN", organisationId: county })).total).toBe(1);
    // Another city's official sees none of them.
    expect((await findFiles(await actorFor("ts_auditor"), { status: "ALL" })).total).toBe(0);
  });
});

describe("review queue", () => {
  it("lists the waiting filings oldest submission first, page by page, with exact counts and nothing of another city", async () => {
    // After the workflow above: 43 of the 45 still wait for review (one approved, one sent back).
    const expected = (
      await prisma.householdFile.findMany({ where: { status: "SUBMITTED" }, orderBy: [{ submittedAt: "asc" }, { id: "asc" }], select: { id: true } })
    ).map((f) => f.id);
    expect(expected).toHaveLength(43);
    const pages = await Promise.all([1, 2, 3].map((page) => findReviewQueue(official, { page })));
    expect(pages.flatMap((p) => p.rows.map((r) => r.id))).toEqual(expected);
    expect(pages.map((p) => p.rows.length)).toEqual([20, 20, 3]);
    expect(pages[0]!.rows[0]!.organisation.name).toBeTruthy();
    expect(pages[0]!.countByStatus).toEqual({ SUBMITTED: 43, REVIEWED: 0, PUBLICITY: 0 });
    expect({ total: pages[0]!.total, pageCount: pages[0]!.pageCount }).toEqual({ total: 43, pageCount: 3 });
    expect((await findReviewQueue(official, { status: "REVIEWED", page: 1 })).rows).toEqual([]);
    const other = await findReviewQueue(await actorFor("ts_official"), { page: 1 });
    expect({ rows: other.rows, total: other.total }).toEqual({ rows: [], total: 0 });
  });
});

describe("name search", () => {
  const found = async (actor: TActor, q: string) => (await findFiles(actor, { q, status: "ALL" })).rows.map((r) => r.holderName);

  it("finds 王静 by any part of the name, by pinyin and by initials", async () => {
    for (const q of ["王", "静", "王静", "wang", "jing", "wangjing", "wj", "WJ", "angji"]) {
      const names = await found(auditor, q);
      expect(names, q).toContain("王静");
    }
    expect(await found(auditor, "静")).not.toContain("张建华");
    expect(await found(auditor, "wz")).toEqual([]);
    // Nine of the 45 are 王静: a search's count is exact below its bound (超过 1,000 条).
    const count = await findFiles(auditor, { q: "王静", status: "ALL" });
    expect({ total: count.total, atLeast: count.totalAtLeast }).toEqual({ total: 9, atLeast: false });
    expect(await found(auditor, "王丽")).toEqual([]);
  });

  it("reads a surname's own pronunciation (单 as shan) and finds the middle of a name", async () => {
    expect(await found(auditor, "shan")).toContain("单晓丽");
    expect(await found(auditor, "sxl")).toContain("单晓丽");
    expect(await found(auditor, "晓丽")).toContain("单晓丽");
    expect(await found(auditor, "志")).toContain("马志明");
  });

  it("stays within scope: Tianshui finds none of Lanzhou's households", async () => {
    expect(await found(tsCaseworker, "王静")).toEqual([]);
    expect(await found(tsCaseworker, "wj")).toEqual([]);
  });

  it("treats LIKE wildcards as text", async () => {
    expect(await found(auditor, "%")).toEqual([]);
    expect(await found(auditor, "王%")).toEqual([]);
  });
});
