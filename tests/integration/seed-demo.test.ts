// Guards demo seeding: a realistic tree and one user per role in two cities, and never on a
// database that already holds data.
import { describe, expect, it } from "vitest";
import { signIn } from "@/lib/auth/sign-in";
import { prisma } from "@/lib/db/client";
import { DEMO_PASSWORD, seedDemoIfEmpty } from "@/lib/demo/seed-demo";

describe("seedDemoIfEmpty", () => {
  it("does nothing to a database that already has data", async () => {
    await prisma.organisation.create({ data: { name: "已有工会", code: "EXISTING", level: "NATIONAL", regionCode: "100000", path: "", depth: 0 } });
    expect(await seedDemoIfEmpty(process.env.DATABASE_URL!)).toBe(false);
    expect(await prisma.organisation.count()).toBe(1);
    expect(await prisma.user.count()).toBe(0);
    await prisma.organisation.deleteMany();
  });

  it("seeds the tree and users whose demo password works, once", async () => {
    expect(await seedDemoIfEmpty(process.env.DATABASE_URL!)).toBe(true);
    expect(await seedDemoIfEmpty(process.env.DATABASE_URL!)).toBe(false);
    const users = await prisma.user.findMany({ include: { organisation: true } });
    for (const role of ["CASEWORKER", "OFFICIAL", "AUDITOR", "ADMIN"] as const) {
      const cities = users.filter((u) => u.roles.includes(role) && u.organisation.level === "CITY").map((u) => u.organisation.code);
      expect(new Set(cities)).toEqual(new Set(["GSLZ", "GSTS"]));
    }
    const levels = await prisma.organisation.groupBy({ by: ["level"], _count: true });
    expect(Object.fromEntries(levels.map((l) => [l.level, l._count]))).toMatchObject({ NATIONAL: 1, PROVINCE: 1, CITY: 2 });
    expect((await signIn({ username: "lz_caseworker", password: DEMO_PASSWORD, ip: "127.0.0.1", userAgent: null })).ok).toBe(true);
  });
});
