import { NextResponse, type NextRequest } from "next/server";
import { pageCsp } from "@/lib/http/page-csp";
import { isPublicPath } from "@/lib/http/public-path";

// A fresh nonce for every page request, in the Content-Security-Policy of the response and of the
// request (Next.js reads it there and puts it on the scripts it renders). Pages are rendered per
// request (app/layout.tsx awaits connection()), so no page is served from a build-time copy
// without a nonce. The other security headers come from next.config.ts, for every response.
// In production scripts/serve.ts gives staff pages their CSP before Next.js sees the request, and
// the matcher below skips them (lib/http/page-csp.ts); this proxy still runs for every /public request.
export function proxy(request: NextRequest) {
  const csp = pageCsp(process.env.NODE_ENV === "development");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", csp);
  // The public pages (issue 24) never see a staff session: the browser sends the staff cookie
  // to every path, so it is dropped here, before any page or server action under /public runs.
  // A staff action posted to a public page then finds nobody signed in and refuses
  // (docs/decisions/024-public-pages.md).
  const isPublic = isPublicPath(request.nextUrl.pathname);
  if (isPublic) requestHeaders.delete("cookie");
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  if (isPublic) response.headers.set("Cache-Control", "no-store");
  return response;
}

export const config = {
  matcher: [
    // Every request under /public, prefetches too: the cookie must go whatever the headers say.
    "/public/:path*",
    "/public",
    // The public pages' upload routes (issue 24 §2): no staff cookie there either.
    "/api/public/:path*",
    {
      source: "/((?!api|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
        // PAGE_CSP_APPLIED_HEADER (a literal: Next.js reads this config without running the module).
        { type: "header", key: "x-bangfu-page-csp" },
      ],
    },
  ],
};
