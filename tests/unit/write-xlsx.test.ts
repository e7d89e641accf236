// The shared .xlsx writer: what a spreadsheet reader finds in the file it writes.
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { writeXlsx, xlsxResponse, type TXlsxSheet } from "@/lib/xlsx/write-xlsx";
import { columnLetter } from "@/lib/xlsx/column-letter";

type TRow = { name: string; idNumber: string; amountFen: number; paidOn: string; at: Date; count: number };

async function roundTrip(sheets: TXlsxSheet<TRow>[]) {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on("data", (chunk: Buffer) => chunks.push(chunk));
  const counts = await writeXlsx(output, sheets);
  await new Promise((resolve) => output.end(resolve));
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
  return { counts, workbook };
}

const columns: TXlsxSheet<TRow>["columns"] = [
  { header: "姓名", kind: "text", value: (r) => r.name },
  { header: "身份证号", kind: "text", value: (r) => r.idNumber },
  { header: "金额（元）", kind: "yuan", value: (r) => r.amountFen },
  { header: "发放日期", kind: "date", value: (r) => r.paidOn },
  { header: "记录时间", kind: "datetime", value: (r) => r.at },
  { header: "人数", kind: "integer", value: (r) => r.count },
];

describe("writeXlsx", () => {
  it("writes a title, notes, a frozen header and typed cells", async () => {
    const rows: TRow[] = [
      { name: "王静", idNumber: "620102198001011234", amountFen: 630000, paidOn: "2026-11-30", at: new Date("2026-11-30T16:30:00Z"), count: 3 },
      { name: "李娜", idNumber: "62010219800101123X", amountFen: 5, paidOn: "2026-01-01", at: new Date("2026-01-01T00:00:00Z"), count: 1 },
    ];
    const { counts, workbook } = await roundTrip([
      { name: "台账", title: "兰州市总工会 救助资金台账", notes: ["期间：2026-11", "导出时间：2026-12-01 08:00"], columns, rows },
    ]);
    expect(counts).toEqual([2]);
    const sheet = workbook.getWorksheet("台账")!;
    expect(sheet.getCell("A1").value).toBe("兰州市总工会 救助资金台账");
    expect(sheet.getCell("A3").value).toBe("导出时间：2026-12-01 08:00");
    expect(sheet.getRow(4).values).toEqual([undefined, "姓名", "身份证号", "金额（元）", "发放日期", "记录时间", "人数"]);
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 4 });

    const first = sheet.getRow(5);
    expect(first.getCell(2).value).toBe("620102198001011234");
    expect(first.getCell(3).value).toBe(6300);
    expect(first.getCell(3).numFmt).toBe("#,##0.00");
    expect(first.getCell(4).value).toEqual(new Date("2026-11-30T00:00:00Z"));
    expect(first.getCell(4).numFmt).toBe("yyyy-mm-dd");
    // 16:30 UTC is 00:30 the next day in Shanghai: the cell shows the Shanghai wall clock.
    expect(first.getCell(5).value).toEqual(new Date("2026-12-01T00:30:00Z"));
    expect(first.getCell(6).value).toBe(3);
    expect(sheet.getRow(6).getCell(2).value).toBe("62010219800101123X");
    expect(sheet.getRow(6).getCell(3).value).toBe(0.05);
  });

  it("streams rows from an async source into several sheets", async () => {
    async function* many() {
      for (let i = 0; i < 2500; i += 1) {
        yield { name: `职工${i}`, idNumber: "1", amountFen: i, paidOn: "2026-01-01", at: new Date(0), count: i };
      }
    }
    const { counts, workbook } = await roundTrip([
      { name: "甲", title: "甲", columns, rows: many() },
      { name: "乙/丙", title: "乙", columns, rows: [] },
    ]);
    expect(counts).toEqual([2500, 0]);
    expect(workbook.getWorksheet("甲")!.getRow(2502).getCell(1).value).toBe("职工2499");
    expect(workbook.getWorksheet("乙 丙")!.getCell("A2").value).toBe("姓名");
    expect(workbook.getWorksheet("乙 丙")!.getCell("A3").value).toBe(null);
  });

  it("writes an empty cell as empty and keeps each column's format on the cells that have a value", async () => {
    const rows: TRow[] = [{ name: "", idNumber: "620102198001011234", amountFen: 100, paidOn: "2026-11-30", at: new Date(0), count: 1 }];
    const { workbook } = await roundTrip([{ name: "台账", title: "t", columns, rows }]);
    const row = workbook.getWorksheet("台账")!.getRow(3);
    expect(row.getCell(1).value).toBe(null);
    expect(row.getCell(2).numFmt).toBe("@");
    expect(row.getCell(3).numFmt).toBe("#,##0.00");
    expect(row.getCell(6).numFmt).toBe("#,##0");
  });

  it("keeps what a reader sees of the layout: widths, the header's style, the title's font, every cell of a row", async () => {
    const rows: TRow[] = [
      { name: "马玉兰", idNumber: "620102197504081222", amountFen: 51234, paidOn: "2026-02-28", at: new Date("2026-02-28T15:59:59Z"), count: 4 },
    ];
    const { workbook } = await roundTrip([{ name: "台账", title: "甘肃省总工会 困难职工台账", notes: ["筛选条件 全部"], columns, rows }]);
    const sheet = workbook.getWorksheet("台账")!;
    // Widths: a column's own, or the kind's default, or wide enough for a long header.
    expect([1, 2, 3, 4, 5, 6].map((i) => sheet.getColumn(i).width)).toEqual([16, 16, 14, 12, 17, 10]);
    expect(sheet.getCell("A1").font).toMatchObject({ bold: true, size: 14 });
    expect(sheet.getCell("A2").font).toMatchObject({ color: { argb: "FF555555" } });
    const header = sheet.getCell("C3");
    expect(header.font).toMatchObject({ bold: true });
    expect(header.fill).toMatchObject({ type: "pattern", pattern: "solid", fgColor: { argb: "FFE8EEF7" } });
    expect(header.border).toMatchObject({ bottom: { style: "thin" } });
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 3 });
    const row = sheet.getRow(4);
    expect(row.values).toEqual([
      undefined,
      "马玉兰",
      "620102197504081222",
      512.34,
      new Date("2026-02-28T00:00:00Z"),
      // 15:59:59 UTC is 23:59 in Shanghai, to the minute.
      new Date("2026-02-28T23:59:00Z"),
      4,
    ]);
    expect([1, 2, 3, 4, 5, 6].map((i) => row.getCell(i).numFmt)).toEqual(["@", "@", "#,##0.00", "yyyy-mm-dd", "yyyy-mm-dd hh:mm", "#,##0"]);
    expect(sheet.rowCount).toBe(4);
  });

  it("writes text as it was given: XML's own characters, spaces at the ends, no control characters", async () => {
    const rows: TRow[] = [{ name: " <王&静> ", idNumber: "a\u0007b\tc", amountFen: 0, paidOn: "2026-01-01", at: new Date(0), count: 0 }];
    const { workbook } = await roundTrip([{ name: "名单", title: "A & B <C>", columns, rows }]);
    const sheet = workbook.getWorksheet("名单")!;
    expect(sheet.getCell("A1").value).toBe("A & B <C>");
    expect(sheet.getCell("A3").value).toBe(" <王&静> ");
    expect(sheet.getCell("B3").value).toBe("ab\tc");
    // Zero is a value, not an empty cell.
    expect(sheet.getCell("C3").value).toBe(0);
    expect(sheet.getCell("F3").value).toBe(0);
  });

  it("gives two sheets of the same name distinct tabs (Excel refuses a workbook that repeats one)", async () => {
    const { workbook } = await roundTrip([
      { name: "汇总", title: "一", columns, rows: [] },
      { name: "汇总", title: "二", columns, rows: [] },
    ]);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(["汇总", "汇总（2）"]);
    expect(workbook.getWorksheet("汇总（2）")!.getCell("A1").value).toBe("二");
  });

  it("writes a zip whose every entry's checksum holds", async () => {
    async function* many() {
      for (let i = 0; i < 20_000; i += 1)
        yield { name: `职工${i}`, idNumber: String(i), amountFen: i, paidOn: "2026-01-01", at: new Date(i * 60_000), count: i };
    }
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on("data", (chunk: Buffer) => chunks.push(chunk));
    await writeXlsx(output, [{ name: "甲", title: "甲", columns, rows: many() }]);
    const zip = await JSZip.loadAsync(Buffer.concat(chunks), { checkCRC32: true });
    const names = Object.keys(zip.files).sort();
    expect(names).toEqual([
      "[Content_Types].xml",
      "_rels/.rels",
      "docProps/app.xml",
      "docProps/core.xml",
      "xl/_rels/workbook.xml.rels",
      "xl/styles.xml",
      "xl/workbook.xml",
      "xl/worksheets/sheet1.xml",
    ]);
    const sheetXml = await zip.file("xl/worksheets/sheet1.xml")!.async("string");
    expect(sheetXml).toContain('<row r="20002">');
    expect(sheetXml.endsWith("</worksheet>")).toBe(true);
  });

  it("reads from its source only as the client takes the download, and stops it when the client leaves", async () => {
    const state = { produced: 0, closed: false };
    async function* endless() {
      try {
        for (;;) {
          state.produced += 1;
          yield { name: `职工${state.produced}`, idNumber: "620102198001011234", amountFen: state.produced, paidOn: "2026-01-01", at: new Date(0), count: 1 };
        }
      } finally {
        state.closed = true;
      }
    }
    const reader = xlsxResponse("x.xlsx", [{ name: "甲", title: "甲", columns, rows: endless() }]).body!.getReader();
    await reader.read();
    // Nobody reads: once the buffers between writer and client are full (a few hundred KB of
    // zipped XML), the writer waits for the client instead of pulling the endless source into memory.
    let waiting = -1;
    for (let i = 0; i < 100 && state.produced !== waiting; i += 1) {
      waiting = state.produced;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(state.produced).toBe(waiting);
    // What the buffers hold (here ~85,000 of these highly compressible rows, a few MB), not the source.
    expect(waiting).toBeLessThan(300_000);
    await reader.cancel();
    for (let i = 0; i < 50 && !state.closed; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(state.closed).toBe(true);
  });
});

describe("columnLetter (the templates' drop-down ranges)", () => {
  it("names columns as Excel does", () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(columnLetter)).toEqual(["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
  });
});
