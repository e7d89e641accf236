// Shared end-to-end helpers: a database handle for setting up and checking data, a login that
// mints the session directly (as a signed-in browser would hold it), and factories.
import { readFileSync } from "node:fs";
import { test as base, expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { encode } from "next-auth/jwt";
import pg from "pg";
import { hashPassword } from "@/lib/auth/password";
import { nameSearchColumns } from "@/lib/filing/name-search";
import { E2E_SECRET, e2eStateFile } from "./state";

export { expect };

/** The database of the server this test's project runs against (each project has its own). */
export function databaseUrl(): string {
  const port = new URL(test.info().project.use.baseURL!).port;
  return (JSON.parse(readFileSync(e2eStateFile(port), "utf8")) as { databaseUrl: string }).databaseUrl;
}

export async function sql<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export async function orgId(code: string): Promise<string> {
  const [row] = await sql<{ id: string }>("SELECT id FROM organisation WHERE code = $1", [code]);
  return row!.id;
}

export async function userId(username: string): Promise<string> {
  const [row] = await sql<{ id: string }>("SELECT id FROM app_user WHERE username = $1", [username]);
  return row!.id;
}

let seq = 0;
// Two workers may create a user or file in the same millisecond with the same counter: the
// worker's process id keeps their names apart.
const WORKER = process.pid.toString(36);
/** A fresh user, so that tests which lock, disable or change a user do not disturb each other. */
export async function createUser(options: { orgCode: string; roles: string[]; password?: string; name?: string }) {
  seq += 1;
  const username = `e2e_${WORKER}_${Date.now().toString(36)}_${seq}`;
  const password = options.password ?? "E2e-password-1";
  const [row] = await sql<{ id: string }>(
    `INSERT INTO app_user (username, name, organisation_id, roles, password_hash)
     VALUES ($1, $2, (SELECT id FROM organisation WHERE code = $3), $4::role[], $5) RETURNING id`,
    [username, options.name ?? `测试${seq}`, options.orgCode, options.roles, await hashPassword(password)],
  );
  return { id: row!.id, username, password };
}

/** Signs a user in without the login form: a session row plus the cookie next-auth would set. */
export async function loginAs(context: BrowserContext, username: string): Promise<void> {
  const [session] = await sql<{ id: string }>(
    `INSERT INTO user_session (user_id, session_version)
     SELECT id, session_version FROM app_user WHERE username = $1 RETURNING id`,
    [username],
  );
  const token = await encode({ token: { sid: session!.id }, secret: E2E_SECRET });
  await context.addCookies([{ name: "next-auth.session-token", value: token, url: test.info().project.use.baseURL!, httpOnly: true, sameSite: "Lax" }]);
}

export async function pageAs(browser: Browser, username: string): Promise<Page> {
  const context = await browser.newContext();
  await loginAs(context, username);
  return context.newPage();
}

export async function signInWithForm(page: Page, username: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
}

/** Saves a screenshot under test-results/screens for a person to look at. */
export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}

export const test = base;

/**
 * An approved, open household file made directly in the database (the filing path itself is
 * covered by filing.spec.ts), with its re-check already overdue and both required documents.
 */
// Its file number is unique across runs and worker restarts (a worker restarts after a failed
// test, and seq with it): a counter alone gave a later spec a number already taken.
export async function createOpenFile(options: { orgCode: string; holderName: string; holderId: string; caseworker: string; official: string }) {
  const [org] = await sql<{ id: string; code: string }>("SELECT id, code FROM organisation WHERE code = $1", [options.orgCode]);
  const [cw] = await sql<{ id: string }>("SELECT id FROM app_user WHERE username = $1", [options.caseworker]);
  const [off] = await sql<{ id: string }>("SELECT id FROM app_user WHERE username = $1", [options.official]);
  seq += 1;
  const named = nameSearchColumns(options.holderName);
  const data = {
    organisationId: org!.id,
    fileLevel: "CITY",
    workerCategory: "URBAN",
    housing: "RENT",
    holderUnionMember: true,
    members: [
      {
        name: options.holderName,
        relation: "SELF",
        residentId: options.holderId,
        birthDate: `${options.holderId.slice(6, 10)}-${options.holderId.slice(10, 12)}-${options.holderId.slice(12, 14)}`,
        sex: Number(options.holderId[16]) % 2 ? "MALE" : "FEMALE",
        health: "SERIOUS_ILLNESS",
        education: "NOT_IN_SCHOOL",
        employment: "UNABLE",
        livesInHousehold: true,
      },
    ],
    incomes: [{ source: "DIBAO", monthlyFen: 50000 }],
    expenditures: [{ kind: "MEDICAL", annualFen: 1200000 }],
    suddenEvent: false,
    mainCause: "ILLNESS",
    secondaryCauses: [],
    proposedTier: "DEEP",
  };
  const [file] = await sql<{ id: string }>(
    `INSERT INTO household_file (organisation_id, file_number, status, data, holder_name, holder_resident_id, household_size, file_level, worker_category,
       main_cause, per_capita_monthly_fen, suggested_tier, proposed_tier, tier, created_by_id, submitted_by_id, submitted_at, reviewed_by_id, reviewed_at,
       home_visit_date, publicity_start, publicity_end, civil_check_date, civil_check_result, approved_by_id, approved_at, opened_at, next_check_due,
       holder_name_pinyin, holder_name_initials, holder_name_grams)
     VALUES ($1, $2, 'OPEN', $3, $4, $5, 1, 'CITY', 'URBAN', 'ILLNESS', -50000, 'DEEP', 'DEEP', 'DEEP', $6, $6, now() - interval '100 days', $7,
       now() - interval '99 days', current_date - 99, current_date - 98, current_date - 93, current_date - 95, 'CONSISTENT', $7, now() - interval '92 days',
       now() - interval '92 days', current_date - 2, $8, $9, $10)
     RETURNING id`,
    // The name-search columns saving a filing writes (lib/filing/name-search.ts), so the archive finds the file by name.
    [
      org!.id,
      `${org!.code}-E2E-${WORKER}-${Date.now().toString(36)}-${seq}`,
      JSON.stringify(data),
      options.holderName,
      options.holderId,
      cw!.id,
      off!.id,
      named.holderNamePinyin,
      named.holderNameInitials,
      named.holderNameGrams,
    ],
  );
  await sql("INSERT INTO file_person (file_id, resident_id, is_holder) VALUES ($1, $2, true)", [file!.id, options.holderId]);
  await sql("INSERT INTO tier_decision (file_id, tier, source, decided_by_id, decided_at) VALUES ($1, 'DEEP', 'FILING', $2, now() - interval '92 days')", [
    file!.id,
    off!.id,
  ]);
  // The application, the authorisation and what 因病 requires (cause_evidence_rule).
  for (const kind of ["APPLICATION", "AUTHORISATION", "DIAGNOSIS"]) {
    await sql(
      "INSERT INTO evidence_file (file_id, kind, original_name, content_type, size_bytes, sha256, storage_key, uploaded_by_id) VALUES ($1, $2, $3, 'application/pdf', 10, $4, $5, $6)",
      [file!.id, kind, `${kind}.pdf`, "0".repeat(64), `2026/01/${crypto.randomUUID()}`, cw!.id],
    );
  }
  return file!.id;
}
