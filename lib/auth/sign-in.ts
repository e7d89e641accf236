import "server-only";
import { prisma } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { SignInOutcome } from "@/lib/generated/prisma/enums";
import type { TActor } from "./actor";
import { authConfig } from "./config";
import { dummyPasswordHash, verifyPassword } from "./password";
import { signInWaitSeconds } from "./sign-in-delay";

/** `failedAttempts`: attempts on the account since its previous successful sign-in, for the notice after this one. */
export type TSignInResult = { ok: true; userId: string; sessionId: string; failedAttempts: number } | { ok: false; outcome: Exclude<SignInOutcome, "SUCCESS"> };

/**
 * The one answer the browser gets to any refused sign-in, whatever the reason (lib/auth/options.ts).
 * An unknown name, a wrong password, a name or address that must wait and a disabled account all
 * read "用户名或密码错误": a stranger learns neither which names exist nor that a name is being
 * slowed down. sign_in_attempt keeps the real outcome for the audit trail.
 */
export const SIGN_IN_REFUSED = "BAD_CREDENTIALS";

/** Outcomes that are a checked guess: they count towards the delays. Refusals without a check do not. */
const GUESSES: SignInOutcome[] = ["BAD_PASSWORD", "UNKNOWN_USER"];
/** How far back a success makes an address one the account's user signs in from. */
const KNOWN_ADDRESS_DAYS = 180;

/** `now`: the clock, for tests that let time pass; the server always uses the present. */
type TSignInInput = { username: string; password: string; ip: string; userAgent: string | null; now?: Date };

/**
 * Checks a password and, on success, opens a session row. Every attempt is recorded in
 * sign_in_attempt, which is also what the delays count. Attempts on one name are serialised by an
 * advisory lock, so parallel guesses each see the ones before them.
 *
 * Nothing locks: after repeated failures an attempt must wait a growing, capped time after the
 * last failure (lib/auth/sign-in-delay.ts), and an attempt inside the wait is refused unchecked.
 *  - Per name, known or not (an unknown name is slowed exactly like a real one), failures since
 *    the name's last success or an administrator's 解锁, capped at SIGNIN_MAX_DELAY_SECONDS. From
 *    an address the user has signed in from before, only that address's failures count: a stranger
 *    elsewhere cannot keep the user out of their office at all, and from a new address at most
 *    for the cap after the stranger's last checked guess.
 *  - Per address, failures from it within SIGNIN_IP_WINDOW_MINUTES, capped at that window: what
 *    slows a guesser who tries many names.
 * Every attempt costs one argon2 verification (against a dummy hash when there is nothing to
 * check), so the time of the answer does not tell the cases apart either.
 */
export async function signIn(input: TSignInInput): Promise<TSignInResult> {
  const username = input.username.trim().toLowerCase().slice(0, 100);
  const now = input.now ?? new Date();

  return prisma.$transaction(async (tx) => {
    const record = (userId: string | null, outcome: SignInOutcome) =>
      tx.signInAttempt.create({ data: { at: now, username, userId, ip: input.ip, userAgent: input.userAgent, outcome } });
    /** Seconds still to wait, given the guesses `where` selects, or 0. */
    const waitLeft = async (where: Prisma.SignInAttemptWhereInput, free: number, capSeconds: number) => {
      const { _count: failures, _max: last } = await tx.signInAttempt.aggregate({
        where: { ...where, outcome: { in: GUESSES }, at: { ...(where.at as object), lte: now } },
        _count: true,
        _max: { at: true },
      });
      const wait = signInWaitSeconds(failures, free, capSeconds);
      return wait && last.at ? Math.max(0, last.at.getTime() + wait * 1000 - now.getTime()) : 0;
    };
    const refuse = async (userId: string | null, outcome: Exclude<SignInOutcome, "SUCCESS">) => {
      await record(userId, outcome);
      return { ok: false, outcome } as const;
    };

    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${"signin:" + username}))`;
    const user = await tx.user.findUnique({ where: { username } });

    const ipWindowStart = new Date(now.getTime() - authConfig.ipWindowMinutes * 60_000);
    const ipWait = await waitLeft({ ip: input.ip, at: { gt: ipWindowStart } }, authConfig.maxIpFailures, authConfig.ipWindowMinutes * 60);

    const lastSuccess = await tx.signInAttempt.findFirst({
      where: { username, outcome: "SUCCESS", at: { lte: now } },
      orderBy: { at: "desc" },
      select: { at: true },
    });
    // 解锁 and a password reset set lockedUntil to their moment: failures before it no longer count.
    const countFrom = [lastSuccess?.at, user?.lockedUntil].reduce<Date>((latest, d) => (d && d > latest && d <= now ? d : latest), new Date(0));
    const knownAddress = await tx.signInAttempt.findFirst({
      where: { username, ip: input.ip, outcome: "SUCCESS", at: { gt: new Date(now.getTime() - KNOWN_ADDRESS_DAYS * 86_400_000), lte: now } },
      select: { id: true },
    });
    const nameWait = await waitLeft(
      { username, at: { gt: countFrom }, ...(knownAddress ? { ip: input.ip } : {}) },
      authConfig.maxAccountFailures,
      authConfig.maxDelaySeconds,
    );

    // Always one verification, whatever happens next (see above).
    const checkable = ipWait === 0 && nameWait === 0 && user !== null;
    const passwordRight = await verifyPassword(checkable ? user.passwordHash : await dummyPasswordHash(), input.password);

    if (ipWait > 0) return refuse(user?.id ?? null, "IP_LIMITED");
    if (nameWait > 0) return refuse(user?.id ?? null, "ACCOUNT_LOCKED");
    if (!user) return refuse(null, "UNKNOWN_USER");
    if (!passwordRight) return refuse(user.id, "BAD_PASSWORD");
    if (!user.active) return refuse(user.id, "ACCOUNT_DISABLED");

    const failedAttempts = await tx.signInAttempt.count({
      where: { username, outcome: { not: "SUCCESS" }, at: { gt: lastSuccess?.at ?? new Date(0), lte: now } },
    });
    await record(user.id, "SUCCESS");
    await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: now } });
    const session = await tx.userSession.create({
      data: {
        userId: user.id,
        sessionVersion: user.sessionVersion,
        ip: input.ip,
        userAgent: input.userAgent?.slice(0, 500) ?? null,
        failedSignIns: failedAttempts || null,
      },
    });
    return { ok: true, userId: user.id, sessionId: session.id, failedAttempts };
  });
}

/**
 * What next-auth's credentials provider runs (lib/auth/options.ts): the session for a good sign-in,
 * otherwise an Error whose message, the only thing the browser receives, is SIGN_IN_REFUSED.
 */
export async function authorizeSignIn(input: TSignInInput): Promise<{ id: string; sessionId: string }> {
  const result = await signIn(input);
  if (!result.ok) throw new Error(SIGN_IN_REFUSED);
  return { id: result.userId, sessionId: result.sessionId };
}

/**
 * The number of failed attempts to tell the user about, or null: shown on every page of the session
 * that opened after them until the user dismisses it. Reading it changes nothing, so a prefetch or
 * a second render cannot swallow it before the user has seen it.
 */
export async function findSignInNotice(sessionId: string): Promise<number | null> {
  const row = await prisma.userSession.findUnique({ where: { id: sessionId }, select: { failedSignIns: true } });
  return row?.failedSignIns ?? null;
}

/** "知道了": the user has read the notice of their own session; it is not shown again. */
export async function dismissSignInNotice(actor: TActor): Promise<void> {
  if (!actor.sessionId) return;
  await prisma.userSession.updateMany({ where: { id: actor.sessionId, userId: actor.userId }, data: { failedSignIns: null } });
}

export async function endSession(sessionId: string): Promise<void> {
  await prisma.userSession.updateMany({ where: { id: sessionId, endedAt: null }, data: { endedAt: new Date() } });
}
