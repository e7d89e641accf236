// A database of a test's own, migrated only up to a given migration, for tests of what a later
// migration does to data already there; and the unions and staff such data needs, written directly
// (the demo seed expects every migration).
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { applyMigrations, MIGRATIONS_DIR } from "@/lib/db/migrate";

export function migrationDatabase(name: string) {
  const serverUrl = inject("pgServerUrl");
  const url = `${serverUrl}/${name}`;
  const dirs: string[] = [];
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: `${serverUrl}/postgres` });
    await client.connect();
    await client.query(text);
    await client.end();
  };
  /** Applies the migrations up to and including `last` that are not applied yet; their names. */
  const migrateTo = async (last: string) => {
    const dir = await mkdtemp(path.join(tmpdir(), "bangfu-migrations-"));
    dirs.push(dir);
    for (const n of (await readdir(MIGRATIONS_DIR)).filter((n) => /^\d{4}_/.test(n) && n <= last)) {
      await cp(path.join(MIGRATIONS_DIR, n), path.join(dir, n), { recursive: true });
    }
    return applyMigrations(url, dir);
  };
  return {
    migrateTo,
    /** Creates the database, migrates it up to `last` and connects. */
    async open(last: string) {
      await admin(`CREATE DATABASE ${name}`);
      await migrateTo(last);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return client;
    },
    async drop(client: pg.Client) {
      await client.end();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** 甘肃省总工会 and 兰州市总工会 with a caseworker and an official of the city and an official of the province. */
export async function insertPayingUnions(client: pg.Client) {
  const one = async (text: string, values: unknown[] = []) => (await client.query<{ id: string }>(text, values)).rows[0]!.id;
  const province = await one(
    "INSERT INTO organisation (name, code, level, region_code, path, depth) VALUES ('甘肃省总工会', 'GS', 'PROVINCE', '620000', '', 0) RETURNING id",
  );
  const city = await one(
    "INSERT INTO organisation (name, code, level, region_code, parent_id, path, depth) VALUES ('兰州市总工会', 'GSLZ', 'CITY', '620100', $1, '', 0) RETURNING id",
    [province],
  );
  const user = (name: string, org: string, role: string) =>
    one("INSERT INTO app_user (username, name, organisation_id, roles, password_hash) VALUES ($1, $1, $2, $3::role[], 'x') RETURNING id", [name, org, [role]]);
  return {
    province,
    city,
    caseworker: await user("lz_caseworker", city, "CASEWORKER"),
    cityOfficial: await user("lz_official", city, "OFFICIAL"),
    provinceOfficial: await user("gs_official", province, "OFFICIAL"),
  };
}
