// `prisma generate` refuses to run unless PRISMA_SCHEMA_ENGINE_BINARY names an existing
// file; the native schema engine cannot be downloaded on our machines and generate does
// not use it, so any existing file (node itself) satisfies the check.
import { spawnSync } from "node:child_process";

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
const result = spawnSync("npx", ["prisma", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
