// Guards sign-in against a stranger (issue 22 §5): every refusal reads the same to the browser, so
// nobody can list which names exist; repeated failures slow a name and an address down with
// growing, capped waits instead of a lock, so five requests can no longer lock an official out;
// and the real user is told at their next sign-in how many attempts failed.
// The defaults are in force (SIGNIN_MAX_ACCOUNT_FAILURES 5, SIGNIN_MAX_DELAY_SECONDS 60,
// SIGNIN_MAX_IP_FAILURES 20, SIGNIN_IP_WINDOW_MINUTES 15). Time passes through signIn's `now`.
import { beforeAll, describe, expect, it } from "vitest";
import { authorizeSignIn, dismissSignInNotice, findSignInNotice, signIn } from "@/lib/auth/sign-in";
import { prisma } from "@/lib/db/client";
import { unlockUser } from "@/lib/users/manage-users";
import { actorFor, createTestUser, seedDemo } from "../support/factories";

const PASSWORD = "Correct-horse-1";
const WRONG = "wrong-password-1";
let ipCounter = 0;
/** An address no other test uses. */
const freshIp = () => `10.${100 + Math.floor(++ipCounter / 250)}.${ipCounter % 250}.1`;
const at = (base: number, seconds: number) => new Date(base + seconds * 1000);
const attempt = (username: string, password: string, now: Date, ip = freshIp()) => signIn({ username, password, ip, userAgent: "vitest", now });
const caseworker = () => createTestUser({ orgCode: "GSLZCG", roles: ["CASEWORKER"] });
const outcomesOf = async (username: string) =>
  (await prisma.signInAttempt.findMany({ where: { username }, orderBy: { id: "asc" }, select: { outcome: true } })).map((r) => r.outcome);

/** `count` wrong passwords on a name at one moment, each from its own address. */
async function failures(username: string, count: number, now: Date) {
  for (let i = 0; i < count; i++) await attempt(username, WRONG, now);
}

beforeAll(seedDemo);

describe("every refused sign-in reads the same in the browser", () => {
  it("an unknown name, a wrong password, a name or an address that must wait and a disabled account: all BAD_CREDENTIALS, the audit trail keeps which", async () => {
    const t0 = Date.now();
    const [known, slowed, disabled] = [await caseworker(), await caseworker(), await caseworker()];
    await prisma.user.update({ where: { id: disabled.id }, data: { active: false } });
    await failures(slowed.username, 5, at(t0, 0));
    const busyIp = freshIp();
    for (let i = 0; i < 20; i++) await attempt(`guess-${t0}-${i}`, WRONG, at(t0, 0), busyIp);

    const answer = (username: string, password: string, ip = freshIp()) =>
      authorizeSignIn({ username, password, ip, userAgent: "vitest", now: at(t0, 0.5) }).then(
        () => "signed in",
        (e: Error) => e.message,
      );
    expect([
      await answer(`nobody-${t0}`, WRONG),
      await answer(known.username, WRONG),
      await answer(slowed.username, PASSWORD),
      await answer(known.username, PASSWORD, busyIp),
      await answer(disabled.username, PASSWORD),
    ]).toEqual(["BAD_CREDENTIALS", "BAD_CREDENTIALS", "BAD_CREDENTIALS", "BAD_CREDENTIALS", "BAD_CREDENTIALS"]);

    expect(await outcomesOf(`nobody-${t0}`)).toEqual(["UNKNOWN_USER"]);
    expect(await outcomesOf(known.username)).toEqual(["BAD_PASSWORD", "IP_LIMITED"]);
    expect((await outcomesOf(slowed.username)).at(-1)).toBe("ACCOUNT_LOCKED");
    expect(await outcomesOf(disabled.username)).toEqual(["ACCOUNT_DISABLED"]);
    // The right password still works for the known user from an address that is not waiting.
    expect(await answer(known.username, PASSWORD)).toBe("signed in");
  });

  it("slows an unknown name exactly as it slows a real one", async () => {
    const t0 = Date.now();
    const real = await caseworker();
    const ghost = `ghost-${t0}`;
    for (const name of [real.username, ghost]) await failures(name, 5, at(t0, 0));
    // Inside the first second after the fifth failure both are refused unchecked; after it, both are checked.
    for (const name of [real.username, ghost]) await attempt(name, WRONG, at(t0, 0.9));
    for (const name of [real.username, ghost]) await attempt(name, WRONG, at(t0, 1.01));
    expect((await outcomesOf(real.username)).slice(5)).toEqual(["ACCOUNT_LOCKED", "BAD_PASSWORD"]);
    expect((await outcomesOf(ghost)).slice(5)).toEqual(["ACCOUNT_LOCKED", "UNKNOWN_USER"]);
  });

  it("spends a password check on an unknown name as on a real one, so the answer's time tells nothing", async () => {
    const users = [];
    for (let i = 0; i < 7; i++) users.push(await caseworker());
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (const [i, user] of users.entries()) {
      let started = performance.now();
      await attempt(`unknown-${Date.now()}-${i}`, WRONG, new Date());
      unknown.push(performance.now() - started);
      started = performance.now();
      await attempt(user.username, WRONG, new Date());
      wrong.push(performance.now() - started);
    }
    const median = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)]!;
    // An argon2id check (19 MiB) is most of a wrong password's time; without one an unknown name
    // answered in about a tenth of it. A real name's other reads make it the slower of the two
    // (about 0.55 on a loaded machine), hence the margin.
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.3);
  });
});

describe("growing waits instead of a lock", () => {
  it("make a name wait 1, 2, 4 … s after its fifth failure, at most 60 s, and refuse attempts inside the wait unchecked", async () => {
    const t0 = Date.now();
    const user = await caseworker();
    await failures(user.username, 5, at(t0, 0));
    expect(await attempt(user.username, PASSWORD, at(t0, 0.99))).toEqual({ ok: false, outcome: "ACCOUNT_LOCKED" });
    expect(await attempt(user.username, WRONG, at(t0, 1.01))).toEqual({ ok: false, outcome: "BAD_PASSWORD" }); // 6th: 2 s
    expect(await attempt(user.username, PASSWORD, at(t0, 2.99))).toEqual({ ok: false, outcome: "ACCOUNT_LOCKED" });
    expect(await attempt(user.username, WRONG, at(t0, 3.02))).toEqual({ ok: false, outcome: "BAD_PASSWORD" }); // 7th: 4 s
    expect(await attempt(user.username, PASSWORD, at(t0, 7.0))).toEqual({ ok: false, outcome: "ACCOUNT_LOCKED" });
    // Failures 8 to 15, each after the wait, however long it has grown.
    for (let k = 8; k <= 15; k++) expect(await attempt(user.username, WRONG, at(t0, k * 100))).toEqual({ ok: false, outcome: "BAD_PASSWORD" });
    // After fifteen failures the wait is still 60 s, not 2^10.
    expect(await attempt(user.username, PASSWORD, at(t0, 1500 + 59.9))).toEqual({ ok: false, outcome: "ACCOUNT_LOCKED" });
    expect(await attempt(user.username, PASSWORD, at(t0, 1500 + 60.01))).toMatchObject({ ok: true });
    // Signing in starts the count again.
    expect(await attempt(user.username, WRONG, at(t0, 1561))).toEqual({ ok: false, outcome: "BAD_PASSWORD" });
    expect(await attempt(user.username, PASSWORD, at(t0, 1561.1))).toMatchObject({ ok: true });
  });

  it("let the user in at once from an address they signed in from before, whatever a stranger tries from elsewhere", async () => {
    const t0 = Date.now();
    const user = await caseworker();
    const office = freshIp();
    expect(await attempt(user.username, PASSWORD, at(t0, 0), office)).toMatchObject({ ok: true });
    // A stranger guesses from many addresses, and keeps trying inside every wait.
    await failures(user.username, 30, at(t0, 10));
    expect(await attempt(user.username, PASSWORD, at(t0, 10.4))).toEqual({ ok: false, outcome: "ACCOUNT_LOCKED" });
    expect(await attempt(user.username, PASSWORD, at(t0, 10.5), office)).toMatchObject({ ok: true });
    // From a new address the user waits out the stranger's wait, no longer: 1 s after the
    // stranger's fifth checked failure, the 25 refused ones not counting.
    await failures(user.username, 30, at(t0, 20));
    expect(await attempt(user.username, PASSWORD, at(t0, 20.6))).toEqual({ ok: false, outcome: "ACCOUNT_LOCKED" });
    expect(await attempt(user.username, PASSWORD, at(t0, 21.01))).toMatchObject({ ok: true });
  });

  it("still slow the user's own address after its own failures", async () => {
    const t0 = Date.now();
    const user = await caseworker();
    const office = freshIp();
    expect(await attempt(user.username, PASSWORD, at(t0, 0), office)).toMatchObject({ ok: true });
    for (let i = 0; i < 5; i++) await attempt(user.username, WRONG, at(t0, 10), office);
    expect(await attempt(user.username, PASSWORD, at(t0, 10.5), office)).toEqual({ ok: false, outcome: "ACCOUNT_LOCKED" });
    expect(await attempt(user.username, PASSWORD, at(t0, 11.01), office)).toMatchObject({ ok: true });
  });

  it("hold the count when many guesses arrive at once", async () => {
    const t0 = Date.now();
    const user = await caseworker();
    const results = await Promise.all(Array.from({ length: 12 }, () => attempt(user.username, WRONG, at(t0, 0))));
    expect(results.filter((r) => !r.ok && r.outcome === "BAD_PASSWORD")).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.outcome === "ACCOUNT_LOCKED")).toHaveLength(7);
  });

  it("slow an address that tries many names, whichever it tries next, and no other address", async () => {
    const t0 = Date.now();
    const user = await caseworker();
    const guesser = freshIp();
    for (let i = 0; i < 20; i++) await attempt(`guess-${t0}-${i}`, WRONG, at(t0, 0), guesser);
    expect(await attempt(user.username, PASSWORD, at(t0, 0.5), guesser)).toEqual({ ok: false, outcome: "IP_LIMITED" });
    expect(await attempt(`guess-${t0}-x`, WRONG, at(t0, 1.01), guesser)).toEqual({ ok: false, outcome: "UNKNOWN_USER" }); // 21st: 2 s
    expect(await attempt(user.username, PASSWORD, at(t0, 2.9), guesser)).toEqual({ ok: false, outcome: "IP_LIMITED" });
    expect(await attempt(user.username, PASSWORD, at(t0, 2.9))).toMatchObject({ ok: true });
    // The window passes: the address's failures no longer count.
    expect(await attempt(user.username, PASSWORD, at(t0, 15 * 60 + 2), guesser)).toMatchObject({ ok: true });
  });

  it("end when an administrator clears the account (解锁)", async () => {
    const t0 = Date.now() - 3_600_000;
    const user = await caseworker();
    for (let k = 0; k < 12; k++) await attempt(user.username, WRONG, at(t0, k * 100));
    const now = new Date();
    expect(await attempt(user.username, PASSWORD, at(t0, 1100 + 30))).toEqual({ ok: false, outcome: "ACCOUNT_LOCKED" });
    await unlockUser(await actorFor("lz_admin"), user.id);
    expect(await attempt(user.username, PASSWORD, new Date(now.getTime() + 1000))).toMatchObject({ ok: true });
  });
});

describe("the notice at the next sign-in", () => {
  it("tells the user, once, how many attempts failed since they last signed in", async () => {
    const t0 = Date.now();
    const user = await caseworker();
    const first = await attempt(user.username, PASSWORD, at(t0, 0));
    expect(first).toMatchObject({ ok: true, failedAttempts: 0 });
    if (!first.ok) throw new Error("expected a session");
    expect(await findSignInNotice(first.sessionId)).toBeNull();

    // Five checked failures, then two refused inside the wait; other names' failures do not count.
    await failures(user.username, 5, at(t0, 10));
    await failures(user.username, 2, at(t0, 10.5));
    await failures(`other-${t0}`, 3, at(t0, 10));
    const next = await attempt(user.username, PASSWORD, at(t0, 20));
    expect(next).toMatchObject({ ok: true, failedAttempts: 7 });
    if (!next.ok) throw new Error("expected a session");
    // Shown on every page of that session until its user dismisses it: reading never clears it.
    expect(await findSignInNotice(next.sessionId)).toBe(7);
    expect(await findSignInNotice(next.sessionId)).toBe(7);
    const stranger = await caseworker();
    await dismissSignInNotice({ ...(await actorFor(stranger.username)), sessionId: next.sessionId });
    expect(await findSignInNotice(next.sessionId)).toBe(7);
    await dismissSignInNotice({ ...(await actorFor(user.username)), sessionId: next.sessionId });
    expect(await findSignInNotice(next.sessionId)).toBeNull();

    const third = await attempt(user.username, PASSWORD, at(t0, 30));
    expect(third).toMatchObject({ ok: true, failedAttempts: 0 });
    if (third.ok) expect(await findSignInNotice(third.sessionId)).toBeNull();
  });
});
