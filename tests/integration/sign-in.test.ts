// Guards sign-in: argon2id passwords, the audit row for every attempt, and sessions that die with
// their user's changes. The answers and delays after failures (issue 22 §5) are guarded in
// sign-in-delays.test.ts.
import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { authConfig } from "@/lib/auth/config";
import { signIn } from "@/lib/auth/sign-in";
import { usesHttps } from "@/lib/auth/options";
import { sessionIdFromCookies, sessionProblem } from "@/lib/auth/session";
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

  it("keeps sign-in attempts append-only in the database", async () => {
    await attempt("someone", "whatever-1");
    await expect(prisma.$executeRawUnsafe("UPDATE sign_in_attempt SET outcome = 'SUCCESS'")).rejects.toThrow(/permission denied/);
    await expect(prisma.$executeRawUnsafe("DELETE FROM sign_in_attempt")).rejects.toThrow(/permission denied/);
  });
});

describe("the session cookie", () => {
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

describe("the session cookie's id, read without next-auth's session route (issue 28)", () => {
  const secret = "vitest-secret-0123456789abcdef0123456789abcdef";
  const read = (jar: Map<string, string>, secure = false) => sessionIdFromCookies((name) => jar.get(name), [...jar.keys()], secure, secret);

  it("reads the id from the cookie next-auth sets, under its plain or Secure name, and from its parts", async () => {
    const token = await encode({ token: { sid: "0193a6f0-1111-7000-8000-000000000001" }, secret });
    expect(await read(new Map([["next-auth.session-token", token]]))).toBe("0193a6f0-1111-7000-8000-000000000001");
    // Over https next-auth only sets and reads the __Secure- name; the plain one is someone else's.
    expect(await read(new Map([["next-auth.session-token", token]]), true)).toBeNull();
    expect(await read(new Map([["__Secure-next-auth.session-token", token]]), true)).toBe("0193a6f0-1111-7000-8000-000000000001");
    // A cookie split into parts (next-auth does so above 4 KB), listed out of order.
    const parts = new Map([
      ["next-auth.session-token.1", token.slice(60)],
      ["next-auth.session-token.0", token.slice(0, 60)],
    ]);
    expect(await read(parts)).toBe("0193a6f0-1111-7000-8000-000000000001");
    expect(await read(new Map())).toBeNull();
  });

  it("finds nobody in a cookie of another secret, a tampered or expired one, or one without an id", async () => {
    const other = await encode({ token: { sid: "a" }, secret: "another-installation-secret-0123456789abcdef" });
    expect(await read(new Map([["next-auth.session-token", other]]))).toBeNull();
    const token = await encode({ token: { sid: "a" }, secret });
    const tampered = `${token.slice(0, -3)}${token.endsWith("AAA") ? "BBB" : "AAA"}`;
    expect(await read(new Map([["next-auth.session-token", tampered]]))).toBeNull();
    // Past its maxAge (and jose's 15 s of tolerance): as getServerSession, nobody is signed in.
    const expired = await encode({ token: { sid: "a" }, secret, maxAge: -60 });
    expect(await read(new Map([["next-auth.session-token", expired]]))).toBeNull();
    expect(await read(new Map([["next-auth.session-token", await encode({ token: {}, secret })]]))).toBeNull();
    expect(await read(new Map([["next-auth.session-token", "not-a-token"]]))).toBeNull();
  });

  it("remembers a decrypted cookie but still ends it at its expiry, and only for the secret that made it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(new Date("2026-12-07T10:00:00Z"));
      const token = await encode({ token: { sid: "0193a6f0-1111-7000-8000-000000000002" }, secret, maxAge: 60 });
      const jar = new Map([["next-auth.session-token", token]]);
      expect(await read(jar)).toBe("0193a6f0-1111-7000-8000-000000000002");
      // Read again from memory: still good within its minute and jose's 15 s of tolerance.
      vi.setSystemTime(new Date("2026-12-07T10:01:14Z"));
      expect(await read(jar)).toBe("0193a6f0-1111-7000-8000-000000000002");
      vi.setSystemTime(new Date("2026-12-07T10:01:16Z"));
      expect(await read(jar)).toBeNull();
      // The same text under another installation's secret decrypts to nothing.
      vi.setSystemTime(new Date("2026-12-07T10:00:10Z"));
      expect(await sessionIdFromCookies((name) => jar.get(name), [...jar.keys()], false, "another-installation-secret-0123456789abcdef")).toBeNull();
      expect(await read(jar)).toBe("0193a6f0-1111-7000-8000-000000000002");
    } finally {
      vi.useRealTimers();
    }
  });
});
