// Validation of every roster row before anything is written: ID numbers (GB 11643 check character
// and birth date), yuan amounts to fen, 是/否 flags, household sizes, duplicates inside the roster.
// Problems name the sheet, row and column with a Chinese message, like the household import.
import { parseYuanToFen } from "@/lib/money/money";
import { validateResidentId } from "@/lib/people/resident-id";
import type { TCellText } from "@/lib/import/read-workbook";
import { EXAMPLE_NAME_PREFIX, ROSTER_COLUMNS, ROSTER_SHEET, type TRosterColumnKey } from "./roster-columns";

export type TRosterProblem = { sheet: string; row: number; column: string; message: string };

export type TRosterRow = {
  residentId: string;
  sheetRow: number;
  name: string;
  onDibao: boolean;
  dibaoMonthlyFen: number | null;
  householdIncomeFen: number | null;
  householdSize: number | null;
  hasVehicle: boolean;
  hasProperty: boolean;
  deceased: boolean;
  unionMember: boolean;
  workplace: string | null;
};

export type TRosterSheet = { name?: string; header: string[]; rows: Array<{ number: number; cells: TCellText[] }> };

export type TRosterValidation = { ok: true; rows: TRosterRow[]; problems: TRosterProblem[] } | { ok: false; fatal: string };

/** Problems beyond this many are not listed one by one (the roster is refused either way). */
export const MAX_LISTED_PROBLEMS = 500;
export const MAX_ROSTER_ROWS = 500_000;
const MAX_FEN = 100_000_000_00; // 1 亿元: anything larger is a typo

const FLAGS: Record<string, boolean> = { 是: true, 否: false };

export function validateRosterRows(sheets: TRosterSheet[]): TRosterValidation {
  const required = ROSTER_COLUMNS.filter((c) => c.required).map((c) => c.header);
  // Sheets are told apart by their headers, not their names, which spreadsheet programs change.
  const sheet = sheets.find((s) => required.every((h) => s.header.includes(h)));
  if (!sheet) {
    const best = sheets[0];
    const missing = best ? required.filter((h) => !best.header.includes(h)) : required;
    return { ok: false, fatal: `这不是民政比对名单模板：缺少列「${missing.join("」「")}」。请下载民政比对名单模板，按模板的列填写后再上传。` };
  }
  const sheetName = sheet.name ?? ROSTER_SHEET;
  const at = new Map<TRosterColumnKey, number>(ROSTER_COLUMNS.map((c) => [c.key, sheet.header.indexOf(c.header)]));
  const dataRows = sheet.rows.filter((r) => !(r.cells[at.get("name")!]?.text ?? "").startsWith(EXAMPLE_NAME_PREFIX));
  if (dataRows.length === 0) return { ok: false, fatal: "名单中没有数据行：请在模板第 2 行起每人填写一行。" };
  if (dataRows.length > MAX_ROSTER_ROWS) return { ok: false, fatal: `名单超过 ${MAX_ROSTER_ROWS.toLocaleString("zh-CN")} 行，请按地区分成几个文件分别比对。` };

  const problems: TRosterProblem[] = [];
  const rows: TRosterRow[] = [];
  const seen = new Map<string, number>();
  for (const row of dataRows) {
    const problem = (column: string, message: string) => problems.push({ sheet: sheetName, row: row.number, column, message });
    const cell = (key: TRosterColumnKey): TCellText => {
      const index = at.get(key)!;
      return index < 0 ? { text: "" } : (row.cells[index] ?? { text: "" });
    };
    const header = (key: TRosterColumnKey) => ROSTER_COLUMNS.find((c) => c.key === key)!.header;
    let bad = false;

    const idCell = cell("residentId");
    let residentId = "";
    if (idCell.text === "") {
      problem(header("residentId"), "请填写公民身份号码。");
      bad = true;
    } else if (idCell.numeric && idCell.text.length > 15) {
      problem(header("residentId"), "身份号码被存成了数字，末几位已丢失。请把该列设为文本格式后重新填写。");
      bad = true;
    } else {
      const checked = validateResidentId(idCell.text);
      if (!checked.ok) {
        problem(header("residentId"), checked.message);
        bad = true;
      } else {
        residentId = checked.id;
        const earlier = seen.get(residentId);
        if (earlier !== undefined) {
          problem(header("residentId"), `与第 ${earlier} 行的身份号码重复，同一人只能出现一次。`);
          bad = true;
        } else seen.set(residentId, row.number);
      }
    }

    const name = cell("name").text;
    if (name === "") {
      problem(header("name"), "请填写姓名。");
      bad = true;
    } else if (name.length > 50) {
      problem(header("name"), "姓名不能超过 50 个字。");
      bad = true;
    }

    const flag = (key: TRosterColumnKey): boolean => {
      const text = cell(key).text;
      const column = ROSTER_COLUMNS.find((c) => c.key === key)!;
      if (text === "" && !column.required) return false;
      if (!(text in FLAGS)) {
        problem(column.header, text === "" ? "请填写“是”或“否”。" : `只能填写“是”或“否”，不能填写“${text.slice(0, 20)}”。`);
        bad = true;
        return false;
      }
      return FLAGS[text]!;
    };
    const money = (key: TRosterColumnKey): number | null => {
      const text = cell(key).text;
      if (text === "") return null;
      const parsed = parseYuanToFen(text, { maxFen: MAX_FEN });
      if (!parsed.ok) {
        problem(header(key), parsed.message);
        bad = true;
        return null;
      }
      return parsed.fen;
    };

    const onDibao = flag("onDibao");
    const dibaoMonthlyFen = money("dibaoMonthly");
    if (!onDibao && dibaoMonthlyFen !== null && dibaoMonthlyFen > 0) {
      problem(header("dibaoMonthly"), "未享受低保的人不应填写低保金额，请核对“是否享受低保”。");
      bad = true;
    }
    const householdIncomeFen = money("householdIncome");
    const sizeText = cell("householdSize").text;
    let householdSize: number | null = null;
    if (sizeText !== "") {
      if (!/^\d{1,2}$/.test(sizeText) || Number(sizeText) < 1) {
        problem(header("householdSize"), "家庭人口数须为 1 到 99 的整数。");
        bad = true;
      } else householdSize = Number(sizeText);
    }
    const hasVehicle = flag("hasVehicle");
    const hasProperty = flag("hasProperty");
    const deceased = flag("deceased");
    const unionMember = flag("unionMember");
    const workplace = cell("workplace").text.slice(0, 200) || null;
    if (!bad) {
      rows.push({
        residentId,
        sheetRow: row.number,
        name,
        onDibao,
        dibaoMonthlyFen,
        householdIncomeFen,
        householdSize,
        hasVehicle,
        hasProperty,
        deceased,
        unionMember,
        workplace,
      });
    }
  }
  return { ok: true, rows, problems };
}
