// Guards the layering: pages and components never touch the database client directly, and
// domain code reaches it only through the scoped data-access layer (lib/data/scope.ts).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

// Infrastructure that legitimately works outside any user's scope.
const MAY_USE_UNSCOPED_CLIENT = [
  /^lib\/db\//, // the client itself, migrations
  /^lib\/demo\//, // the demo seed, on an empty database before any user exists
  /^lib\/data\/scope\.ts$/, // the scoping layer
  /^lib\/auth\/(sign-in|session)\.ts$/, // a user is found by name before any scope exists
  /^lib\/data\/person-conflicts\.ts$/, // 一人一档 is checked across the whole system
  /^lib\/policy\//, // policy parameters are public, not organisation data
  /^lib\/calendar\/(run-daily-calendar|run-daily-now|run-job|scheduler|working-days)\.ts$/, // system jobs run for every organisation, not for a user
  /^lib\/(warnings\/raise-warnings|signals\/raise-signals)\.ts$/, // the daily warning run reads every organisation's facts, part of the calendar job
  /^lib\/exports\/(run-export-job|maintain-exports)\.ts$/, // the export worker finds a job by id before there is an actor, and keeps every user's jobs
  /^lib\/audit\/name-audit-actors\.ts$/, // who acted on rows already read in the auditor's scope, with their union, though they belong to a higher union (issue 26)
  /^lib\/public\/(query-own-file|service-phone)\.ts$/, // the public has no actor: a file is found by its holder's ID number and query code; a union's phone is public
  /^lib\/public\/(find-publicity-notice|file-public-objection)\.ts$/, // the public notice (公示) is public by nature; an objection names its file by the publicity token
  /^lib\/public\/(submit-application|query-application|search-unions)\.ts$/, // 网上申请: the public has no actor; an application is written to the union it names, followed by its number and code, and union names are public
];

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((entry) => {
    const rel = path.join(dir, entry);
    if (entry === "generated" || entry === "node_modules") return [];
    if (statSync(path.join(ROOT, rel)).isDirectory()) return sourceFiles(rel);
    return /\.(ts|tsx)$/.test(entry) ? [rel] : [];
  });
}

describe("import boundaries", () => {
  const files = ["app", "components", "lib"].flatMap(sourceFiles);

  it("finds the source files", () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it("uses the unscoped Prisma client only in the data-access and auth infrastructure", () => {
    const offenders = files.filter((file) => {
      const text = readFileSync(path.join(ROOT, file), "utf8");
      const usesClient = /from "@\/lib\/db\/client"/.test(text) && /\bprisma\b/.test(text.replace(/import type[^;]+;/g, ""));
      return usesClient && !MAY_USE_UNSCOPED_CLIENT.some((allowed) => allowed.test(file));
    });
    expect(offenders).toEqual([]);
  });

  it("opens pg connections only through lib/db/pg.ts, whose statements are checked for scope (decision 027)", () => {
    const offenders = files.concat(["proxy.ts"]).filter((file) => {
      if (file === "lib/db/pg.ts") return false;
      const text = readFileSync(path.join(ROOT, file), "utf8");
      return /^import (?!type\b)[^;]*from "pg";/m.test(text) || /require\("pg"\)|import\("pg"\)/.test(text);
    });
    expect(offenders).toEqual([]);
  });

  it("keeps runtime Prisma imports out of pages and components (types and enums only)", () => {
    const offenders = files.filter((file) => {
      if (!/^(app|components)\//.test(file)) return false;
      const text = readFileSync(path.join(ROOT, file), "utf8");
      return /from "@\/lib\/db\//.test(text) || /^import (?!type)[^;]*from "@\/lib\/generated\/prisma\/client"/m.test(text);
    });
    expect(offenders).toEqual([]);
  });

  it("marks every domain module server-only", () => {
    // A feature's actions.ts starts with "use server" instead (the directive must come first).
    const domain = files.filter(
      (f) =>
        !/\/actions\.ts$/.test(f) &&
        /^lib\/(users|organisations|audit|data|policy|evidence|ledger|calendar|dynamic|warnings|referrals|signals)\/(?!schemas|pagination|ids|labels|rules|catalogue|figures|regions|sample|pick-policy|report-period)|^lib\/workbench\/|^lib\/reports\/(?!period|report-tables)|^lib\/filing\/(?!schemas|labels|figures|suggest-tier|describe|form-values|filing-rules|name-search)/.test(
          f,
        ),
    );
    const missing = domain.filter((file) => !readFileSync(path.join(ROOT, file), "utf8").startsWith('import "server-only";'));
    expect(missing).toEqual([]);
  });

  it("keeps server actions beside their feature in lib/<feature>/actions.ts, never under app/", () => {
    const actionFiles = files.filter((f) => readFileSync(path.join(ROOT, f), "utf8").startsWith('"use server";'));
    expect(actionFiles.filter((f) => !/^lib\/[a-z-]+\/actions\.ts$/.test(f))).toEqual([]);
  });

  it("never imports upward from components or lib into app/", () => {
    const offenders = files.filter((file) => /^(components|lib)\//.test(file) && /from "@\/app\//.test(readFileSync(path.join(ROOT, file), "utf8")));
    expect(offenders).toEqual([]);
  });

  it("exports only async actions from 'use server' files", () => {
    const actionFiles = files.filter((f) => readFileSync(path.join(ROOT, f), "utf8").startsWith('"use server";'));
    expect(actionFiles.length).toBeGreaterThan(0);
    for (const file of actionFiles) {
      const exports = [...readFileSync(path.join(ROOT, file), "utf8").matchAll(/^export (?:const|async function|function) (\w+)/gm)].map((m) => m[1]!);
      expect(
        exports.filter((name) => !name.endsWith("Action")),
        file,
      ).toEqual([]);
    }
  });
});
