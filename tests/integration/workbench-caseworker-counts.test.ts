// Guards issue 28's caseworker workbench at speed: its file counts are one statement, and the
// re-checks overdue and due soon are read from report_recheck_due (kept by 0049's triggers), not
// from the files. What the caseworker sees must not change: overdue is an open file due before
// today, due soon an open file due from today to today + 14 (RECHECK_DUE_SOON_DAYS), both in the
// union's subtree; a file in observation or exited is neither; a file moved to
// another city leaves with its count; a re-check moves a file out of overdue. Drafts and returned
// drafts, and observation periods ending, are counted in the same statement. Every figure below
// is written out by hand from the rows this file inserts (Lanzhou = the victim's scope, Tianshui
// another city).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { addDays, todayInShanghai } from "@/lib/format/datetime";
import { findWorkbench, type TWorkbench } from "@/lib/workbench/find-workbench";
import { demoActors, orgByCode, seedDemo } from "../support/factories";
import { insertOpenFile } from "../support/open-file";

let sql: pg.Client;
let actors: Awaited<ReturnType<typeof demoActors>>;
const today = todayInShanghai();
const files: Record<string, string> = {};

const item = (w: TWorkbench, key: string) => w.sections.find((s) => s.key === "caseworker")!.items.find((i) => i.key === key)!;
const counts = async (actor: TActor) => {
  const w = await findWorkbench(actor, { today });
  return {
    drafts: item(w, "drafts").count,
    returned: item(w, "returned").count,
    overdue: item(w, "recheck-overdue").count,
    soon: item(w, "recheck-soon").count,
    observationEnding: item(w, "observation-ending").count,
  };
};

async function file(key: string, orgCode: string, options: { due: string; status?: "OPEN" | "OBSERVATION"; observationUntil?: string }) {
  const org = await orgByCode(orgCode);
  const people = orgCode.startsWith("GSTS")
    ? { caseworker: actors.tsCaseworker, official: actors.tsOfficial }
    : { caseworker: actors.lzCaseworker, official: actors.lzOfficial };
  const { fileId } = await insertOpenFile(sql, people, org.id, {}, { status: options.status });
  await sql.query("UPDATE household_file SET next_check_due = $2::date, observation_until = coalesce($3::date, observation_until) WHERE id = $1", [
    fileId,
    options.due,
    options.observationUntil ?? null,
  ]);
  files[key] = fileId;
}

async function draft(orgCode: string, creator: TActor, rejectionReason: string | null) {
  const org = await orgByCode(orgCode);
  await sql.query(
    `INSERT INTO household_file (organisation_id, status, data, holder_name, created_by_id, rejection_reason)
     VALUES ($1, 'DRAFT', '{}'::jsonb, '草稿户', $2, $3)`,
    [org.id, creator.userId, rejectionReason],
  );
}

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  actors = await demoActors();
  // Lanzhou (城关区 and 西固区, both under the city's union).
  await file("yesterday", "GSLZCG", { due: addDays(today, -1) });
  await file("long-ago", "GSLZCG", { due: addDays(today, -400) });
  await file("xigu-overdue", "GSLZXG", { due: addDays(today, -3) });
  await file("today", "GSLZCG", { due: today });
  await file("last-soon-day", "GSLZXG", { due: addDays(today, 14) });
  await file("after-soon", "GSLZCG", { due: addDays(today, 15) });
  // In observation with a passed re-check date: neither overdue nor due (only open files are).
  await file("observation-ending", "GSLZCG", { due: addDays(today, -5), status: "OBSERVATION", observationUntil: addDays(today, 14) });
  await file("observation-later", "GSLZCG", { due: addDays(today, 2), status: "OBSERVATION", observationUntil: addDays(today, 15) });
  // Tianshui: another city's overdue and due files.
  await file("tianshui-overdue", "GSTS", { due: addDays(today, -2) });
  await file("tianshui-soon", "GSTS", { due: addDays(today, 1) });
  await draft("GSLZCG", actors.lzCaseworker, null);
  await draft("GSLZXG", actors.lzCaseworker, null);
  await draft("GSLZCG", actors.lzCaseworker, "缺少收入证明");
  await draft("GSTS", actors.tsCaseworker, "缺少收入证明");
});

afterAll(async () => {
  await sql.end();
});

describe("the caseworker's file counts", () => {
  it("counts each kind in the union's subtree, with today due soon and today + 14 the last day of it", async () => {
    expect(await counts(actors.lzCaseworker)).toEqual({ drafts: 2, returned: 1, overdue: 3, soon: 2, observationEnding: 1 });
    expect(await counts(actors.tsCaseworker)).toEqual({ drafts: 0, returned: 1, overdue: 1, soon: 1, observationEnding: 0 });
    const w = await findWorkbench(actors.lzCaseworker, { today });
    expect(item(w, "recheck-soon").title).toBe("14 天内到期的核查");
    expect(item(w, "observation-ending").title).toBe("14 天内渐退期满");
  });

  it("follows a file that moves to another city, is re-checked or leaves the roster", async () => {
    // 西固区's overdue file moves to Tianshui: it counts there now, and no longer in Lanzhou.
    await sql.query("UPDATE household_file SET organisation_id = (SELECT id FROM organisation WHERE code = 'GSTS') WHERE id = $1", [files["xigu-overdue"]]);
    // Yesterday's file is re-checked: due again in half a year.
    await sql.query("UPDATE household_file SET next_check_due = $2::date WHERE id = $1", [files.yesterday, addDays(today, 180)]);
    // Today's file enters observation (exits the roster): no longer due.
    await sql.query(
      "UPDATE household_file SET status = 'OBSERVATION', exit_reason = 'RESOLVED', exited_at = now(), observation_until = $2::date WHERE id = $1",
      [files.today, addDays(today, 100)],
    );
    // The file due after the 14 days is found to be due a month ago: overdue now.
    await sql.query("UPDATE household_file SET next_check_due = $2::date WHERE id = $1", [files["after-soon"], addDays(today, -30)]);
    expect(await counts(actors.lzCaseworker)).toEqual({ drafts: 2, returned: 1, overdue: 2, soon: 1, observationEnding: 1 });
    expect(await counts(actors.tsCaseworker)).toEqual({ drafts: 0, returned: 1, overdue: 2, soon: 1, observationEnding: 0 });
  });
});
