// Guards sign-in: argon2id passwords, the per-account and per-address failure limits counted in
// PostgreSQL, the audit row for every attempt, and sessions that die with their user's changes.
import { beforeAll, describe, expect, it } from "vitest";
import { authConfig } from "@/lib/auth/config";
import { signIn, signInErrorCode } from "@/lib/auth/sign-in";
import { usesHttps } from "@/lib/auth/options";
import { sessionProblem } from "@/lib/auth/session";
import { prisma } from "@/lib/db/client";
import { setUserActive, setUserRoles } from "@/lib/users/manage-users";
import { actorFor, createTestUser, seedDemo } from "../support/factories";

const PASSWORD = "Correct-horse-1";
const attempt = (username: string, password: string, ip = "10.0.0.1") => signIn({ username, password, ip, userAgent: "vitest" });

beforeAll(seedDemo);

describe("sign-in", () => {
  it("stores an argon2id hash and opens a session on the right password", async () => {
    const user = await createTestUser({ orgCode: "GSLZ", roles: ["CASEWORKER"] });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    const result = await attempt(user.username.toUpperCase(), PASSWORD);
    expect(result.ok).toBe(true);
    const sessions = await prisma.userSession.findMany({ where: { userId: user.id } });
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.sessionVersion).toBe(1);
  });

  it("records every attempt with who, when, where and outcome", async () => {
    const user = await createTestUser({ orgCode: "GSLZ", roles: ["CASEWORKER"] });
    await attempt(user.username, "wrong-password-1", "10.9.9.9");
    await attempt(user.username, PASSWORD, "10.9.9.9");
    await attempt("nobody-here", PASSWORD, "10.9.9.9");
    const rows = await prisma.signInAttempt.findMany({ where: { ip: "10.9.9.9" }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.username, r.outcome])).toEqual([
      [user.username, "BAD_PASSWORD"],
      [user.username, "SUCCESS"],
      ["nobody-here", "UNKNOWN_USER"],
    ]);
    expect(rows[0]!.userId).toBe(user.id);
    expect(rows[0]!.userAgent).toBe("vitest");
    expect(rows[0]!.at).toBeInstanceOf(Date);
  });

  it("locks the account after the configured number of failures, even for the right password", async () => {
    const user = await createTestUser({ orgCode: "GSLZ", roles: ["CASEWORKER"] });
    for (let i = 1; i < authConfig.maxAccountFailures; i++) {
      expect(await attempt(user.username, "wrong-password-1", `10.1.0.${i}`)).toEqual({ ok: false, outcome: "BAD_PASSWORD" });
    }
    const locking = await attempt(user.username, "wrong-password-1", "10.1.0.99");
    expect(locking).toMatchObject({ ok: false, outcome: "ACCOUNT_LOCKED" });
    const right = await attempt(user.username, PASSWORD);
    expect(right).toMatchObject({ ok: false, outcome: "ACCOUNT_LOCKED" });
    if (!right.ok) expect(right.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + (authConfig.lockMinutes - 1) * 60_000);
  });

  it("unlocks after the lock time, and earlier failures no longer count", async () => {
    const user = await createTestUser({ orgCode: "GSLZ", roles: ["CASEWORKER"] });
    for (let i = 0; i < authConfig.maxAccountFailures; i++) await attempt(user.username, "wrong-password-1");
    // Let the lock run out.
    await prisma.user.update({ where: { id: user.id }, data: { lockedUntil: new Date(Date.now() - 1) } });
    expect(await attempt(user.username, "wrong-password-1")).toEqual({ ok: false, outcome: "BAD_PASSWORD" });
    expect((await attempt(user.username, PASSWORD)).ok).toBe(true);
  });

  it("holds the limit when many wrong guesses arrive at once", async () => {
    const user = await createTestUser({ orgCode: "GSLZ", roles: ["CASEWORKER"] });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => attempt(user.username, "wrong-password-1", `10.2.0.${i}`)));
    const passwordChecks = results.filter((r) => !r.ok && r.outcome === "BAD_PASSWORD").length;
    expect(passwordChecks).toBe(authConfig.maxAccountFailures - 1);
    expect((await attempt(user.username, PASSWORD)).ok).toBe(false);
  });

  it("refuses an address after too many failures, whichever accounts it tries", async () => {
    const ip = "10.3.3.3";
    for (let i = 0; i < authConfig.maxIpFailures; i++) await attempt(`guess-${i}`, "wrong-password-1", ip);
    const user = await createTestUser({ orgCode: "GSLZ", roles: ["CASEWORKER"] });
    expect(await attempt(user.username, PASSWORD, ip)).toEqual({ ok: false, outcome: "IP_LIMITED" });
    expect((await attempt(user.username, PASSWORD, "10.3.3.4")).ok).toBe(true);
  });

  it("tells a disabled user so only after the right password", async () => {
    const user = await createTestUser({ orgCode: "GSLZ", roles: ["CASEWORKER"] });
    await prisma.user.update({ where: { id: user.id }, data: { active: false } });
    expect(await attempt(user.username, "wrong-password-1")).toEqual({ ok: false, outcome: "BAD_PASSWORD" });
    expect(await attempt(user.username, PASSWORD)).toEqual({ ok: false, outcome: "ACCOUNT_DISABLED" });
  });

  it("keeps sign-in attempts append-only in the database", async () => {
    await attempt("someone", "whatever-1");
    await expect(prisma.$executeRawUnsafe("UPDATE sign_in_attempt SET outcome = 'SUCCESS'")).rejects.toThrow(/permission denied/);
    await expect(prisma.$executeRawUnsafe("DELETE FROM sign_in_attempt")).rejects.toThrow(/permission denied/);
  });
});

describe("what the browser is told", () => {
  it("answers an unknown user and a wrong password identically, while the audit trail keeps the difference", async () => {
    const user = await createTestUser({ orgCode: "GSLZ", roles: ["CASEWORKER"] });
    const wrong = await attempt(user.username, "wrong-password-1", "10.7.7.7");
    const unknown = await attempt("no-such-user-anywhere", "wrong-password-1", "10.7.7.7");
    if (wrong.ok || unknown.ok) throw new Error("expected both to fail");
    expect(signInErrorCode(wrong)).toBe("BAD_CREDENTIALS");
    expect(signInErrorCode(unknown)).toBe("BAD_CREDENTIALS");
    const rows = await prisma.signInAttempt.findMany({ where: { ip: "10.7.7.7" }, orderBy: { id: "asc" } });
    expect(rows.map((r) => r.outcome)).toEqual(["BAD_PASSWORD", "UNKNOWN_USER"]);
  });

  it("marks the session cookie Secure when the public address is https", () => {
    expect(usesHttps("https://bangfu.example.org")).toBe(true);
    expect(usesHttps("HTTPS://bangfu.example.org/")).toBe(true);
    expect(usesHttps("http://localhost:3000")).toBe(false);
    expect(usesHttps(undefined)).toBe(false);
  });
});

describe("sessions", () => {
  const now = new Date("2026-11-23T10:00:00Z");
  const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
  const fresh = { createdAt: minutesAgo(5), lastSeenAt: minutesAgo(1), endedAt: null, sessionVersion: 1 };
  const user = { active: true, sessionVersion: 1 };

  it("accepts a recent session and refuses idle, expired, ended, disabled and outdated ones", () => {
    expect(sessionProblem(fresh, user, now)).toBeNull();
    expect(sessionProblem({ ...fresh, lastSeenAt: minutesAgo(authConfig.idleMinutes + 1) }, user, now)).toBe("idle");
    expect(sessionProblem({ ...fresh, createdAt: minutesAgo(authConfig.absoluteMinutes + 1) }, user, now)).toBe("expired");
    expect(sessionProblem({ ...fresh, endedAt: minutesAgo(0) }, user, now)).toBe("ended");
    expect(sessionProblem(fresh, { ...user, active: false }, now)).toBe("disabled");
    expect(sessionProblem(fresh, { ...user, sessionVersion: 2 }, now)).toBe("changed");
  });

  it("outdates a user's sessions when an administrator disables them or changes their roles", async () => {
    const admin = await actorFor("lz_admin");
    const user = await createTestUser({ orgCode: "GSLZCG", roles: ["CASEWORKER"] });
    await setUserRoles(admin, { userId: user.id, roles: ["CASEWORKER", "OFFICIAL"] });
    const afterRoles = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(afterRoles.sessionVersion).toBe(2);
    await setUserActive(admin, { userId: user.id, active: false });
    const afterDisable = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(afterDisable.sessionVersion).toBe(3);
    expect(afterDisable.active).toBe(false);
    const audit = await prisma.auditEvent.findMany({ where: { entityId: user.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["user.roles", "user.disable"]);
  });
});
