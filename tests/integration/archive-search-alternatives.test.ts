// Guards issue 28's search by a Chinese name at speed: the archive reads "the holder's name" and
// "a family member's full name" as two alternatives on their own indexes and merges them. What a
// user sees must not change: every matching household once (one found both ways included), newest
// change first, page after page and backwards, with the same count — and never another city's.
import { beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { archiveQueryFromParams } from "@/lib/filing/archive-params";
import { archiveFilterBranches, archiveRows, encodeArchiveKey, findFiles } from "@/lib/filing/find-files";
import type { TFilingFormValues } from "@/lib/filing/schemas";
import { actorFor, orgByCode, seedDemo } from "../support/factories";
import { filingValues, submitNewFiling } from "../support/filing-factory";

let caseworker: TActor;
let tsCaseworker: TActor;
let asHolder: string; // 司马静怡 holds the file
let asSpouse: string; // 司马静怡 is the holder's spouse
let asBoth: string; // 司马静怡 holds the file and her daughter has the same name: found both ways
let tianshui: string; // a Tianshui spouse of that name

const NAME = "司马静怡";

function named(values: TFilingFormValues, index: number, name: string) {
  values.members[index] = { ...values.members[index]!, name };
  return values;
}

beforeAll(async () => {
  await seedDemo();
  caseworker = await actorFor("lz_caseworker");
  tsCaseworker = await actorFor("ts_caseworker");
  const lz = (await orgByCode("GSLZCG")).id;
  // Submitted one after another: the archive's order (newest change first) is asBoth, asSpouse, asHolder.
  asHolder = (await submitNewFiling(caseworker, named(filingValues(lz), 0, NAME))).fileId;
  asSpouse = (await submitNewFiling(caseworker, named(filingValues(lz), 1, NAME))).fileId;
  asBoth = (await submitNewFiling(caseworker, named(named(filingValues(lz), 0, NAME), 2, NAME))).fileId;
  tianshui = (await submitNewFiling(tsCaseworker, named(filingValues((await orgByCode("GSTS")).id), 1, NAME))).fileId;
});

describe("archive search by a name found two ways", () => {
  it("lists each household once, newest change first, with its exact count", async () => {
    const result = await findFiles(caseworker, archiveQueryFromParams({ q: NAME }));
    expect(result.rows.map((r) => r.id)).toEqual([asBoth, asSpouse, asHolder]);
    expect(result.total).toBe(3);
    expect(result.totalAtLeast).toBe(false);
  });

  it("counts the same three on a later page (the count no first page can stand in for)", async () => {
    const first = await findFiles(caseworker, archiveQueryFromParams({ q: NAME }));
    const after = { updatedAt: first.rows[0]!.updatedAt, id: asBoth };
    const second = await findFiles(caseworker, archiveQueryFromParams({ q: NAME }), { after });
    expect(second.rows.map((r) => r.id)).toEqual([asSpouse, asHolder]);
    expect(second.total).toBe(3);
    expect(second.previous).toBe(encodeArchiveKey({ updatedAt: second.rows[0]!.updatedAt, id: asSpouse }));
  });

  it("pages one row at a time forwards, backwards and from the last page over both alternatives", async () => {
    const branches = await archiveFilterBranches(caseworker, archiveQueryFromParams({ q: NAME }));
    expect(branches).toHaveLength(2);
    const ids = (page: Awaited<ReturnType<typeof archiveRows>>) => page.rows.map((r) => r.id);
    const p1 = await archiveRows(caseworker, branches, {}, 1);
    expect([ids(p1), p1.more]).toEqual([[asBoth], true]);
    const p2 = await archiveRows(caseworker, branches, { after: { updatedAt: p1.rows[0]!.updated_at, id: asBoth } }, 1);
    expect([ids(p2), p2.more]).toEqual([[asSpouse], true]);
    const p3 = await archiveRows(caseworker, branches, { after: { updatedAt: p2.rows[0]!.updated_at, id: asSpouse } }, 1);
    expect([ids(p3), p3.more]).toEqual([[asHolder], false]);
    const last = await archiveRows(caseworker, branches, { last: true }, 1);
    expect(ids(last)).toEqual([asHolder]);
    const back = await archiveRows(caseworker, branches, { before: { updatedAt: last.rows[0]!.updated_at, id: asHolder } }, 1);
    expect(ids(back)).toEqual([asSpouse]);
    // 跳页: two pages on from the first is the third row.
    expect(ids(await archiveRows(caseworker, branches, { after: { updatedAt: p1.rows[0]!.updated_at, id: asBoth }, skip: 1 }, 1))).toEqual([asHolder]);
  });

  it("finds a part of the name in holders' names only, as before", async () => {
    expect((await findFiles(caseworker, archiveQueryFromParams({ q: "司马" }))).rows.map((r) => r.id)).toEqual([asBoth, asHolder]);
    expect((await findFiles(caseworker, archiveQueryFromParams({ q: "马静怡" }))).rows.map((r) => r.id)).toEqual([asBoth, asHolder]);
  });

  it("never finds another city's household, and that city finds only its own", async () => {
    const lz = await findFiles(caseworker, archiveQueryFromParams({ q: NAME }));
    expect(lz.rows.map((r) => r.id)).not.toContain(tianshui);
    const ts = await findFiles(tsCaseworker, archiveQueryFromParams({ q: NAME }));
    expect([ts.rows.map((r) => r.id), ts.total]).toEqual([[tianshui], 1]);
  });
});
