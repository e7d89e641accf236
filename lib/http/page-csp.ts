// The nonce CSP of a page request, made in one place for both ways a request reaches Next.js:
// scripts/serve.ts (npm start, the e2e server, bench:http) and proxy.ts (`next dev`, and the
// public area, whose cookie only proxy.ts drops). Pure (no server-only): both import it.
import { isPublicPath } from "./public-path";
import { contentSecurityPolicy } from "./security-headers";

/**
 * Set by scripts/serve.ts on a request it gave a nonce CSP; proxy.ts's matcher then leaves the
 * staff page alone (its only work there was that CSP). Running Next.js's proxy at all cost a
 * page 2–3 ms of the web process's CPU on top of a 6–9 ms page (issue 28,
 * docs/benchmarks/2026-12-07-cpu-1.md). serve.ts sets or deletes it on every request, so a client
 * cannot send it to skip the proxy in production; under `next dev` it could only drop its own CSP.
 */
export const PAGE_CSP_APPLIED_HEADER = "x-bangfu-page-csp";

/** Paths proxy.ts's matcher never sends a page CSP for: API routes (documents set their own) and static files. */
const NOT_A_PAGE = /^\/(?:api|_next\/static|_next\/image|favicon\.ico)/;

/**
 * Whether scripts/serve.ts gives a request (its path as the request line has it, query and all) a
 * page CSP: what proxy.ts's last matcher covers, except the public area, left whole to proxy.ts
 * (it must drop the cookie there, and does the CSP with it).
 */
export function takesPageCsp(url: string): boolean {
  if (NOT_A_PAGE.test(url)) return false;
  // The path also as Next.js may route it (dot segments resolved, slashes collapsed, escapes
  // decoded): a path public in either spelling is left to proxy.ts, which drops the staff cookie.
  const raw = url.split(/[?#]/, 1)[0]!;
  let routed: string;
  try {
    routed = decodeURIComponent(new URL(raw.replace(/\/{2,}/g, "/"), "http://localhost").pathname).replace(/\/{2,}/g, "/");
  } catch {
    return false;
  }
  return !isPublicPath(raw) && !isPublicPath(routed);
}

/** A fresh nonce and the CSP that carries it: Next.js reads the nonce from the request's CSP and puts it on the scripts it renders. */
export function pageCsp(dev: boolean): string {
  return contentSecurityPolicy(Buffer.from(crypto.randomUUID()).toString("base64"), dev);
}
