// Guards the public area's first wall (issue 24): proxy.ts forwards a request under /public
// without its cookies — so no page or server action there can see a staff session — and keeps
// them everywhere else; the matcher sends every /public request through it, prefetches included.
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { config, proxy } from "@/proxy";

const STAFF_COOKIE = "next-auth.session-token=eyJhbGciOi.staff";

/** The request headers Next.js hands on to the page or action after the proxy ran. */
function forwardedHeaders(path: string, headers: Record<string, string> = {}) {
  const response = proxy(new NextRequest(`http://localhost${path}`, { method: "POST", headers: { cookie: STAFF_COOKIE, ...headers } }));
  const overridden = (response.headers.get("x-middleware-override-headers") ?? "").split(",").filter(Boolean);
  return { overridden, cookie: response.headers.get("x-middleware-request-cookie"), cacheControl: response.headers.get("cache-control") };
}

describe("proxy and the public area", () => {
  it("drops the staff cookie before a public page or action runs, and forbids caching the answer", () => {
    for (const path of ["/public", "/public/query", "/public/query?x=1"]) {
      const { overridden, cookie, cacheControl } = forwardedHeaders(path, { "next-action": "abc123" });
      expect(overridden).not.toContain("cookie");
      expect(cookie).toBeNull();
      expect(cacheControl).toBe("no-store");
    }
  });

  it("keeps the cookie on staff pages, also on paths that merely start with the word", () => {
    for (const path of ["/files/1", "/print/notice?id=1", "/publicity", "/"]) {
      const { overridden, cookie } = forwardedHeaders(path);
      expect(overridden).toContain("cookie");
      expect(cookie).toBe(STAFF_COOKIE);
    }
  });

  it("runs on every /public request, prefetches included", () => {
    expect(config.matcher.slice(0, 2)).toEqual(["/public/:path*", "/public"]);
  });
});
