// Guards the intake form's save under a burst (issue 22 §6): identical saves of a new draft from one
// form (one idempotency key) make exactly one draft, whether 10 or 50 arrive at once; one of them
// makes it and every other is told 已处理 with the same draft, none 系统繁忙. Before, 50 at once were
// all BUSY (each transaction waited for a second pool connection) and 10 at once made 10 drafts.
// Through runActionAs: what a browser's server action runs, error mapping included.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { runActionAs } from "@/lib/actions/run-action";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { saveDraft } from "@/lib/filing/save-filing";
import { ZSaveDraftInput } from "@/lib/filing/schemas";
import { actorFor, createTestUser, orgByCode, seedDemo } from "../support/factories";
import { filingValues } from "../support/filing-factory";

let caseworker: TActor;
let county: string;

beforeAll(async () => {
  await seedDemo();
  caseworker = await actorFor("lz_caseworker");
  county = (await orgByCode("GSLZCG")).id;
});

const save = (actor: TActor, input: unknown) => runActionAs(ZSaveDraftInput, saveDraft, actor, input);

async function burstOf(width: number) {
  const input = { idempotencyKey: randomUUID(), data: filingValues(county) };
  const results = await Promise.all(Array.from({ length: width }, () => save(caseworker, input)));
  const answers = results.map((r) => (r.ok ? r.data : { error: r.error }));
  const drafts = await prisma.householdFile.findMany({
    where: { holderResidentId: input.data.members[0]!.residentId as string },
    select: { id: true, idempotencyKey: true },
  });
  return { input, answers, drafts };
}

describe.each([50, 10])("%i identical saves of a new draft at once", (width) => {
  it("make one draft; one request makes it, every other is answered 已处理 with that draft, none 系统繁忙", async () => {
    const { input, answers, drafts } = await burstOf(width);
    expect(drafts).toEqual([{ id: expect.any(String), idempotencyKey: input.idempotencyKey }]);
    const draftId = drafts[0]!.id;
    expect(answers.filter((a) => "error" in a)).toEqual([]);
    expect(answers.filter((a) => "repeated" in a && !a.repeated)).toEqual([{ fileId: draftId, version: 1, warnings: [], repeated: false }]);
    expect(answers.filter((a) => "repeated" in a && a.repeated)).toHaveLength(width - 1);
    for (const a of answers) expect(a).toMatchObject({ fileId: draftId, version: 1 });
    expect(await prisma.filingEvent.count({ where: { fileId: draftId } })).toBe(1);
    expect(await prisma.auditEvent.count({ where: { entityId: draftId, action: "filing.create" } })).toBe(1);
  });
});

describe("a repeat of a save that has committed", () => {
  it("returns the same draft, at its current version, and writes nothing", async () => {
    const input = { idempotencyKey: randomUUID(), data: filingValues(county) };
    const first = await save(caseworker, input);
    if (!first.ok) throw new Error(first.error);
    // The caseworker goes on editing the draft; a late retry of the very first save arrives.
    const edited = await save(caseworker, { fileId: first.data.fileId, expectedVersion: 1, data: { ...input.data, needs: "医疗救助" } });
    expect(edited).toMatchObject({ ok: true, data: { fileId: first.data.fileId, version: 2, repeated: false } });
    expect(await save(caseworker, input)).toEqual({ ok: true, data: { fileId: first.data.fileId, version: 2, warnings: [], repeated: true } });
    const stored = await prisma.householdFile.findUniqueOrThrow({ where: { id: first.data.fileId } });
    expect((stored.data as { needs: string }).needs).toBe("医疗救助");
    expect(await prisma.householdFile.count({ where: { idempotencyKey: input.idempotencyKey } })).toBe(1);
  });

  it("refuses another caseworker's key instead of showing them the draft", async () => {
    const input = { idempotencyKey: randomUUID(), data: filingValues(county) };
    const first = await save(caseworker, input);
    expect(first.ok).toBe(true);
    const colleague = await actorFor((await createTestUser({ orgCode: "GSLZCG", roles: ["CASEWORKER"] })).username);
    expect(await save(colleague, input)).toMatchObject({ ok: false, error: "提交标识已被使用，请刷新页面后重新填写。" });
    expect(await prisma.householdFile.count({ where: { holderResidentId: input.data.members[0]!.residentId as string } })).toBe(1);
  });

  it("refuses a key that is not a uuid with a Chinese message", async () => {
    const result = await save(caseworker, { idempotencyKey: "twice", data: filingValues(county) });
    expect(result).toMatchObject({ ok: false, fieldErrors: { idempotencyKey: "提交标识无效，请刷新页面后重试" } });
  });
});

describe("the database", () => {
  it("refuses a second file with the same key, whatever the code does", async () => {
    const input = { idempotencyKey: randomUUID(), data: filingValues(county) };
    const first = await save(caseworker, input);
    if (!first.ok) throw new Error(first.error);
    await expect(
      prisma.$executeRawUnsafe(
        `INSERT INTO household_file (organisation_id, data, created_by_id, idempotency_key)
         SELECT organisation_id, data, created_by_id, idempotency_key FROM household_file WHERE id = $1::uuid`,
        first.data.fileId,
      ),
    ).rejects.toThrow(/household_file_idempotency_key_key/);
  });
});
