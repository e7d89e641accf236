// `npx tsx scripts/bench-read-xlsx.ts [households] [--shared]`: the time and memory to read an
// honest import workbook of n households (holder + spouse, the template's layout) with the
// project's reader, and the workbook's inflated size — the figures the reader's budgets
// (lib/xlsx/workbook-budgets.ts) must stay well above. --shared writes text as shared strings,
// as Excel and WPS save it; without it, inline strings as exceljs's streaming writer does.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { inflateRawSync } from "node:zlib";
import { readXlsx } from "@/lib/xlsx/read-xlsx";
import { generatedImportWorkbook } from "./generated-workbook";

const households = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 100_000);
const shared = process.argv.includes("--shared");
const MB = 1024 * 1024;

/** Each part's inflated size, read from the central directory's entries. */
function inflatedSizes(zip: Buffer): Array<[string, number]> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(eocd + 16);
  const sizes: Array<[string, number]> = [];
  for (let i = zip.readUInt16LE(eocd + 10); i > 0; i -= 1) {
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + zip.readUInt32LE(at + 20));
    sizes.push([name, zip.readUInt16LE(at + 10) === 8 ? inflateRawSync(data).length : data.length]);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return sizes;
}

// BENCH_XLSX=<path>: read that workbook (written there first if it does not exist yet).
const saved = process.env.BENCH_XLSX;
const bytes = saved && existsSync(saved) ? readFileSync(saved) : await generatedImportWorkbook(households, { sharedStrings: shared });
if (saved && !existsSync(saved)) writeFileSync(saved, bytes);
const sizes = inflatedSizes(bytes);
console.log(
  `${households.toLocaleString()} 户（${shared ? "共享字符串" : "内联字符串"}）：压缩 ${(bytes.length / MB).toFixed(1)} MB，解压 ${(sizes.reduce((s, [, n]) => s + n, 0) / MB).toFixed(1)} MB`,
);
for (const [name, n] of sizes) if (n > MB) console.log(`  ${name} ${(n / MB).toFixed(1)} MB`);
for (let run = 1; run <= 2; run += 1) {
  const start = performance.now();
  const cpu = process.cpuUsage(); // all threads: the parse runs in a worker
  const sheets = await readXlsx(bytes);
  const { user, system } = process.cpuUsage(cpu);
  const rows = sheets.reduce((s, sheet) => s + sheet.rows.length, 0);
  console.log(
    `  第 ${run} 次读取：${rows.toLocaleString()} 行，${((performance.now() - start) / 1000).toFixed(1)} s（CPU ${((user + system) / 1e6).toFixed(1)} s），RSS ${(process.memoryUsage().rss / MB).toFixed(0)} MB`,
  );
}
