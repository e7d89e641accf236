import "server-only";
import { decode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { prisma } from "@/lib/db/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { ForbiddenError, UnauthenticatedError } from "@/lib/errors/domain-error";
import { getClientIp } from "@/lib/http/client-ip";
import { type TActor, hasRole } from "./actor";
import { authConfig } from "./config";
import { authOptions } from "./options";

// lastSeenAt is refreshed at most this often, so browsing does not write on every request.
const TOUCH_AFTER_MS = 60_000;

/** Why a session that was presented is no longer valid, or null if it is. */
export function sessionProblem(
  row: { createdAt: Date; lastSeenAt: Date; endedAt: Date | null; sessionVersion: number },
  user: { active: boolean; sessionVersion: number },
  now: Date,
): "ended" | "disabled" | "changed" | "idle" | "expired" | null {
  if (row.endedAt) return "ended";
  if (!user.active) return "disabled";
  if (row.sessionVersion !== user.sessionVersion) return "changed";
  if (now.getTime() - row.lastSeenAt.getTime() > authConfig.idleMinutes * 60_000) return "idle";
  if (now.getTime() - row.createdAt.getTime() > authConfig.absoluteMinutes * 60_000) return "expired";
  return null;
}

/**
 * The session's row with its user and organisation, read once per request: the actor and the
 * layout's sign-in notice (failedSignIns) both come from it — the notice read the row a second time
 * on every page (issue 28, the page's own cost).
 */
const sessionRow = cache((sessionId: string) =>
  prisma.userSession.findUnique({
    where: { id: sessionId },
    include: { user: { include: { organisation: true } } },
  }),
);

/** The failed sign-in attempts to tell the user of on this request (null: none, or dismissed); see SignInNotice. */
export async function signInNoticeOfRequest(sessionId: string): Promise<number | null> {
  return (await sessionRow(sessionId))?.failedSignIns ?? null;
}

/** next-auth's name for its session cookie (lib/auth/options.ts decides whether it is Secure). */
export function sessionCookieName(secure: boolean): string {
  return secure ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}

/**
 * The user_session id carried by the request's next-auth cookie, or null when there is none or it
 * does not decrypt with this secret (forged, another installation's, or past its maxAge: jose
 * checks exp). This is what getServerSession gave us, without the rest of its work on every page:
 * it ran next-auth's whole session route — option checks, a CSRF token, the JWT decrypted, the
 * callbacks, and a fresh JWT encrypted for a cookie a server component cannot set (issue 28, the
 * page's own cost). next-auth splits a cookie over 4 KB into name.0, name.1, …; ours holds only
 * the id, but the parts are joined the way next-auth joins them.
 */
export async function sessionIdFromCookies(
  read: (name: string) => string | undefined,
  names: string[],
  secure: boolean,
  secret: string,
): Promise<string | null> {
  const name = sessionCookieName(secure);
  const token =
    read(name) ??
    (names
      .filter((n) => n.startsWith(`${name}.`))
      .sort((a, b) => Number(a.slice(name.length + 1)) - Number(b.slice(name.length + 1)))
      .map((n) => read(n) ?? "")
      .join("") ||
      undefined);
  if (!token) return null;
  const known = decodedTokens(secret).get(token);
  if (known) return known.exp === null || known.exp > Date.now() / 1000 - CLOCK_TOLERANCE_S ? known.sid : null;
  try {
    const payload = await decode({ token, secret });
    if (typeof payload?.sid !== "string") return null;
    const tokens = decodedTokens(secret);
    if (tokens.size >= DECODED_TOKENS_MAX) tokens.clear();
    tokens.set(token, { sid: payload.sid, exp: typeof payload.exp === "number" ? payload.exp : null });
    return payload.sid;
  } catch {
    return null;
  }
}

/**
 * Cookies already decrypted with this secret: the token's session id and expiry. A browser sends
 * the same cookie on every page, and next-auth's decode derives the key (HKDF) and decrypts the
 * JWE each time — the largest share of crypto in a page's CPU (issue 28). A token is immutable
 * and its text is the whole secret-bound fact, so what it decrypted to once it decrypts to
 * always; only its expiry depends on the hour, and it is checked on every use as jose checks it
 * (exp with next-auth's 15 s tolerance). Whether the session is still good is never cached: the
 * user_session row is read on every request. Keyed by secret (a changed secret starts over), and
 * bounded like the other per-process caches: a full map simply starts over.
 */
const CLOCK_TOLERANCE_S = 15;
const DECODED_TOKENS_MAX = 10_000;
let decoded: { secret: string; tokens: Map<string, { sid: string; exp: number | null }> } | null = null;
function decodedTokens(secret: string) {
  if (decoded?.secret !== secret) decoded = { secret, tokens: new Map() };
  return decoded.tokens;
}

function authSecret(): string {
  const secret = authOptions.secret ?? process.env.NEXTAUTH_SECRET;
  // As next-auth itself refuses to run without one; npm start sets it from the data directory's secrets.
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set (scripts/start.ts sets it from the data directory's secrets)");
  return secret;
}

/** The signed-in user for this request, checked against the database; null if there is none. */
export const getActor = cache(async (): Promise<TActor | null> => {
  const jar = await cookies();
  const sessionId = await sessionIdFromCookies(
    (name) => jar.get(name)?.value,
    jar.getAll().map((c) => c.name),
    authOptions.useSecureCookies === true,
    authSecret(),
  );
  if (!sessionId) return null;
  const row = await sessionRow(sessionId);
  if (!row) return null;
  const now = new Date();
  const problem = sessionProblem(row, row.user, now);
  if (problem) {
    if (!row.endedAt) await prisma.userSession.update({ where: { id: row.id }, data: { endedAt: now } });
    return null;
  }
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_AFTER_MS) {
    await prisma.userSession.update({ where: { id: row.id }, data: { lastSeenAt: now } });
  }
  const { user } = row;
  return {
    userId: user.id,
    sessionId: row.id,
    username: user.username,
    name: user.name,
    roles: user.roles,
    organisation: {
      id: user.organisation.id,
      name: user.organisation.name,
      path: user.organisation.path,
      depth: user.organisation.depth,
    },
    ip: await getClientIp(),
  };
});

/** For pages: the actor, or a redirect to sign-in (no session) or to the 403 page (wrong role). */
export async function requirePageActor(...roles: Role[]): Promise<TActor> {
  const actor = await getActor();
  if (!actor) {
    // Someone who presented a session that is no longer valid is told why they must sign in again.
    const presented = (await cookies()).getAll().some((c) => c.name.endsWith("next-auth.session-token"));
    redirect(presented ? "/login?expired=1" : "/login");
  }
  if (roles.length > 0 && !hasRole(actor, ...roles)) redirect("/403");
  return actor;
}

/** For server actions: the actor, or an error the action turns into a message. */
export async function requireActionActor(...roles: Role[]): Promise<TActor> {
  const actor = await getActor();
  if (!actor) throw new UnauthenticatedError();
  if (roles.length > 0 && !hasRole(actor, ...roles)) throw new ForbiddenError();
  return actor;
}
