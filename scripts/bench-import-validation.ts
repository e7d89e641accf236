// `npm run bench:import-validation -- 100000`: the memory of an import's validation without a
// database — an n-household workbook (holder + spouse, scripts/generated-workbook.ts) read as the
// import reads it (readWorkbookSheets: the parser in its own process, the rows back in this one) and
// checked by validateHouseholdRows, each passing household serialised to JSON 5,000 at a time as
// the stager sends them (validate-import.ts), then dropped. Prints this process's RSS and heap
// above idle over time, the peak, and the parser process's own peak (it has its own heap cap).
// The check against existing files and the staging INSERTs are the database's part: bench:excel
// --import measures them with it.
//
//   npm run bench:import-validation -- 100000 [--workbook /tmp/import-100000.xlsx]   (the workbook is kept there for the next run)
//     [--parse-seconds 600]   a longer parse budget than the server's 120 s, for a machine at load 20+ (memory is what this measures)
//     [--ballast-mb 190]      hold that much live heap beside the validation, as a busy web process holds its own (~180 MB
//                             at 1M, docs/benchmarks/2026-12-07-http-5.md): with NODE_OPTIONS=--max-old-space-size=<the web
//                             processes' cap> it shows whether the validation fits under the cap (decision 037)
import { execSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { getHeapStatistics } from "node:v8";
import { readWorkbookSheets } from "@/lib/import/read-workbook";
import { validateHouseholdRows } from "@/lib/import/validate-households";
import { WORKBOOK_BUDGETS } from "@/lib/xlsx/workbook-budgets";
import { generatedImportWorkbook } from "./generated-workbook";

const HOUSEHOLDS = Number(process.argv[2] ?? 100_000);
const at = process.argv.indexOf("--workbook");
const WORKBOOK = at === -1 ? `/tmp/bangfu-import-${HOUSEHOLDS}.xlsx` : process.argv[at + 1]!;
const MB = 1024 * 1024;
const parseSecondsAt = process.argv.indexOf("--parse-seconds");
if (parseSecondsAt !== -1) (WORKBOOK_BUDGETS as { seconds: number }).seconds = Number(process.argv[parseSecondsAt + 1]);

function childrenRss(): number {
  try {
    const children = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    return children.reduce((sum, pid) => sum + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024, 0);
  } catch {
    return 0;
  }
}

if (!existsSync(WORKBOOK)) writeFileSync(WORKBOOK, await generatedImportWorkbook(HOUSEHOLDS));
const bytes = readFileSync(WORKBOOK);
console.log(execSync("lscpu | grep 'Model name' || true", { encoding: "utf8" }).trim());
console.log(
  `工作簿 ${HOUSEHOLDS.toLocaleString()} 户（${(bytes.length / MB).toFixed(1)} MB，${WORKBOOK}）；负载 ${loadavg()
    .map((x) => x.toFixed(1))
    .join(" / ")}`,
);

const ballastAt = process.argv.indexOf("--ballast-mb");
const BALLAST_MB = ballastAt === -1 ? 0 : Number(process.argv[ballastAt + 1]);
// 1 KiB arrays of 128 doubles, each its own, kept reachable until the end (padded strings share
// their padding, and V8 counted only half of them).
const ballast = Array.from({ length: BALLAST_MB * 1024 }, (_, i) => new Array<number>(128).fill(i + 0.5));

global.gc?.();
await new Promise((resolve) => setTimeout(resolve, 300));
const idle = process.memoryUsage().rss;
const samples: Array<{ rss: number; heap: number }> = [];
let parserPeak = 0;
const timer = setInterval(() => {
  const { rss, heapUsed } = process.memoryUsage();
  samples.push({ rss, heap: heapUsed });
  parserPeak = Math.max(parserPeak, childrenRss());
}, 50);
const t0 = performance.now();
const sheets = await readWorkbookSheets(bytes);
const t1 = performance.now();
let pending: unknown[] = [];
let staged = 0;
const result = await validateHouseholdRows(sheets, {
  defaultOrganisationId: "00000000-0000-4000-8000-000000000001",
  organisationIdOf: () => undefined,
  onHousehold: (household) => {
    pending.push(household);
    if (pending.length >= 5_000) {
      staged += JSON.stringify(pending).length;
      pending = [];
    }
  },
});
const t2 = performance.now();
clearInterval(timer);
const peak = Math.max(...samples.map((s) => s.rss));
const heapPeak = Math.max(...samples.map((s) => s.heap));
if (!result.ok) throw new Error(result.fatal);
console.log(
  `读取 ${((t1 - t0) / 1000).toFixed(1)} s，校验 ${((t2 - t1) / 1000).toFixed(1)} s：${result.householdCount.toLocaleString()} 户通过，${result.problems.length} 个问题，暂存 JSON ${(staged / MB).toFixed(0)} MB`,
);
console.log(
  `本进程 RSS：空闲 ${(idle / MB).toFixed(0)} MB，峰值高于空闲 ${((peak - idle) / MB).toFixed(0)} MB；堆峰值 ${(heapPeak / MB).toFixed(0)} MB（含压舱 ${ballast.length / 1024} MB，堆上限 ${(getHeapStatistics().heap_size_limit / MB).toFixed(0)} MB）；解析子进程峰值 ${(parserPeak / MB).toFixed(0)} MB`,
);
const step = Math.max(1, Math.ceil(samples.length / 14));
console.log(
  `高于空闲的 RSS / 堆（MB，每 ${((step * 50) / 1000).toFixed(1)} s）：${samples
    .filter((_, i) => i % step === 0)
    .map((s) => `${((s.rss - idle) / MB).toFixed(0)}/${(s.heap / MB).toFixed(0)}`)
    .join(" → ")}`,
);
