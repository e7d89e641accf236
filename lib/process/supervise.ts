// Keeps one child process of `npm start` running (scripts/start.ts: the web server, the job
// worker). A child that exits while nobody asked it to — out of memory, a bug, `kill -9` — is
// started again after a pause that doubles with each failure in a row (1 s, 2 s, 4 s … at most
// 30 s) and starts over once a run has lasted a healthy minute, so a crash loop neither spins the
// CPU nor leaves the site down for long. Each restart is logged with its cause. The database and
// the other children are not touched: only Ctrl-C / SIGTERM of `npm start` stops everything.
import type { ChildProcess } from "node:child_process";

export const RESTART_FIRST_DELAY_MS = 1_000;
export const RESTART_MAX_DELAY_MS = 30_000;
/** A run this long counts as healthy: the next failure waits the first delay again. */
export const RESTART_HEALTHY_MS = 60_000;

/** The pause before restart number `failures` of a failing streak (1, 2, 3 …). */
export function restartDelayMs(failures: number, firstMs = RESTART_FIRST_DELAY_MS, maxMs = RESTART_MAX_DELAY_MS): number {
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, failures - 1));
}

/** Why a child ended, in words for the operator. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal === "SIGKILL") return "被强制结束（SIGKILL，常见原因：内存不足或 kill -9）";
  if (signal) return `被信号 ${signal} 终止`;
  return `退出码 ${code ?? "未知"}`;
}

export type TSuperviseOptions = {
  /** What the operator calls it: 网页服务, 定时任务进程. */
  name: string;
  start: () => ChildProcess;
  /** Asks a running child to stop (e.g. SIGTERM to its process group). */
  requestStop: (child: ChildProcess) => void;
  /** Ends whatever an exited child left behind (its process group), before the next one starts. */
  reap?: (child: ChildProcess) => void;
  /** Sent after `stopTimeoutMs` to a child that has not stopped. */
  forceStop: (child: ChildProcess) => void;
  stopTimeoutMs?: number;
  onStart?: (child: ChildProcess) => void;
  log?: (line: string) => void;
  firstDelayMs?: number;
  maxDelayMs?: number;
  healthyMs?: number;
};

export type TSupervised = {
  /** The child running now (undefined while waiting to restart). */
  current(): ChildProcess | undefined;
  restarts(): number;
  /** Stops the child and restarts no more; resolves once it has exited. */
  stop(): Promise<void>;
};

export function supervise(options: TSuperviseOptions): TSupervised {
  const log = options.log ?? console.error;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  let failures = 0;
  let restarts = 0;

  const run = () => {
    timer = undefined;
    const startedAt = Date.now();
    const current = options.start();
    child = current;
    options.onStart?.(current);
    current.on("error", (error) => log(`${options.name}无法启动：${error.message}`));
    exited = new Promise((resolve) => {
      current.once("exit", (code, signal) => {
        child = undefined;
        options.reap?.(current);
        resolve();
        if (stopping) return;
        if (Date.now() - startedAt >= (options.healthyMs ?? RESTART_HEALTHY_MS)) failures = 0;
        failures += 1;
        const delay = restartDelayMs(failures, options.firstDelayMs, options.maxDelayMs);
        restarts += 1;
        log(`${options.name}意外退出（${describeExit(code, signal)}），${delay / 1000} 秒后重新启动（连续第 ${failures} 次）；数据库和其他进程照常运行。`);
        timer = setTimeout(run, delay);
      });
    });
  };
  run();

  return {
    current: () => child,
    restarts: () => restarts,
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      const running = child;
      if (!running) return;
      options.requestStop(running);
      const force = setTimeout(() => options.forceStop(running), options.stopTimeoutMs ?? 45_000);
      await exited;
      clearTimeout(force);
    },
  };
}
