import "server-only";
import ExcelJS from "exceljs";
import { addExampleRow, addGuideSheet, addListRule, styleTemplateHeader } from "@/lib/xlsx/template-sheet";
import { ROSTER_COLUMNS, ROSTER_SHEET } from "./roster-columns";

// The downloadable roster template (民政比对名单): the columns the comparison reads, 是/否 drop-down
// lists, ID numbers formatted as text (Excel would otherwise turn them into 6.2E+17) and an
// example row that the comparison skips.

export async function buildRosterTemplate(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "帮扶 Bangfu";
  const sheet = workbook.addWorksheet(ROSTER_SHEET, { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = ROSTER_COLUMNS.map((c) => ({
    header: c.required ? `${c.header}*` : c.header,
    key: c.key,
    width: c.width,
    style: c.kind === "id" ? { numFmt: "@" } : {},
  }));
  styleTemplateHeader(sheet, (n) => ROSTER_COLUMNS[n]!.required);
  addExampleRow(
    sheet,
    ROSTER_COLUMNS.map((c) => c.example),
  );
  ROSTER_COLUMNS.forEach((c, index) => {
    if (c.kind !== "flag") return;
    addListRule(sheet, index, { list: '"是,否"', allowBlank: !c.required, errorTitle: "请选择“是”或“否”", error: `「${c.header}」只能填写“是”或“否”。` });
  });
  addGuideSheet(
    workbook,
    "民政比对名单模板",
    [
      "1. 每人一行，按民政部门提供的数据填写；带 * 的列必须填写。公民身份号码须为 18 位有效号码（该列已设为文本格式）。",
      "2. “是否享受低保”“是否有车辆”“是否有房产”“是否死亡”“是否工会会员”只能填写“是”或“否”；“是否工会会员”留空按“否”处理。",
      "3. 金额以元为单位，最多两位小数：低保金额按月，家庭年收入按全年。家庭人口数为整数。",
      "4. 系统按身份号码与本单位及下级单位在档、渐退期档案的全部家庭成员比对；工会会员享受低保或人均收入低于相对困难线而未建档的，列为疑似漏评。",
      "5. 姓名以「示例」开头的行是示例，比对时自动忽略，可直接删除。也可以把本表另存为 CSV（UTF-8）后上传。",
      "6. 上传后先校验全部行，有任何问题都不会写入；同一份名单只能比对一次。",
    ],
    110,
  );
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
