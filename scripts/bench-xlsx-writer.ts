// `npm run bench:xlsx-writer -- 100000`: the .xlsx writer alone (lib/xlsx/write-xlsx.ts), without
// a database — n synthetic rows shaped like the archive export (困难职工台账: 16 columns, 11 of
// text, two instants, two calendar dates, a count and an amount) written to a sink that takes
// bytes as fast as they come. Prints the process's CPU time (what the writer costs whatever the
// machine's load), the wall time, the file's size and the resident set size over the run.
//
// Where the CPU goes: run it under the profiler and open the .cpuprofile in Chrome's DevTools:
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx scripts/bench-xlsx-writer.ts 100000
import { execSync } from "node:child_process";
import { loadavg } from "node:os";
import { Writable } from "node:stream";
import { writeXlsx, type TXlsxSheet } from "@/lib/xlsx/write-xlsx";

const ROWS = Number(process.argv[2] ?? 100_000);
const MB = 1024 * 1024;

type TRow = {
  fileNumber: string;
  name: string;
  residentId: string;
  sex: string;
  birthDate: string;
  organisation: string;
  status: string;
  tier: string;
  level: string;
  category: string;
  cause: string;
  size: number;
  perCapitaFen: number;
  openedAt: Date;
  nextCheck: string;
  updatedAt: Date;
};

const NAMES = ["马玉兰", "王静", "李娜", "张伟", "刘洋", "陈芳", "杨帆", "赵敏"];
const ORGS = ["兰州市城关区总工会", "天水市秦州区总工会", "酒泉市肃州区总工会", "甘肃省建设工会"];

async function* rows(): AsyncGenerator<TRow> {
  const start = Date.UTC(2020, 0, 1);
  for (let i = 0; i < ROWS; i += 1) {
    yield {
      fileNumber: `GSLZ${String(2020 + (i % 6))}${String(i).padStart(7, "0")}`,
      name: NAMES[i % NAMES.length]!,
      residentId: `620102${1960 + (i % 40)}0${1 + (i % 9)}1${i % 10}****${String(i % 10000).padStart(4, "0")}`,
      sex: i % 2 ? "男" : "女",
      birthDate: `${1960 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`,
      organisation: ORGS[i % ORGS.length]!,
      status: "在档",
      tier: i % 3 ? "困难" : "深度困难",
      level: "市级",
      category: "企业职工",
      cause: i % 4 ? "本人患重病" : "子女教育",
      size: 1 + (i % 6),
      perCapitaFen: 50_000 + ((i * 7919) % 100_000),
      openedAt: new Date(start + i * 61_000),
      nextCheck: `2027-0${1 + (i % 9)}-2${i % 8}`,
      updatedAt: new Date(start + i * 97_000),
    };
  }
}

const sheet: TXlsxSheet<TRow> = {
  name: "困难职工台账",
  title: "甘肃省总工会 困难职工台账",
  notes: ["筛选条件 全部", "公民身份号码已脱敏　导出时间 2026-12-07 15:00（导出人 基准测试）"],
  columns: [
    { header: "档案编号", kind: "text", value: (r) => r.fileNumber, width: 18 },
    { header: "建档职工", kind: "text", value: (r) => r.name, width: 10 },
    { header: "公民身份号码", kind: "text", value: (r) => r.residentId, width: 21 },
    { header: "性别", kind: "text", value: (r) => r.sex, width: 6 },
    { header: "出生日期", kind: "date", value: (r) => r.birthDate },
    { header: "建档单位", kind: "text", value: (r) => r.organisation, width: 24 },
    { header: "状态", kind: "text", value: (r) => r.status, width: 8 },
    { header: "困难类别", kind: "text", value: (r) => r.tier },
    { header: "档案级别", kind: "text", value: (r) => r.level, width: 9 },
    { header: "职工类别", kind: "text", value: (r) => r.category, width: 13 },
    { header: "主要致困原因", kind: "text", value: (r) => r.cause, width: 12 },
    { header: "家庭人口", kind: "integer", value: (r) => r.size },
    { header: "人均月收入（元）", kind: "yuan", value: (r) => r.perCapitaFen },
    { header: "建档时间", kind: "datetime", value: (r) => r.openedAt },
    { header: "下次核查", kind: "date", value: (r) => r.nextCheck },
    { header: "更新时间", kind: "datetime", value: (r) => r.updatedAt },
  ],
  rows: rows(),
};

let bytes = 0;
const sink = new Writable({
  highWaterMark: 256 * 1024,
  write(chunk: Buffer, _encoding, done) {
    bytes += chunk.length;
    setImmediate(done);
  },
});

const model = execSync("lscpu | grep 'Model name' || true", { encoding: "utf8" }).trim();
console.log(
  `${model}; load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
const idle = process.memoryUsage().rss;
const samples: number[] = [];
const timer = setInterval(() => samples.push(process.memoryUsage().rss), 250);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const [count] = await writeXlsx(sink, [sheet]);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
clearInterval(timer);
const step = Math.max(1, Math.ceil(samples.length / 10));
console.log(`写出 ${count!.toLocaleString()} 行（文件 ${(bytes / MB).toFixed(1)} MB）`);
console.log(`  本进程 CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s（用户态 ${(cpu.user / 1e6).toFixed(1)} s），用时 ${seconds.toFixed(1)} s`);
console.log(
  `  内存（RSS，MB）：空闲 ${(idle / MB).toFixed(0)}；峰值 ${(Math.max(idle, ...samples) / MB).toFixed(0)}；样本 ${samples
    .filter((_, i) => i % step === 0)
    .map((x) => (x / MB).toFixed(0))
    .join(" → ")}`,
);
