// The civil roster's CSV (民政比对名单) as Excel and WPS save it: quoted fields with commas, quotes
// and line breaks, UTF-8 with a BOM or GBK, and a Chinese message for a quote out of place.
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { parseCsv, readRosterSheets } from "@/lib/civil/read-roster";

const texts = async (csv: string | Buffer) => {
  const [sheet] = await readRosterSheets("csv", Buffer.isBuffer(csv) ? csv : Buffer.from(csv, "utf8"));
  return { header: sheet!.header, rows: sheet!.rows.map((r) => [r.number, ...r.cells.map((c) => c.text)]) };
};

describe("roster CSV", () => {
  it("reads quoted commas, doubled quotes and line breaks as one field each", () => {
    expect(parseCsv('姓名,单位,地址\r\n"王, 某","兰州""一厂""","城关区\r\n张掖路 1 号"\r\n李四,二厂,七里河\r\n')).toEqual([
      ["姓名", "单位", "地址"],
      ["王, 某", '兰州"一厂"', "城关区\r\n张掖路 1 号"],
      ["李四", "二厂", "七里河"],
    ]);
  });

  it("keeps a quote inside an unquoted field as typed, and rows of different lengths", () => {
    expect(parseCsv('姓名,备注\n王静,身高 1"7\n李四\n')).toEqual([["姓名", "备注"], ["王静", '身高 1"7'], ["李四"]]);
  });

  it("strips the BOM and the header's *, skips blank rows and numbers rows as the file does", async () => {
    expect(await texts("\uFEFF公民身份号码*,姓名*\n620121198005120012, 王静 \n,\n620121198005120013,李四\n")).toEqual({
      header: ["公民身份号码", "姓名"],
      rows: [
        [2, "620121198005120012", "王静"],
        [4, "620121198005120013", "李四"],
      ],
    });
  });

  it("reads a GBK file saved by an older Excel", async () => {
    expect(await texts(iconv.encode('公民身份号码,姓名\r\n620121198005120012,"王,静"\r\n', "gbk"))).toEqual({
      header: ["公民身份号码", "姓名"],
      rows: [[2, "620121198005120012", "王,静"]],
    });
  });

  it("keeps text after a closing quote as typed rather than dropping the quotes", () => {
    expect(parseCsv('姓名,单位\n"李四"x,二厂\n')).toEqual([
      ["姓名", "单位"],
      ['"李四"x', "二厂"],
    ]);
  });

  it("refuses a quote left open at the end of the file, naming the row, in Chinese", () => {
    expect(() => parseCsv('姓名,单位\n王静,一厂\n"李四,二厂\n')).toThrow(
      "CSV 文件第 3 行的引号不成对或位置不对，请在 Excel 或 WPS 中打开后另存为 CSV 再上传。",
    );
  });
});
