// Guards issue 22 §2 at the level of one supervised child (lib/process/supervise.ts, what npm start
// runs the web server and the job worker under): a child killed with -9 or crashing is started
// again after the stated pause, each restart is logged with its cause, a crash loop backs off, and
// only stop() ends it. The whole npm start is exercised in tests/e2e/processes.spec.ts.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { restartDelayMs, supervise } from "@/lib/process/supervise";

const idle = () => spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
const crash = () => spawn(process.execPath, ["-e", "process.exit(3)"], { stdio: "ignore" });

function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => (condition() ? resolve() : Date.now() > deadline ? reject(new Error("timed out")) : setTimeout(tick, 20));
    tick();
  });
}

describe("restartDelayMs", () => {
  it("doubles from 1 s to at most 30 s", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => restartDelayMs(n))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
});

describe("supervise", () => {
  it("starts a child killed with -9 again, says why, and stops it on request without restarting", async () => {
    const lines: string[] = [];
    const supervised = supervise({
      name: "网页服务",
      start: idle,
      log: (l) => lines.push(l),
      firstDelayMs: 100,
      requestStop: (c) => c.kill("SIGTERM"),
      forceStop: (c) => c.kill("SIGKILL"),
    });
    await waitFor(() => supervised.current()?.pid !== undefined);
    const first = supervised.current()!.pid!;
    process.kill(first, "SIGKILL");
    await waitFor(() => supervised.current()?.pid !== undefined && supervised.current()!.pid !== first);
    expect(lines).toEqual([
      "网页服务意外退出（被强制结束（SIGKILL，常见原因：内存不足或 kill -9）），0.1 秒后重新启动（连续第 1 次）；数据库和其他进程照常运行。",
    ]);

    const second = supervised.current()!;
    await supervised.stop();
    expect(second.signalCode).toBe("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(supervised.current()).toBeUndefined();
    expect(supervised.restarts()).toBe(1);
  });

  it("backs off a child that keeps crashing: each pause twice the one before, up to the cap", async () => {
    const lines: string[] = [];
    const supervised = supervise({
      name: "定时任务进程",
      start: crash,
      log: (l) => lines.push(l),
      firstDelayMs: 50,
      maxDelayMs: 200,
      requestStop: (c) => c.kill("SIGTERM"),
      forceStop: (c) => c.kill("SIGKILL"),
    });
    await waitFor(() => lines.length >= 5, 20_000);
    await supervised.stop();
    expect(lines.slice(0, 5)).toEqual([
      "定时任务进程意外退出（退出码 3），0.05 秒后重新启动（连续第 1 次）；数据库和其他进程照常运行。",
      "定时任务进程意外退出（退出码 3），0.1 秒后重新启动（连续第 2 次）；数据库和其他进程照常运行。",
      "定时任务进程意外退出（退出码 3），0.2 秒后重新启动（连续第 3 次）；数据库和其他进程照常运行。",
      "定时任务进程意外退出（退出码 3），0.2 秒后重新启动（连续第 4 次）；数据库和其他进程照常运行。",
      "定时任务进程意外退出（退出码 3），0.2 秒后重新启动（连续第 5 次）；数据库和其他进程照常运行。",
    ]);
  });

  it("forgets a streak after a healthy run: the next failure waits the first pause again", async () => {
    const lines: string[] = [];
    let runs = 0;
    // Two quick crashes, then a run longer than `healthyMs`, then a crash. A shell, not Node.js:
    // on a busy machine Node.js alone can take longer to start than `healthyMs`, and a "quick"
    // crash would then count as a healthy run.
    const start = () => spawn("sh", ["-c", ++runs === 3 ? "sleep 1.5; exit 4" : "exit 3"], { stdio: "ignore" });
    const supervised = supervise({
      name: "网页服务",
      start,
      log: (l) => lines.push(l),
      firstDelayMs: 50,
      healthyMs: 1000,
      requestStop: (c) => c.kill("SIGTERM"),
      forceStop: (c) => c.kill("SIGKILL"),
    });
    await waitFor(() => lines.length >= 3, 20_000);
    await supervised.stop();
    expect(lines.slice(0, 3).map((l) => l.replace(/；.*/, ""))).toEqual([
      "网页服务意外退出（退出码 3），0.05 秒后重新启动（连续第 1 次）",
      "网页服务意外退出（退出码 3），0.1 秒后重新启动（连续第 2 次）",
      "网页服务意外退出（退出码 4），0.05 秒后重新启动（连续第 1 次）",
    ]);
  });
});
