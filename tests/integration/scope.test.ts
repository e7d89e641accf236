// Guards organisation scoping: a user acts on their own union and its descendants only. The
// "victim" is Tianshui city union, the "attacker" works for Lanzhou city union (same province).
import { beforeAll, describe, expect, it } from "vitest";
import { exportAuditTrail, findAuditEvents } from "@/lib/audit/find-audit-trail";
import { scopedDb } from "@/lib/data/scope";
import { prisma } from "@/lib/db/client";
import { createOrganisation, getOrganisation, listScopeOrganisations } from "@/lib/organisations/organisations";
import { findUsers } from "@/lib/users/find-users";
import { createUser, resetUserPassword, setUserActive } from "@/lib/users/manage-users";
import { actorFor, orgByCode, seedDemo } from "../support/factories";

beforeAll(seedDemo);

describe("organisation scope", () => {
  it("lists only the actor's organisation and its descendants", async () => {
    const lanzhou = await listScopeOrganisations(await actorFor("lz_caseworker"));
    expect(lanzhou.map((o) => o.code)).toContain("GSLZXG01");
    expect(lanzhou.map((o) => o.code)).not.toContain("GSTS");
    expect(lanzhou.every((o) => o.code.startsWith("GSLZ"))).toBe(true);
    const province = await listScopeOrganisations(await actorFor("gs_admin"));
    expect(province.map((o) => o.code)).toEqual(expect.arrayContaining(["GS", "GSLZ", "GSTS", "GSTSMJ02"]));
    expect(province.map((o) => o.code)).not.toContain("ACFTU");
  });

  it("does not open another city's organisation, even by id", async () => {
    const tianshui = await orgByCode("GSTSQZ");
    await expect(getOrganisation(await actorFor("lz_caseworker"), tianshui.id)).rejects.toThrow("不在您的管辖范围内");
    const own = await getOrganisation(await actorFor("ts_caseworker"), tianshui.id);
    expect(own.name).toBe("秦州区总工会");
    // Ancestors above the actor's own union are not shown.
    expect(own.ancestors.map((a) => a.name)).toEqual(["天水市总工会"]);
  });

  it("filters every query on a scoped model, including updates by id", async () => {
    const attacker = await actorFor("lz_admin");
    const victim = await prisma.user.findUniqueOrThrow({ where: { username: "ts_caseworker" } });
    const db = scopedDb(attacker);
    expect(await db.user.findUnique({ where: { id: victim.id } })).toBeNull();
    expect(await db.user.count({ where: { username: "ts_caseworker" } })).toBe(0);
    const { count } = await db.user.updateMany({ where: { id: victim.id }, data: { name: "被改" } });
    expect(count).toBe(0);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: victim.id } })).name).toBe("刘芳");
  });

  it("refuses an administrator's changes to another city's users and organisations", async () => {
    const attacker = await actorFor("lz_admin");
    const victim = await prisma.user.findUniqueOrThrow({ where: { username: "ts_caseworker" } });
    await expect(setUserActive(attacker, { userId: victim.id, active: false })).rejects.toThrow("不在您的管辖范围内");
    await expect(resetUserPassword(attacker, { userId: victim.id, password: "Taken-over-123" })).rejects.toThrow("不在您的管辖范围内");
    const tianshui = await orgByCode("GSTS");
    await expect(
      createUser(attacker, { username: "planted", name: "植入", organisationId: tianshui.id, roles: ["OFFICIAL"], password: "Planted-pass-1" }),
    ).rejects.toThrow("不在您的管辖范围内");
    await expect(
      createOrganisation(attacker, { parentId: tianshui.id, name: "植入工会", code: "PLANTED", level: "COUNTY", regionCode: "620500" }),
    ).rejects.toThrow("不在您的管辖范围内");
    const after = await prisma.user.findUniqueOrThrow({ where: { id: victim.id } });
    expect(after).toMatchObject({ active: true, sessionVersion: 1, passwordHash: victim.passwordHash });
    expect(await prisma.user.count({ where: { username: "planted" } })).toBe(0);
    expect(await prisma.organisation.count({ where: { code: "PLANTED" } })).toBe(0);
  });

  it("lets an administrator manage users and unions inside their scope, with an audit row", async () => {
    const admin = await actorFor("lz_admin");
    const county = await orgByCode("GSLZCG");
    const created = await createUser(admin, {
      username: "new_worker",
      name: "新同事",
      organisationId: county.id,
      roles: ["CASEWORKER"],
      password: "Welcome-2026",
    });
    const org = await createOrganisation(admin, {
      parentId: county.id,
      name: "城关区社区联合工会",
      code: "GSLZCG03",
      level: "GRASSROOTS",
      regionCode: "620102",
    });
    const saved = await prisma.organisation.findUniqueOrThrow({ where: { id: org.id } });
    expect(saved.path).toBe(`${county.path}${org.id}/`);
    expect(saved.depth).toBe(county.depth + 1);
    const events = await findAuditEvents(admin, { page: 1 });
    expect(events.rows.map((e) => [e.action, e.entityId])).toEqual(
      expect.arrayContaining([
        ["user.create", created.id],
        ["organisation.create", org.id],
      ]),
    );
    // Tianshui's auditor does not see Lanzhou's trail.
    expect((await findAuditEvents(await actorFor("ts_auditor"), { page: 1 })).total).toBe(0);
  });

  it("rejects duplicates and impossible levels with a Chinese message", async () => {
    const admin = await actorFor("lz_admin");
    const city = await orgByCode("GSLZ");
    await expect(
      createUser(admin, { username: "lz_official", name: "重名", organisationId: city.id, roles: ["CASEWORKER"], password: "Welcome-2026" }),
    ).rejects.toThrow("该登录名已被使用");
    await expect(createOrganisation(admin, { parentId: city.id, name: "重复代码", code: "GSLZCG", level: "COUNTY", regionCode: "620102" })).rejects.toThrow(
      "该组织代码已被使用",
    );
    await expect(createOrganisation(admin, { parentId: city.id, name: "省级", code: "GSX", level: "PROVINCE", regionCode: "620000" })).rejects.toThrow("层级");
  });

  it("exports only the auditor's own subtree's trail, and records each export", async () => {
    const collect = async (rows: AsyncIterable<{ cells: unknown[] }>) => {
      const all: unknown[][] = [];
      for await (const row of rows) all.push(row.cells);
      return all;
    };
    const admin = await actorFor("lz_admin");
    const county = await orgByCode("GSLZXG");
    await createOrganisation(admin, { parentId: county.id, name: "西固区环卫工会", code: "GSLZXG09", level: "GRASSROOTS", regionCode: "620104" });
    const lanzhou = await collect(exportAuditTrail(await actorFor("lz_auditor"), { kind: "events" }));
    expect(lanzhou.map((r) => r[1])).toContain("新建组织");
    const tianshui = await collect(exportAuditTrail(await actorFor("ts_auditor"), { kind: "events" }));
    expect(tianshui.map((r) => r[1])).not.toContain("新建组织");
    expect(await prisma.auditEvent.count({ where: { action: "audit.export.events" } })).toBe(2);
    await expect(collect(exportAuditTrail(await actorFor("lz_caseworker"), { kind: "events" }))).rejects.toThrow("没有权限");
  });

  it("refuses management to roles other than administrator", async () => {
    const city = await orgByCode("GSLZ");
    const victim = await prisma.user.findUniqueOrThrow({ where: { username: "lz_official" } });
    for (const username of ["lz_caseworker", "lz_official", "lz_auditor"]) {
      const actor = await actorFor(username);
      await expect(setUserActive(actor, { userId: victim.id, active: false })).rejects.toThrow("没有权限");
      await expect(findUsers(actor, { page: 1 })).rejects.toThrow("没有权限");
      await expect(createOrganisation(actor, { parentId: city.id, name: "越权工会", code: "GSLZ99", level: "COUNTY", regionCode: "620100" })).rejects.toThrow(
        "没有权限",
      );
    }
  });

  it("keeps the audit trail append-only in the database", async () => {
    await expect(prisma.$executeRawUnsafe("UPDATE audit_event SET action = 'x'")).rejects.toThrow(/permission denied/);
    await expect(prisma.$executeRawUnsafe("DELETE FROM audit_event")).rejects.toThrow(/permission denied/);
    await expect(prisma.$executeRawUnsafe("TRUNCATE audit_event")).rejects.toThrow(/permission denied/);
  });

  it("derives an organisation's path from its parent and refuses to move it", async () => {
    const city = await orgByCode("GSLZ");
    const tianshui = await orgByCode("GSTS");
    const forged = await prisma.organisation.create({
      data: { name: "伪造路径", code: "FORGED", level: "COUNTY", regionCode: "620100", parentId: city.id, path: tianshui.path, depth: 9 },
    });
    expect(forged.path).toBe(`${city.path}${forged.id}/`);
    await expect(prisma.organisation.update({ where: { id: forged.id }, data: { parentId: tianshui.id } })).rejects.toThrow(/cannot be moved/);
  });
});
