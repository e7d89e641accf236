/** The public area (issue 24): pages for workers and the public, no staff session (proxy.ts). */
export const PUBLIC_PREFIX = "/public";

export function isPublicPath(pathname: string): boolean {
  return pathname === PUBLIC_PREFIX || pathname.startsWith(`${PUBLIC_PREFIX}/`);
}
