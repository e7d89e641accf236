// `npm run bench:profile -- <file.cpuprofile> [--from <s>] [--to <s>] [--top <n>]`: where a web
// process's CPU went, from the profile `npm run bench:http -- --cpu-prof <dir>` leaves (issue 28).
// A loaded server's profile is too big to read in DevTools by eye: this sums the busy samples'
// self time by area (React's rendering in Next.js's page runtime, Prisma, pg, the garbage
// collector, Node.js's streams and async hooks, our own modules), by package and by function,
// between two moments (seconds from the profile's start; the busy milliseconds of each second
// are printed first, so the start-up can be left out).
//
// V8 samples wall-clock time of the main thread: on a loaded machine a system call that wakes
// another process (a socket write to PostgreSQL) collects the time the process then waits for a
// core. Read the areas as shares of the busy time, and the server's CPU per page from bench:http.
import { readFileSync } from "node:fs";

type TNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] };
type TProfile = { nodes: TNode[]; samples: number[]; timeDeltas: number[] };

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}
const file = process.argv[2];
if (!file || file.startsWith("--")) {
  console.error("用法：npm run bench:profile -- <文件.cpuprofile> [--from 秒] [--to 秒] [--top 条数]");
  process.exit(1);
}
const FROM = Number(arg("--from") ?? 0);
const TO = Number(arg("--to") ?? Infinity);
const TOP = Number(arg("--top") ?? 30);

const profile = JSON.parse(readFileSync(file, "utf8")) as TProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

/** The package a frame's script belongs to, or what it is (Node.js's own, our bundled modules, V8). */
function packageOf(url: string): string {
  if (!url) return "(V8: GC, native, program)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith("node:")) return url;
  if (url.includes("/.next/server/chunks/ssr/") && /\/(lib|components|app)_/.test(url)) return "(our modules, bundled)";
  if (url.includes("/.next/")) return "(Next.js chunks)";
  return url.replace(/^file:\/\/\/.*?\/(scripts|lib)\//, "$1/");
}

/** The area a frame's self time counts to. */
function areaOf(frame: TNode["callFrame"]): string {
  const { url, functionName } = frame;
  if (functionName === "(garbage collector)") return "垃圾回收（GC）";
  if (/next-server\/app-page.*runtime/.test(url)) return "React 渲染（Next.js 页面运行时：RSC 与 HTML）";
  if (url.includes("node_modules/next/")) return "Next.js 服务（路由、请求、响应）";
  if (/@prisma\//.test(url) || url.startsWith("wasm://")) return "Prisma（客户端、查询解释、适配器）";
  if (/node_modules\/pg(-protocol|-pool|-types)?\//.test(url)) return "pg 驱动";
  if (/^node:(internal\/)?(async_hooks|process\/task_queues)/.test(url) || functionName === "runMicrotasks") return "Node.js 异步钩子与微任务";
  if (/^node:(internal\/)?(streams|webstreams|_http|net|stream|events|buffer|encoding)|^node:internal\/stream_base/.test(url))
    return "Node.js 流、HTTP 与缓冲区";
  if (!url && /^(writev|writeUtf8String|writeLatin1String|writeBuffer)$/.test(functionName)) return "套接字写（系统调用）";
  if (url.includes("/.next/")) return "我们的模块与 Next.js 打包代码";
  if (!url) return "其他原生（V8）";
  return "其他";
}

const self = new Map<number, number>();
const perSecond = new Map<number, number>();
let clock = 0;
let busy = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  clock += dt;
  const second = Math.floor(clock / 1e6);
  if (byId.get(id)!.callFrame.functionName === "(idle)") return;
  perSecond.set(second, (perSecond.get(second) ?? 0) + dt);
  if (clock / 1e6 < FROM || clock / 1e6 > TO) return;
  self.set(id, (self.get(id) ?? 0) + dt);
  busy += dt;
});

const sums = { area: new Map<string, number>(), pkg: new Map<string, number>(), fn: new Map<string, number>() };
const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
for (const [id, us] of self) {
  const frame = byId.get(id)!.callFrame;
  add(sums.area, areaOf(frame), us);
  add(sums.pkg, packageOf(frame.url), us);
  add(sums.fn, `${frame.functionName || "(匿名)"}  ${packageOf(frame.url)}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`, us);
}
const print = (title: string, map: Map<string, number>, top: number) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${key}`);
};

console.log(
  `每秒忙碌 ms（去掉空闲）：${[...perSecond]
    .sort((a, b) => a[0] - b[0])
    .map(([s, us]) => `${s}:${(us / 1000).toFixed(0)}`)
    .join(" ")}`,
);
console.log(`第 ${FROM}–${Number.isFinite(TO) ? TO : "末"} 秒忙碌合计 ${(busy / 1000).toFixed(0)} ms（自身时间，按采样）`);
print("按方面：", sums.area, 20);
print("按包：", sums.pkg, 20);
print(`按函数（前 ${TOP}）：`, sums.fn, TOP);
