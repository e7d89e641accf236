import "server-only";
import { prisma } from "@/lib/db/client";
import type { SignInOutcome } from "@/lib/generated/prisma/enums";
import { authConfig } from "./config";
import { dummyPasswordHash, verifyPassword } from "./password";

export type TSignInResult =
  | { ok: true; userId: string; sessionId: string }
  | { ok: false; outcome: Exclude<SignInOutcome, "SUCCESS">; lockedUntil?: Date };

/**
 * What the browser is told. An unknown user and a wrong password get the same code, so a guesser
 * cannot learn which names exist (sign_in_attempt keeps the difference for the audit trail).
 */
export function signInErrorCode(result: Extract<TSignInResult, { ok: false }>): string {
  if (result.outcome === "UNKNOWN_USER" || result.outcome === "BAD_PASSWORD") return "BAD_CREDENTIALS";
  return result.lockedUntil ? `${result.outcome}:${result.lockedUntil.toISOString()}` : result.outcome;
}

type TSignInInput = { username: string; password: string; ip: string; userAgent: string | null };

/**
 * Checks a password and, on success, opens a session row. Every attempt is recorded in
 * sign_in_attempt, which is also what the per-address limit counts. Attempts on one account are
 * serialised by an advisory lock, so parallel guesses cannot slip past the failure limit.
 */
export async function signIn(input: TSignInInput): Promise<TSignInResult> {
  const username = input.username.trim().toLowerCase();
  const now = new Date();

  return prisma.$transaction(async (tx) => {
    const record = (userId: string | null, outcome: SignInOutcome) =>
      tx.signInAttempt.create({
        data: { username: username.slice(0, 100), userId, ip: input.ip, userAgent: input.userAgent, outcome },
      });

    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${"signin:" + username}))`;

    const ipWindowStart = new Date(now.getTime() - authConfig.ipWindowMinutes * 60_000);
    const ipFailures = await tx.signInAttempt.count({
      where: { ip: input.ip, at: { gt: ipWindowStart }, outcome: { in: ["BAD_PASSWORD", "UNKNOWN_USER"] } },
    });
    const user = await tx.user.findUnique({ where: { username } });
    if (ipFailures >= authConfig.maxIpFailures) {
      await record(user?.id ?? null, "IP_LIMITED");
      return { ok: false, outcome: "IP_LIMITED" };
    }
    if (!user) {
      await verifyPassword(await dummyPasswordHash(), input.password);
      await record(null, "UNKNOWN_USER");
      return { ok: false, outcome: "UNKNOWN_USER" };
    }
    if (user.lockedUntil && user.lockedUntil > now) {
      await record(user.id, "ACCOUNT_LOCKED");
      return { ok: false, outcome: "ACCOUNT_LOCKED", lockedUntil: user.lockedUntil };
    }
    if (!(await verifyPassword(user.passwordHash, input.password))) {
      await record(user.id, "BAD_PASSWORD");
      const countFrom = [user.lastSignInAt, user.lockedUntil].reduce<Date>(
        (latest, d) => (d && d > latest ? d : latest),
        new Date(0),
      );
      const failures = await tx.signInAttempt.count({
        where: { userId: user.id, outcome: "BAD_PASSWORD", at: { gt: countFrom } },
      });
      if (failures >= authConfig.maxAccountFailures) {
        const lockedUntil = new Date(now.getTime() + authConfig.lockMinutes * 60_000);
        await tx.user.update({ where: { id: user.id }, data: { lockedUntil } });
        return { ok: false, outcome: "ACCOUNT_LOCKED", lockedUntil };
      }
      return { ok: false, outcome: "BAD_PASSWORD" };
    }
    // The password is right: a disabled account is told so only now, so the message does not
    // reveal anything to someone who does not know the password.
    if (!user.active) {
      await record(user.id, "ACCOUNT_DISABLED");
      return { ok: false, outcome: "ACCOUNT_DISABLED" };
    }
    await record(user.id, "SUCCESS");
    await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: now } });
    const session = await tx.userSession.create({
      data: {
        userId: user.id,
        sessionVersion: user.sessionVersion,
        ip: input.ip,
        userAgent: input.userAgent?.slice(0, 500) ?? null,
      },
    });
    return { ok: true, userId: user.id, sessionId: session.id };
  });
}

export async function endSession(sessionId: string): Promise<void> {
  await prisma.userSession.updateMany({ where: { id: sessionId, endedAt: null }, data: { endedAt: new Date() } });
}
