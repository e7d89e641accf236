// The server the end-to-end tests run against: the built app on a fresh embedded PostgreSQL in
// a temporary folder, migrated and seeded with the demo data. Its URL is written to
// tests/.artifacts/e2e.json for the tests' own database checks. It builds first if the code changed.
import { spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "@/lib/postgres/embedded";
import { ensureJobQueueSchema } from "@/lib/db/job-queue";
import { applyMigrations } from "@/lib/db/migrate";
import { PROJECT_DIR } from "@/lib/db/runtime";
import { seedDemoIfEmpty } from "@/lib/demo/seed-demo";
import { WEB_NODE_FLAGS } from "@/lib/process/web-processes";
import { ensureBuild } from "@/scripts/build-state";
import { skipDiskWaits } from "../../support/throwaway-cluster";
import { E2E_SECRET, E2E_STATE_FILE } from "./state";

const port = Number(process.env.E2E_PORT ?? 3100);
await ensureBuild({ forTests: true });
const dir = await mkdtemp(path.join(tmpdir(), "bangfu-e2e-"));
await chmod(dir, 0o755);
const db = await startEmbeddedPostgres({
  dataDir: path.join(dir, "data"),
  port: Number(process.env.E2E_PG_PORT ?? 54339),
  password: "e2e",
  database: "bangfu",
});
// A throwaway cluster, deleted when the run ends: commits do not wait for the disk.
await skipDiskWaits(db.superuserUrl);
// As `npm start` does: migrations as the owner, the server (and the tests' own checks) as the app role.
await applyMigrations(db.migrationUrl);
await seedDemoIfEmpty(db.url);
// The job worker as its own role, owner of the schema pgboss only, as under `npm start`.
await ensureJobQueueSchema(`${db.superuserUrl}/bangfu`);
await mkdir(path.dirname(E2E_STATE_FILE), { recursive: true });
await writeFile(E2E_STATE_FILE, JSON.stringify({ databaseUrl: db.url }));

// Background exports are written by the worker and downloaded through the server: one folder for both.
const exportDir = path.join(dir, "exports");
// With the web processes' Node.js flags, as npm start runs it (decision 037).
const server = spawn("npx", ["tsx", ...WEB_NODE_FLAGS, "scripts/serve.ts", String(port)], {
  cwd: PROJECT_DIR,
  stdio: "inherit",
  env: {
    ...process.env,
    DATABASE_URL: db.url,
    EXPORT_DIR: exportDir,
    NEXTAUTH_URL: `http://localhost:${port}`,
    NEXTAUTH_SECRET: E2E_SECRET,
    NEXT_TELEMETRY_DISABLED: "1",
    // One web process: two servers (the serial and screens projects') run side by side on CI's
    // two cores; several processes behind one port are tested by processes.spec.ts (decision 033).
    WEB_PROCESSES: "1",
  },
});
// The export worker only: the daily calendar job would add work items and spot checks to the demo
// data other tests count on.
const jobs = spawn("npx", ["tsx", "--conditions=react-server", "scripts/jobs.ts", "--exports-only"], {
  cwd: PROJECT_DIR,
  stdio: "inherit",
  env: { ...process.env, DATABASE_URL: db.jobsUrl, PGBOSS_DATABASE_URL: db.jobsUrl, EXPORT_DIR: exportDir, DATABASE_POOL_SIZE: "4" },
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  for (const child of [jobs, server]) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  }
  await db.stop();
  await rm(dir, { recursive: true, force: true });
  process.exit(0);
}
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
server.on("exit", () => void stop());
