import "server-only";
import { headers } from "next/headers";
import { CLIENT_IP_HEADER } from "./forwarded";

/**
 * The client's address, as the app's own server (scripts/serve.mjs) worked it out from the socket
 * and TRUSTED_PROXY_COUNT. X-Forwarded-For is never read here: a client can send anything in it.
 * Under `next dev` there is no such server; the address is then Next's own (the socket, unless the
 * client sent X-Forwarded-For), which is good enough on a developer's machine.
 */
export async function getClientIp(): Promise<string> {
  const h = await headers();
  const own = h.get(CLIENT_IP_HEADER);
  if (own) return own.slice(0, 64);
  if (process.env.NODE_ENV !== "production") return (h.get("x-forwarded-for")?.split(",")[0]?.trim() || "unknown").slice(0, 64);
  return "unknown";
}

export async function getUserAgent(): Promise<string | null> {
  return (await headers()).get("user-agent");
}
