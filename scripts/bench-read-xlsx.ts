// `npx tsx scripts/bench-read-xlsx.ts [households] [--shared]`: the time and memory to read an
// honest import workbook of n households (holder + spouse, the template's layout) with the
// project's reader, and the workbook's inflated size — the figures the reader's budgets
// (lib/xlsx/workbook-budgets.ts) must stay well above. --shared writes text as shared strings,
// as Excel and WPS save it; without it, inline strings as exceljs's streaming writer does.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import { inflateRawSync } from "node:zlib";
import ExcelJS from "exceljs";
import { HOUSEHOLD_COLUMNS, MEMBER_COLUMNS } from "@/lib/import/household-columns";
import { residentIdCheckCharacter } from "@/lib/people/resident-id";
import { readXlsx } from "@/lib/xlsx/read-xlsx";

const households = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 100_000);
const shared = process.argv.includes("--shared");
const MB = 1024 * 1024;

async function generatedWorkbook(): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: shared, useStyles: false });
  const hs = wb.addWorksheet("户信息");
  const ms = wb.addWorksheet("家庭成员");
  hs.addRow(HOUSEHOLD_COLUMNS.map((c) => c.header)).commit();
  ms.addRow(MEMBER_COLUMNS.map((c) => c.header)).commit();
  const id = (n: number, female: boolean) => {
    const day = new Date(Date.UTC(1950, 0, 1) + Math.floor(n / 400) * 86_400_000).toISOString().slice(0, 10);
    const body = `620121${day.replaceAll("-", "")}${String(((n % 400) * 2 + (female ? 0 : 1)) % 1000).padStart(3, "0")}`;
    return { id: body + residentIdCheckCharacter(body), birth: day };
  };
  const headerIndex = (key: string) => HOUSEHOLD_COLUMNS.findIndex((c) => c.key === key);
  for (let i = 0; i < households; i += 1) {
    const row: string[] = HOUSEHOLD_COLUMNS.map(() => "");
    const set = (key: string, v: string) => (row[headerIndex(key)] = v);
    set("householdKey", `B${i}`); set("fileLevel", "市级"); set("workerCategory", "城镇困难职工"); set("housing", "租房");
    set("holderUnionMember", "是"); set("mainCause", "因病"); set("income.WAGES", "1800"); set("proposedTier", "深度困难");
    hs.addRow(row).commit();
    const holder = id(2 * i, false);
    const spouse = id(2 * i + 1, true);
    ms.addRow([`B${i}`, "测试户主", "本人", holder.id, holder.birth, "男", "健康", "", "不在学", "灵活就业", "是"]).commit();
    ms.addRow([`B${i}`, "测试配偶", "配偶", spouse.id, spouse.birth, "女", "慢性病", "", "不在学", "灵活就业", "是"]).commit();
  }
  hs.commit();
  ms.commit();
  await wb.commit();
  return Buffer.concat(chunks);
}

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
const bytes = saved && existsSync(saved) ? readFileSync(saved) : await generatedWorkbook();
if (saved && !existsSync(saved)) writeFileSync(saved, bytes);
const sizes = inflatedSizes(bytes);
console.log(`${households.toLocaleString()} 户（${shared ? "共享字符串" : "内联字符串"}）：压缩 ${(bytes.length / MB).toFixed(1)} MB，解压 ${(sizes.reduce((s, [, n]) => s + n, 0) / MB).toFixed(1)} MB`);
for (const [name, n] of sizes) if (n > MB) console.log(`  ${name} ${(n / MB).toFixed(1)} MB`);
for (let run = 1; run <= 2; run += 1) {
  const start = performance.now();
  const cpu = process.cpuUsage(); // all threads: the parse runs in a worker
  const sheets = await readXlsx(bytes);
  const { user, system } = process.cpuUsage(cpu);
  const rows = sheets.reduce((s, sheet) => s + sheet.rows.length, 0);
  console.log(`  第 ${run} 次读取：${rows.toLocaleString()} 行，${((performance.now() - start) / 1000).toFixed(1)} s（CPU ${((user + system) / 1e6).toFixed(1)} s），RSS ${(process.memoryUsage().rss / MB).toFixed(0)} MB`);
}
