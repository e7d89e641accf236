import "server-only";
import { headers } from "next/headers";

/**
 * The client's address as Next.js received it. Behind a reverse proxy, the proxy must set
 * X-Forwarded-For (Next.js sets it itself from the socket when it is absent).
 */
export async function getClientIp(): Promise<string> {
  const h = await headers();
  const forwarded = h.get("x-forwarded-for")?.split(",")[0]?.trim();
  return (forwarded || h.get("x-real-ip") || "unknown").slice(0, 64);
}

export async function getUserAgent(): Promise<string | null> {
  return (await headers()).get("user-agent");
}
