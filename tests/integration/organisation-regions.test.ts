// Guards issue 22 §7: a union's region code lies inside its parent's. A county created with
// 152921 (Inner Mongolia) under 兰州 (620100) found no Gansu policy row and its files fell back to
// the national 低保 standard. The new-organisation action refuses it with a Chinese message on the
// field and writes nothing; the trigger organisation_region_within_parent (migration 0028) refuses
// it even when code does not ask; the demo tree satisfies the rule.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runActionAs } from "@/lib/actions/run-action";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { createOrganisation } from "@/lib/organisations/organisations";
import { ZCreateOrganisationInput } from "@/lib/organisations/schemas";
import { dibaoStandard } from "@/lib/policy/policy";
import { actorFor, orgByCode, seedDemo } from "../support/factories";

let sql: pg.Client;
let lzAdmin: TActor;
let gsAdmin: TActor;
let lanzhou: string;
let chengguan: string;

const create = (actor: TActor, input: { parentId: string; name: string; code: string; level: string; regionCode: string }) =>
  runActionAs(ZCreateOrganisationInput, createOrganisation, actor, input);

const written = async () => ({
  organisations: await prisma.organisation.count(),
  audits: await prisma.auditEvent.count({ where: { action: "organisation.create" } }),
});

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  lzAdmin = await actorFor("lz_admin");
  gsAdmin = await actorFor("gs_admin");
  lanzhou = (await orgByCode("GSLZ")).id;
  chengguan = (await orgByCode("GSLZCG")).id;
});
afterAll(async () => {
  await sql.end();
});

describe("a new union's region code", () => {
  it("is refused outside its parent's region, with the rule on the field, and nothing is written", async () => {
    const before = await written();
    const cases: Array<[TActor, { parentId: string; name: string; code: string; level: string; regionCode: string }, string]> = [
      // The county of the issue: Inner Mongolia under 兰州.
      [
        lzAdmin,
        { parentId: lanzhou, name: "错挂的县总工会", code: "GSLZX1", level: "COUNTY", regionCode: "152921" },
        "行政区划代码 152921 不在上级组织「兰州市总工会」（620100）的地区范围内，应填写以 6201 开头的代码。",
      ],
      // 天水's county code under 兰州: same province, another city.
      [
        lzAdmin,
        { parentId: lanzhou, name: "错挂的区总工会", code: "GSLZX2", level: "COUNTY", regionCode: "620502" },
        "行政区划代码 620502 不在上级组织「兰州市总工会」（620100）的地区范围内，应填写以 6201 开头的代码。",
      ],
      // A grassroots union under 城关区 with 七里河区's code.
      [
        lzAdmin,
        { parentId: chengguan, name: "错挂的基层工会", code: "GSLZCGX", level: "GRASSROOTS", regionCode: "620103" },
        "行政区划代码 620103 不在上级组织「城关区总工会」（620102）的地区范围内，应填写与上级组织相同的代码 620102。",
      ],
      // A city outside Gansu under the Gansu provincial union, and the national code under it.
      [
        gsAdmin,
        { parentId: gsAdmin.organisation.id, name: "错挂的市总工会", code: "GSX1", level: "CITY", regionCode: "640100" },
        "行政区划代码 640100 不在上级组织「甘肃省总工会」（620000）的地区范围内，应填写以 62 开头的代码。",
      ],
      [
        gsAdmin,
        { parentId: gsAdmin.organisation.id, name: "错挂的全国代码", code: "GSX2", level: "CITY", regionCode: "100000" },
        "行政区划代码 100000 不在上级组织「甘肃省总工会」（620000）的地区范围内，应填写以 62 开头的代码。",
      ],
    ];
    for (const [actor, input, message] of cases) {
      const result = await create(actor, input);
      expect(result, input.regionCode).toEqual({ ok: false, error: message, code: "REGION_OUTSIDE_PARENT", fieldErrors: { regionCode: message } });
    }
    expect(await written()).toEqual(before);
    expect(await prisma.organisation.count({ where: { code: { in: ["GSLZX1", "GSLZX2", "GSLZCGX", "GSX1", "GSX2"] } } })).toBe(0);
  });

  it("is accepted inside its parent's region, and its files then take that region's 低保 standard", async () => {
    const county = await create(lzAdmin, { parentId: lanzhou, name: "红古区总工会", code: "GSLZHG", level: "COUNTY", regionCode: "620111" });
    expect(county).toMatchObject({ ok: true });
    const countyId = (county as { data: { id: string } }).data.id;
    // A grassroots union shares its county's code; under a city it may take any of the city's codes.
    expect(
      await create(lzAdmin, { parentId: countyId, name: "红古区窑街煤电工会", code: "GSLZHG01", level: "GRASSROOTS", regionCode: "620111" }),
    ).toMatchObject({ ok: true });
    expect(await create(lzAdmin, { parentId: lanzhou, name: "兰州市直属机关工会", code: "GSLZZS", level: "GRASSROOTS", regionCode: "620100" })).toMatchObject({
      ok: true,
    });
    expect(await create(gsAdmin, { parentId: gsAdmin.organisation.id, name: "白银市总工会", code: "GSBY", level: "CITY", regionCode: "620400" })).toMatchObject(
      { ok: true },
    );
    const saved = await prisma.organisation.findUniqueOrThrow({ where: { code: "GSLZHG01" } });
    expect(saved.regionCode).toBe("620111");
    // 兰州's own standard (780 yuan in the demo data), not the national fallback.
    expect(await dibaoStandard(saved.regionCode, "2026-12-01")).toMatchObject({ regionCode: "620100", monthlyFen: 78_000 });
  });
});

describe("the database", () => {
  it("refuses a union outside its parent's region, and a parent moved away from its children", async () => {
    const insert = (code: string, regionCode: string, parentId: string) =>
      sql.query(`INSERT INTO organisation (name, code, level, region_code, parent_id, path, depth) VALUES ('直接写入', $1, 'COUNTY', $2, $3, '', 0)`, [
        code,
        regionCode,
        parentId,
      ]);
    await expect(insert("RAW1", "152921", lanzhou)).rejects.toThrow(/organisation_region_within_parent/);
    await insert("RAW2", "620121", lanzhou);
    await expect(sql.query(`UPDATE organisation SET region_code = '152921' WHERE code = 'RAW2'`)).rejects.toThrow(/organisation_region_within_parent/);
    // 城关区 has grassroots unions with 620102: it cannot take another code from under them.
    await expect(sql.query(`UPDATE organisation SET region_code = '620103' WHERE id = $1`, [chengguan])).rejects.toThrow(/organisation_region_within_parent/);
    expect((await sql.query(`SELECT region_code FROM organisation WHERE id = $1`, [chengguan])).rows[0].region_code).toBe("620102");
  });

  it("finds every union of the demo tree inside its parent's region", async () => {
    const { rows } = await sql.query(`
      SELECT c.code, c.region_code, p.region_code AS parent_region
        FROM organisation c JOIN organisation p ON p.id = c.parent_id
       WHERE NOT region_within(p.region_code, c.region_code)`);
    expect(rows).toEqual([]);
    expect(Number((await sql.query(`SELECT count(*) FROM organisation WHERE parent_id IS NOT NULL`)).rows[0].count)).toBeGreaterThan(15);
  });
});
