// Guards the page CSP's move into scripts/serve.ts (issue 28): every staff page still gets a fresh
// nonce CSP there, the public area stays proxy.ts's whole (it drops the staff cookie), and
// proxy.ts skips exactly the requests serve.ts has already given their CSP.
import { describe, expect, it } from "vitest";
import { PAGE_CSP_APPLIED_HEADER, pageCsp, takesPageCsp } from "@/lib/http/page-csp";
import { config } from "@/proxy";

describe("the page CSP scripts/serve.ts sets", () => {
  it("is given to staff pages and server actions, whatever their query", () => {
    for (const url of ["/", "/archive?q=%E7%8E%8B", "/files/01a25179-7631-7005-943e-6f4ef56199c6", "/publicity", "/login", "/403", "/ledger?cursor=x"]) {
      expect(takesPageCsp(url), url).toBe(true);
    }
  });

  it("is not given to API routes, static files or the public area (proxy.ts keeps those)", () => {
    for (const url of [
      "/api/auth/session",
      "/api/uploads/x",
      "/_next/static/chunks/a.js",
      "/_next/image?url=x",
      "/favicon.ico",
      "/public",
      "/public?x=1",
      "/public/query",
      "/api/public/uploads",
      // Spellings Next.js may route to the public area: proxy.ts must still see them.
      "/%70ublic/query",
      "//public/query",
      "/archive/../public/query",
      "/%2e%2e/public",
      "/%E0%A4%A",
    ]) {
      expect(takesPageCsp(url), url).toBe(false);
    }
  });

  it("carries a fresh nonce each time, scripts only with it, no eval outside next dev", () => {
    const first = pageCsp(false);
    const second = pageCsp(false);
    expect(first).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'; /);
    expect(first).toContain("frame-ancestors 'none'");
    expect(first).not.toContain("unsafe-eval");
    expect(/nonce-([^']+)/.exec(first)![1]).not.toBe(/nonce-([^']+)/.exec(second)![1]);
  });

  it("makes proxy.ts skip a staff page only when serve.ts marked it, and never skip the public area", () => {
    const [publicPages, publicRoot, publicApi, staffPages] = config.matcher;
    expect([publicPages, publicRoot, publicApi]).toEqual(["/public/:path*", "/public", "/api/public/:path*"]);
    expect(typeof staffPages === "object" && staffPages.missing).toContainEqual({ type: "header", key: PAGE_CSP_APPLIED_HEADER });
  });
});
