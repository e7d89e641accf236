// The Next.js server `npm start` runs (npx → next → its workers) is started as a process group of
// its own, recorded in `<data folder>/server.pid` with the pid of the start process. A `kill -9`
// of npm start cannot stop that group, which then keeps serving on the port without a database;
// the next start finds the record, sees its owner gone, and stops the group before starting anew.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { STATE_DIR } from "@/lib/db/paths";

const recordFile = () => path.join(STATE_DIR, "server.pid");

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

export function recordServer(group: number): void {
  writeFileSync(recordFile(), JSON.stringify({ owner: process.pid, group }));
}

export function forgetServer(): void {
  rmSync(recordFile(), { force: true });
}

/** Sends `signal` to the whole server group; a group already gone is not an error. */
export function signalServer(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    /* already gone */
  }
}

export async function stopOrphanedServer(log: (line: string) => void = console.log): Promise<void> {
  if (!existsSync(recordFile())) return;
  const { owner, group } = JSON.parse(readFileSync(recordFile(), "utf8")) as { owner: number; group: number };
  if (owner !== process.pid && processAlive(owner)) return;
  if (groupAlive(group)) {
    log(`发现上次异常退出后遗留的网页服务进程（进程组 ${group}），正在将其关闭……`);
    signalServer(group, "SIGTERM");
    for (let waited = 0; groupAlive(group); waited += 100) {
      if (waited === 10_000) signalServer(group, "SIGKILL");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  forgetServer();
}
