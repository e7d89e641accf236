/** The public area (issue 24): pages for workers and the public, no staff session (proxy.ts). */
export const PUBLIC_PREFIX = "/public";

/** The public pages' upload routes (网上申请): read by the app's server within their own budgets, like every /api route. */
export const PUBLIC_API_PREFIX = "/api/public";

export function isPublicPath(pathname: string): boolean {
  return pathname === PUBLIC_PREFIX || pathname.startsWith(`${PUBLIC_PREFIX}/`) || pathname.startsWith(`${PUBLIC_API_PREFIX}/`);
}
