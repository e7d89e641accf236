// The shared .xlsx writer: what a spreadsheet reader finds in the file it writes.
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
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
