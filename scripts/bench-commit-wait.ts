// What a commit waits for on the test suites' throwaway clusters (docs/benchmarks/2026-12-07-ci-time.md):
// the same single-row transactions on a fresh embedded PostgreSQL with its defaults, then with the
// settings tests/support/throwaway-cluster.ts gives vitest's and the end-to-end servers' clusters.
// Usage: npx tsx scripts/bench-commit-wait.ts [commits]
import { execSync } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "@/lib/postgres/embedded";
import { freePort } from "@/lib/net/free-port";
import { skipDiskWaits } from "@/tests/support/throwaway-cluster";

const commits = Number(process.argv[2] ?? 300);
const model = (() => {
  try {
    return execSync("lscpu | grep 'Model name'", { encoding: "utf8" }).trim().replace(/\s+/g, " ");
  } catch {
    return "lscpu unavailable";
  }
})();
console.log(
  `${model}; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);

const dir = await mkdtemp(path.join(tmpdir(), "bangfu-commit-wait-"));
await chmod(dir, 0o755);
const db = await startEmbeddedPostgres({ dataDir: path.join(dir, "data"), port: await freePort(), password: "bench", database: "bench" });
/** `commits` single-row transactions on a new connection (settings reload per session). */
async function run(label: string) {
  const client = new pg.Client({ connectionString: `${db.superuserUrl}/bench` });
  await client.connect();
  try {
    const started = performance.now();
    for (let i = 0; i < commits; i += 1) await client.query("INSERT INTO t (v) VALUES ($1)", [label]);
    const ms = performance.now() - started;
    console.log(`${label.padEnd(52)} ${commits} 次提交  ${ms.toFixed(0)} ms  每次 ${(ms / commits).toFixed(2)} ms`);
  } finally {
    await client.end();
  }
}

/** Back to PostgreSQL's defaults, so the two are measured alternately in the same minutes. */
async function resetSettings() {
  const admin = new pg.Client({ connectionString: `${db.superuserUrl}/postgres` });
  await admin.connect();
  await admin.query("ALTER SYSTEM RESET ALL");
  await admin.query("SELECT pg_reload_conf()");
  await admin.end();
}

try {
  const setup = new pg.Client({ connectionString: `${db.superuserUrl}/bench` });
  await setup.connect();
  await setup.query("CREATE TABLE t (id serial PRIMARY KEY, v text)");
  await setup.end();
  for (let round = 1; round <= 2; round += 1) {
    await resetSettings();
    await run(`第 ${round} 轮 PostgreSQL 默认（fsync、synchronous_commit 开）`);
    await skipDiskWaits(db.superuserUrl);
    await run(`第 ${round} 轮 throwaway-cluster.ts（关）`);
  }
} finally {
  await db.stop();
  await rm(dir, { recursive: true, force: true });
}
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
