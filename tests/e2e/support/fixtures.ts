// Shared end-to-end helpers: a database handle for setting up and checking data, a login that
// mints the session directly (as a signed-in browser would hold it), and factories.
import { readFileSync } from "node:fs";
import { test as base, expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { encode } from "next-auth/jwt";
import pg from "pg";
import { hashPassword } from "@/lib/auth/password";
import { E2E_SECRET, E2E_STATE_FILE } from "./state";

export { expect };

export function databaseUrl(): string {
  return (JSON.parse(readFileSync(E2E_STATE_FILE, "utf8")) as { databaseUrl: string }).databaseUrl;
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
/** A fresh user, so that tests which lock, disable or change a user do not disturb each other. */
export async function createUser(options: { orgCode: string; roles: string[]; password?: string; name?: string }) {
  seq += 1;
  const username = `e2e_${Date.now().toString(36)}_${seq}`;
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
