// Guards the demo households: every state a file can be in, made through the domain functions
// (so 一人一档, maker–checker and the ledger rules hold), with visits, plans, payments and a batch.
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { seedDemoHouseholds } from "@/lib/demo/seed-demo-households";
import { seedDemo } from "../support/factories";

describe("seedDemoHouseholds", () => {
  it("fills both demo cities with households in every state, once", { timeout: 180_000 }, async () => {
    await seedDemo();
    const started = Date.now();
    expect(await seedDemoHouseholds()).toBe(48);
    console.log(`demo households seeded in ${Date.now() - started} ms`);
    expect(await seedDemoHouseholds()).toBe(0);

    const byStatus = await prisma.householdFile.groupBy({ by: ["status"], _count: true });
    expect(Object.fromEntries(byStatus.map((s) => [s.status, s._count]))).toEqual({
      DRAFT: 4,
      SUBMITTED: 4,
      REVIEWED: 2,
      PUBLICITY: 4,
      OPEN: 28,
      OBSERVATION: 4,
      CLOSED: 2,
    });
    const open = await prisma.householdFile.groupBy({ by: ["tier"], where: { status: "OPEN" }, _count: true });
    expect(Object.fromEntries(open.map((t) => [t.tier, t._count]))).toEqual({ DEEP: 12, RELATIVE: 12, ACCIDENT: 4 });
    // Each city has a file transferred in from the other.
    const transferred = await prisma.filingEvent.findMany({ where: { kind: "TRANSFERRED" }, include: { file: { include: { organisation: true } } } });
    expect(transferred.map((e) => e.file.organisation.code).sort()).toEqual(["GSLZCG", "GSTSQZ"]);
    for (const code of ["GSLZ", "GSTS"]) {
      const city = await prisma.organisation.findUniqueOrThrow({ where: { code } });
      expect(await prisma.householdFile.count({ where: { organisation: { path: { startsWith: city.path } } } })).toBeGreaterThanOrEqual(20);
    }
    expect(await prisma.visit.count()).toBe(34);
    expect(await prisma.planMeasure.count({ where: { status: "DONE" } })).toBeGreaterThan(0);
    expect(await prisma.ledgerEntry.count({ where: { batchLineId: null } })).toBeGreaterThan(10);
    expect(await prisma.disbursementBatch.findMany({ select: { status: true }, orderBy: { status: "asc" } })).toEqual([
      { status: "SUBMITTED" },
      { status: "APPROVED" },
    ]);
    // Numbers are gap-free and every approval was made by someone other than the submitter.
    const approved = await prisma.householdFile.findMany({ where: { approvedById: { not: null } }, select: { approvedById: true, submittedById: true } });
    expect(approved.every((f) => f.approvedById !== f.submittedById)).toBe(true);
  });
});
