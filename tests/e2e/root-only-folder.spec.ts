// Guards the first start on a fresh server: the project cloned as root into a root-only folder
// (like /root/bangfu, mode 700), where the `postgres` system user PostgreSQL runs as can reach
// neither the binaries in node_modules nor the data folder. `npm start` must still create the
// database, migrate it, serve the sign-in page and say where the database is kept.
// Then `kill -9` of the start process, the way a crash or an impatient operator does it: the web
// server and the job worker stop on their own (issue 22), the database is left running without it,
// and the next `npm start` must shut it down and come up again on the same data.
// Runs only as root (the situation it guards cannot happen otherwise).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readlinkSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { freePort, loginStatus, PROJECT_DIR } from "./support/npm-start";

test.skip(typeof process.getuid !== "function" || process.getuid() !== 0, "only as root");

/** The web servers and job workers running in `project` (by their working folder). */
function childrenIn(project: string): string[] {
  const found = spawnSync("pgrep", ["-f", "scripts/(serve|jobs)\\.ts"], { encoding: "utf8" });
  return found.stdout
    .trim()
    .split("\n")
    .filter(Boolean)
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/cwd`) === project;
      } catch {
        return false;
      }
    });
}

/** The node process running scripts/start.ts in the group (not the tsx wrapper around it). */
function startProcess(group: number): number {
  const found = spawnSync("pgrep", ["-g", String(group), "-f", "loader.mjs.*scripts/start.ts"], { encoding: "utf8" });
  const pids = found.stdout.trim().split("\n").filter(Boolean).map(Number);
  expect(pids).toHaveLength(1);
  return pids[0]!;
}

test("npm start works from a root-only folder, says where the database is, and starts again after kill -9", async ({ request }) => {
  test.setTimeout(300_000);
  const home = await mkdtemp(path.join(tmpdir(), "bangfu-root-only-"));
  await chmod(home, 0o700);
  const project = path.join(home, "bangfu");
  // A clone with the same build: hard links (cheap, same timestamps, so no rebuild), without git and local state.
  // Nor the test output: the shared project's workers write and delete files there meanwhile,
  // and a file gone between cp's listing and its link fails the copy.
  await mkdir(project);
  const entries = readdirSync(PROJECT_DIR).filter((entry) => ![".git", ".bangfu", "test-results", "playwright-report"].includes(entry));
  const copy = spawnSync("cp", ["-al", ...entries.map((entry) => path.join(PROJECT_DIR, entry)), project]);
  expect(copy.status, copy.stderr.toString()).toBe(0);

  const [port, pgPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), EMBEDDED_PG_PORT: String(pgPort), BANGFU_BACKUP_SCHEDULE: "off" };
  for (const name of ["DATABASE_URL", "BANGFU_DATA_DIR", "EVIDENCE_DIR", "BANGFU_BACKUP_DIR", "NEXTAUTH_URL", "NEXTAUTH_SECRET"]) delete env[name];
  const starts: ReturnType<typeof spawn>[] = [];
  const start = () => {
    const child = spawn("npm", ["start"], { cwd: project, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const run = { child, output: "" };
    child.stdout!.on("data", (chunk: Buffer) => (run.output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (run.output += chunk.toString()));
    starts.push(child);
    return run;
  };
  const pgdataLink = path.join(project, ".bangfu", "pgdata");
  try {
    const first = start();
    await expect.poll(() => first.output, { timeout: 240_000, intervals: [1000] }).toContain("帮扶系统已启动");
    expect(first.output).not.toContain("EACCES");
    expect(first.output).toMatch(/内置数据库保存在 \/var\/lib\/bangfu\/clusters\/[0-9a-f]{12}/);
    await expect.poll(() => loginStatus(port), { timeout: 60_000 }).toBe(200);
    let response = await request.get(`http://localhost:${port}/login`);
    expect(await response.text()).toContain("登录");

    process.kill(startProcess(first.child.pid!), "SIGKILL");
    // The web server and the job worker stop on their own when npm start dies (their IPC channel
    // closes); PostgreSQL is left for the next start to shut down cleanly.
    await expect.poll(() => loginStatus(port), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => childrenIn(project), { timeout: 60_000 }).toEqual([]);
    const second = start();
    await expect.poll(() => second.output, { timeout: 240_000, intervals: [1000] }).toContain("帮扶系统已启动");
    expect(second.output).toContain("遗留的数据库进程");
    await expect.poll(() => loginStatus(port), { timeout: 60_000 }).toBe(200);
    response = await request.get(`http://localhost:${port}/login`);
    expect(await response.text()).toContain("登录");
  } finally {
    // Each start's whole process group: npm, the start script, and through it the server and PostgreSQL.
    for (const child of starts.reverse()) {
      if (child.exitCode !== null) continue;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      try {
        process.kill(-child.pid!, "SIGINT");
      } catch {
        continue;
      }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    }
    const cluster = existsSync(pgdataLink) ? readlinkSync(pgdataLink) : null;
    if (cluster?.startsWith("/var/lib/bangfu/clusters/")) await rm(cluster, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  }
});
