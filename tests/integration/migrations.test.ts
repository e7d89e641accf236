// Guards the migration runner: each migration once, in order, inside a transaction; a failure
// leaves the database exactly as it was and says which migration failed.
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { applyMigrations, MigrationError } from "@/lib/db/migrate";

const serverUrl = inject("pgServerUrl");
let url: string;

async function migrationsDir(files: Record<string, string>) {
  const dir = await mkdtemp(path.join(tmpdir(), "bangfu-migrations-"));
  for (const [name, sql] of Object.entries(files)) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  // An empty database, not the migrated template the other tests use.
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  await admin.query("CREATE DATABASE migrations_test");
  await admin.end();
  url = `${serverUrl}/migrations_test`;
});

afterAll(async () => {
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  await admin.query("DROP DATABASE IF EXISTS migrations_test WITH (FORCE)");
  await admin.end();
});

describe("applyMigrations", () => {
  it("applies pending migrations in name order, each exactly once", async () => {
    const dir = await migrationsDir({
      "0002_second": "INSERT INTO t (v) VALUES ('second');",
      "0001_first": "CREATE TABLE t (v text); INSERT INTO t (v) VALUES ('first');",
    });
    expect(await applyMigrations(url, dir)).toEqual(["0001_first", "0002_second"]);
    expect(await applyMigrations(url, dir)).toEqual([]);
    expect((await query<{ v: string }>("SELECT v FROM t ORDER BY v")).map((r) => r.v)).toEqual(["first", "second"]);
    const recorded = await query<{ name: string }>("SELECT name FROM bangfu_migration ORDER BY name");
    expect(recorded.map((r) => r.name)).toEqual(["0001_first", "0002_second"]);
  });

  it("rolls a failing migration back completely and names it", async () => {
    const dir = await migrationsDir({
      "0001_first": "CREATE TABLE t (v text); INSERT INTO t (v) VALUES ('first');",
      "0002_second": "INSERT INTO t (v) VALUES ('second');",
      "0003_broken": "CREATE TABLE half_done (id int); INSERT INTO t (v) VALUES ('third'); SELECT no_such_function();",
    });
    const error = await applyMigrations(url, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toMatch(/迁移 0003_broken 执行失败，数据库保持原样/);
    expect((error as Error).message).toMatch(/no_such_function/);
    expect(await query("SELECT to_regclass('half_done') AS t")).toEqual([{ t: null }]);
    expect((await query<{ v: string }>("SELECT v FROM t ORDER BY v")).map((r) => r.v)).toEqual(["first", "second"]);
    expect((await query("SELECT name FROM bangfu_migration WHERE name = '0003_broken'")).length).toBe(0);
  });

  it("refuses to run when an applied migration was edited afterwards", async () => {
    const dir = await migrationsDir({
      "0001_first": "CREATE TABLE t (v text); INSERT INTO t (v) VALUES ('edited');",
      "0002_second": "INSERT INTO t (v) VALUES ('second');",
    });
    await expect(applyMigrations(url, dir)).rejects.toThrow("迁移 0001_first 在执行后被修改过");
  });

  it("lets only one of two simultaneous runs apply a migration", async () => {
    const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
    await admin.connect();
    await admin.query("CREATE DATABASE migrations_race");
    await admin.end();
    const raceUrl = `${serverUrl}/migrations_race`;
    const dir = await migrationsDir({ "0001_only": "CREATE TABLE once (id int); SELECT pg_sleep(0.2);" });
    const results = await Promise.all([applyMigrations(raceUrl, dir), applyMigrations(raceUrl, dir)]);
    expect(results.map((r) => r.length).sort()).toEqual([0, 1]);
  });
});
