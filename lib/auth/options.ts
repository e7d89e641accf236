import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getClientIp, getUserAgent } from "@/lib/http/client-ip";
import { authConfig } from "./config";
import { authorizeSignIn, endSession } from "./sign-in";

export function usesHttps(publicUrl: string | undefined): boolean {
  return (publicUrl ?? "").trim().toLowerCase().startsWith("https://");
}

/**
 * next-auth carries only the id of our own user_session row in its JWT cookie; everything that
 * decides whether the session is still good (idle and absolute expiry, sign-out, disabled user,
 * changed roles) is checked against the database by getActor() on every request.
 */
export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: authConfig.absoluteMinutes * 60 },
  // The session cookie is Secure (and __Secure- prefixed) whenever users reach the app over https.
  useSecureCookies: usesHttps(process.env.NEXTAUTH_URL),
  pages: { signIn: "/login", error: "/login" },
  providers: [
    CredentialsProvider({
      name: "credentials",
      credentials: { username: { type: "text" }, password: { type: "password" } },
      async authorize(credentials) {
        const username = credentials?.username ?? "";
        const password = credentials?.password ?? "";
        if (!username.trim() || !password) throw new Error("MISSING");
        // Any refusal is thrown as the same code, which is all the browser receives.
        return authorizeSignIn({ username, password, ip: await getClientIp(), userAgent: await getUserAgent() });
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user && "sessionId" in user) token.sid = user.sessionId as string;
      return token;
    },
    session({ session, token }) {
      return { expires: session.expires, sid: token.sid } as typeof session;
    },
  },
  events: {
    async signOut({ token }) {
      if (typeof token?.sid === "string") await endSession(token.sid);
    },
  },
};
