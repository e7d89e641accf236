// Guards issue 26's "finding things": the archive finds a household by the ID tail its screens
// show (…0509, or the whole masked number) of any member and by a family member's name — within
// the searcher's scope only (a Tianshui file is not found from Lanzhou); and its default status
// shows the files people work on: the caseworker's own just-submitted file and own drafts, never
// another caseworker's drafts.
import { beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { archiveQueryFromParams, ARCHIVE_STATUS_LABELS } from "@/lib/filing/archive-params";
import { findFiles } from "@/lib/filing/find-files";
import { saveDraft } from "@/lib/filing/save-filing";
import { ZSaveDraftInput } from "@/lib/filing/schemas";
import { actorFor, createTestUser, orgByCode, seedDemo } from "../support/factories";
import { filingValues, submitNewFiling } from "../support/filing-factory";

let caseworker: TActor;
let otherCaseworker: TActor;
let official: TActor;
let tsCaseworker: TActor;
let lzFile: string;
let tsFile: string;
// A spouse whose ID number ends in 0509 (written out: 620102 19850316 050 + check character 9).
const SPOUSE_ID = "620102198503160509";

const search = (actor: TActor, params: Record<string, string>) => findFiles(actor, archiveQueryFromParams(params)).then((r) => r.rows.map((row) => row.id));

beforeAll(async () => {
  await seedDemo();
  caseworker = await actorFor("lz_caseworker");
  otherCaseworker = await actorFor((await createTestUser({ orgCode: "GSLZ", roles: ["CASEWORKER"] })).username);
  official = await actorFor("lz_official");
  tsCaseworker = await actorFor("ts_caseworker");
  const lzValues = filingValues((await orgByCode("GSLZCG")).id);
  lzValues.members[1] = { ...lzValues.members[1]!, name: "欧阳秀英", residentId: SPOUSE_ID, birthDate: "1985-03-16", sex: "FEMALE" };
  lzFile = (await submitNewFiling(caseworker, lzValues)).fileId;
  const tsValues = filingValues((await orgByCode("GSTS")).id);
  tsValues.members[1] = { ...tsValues.members[1]!, name: "欧阳秀英" };
  tsFile = (await submitNewFiling(tsCaseworker, tsValues)).fileId;
});

describe("archive search", () => {
  it("finds a household by the last four characters of any member's ID number, as the screen shows them", async () => {
    for (const q of ["0509", "…0509", "*0509", "620102********0509"]) expect(await search(caseworker, { q }), q).toContain(lzFile);
    expect(await search(caseworker, { q: "620103********0509" })).not.toContain(lzFile);
    expect(await search(caseworker, { q: "0508" })).not.toContain(lzFile);
  });

  it("finds a household by a family member's full name, not only the holder's", async () => {
    expect(await search(caseworker, { q: "欧阳秀英" })).toEqual([lzFile]);
    expect(await search(official, { q: "欧阳秀英" })).toEqual([lzFile]);
  });

  it("stays within scope: another city's household is not found by its tail or a member's name", async () => {
    const tsTail = (await prisma.filePerson.findFirstOrThrow({ where: { fileId: tsFile, isHolder: true } })).residentId.slice(14);
    expect(await search(tsCaseworker, { q: tsTail })).toContain(tsFile);
    expect(await search(caseworker, { q: tsTail })).not.toContain(tsFile);
    expect(await search(tsCaseworker, { q: "欧阳秀英" })).toEqual([tsFile]);
  });
});

describe("archive status filter", () => {
  it("lists each status once", () => {
    const labels = Object.values(ARCHIVE_STATUS_LABELS);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels.filter((l) => l === "在档")).toHaveLength(1);
  });

  it("defaults to the files people work on: own drafts and the just-submitted file, not others' drafts", async () => {
    const values = filingValues((await orgByCode("GSLZCG")).id);
    const ownDraft = (await saveDraft(caseworker, ZSaveDraftInput.parse({ data: values }))).fileId;
    const othersDraft = (await saveDraft(otherCaseworker, ZSaveDraftInput.parse({ data: filingValues((await orgByCode("GSLZCG")).id) }))).fileId;

    const byDefault = await findFiles(caseworker, archiveQueryFromParams({}));
    const ids = byDefault.rows.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining([lzFile, ownDraft]));
    expect(ids).not.toContain(othersDraft);
    // The count agrees with the rows (all of them fit on one page here).
    expect(byDefault.total).toBe(ids.length);

    const officialIds = await search(official, {});
    expect(officialIds).toContain(lzFile);
    expect(officialIds).not.toContain(ownDraft);
    expect(await search(caseworker, { status: "DRAFT" })).toEqual([ownDraft]);
    expect(await search(caseworker, { status: "OPEN" })).not.toContain(lzFile);
    expect(await search(caseworker, { status: "ALL" })).not.toContain(ownDraft);
  });
});
