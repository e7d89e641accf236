// An honest import workbook of n households (holder + spouse) in the template's layout, written by
// streaming: what bench:excel imports and bench-read-xlsx reads. `sharedStrings` writes text as
// shared strings, as Excel and WPS save it; without it, inline strings as exceljs's streaming
// writer does.
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { HOUSEHOLD_COLUMNS, MEMBER_COLUMNS } from "@/lib/import/household-columns";
import { dateOnlyString } from "@/lib/format/datetime";
import { residentIdCheckCharacter } from "@/lib/people/resident-id";

export async function generatedImportWorkbook(households: number, { sharedStrings = false } = {}): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: sharedStrings, useStyles: false });
  const hs = wb.addWorksheet("户信息");
  const ms = wb.addWorksheet("家庭成员");
  hs.addRow(HOUSEHOLD_COLUMNS.map((c) => c.header)).commit();
  ms.addRow(MEMBER_COLUMNS.map((c) => c.header)).commit();
  const id = (n: number, female: boolean) => {
    const day = dateOnlyString(new Date(Date.UTC(1950, 0, 1) + Math.floor(n / 400) * 86_400_000));
    const body = `620121${day.replaceAll("-", "")}${String(((n % 400) * 2 + (female ? 0 : 1)) % 1000).padStart(3, "0")}`;
    return { id: body + residentIdCheckCharacter(body), birth: day };
  };
  const headerIndex = (key: string) => HOUSEHOLD_COLUMNS.findIndex((c) => c.key === key);
  for (let i = 0; i < households; i += 1) {
    const row: string[] = HOUSEHOLD_COLUMNS.map(() => "");
    const set = (key: string, v: string) => (row[headerIndex(key)] = v);
    set("householdKey", `B${i}`);
    set("fileLevel", "市级");
    set("workerCategory", "城镇困难职工");
    set("housing", "租房");
    set("holderUnionMember", "是");
    set("mainCause", "因病");
    set("income.WAGES", "1800");
    set("proposedTier", "深度困难");
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
