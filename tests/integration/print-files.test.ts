// Guards issue 26's paper: the archive room's printed 档案表册 carries full ID numbers for the roles
// that may reveal them, each file audited as a reveal; a masked print reveals nothing and writes
// no reveal; another city's file cannot be printed at all.
import { beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { getPrintableFiles } from "@/lib/print/print-files";
import { actorFor, orgByCode, seedDemo } from "../support/factories";
import { filingValues, submitNewFiling } from "../support/filing-factory";

let caseworker: TActor;
let tsCaseworker: TActor;
let fileId: string;
let ids: string[];

const reveals = () => prisma.auditEvent.count({ where: { action: "filing.reveal-resident-ids", entityId: fileId } });

beforeAll(async () => {
  await seedDemo();
  caseworker = await actorFor("lz_caseworker");
  tsCaseworker = await actorFor("ts_caseworker");
  const values = filingValues((await orgByCode("GSLZCG")).id);
  ids = values.members.map((m) => m.residentId as string);
  fileId = (await submitNewFiling(caseworker, values)).fileId;
});

describe("printing the 档案表册", () => {
  it("prints full ID numbers when asked by a role that may see them, audited as a reveal", async () => {
    const before = await reveals();
    const [printed] = await getPrintableFiles(caseworker, [fileId], { fullResidentIds: true });
    expect(printed!.fullResidentIds).toBe(true);
    expect(printed!.file.data.members.map((m) => m.residentId)).toEqual(ids);
    expect(await reveals()).toBe(before + 1);
  });

  it("prints masked numbers otherwise, and reveals nothing", async () => {
    const before = await reveals();
    const [printed] = await getPrintableFiles(caseworker, [fileId]);
    expect(printed!.fullResidentIds).toBe(false);
    expect(printed!.file.data.members[0]!.residentId).toBe(`${ids[0]!.slice(0, 6)}********${ids[0]!.slice(14)}`);
    expect(await reveals()).toBe(before);
  });

  it("refuses another city's file", async () => {
    await expect(getPrintableFiles(tsCaseworker, [fileId], { fullResidentIds: true })).rejects.toThrow("不在您的管辖范围内");
  });
});
