import { defineConfig } from "prisma/config";

// Only `prisma generate` is used: migrations are plain SQL applied by lib/db/migrate.ts
// (the native schema engine cannot be installed here), so no datasource URL is needed.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
