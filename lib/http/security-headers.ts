// The security headers every response carries. Pure (no server-only): proxy.ts and next.config.ts
// both read it, and tests/unit/security-headers.test.ts checks it.

/**
 * The Content-Security-Policy of a page, with the nonce proxy.ts made for this request. Scripts
 * run only with the nonce ('strict-dynamic' lets Next's own chunks load theirs); 'unsafe-eval' only
 * under `next dev`, where React needs it for its error overlay. Inline style attributes are allowed
 * (React writes a few, e.g. the organisation tree's indent); they cannot run code.
 */
export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-src 'self'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Headers for every response, pages, API routes and static files alike (next.config.ts). */
export const STATIC_SECURITY_HEADERS: Array<{ key: string; value: string }> = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];
