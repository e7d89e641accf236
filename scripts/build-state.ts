import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { PROJECT_DIR } from "@/lib/db/runtime";

const SOURCES = ["app", "components", "lib", "public", "proxy.ts", "next.config.ts", "package-lock.json", "prisma/schema.prisma", "postcss.config.mjs"];

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

export function isBuildCurrent(): boolean {
  const buildId = path.join(PROJECT_DIR, process.env.NEXT_DIST_DIR ?? ".next", "BUILD_ID");
  if (!existsSync(buildId)) return false;
  const builtAt = statSync(buildId).mtimeMs;
  return SOURCES.every((source) => newestMtime(path.join(PROJECT_DIR, source)) <= builtAt);
}

/**
 * `forTests`: the end-to-end harness's build. `npm test` has type-checked the code already
 * (`npm run check`), so the build skips its own tsc (next.config.ts, BANGFU_BUILD_FOR_TESTS).
 */
export async function ensureBuild(options: { forTests?: boolean } = {}): Promise<void> {
  if (isBuildCurrent()) return;
  console.log("正在构建应用（首次启动或代码有更新时需要，约一两分钟）……");
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...(options.forTests ? { BANGFU_BUILD_FOR_TESTS: "1" } : {}) };
  const result = spawnSync("npx", ["next", "build"], { cwd: PROJECT_DIR, stdio: "inherit", env });
  if (result.status !== 0) throw new Error("构建失败，请查看上面的输出。");
}
