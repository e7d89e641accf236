import "server-only";
import ExcelJS from "exceljs";
import { columnLetter } from "@/lib/xlsx/column-letter";
import { addExampleRow, addGuideSheet, addListRule, styleTemplateHeader } from "@/lib/xlsx/template-sheet";
import {
  CODES_SHEET,
  EXAMPLE_PREFIX,
  EXAMPLE_SECOND_MEMBER,
  HOUSEHOLD_COLUMNS,
  HOUSEHOLD_SHEET,
  MEMBER_COLUMNS,
  MEMBER_SHEET,
  type TImportColumn,
} from "./household-columns";

// The downloadable template (户信息 + 家庭成员): Chinese headers, a drop-down list on every coded
// column (from a hidden 代码表 sheet, so long lists are not cut at Excel's 255-character limit),
// ID numbers formatted as text, and a filled example household that the import skips.

// Drop-down lists cover the first 10,000 data rows (TEMPLATE_DATA_ROWS; rows pasted below inherit
// them when copied).

function addSheet(workbook: ExcelJS.Workbook, name: string, columns: TImportColumn[], examples: Array<Record<string, string>>, listRef: Map<string, string>) {
  const sheet = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({
    header: c.required ? `${c.header}*` : c.header,
    key: c.key,
    width: c.width ?? Math.max(10, c.header.length * 2 + 2),
    style: c.kind === "id" || c.kind === "date" ? { numFmt: "@" } : {},
  }));
  styleTemplateHeader(sheet, (n) => !!columns[n]!.required);
  for (const example of examples)
    addExampleRow(
      sheet,
      columns.map((c) => example[c.key] ?? c.example),
    );
  columns.forEach((c, index) => {
    const ref = c.labels ? listRef.get(c.key) : undefined;
    if (!ref) return;
    addListRule(sheet, index, { list: ref, allowBlank: !c.required, errorTitle: "请从下拉列表中选择", error: `「${c.header}」只能填写下拉列表中的选项。` });
  });
  return sheet;
}

export async function buildImportTemplate(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "帮扶 Bangfu";
  // The code lists go first into a hidden sheet; each coded column points at its range.
  const codes = workbook.addWorksheet(CODES_SHEET, { state: "hidden" });
  const listRef = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const headers = new Map<string, string>();
  for (const c of [...HOUSEHOLD_COLUMNS, ...MEMBER_COLUMNS]) {
    if (!c.labels) continue;
    lists.set(c.key, Object.values(c.labels));
    headers.set(c.key, c.header);
  }
  let col = 0;
  for (const [key, values] of lists) {
    const letter = columnLetter(col);
    // The list's heading names the column it serves, as the administrator reads it (not the field's
    // code name) — never the column's own heading, by which the reader finds the data sheets.
    codes.getCell(`${letter}1`).value = `${headers.get(key)!}（可选值）`;
    values.forEach((v, i) => (codes.getCell(`${letter}${i + 2}`).value = v));
    listRef.set(key, `${CODES_SHEET}!$${letter}$2:$${letter}$${values.length + 1}`);
    col += 1;
  }
  addSheet(workbook, HOUSEHOLD_SHEET, HOUSEHOLD_COLUMNS, [{}], listRef);
  addSheet(workbook, MEMBER_SHEET, MEMBER_COLUMNS, [{}, EXAMPLE_SECOND_MEMBER], listRef);
  addGuideSheet(
    workbook,
    "困难职工档案导入模板",
    [
      "1. 每户在「户信息」中填一行，家庭成员在「家庭成员」中每人一行，用相同的「户编号」关联；建档职工本人的关系填「本人」。",
      "2. 带 * 的列必须填写；有下拉列表的列只能从列表中选择。金额以元为单位，最多两位小数。",
      "3. 公民身份号码须为 18 位有效号码，并与出生日期、性别一致；同一人不能出现在两户中，也不能已在其他有效档案中。",
      "4. 建档单位代码留空时，档案建在导入人所在单位；填写时须为导入人管辖范围内的单位代码。",
      `5. 户编号以「${EXAMPLE_PREFIX}」开头的行是示例，导入时自动忽略，可直接删除。`,
      "6. 上传后系统先校验全部行，有任何问题都不会写入；可下载标注了问题的工作簿，改正后重新上传。导入的档案为草稿，由经办人补充证明材料后提交。",
      "7. 按已在档档案迁入（本单位原有的已审定档案）时，上传时选择该方式，并为每户填写「在档困难类别」和「原建档日期」（不晚于今天，格式如 2023-05-12）；「原档案编号」可选，同一工作簿内不能重复。校验通过后须由导入人以外的工作人员批准，批准后全部成为在档档案，档案编号由系统重新编排，原档案编号记入档案。导入为草稿时这三列不必填写。",
    ],
    100,
  );
  workbook.views = [{ x: 0, y: 0, width: 20000, height: 12000, firstSheet: 1, activeTab: 1, visibility: "visible" }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
