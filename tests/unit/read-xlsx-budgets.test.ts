// Guards issue 22 §1, "workbooks cannot exhaust the server": crafted workbooks — the issue's own
// (30 sheets on one part of 100 MiB of spaces, 104 KB zipped), a part referenced by many sheets,
// 10,000 sheets, a giant shared-strings table, deep nesting, entity expansion, an element that
// never closes, ZIP64 — are each refused with a Chinese message naming the limit, within seconds,
// while this process's resident memory (the server's, which holds the bytes and the rows sent back)
// grows by less than RSS_BUDGET; the parse itself runs in a child process. A parse that outgrows
// the child's heap cap ends with an error while this process carries on (in CI, a worker thread at
// its resourceLimits once aborted the whole test process: nodejs/node#47224). CSV rosters have
// their own budgets.
import { describe, expect, it } from "vitest";
import { readRosterSheets } from "@/lib/civil/read-roster";
import { readXlsx, UnreadableWorkbookError, WorkbookBudgetError } from "@/lib/xlsx/read-xlsx";
import { WORKBOOK_BUDGETS } from "@/lib/xlsx/workbook-budgets";
import { deflatedPart, sheetPart, textPart, workbookParts, zipOf } from "../support/zip-parts";

const MB = 1024 * 1024;
/** The most this process's resident memory may grow while a crafted workbook is refused. */
const RSS_BUDGET = 150 * MB;
/** Refused within this, on the shared 2-core test machine (load average near 20 while measured). */
const SECONDS = 20;

/** Runs `read`, sampling RSS every 10 ms; its outcome, the seconds taken and the peak RSS growth. */
async function measured(read: () => Promise<unknown>): Promise<{ error: unknown; seconds: number; growth: number }> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const start = performance.now();
  let error: unknown;
  try {
    await read();
  } catch (e) {
    error = e;
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  const outcome = { error, seconds: (performance.now() - start) / 1000, growth: peak - before };
  console.log(`  ${outcome.seconds.toFixed(2)} s, RSS +${(outcome.growth / MB).toFixed(0)} MB: ${error instanceof Error ? error.message : "read"}`);
  return outcome;
}

async function expectRefused(bytes: Buffer, message: string, rssBudget = RSS_BUDGET) {
  const { error, seconds, growth } = await measured(() => readXlsx(bytes));
  expect(error).toBeInstanceOf(WorkbookBudgetError);
  expect((error as Error).message).toBe(message);
  expect(seconds).toBeLessThan(SECONDS);
  expect(growth).toBeLessThan(rssBudget);
}

const header = '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>公民身份号码</t></is></c></row>';
const row = (n: number) =>
  `<row r="${n}"><c r="A${n}" t="inlineStr"><is><t>王${n}</t></is></c><c r="B${n}" t="inlineStr"><is><t>62012119800512${String(n).padStart(4, "0")}</t></is></c></row>`;

describe("readXlsx budgets", () => {
  it("refuses the issue's workbook: 30 sheets on one part of 100 MiB of spaces, 104 KB zipped", async () => {
    const sheets = Array.from({ length: 30 }, (_, i) => ({ name: `表${i + 1}`, target: "worksheets/sheet1.xml" }));
    const spaces = Buffer.alloc(MB, " ");
    const bytes = zipOf([
      ...(await workbookParts(sheets)),
      await sheetPart("xl/worksheets/sheet1.xml", (push) => {
        push(header);
        for (let i = 0; i < 100; i += 1) push(spaces);
      }),
    ]);
    expect(bytes.length).toBeLessThan(200 * 1024);

    await expectRefused(bytes, "工作簿中有部件的解压比超过 200 倍的上限，这不是 Excel 或 WPS 正常保存的文件。");
  });

  it("reads a part at most once: many sheets pointing at one worksheet are refused at the second", async () => {
    const sheets = Array.from({ length: 30 }, (_, i) => ({ name: `表${i + 1}`, target: "worksheets/sheet1.xml" }));
    const bytes = zipOf([
      ...(await workbookParts(sheets)),
      await sheetPart("xl/worksheets/sheet1.xml", (push) => {
        push(header);
        for (let n = 2; n < 5_000; n += 1) push(row(n));
      }),
    ]);

    await expectRefused(bytes, "工作簿中有多个工作表指向同一份数据（每个部件只读取一次），这不是 Excel 或 WPS 正常保存的文件。");
  });

  it("refuses 10,000 sheets", async () => {
    const sheets = Array.from({ length: 10_000 }, (_, i) => ({ name: `表${i + 1}`, target: `worksheets/sheet${i + 1}.xml` }));
    const bytes = zipOf([...(await workbookParts(sheets)), await sheetPart("xl/worksheets/sheet1.xml", (push) => push(header))]);

    await expectRefused(bytes, "工作簿超过 100 个工作表的上限，请只保留需要上传的工作表。");
  });

  it("refuses a giant shared-strings table", async () => {
    const bytes = zipOf([
      ...(await workbookParts([{ name: "名单", target: "worksheets/sheet1.xml" }], { sharedStrings: true })),
      await deflatedPart("xl/sharedStrings.xml", (push) => {
        push('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">');
        for (let n = 0; n < 1_500_000; n += 1000) push(Array.from({ length: 1000 }, (_, i) => `<si><t>${(n + i) * 7919}</t></si>`).join(""));
        push("</sst>");
      }),
      await sheetPart("xl/worksheets/sheet1.xml", (push) => push(header)),
    ]);

    // The one bomb that costs more than RSS_BUDGET: the million strings held until the refusal,
    // with the 33 MB part as bytes and as text (measured +250 to +270 MB).
    await expectRefused(bytes, "工作簿的共享字符串超过 1,000,000 个的上限，请分成几个工作簿分别上传。", 320 * MB);
  });

  it("refuses deeply nested XML in a cell without walking it", async () => {
    const bytes = zipOf([
      ...(await workbookParts([{ name: "名单", target: "worksheets/sheet1.xml" }])),
      await sheetPart("xl/worksheets/sheet1.xml", (push) => {
        push(header);
        // Tags named apart, so that the part does not deflate past the ratio budget first.
        push('<row r="2"><c r="A2" t="inlineStr"><is><t>');
        for (let i = 0; i < 200_000; i += 1000) push(Array.from({ length: 1000 }, (_, k) => `<n${(i + k) * 7919}>`).join(""));
        push("王");
        for (let i = 200_000 - 1000; i >= 0; i -= 1000) push(Array.from({ length: 1000 }, (_, k) => `</n${(i + 999 - k) * 7919}>`).join(""));
        push("</t></is></c></row>");
      }),
    ]);

    await expectRefused(bytes, "工作簿中有单元格的 XML 超过 1 MB 的上限（可能嵌套过深或内容异常），这不是 Excel 或 WPS 正常保存的文件。");
  });

  it("refuses entity expansion (a DTD), and never expands an entity it does not know", async () => {
    const laughs = ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">`)].join("");
    const bytes = zipOf([
      ...(await workbookParts([{ name: "名单", target: "worksheets/sheet1.xml" }], { sharedStrings: true })),
      await textPart("xl/sharedStrings.xml", `<?xml version="1.0"?><!DOCTYPE sst [${laughs}]><sst><si><t>&lol9;</t></si></sst>`),
      await sheetPart("xl/worksheets/sheet1.xml", (push) => push('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')),
    ]);

    await expectRefused(bytes, "工作簿中含有 DTD（实体声明），这不是 Excel 或 WPS 正常保存的文件，已拒绝读取。");
  });

  it("refuses the rows, columns and cell text beyond their budgets, naming the row", async () => {
    const wide = zipOf([
      ...(await workbookParts([{ name: "名单", target: "worksheets/sheet1.xml" }])),
      await sheetPart("xl/worksheets/sheet1.xml", (push) => {
        push(header);
        push('<row r="7"><c r="ALN7" t="inlineStr"><is><t>第 1002 列</t></is></c></row>');
      }),
    ]);
    await expectRefused(wide, "第 7 行超过 1,000 列的上限，请删去多余的列后再上传。");

    const long = zipOf([
      ...(await workbookParts([{ name: "名单", target: "worksheets/sheet1.xml" }])),
      await sheetPart("xl/worksheets/sheet1.xml", (push) => {
        push(header);
        push(`<row r="2"><c r="A2" t="inlineStr"><is><t>${"字".repeat(32_768)}</t></is></c></row>`);
      }),
    ]);
    await expectRefused(long, "第 2 行有单元格超过 32,767 个字符的上限。");

    // The row budget is 1,000,000; here 10,000 (a million rows would only slow the test down).
    const many = zipOf([
      ...(await workbookParts([{ name: "名单", target: "worksheets/sheet1.xml" }])),
      await sheetPart("xl/worksheets/sheet1.xml", (push) => {
        for (let n = 1; n <= 10_001; n += 1) push(row(n));
      }),
    ]);
    const { error } = await measured(() => readXlsx(many, { ...WORKBOOK_BUDGETS, rows: 10_000 }));
    expect((error as Error).message).toBe("工作簿超过 10,000 行的上限，请分成几个工作簿分别上传。");
  });

  it("ends the read at an element that never closes instead of searching for it from every later position", async () => {
    const bytes = zipOf([
      ...(await workbookParts([{ name: "名单", target: "worksheets/sheet1.xml" }])),
      await sheetPart("xl/worksheets/sheet1.xml", (push) => {
        push(header);
        for (let i = 0; i < 1_000_000; i += 1000) push(Array.from({ length: 1000 }, (_, k) => `<row r="${(i + k) * 7919}">`).join(""));
      }),
    ]);

    const { error, seconds, growth } = await measured(() => readXlsx(bytes));
    expect(error).toBeInstanceOf(UnreadableWorkbookError);
    expect(seconds).toBeLessThan(SECONDS);
    expect(growth).toBeLessThan(RSS_BUDGET);
  });

  it("refuses ZIP64 and other compression methods", async () => {
    const parts = [
      ...(await workbookParts([{ name: "名单", target: "worksheets/sheet1.xml" }])),
      await sheetPart("xl/worksheets/sheet1.xml", (push) => push(header)),
    ];
    await expectRefused(zipOf(parts, { zip64: true }), "工作簿使用了 ZIP64 格式，不支持这种格式。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。");

    const sheet = parts.at(-1)!;
    const bzip2 = zipOf([...parts.slice(0, -1), { ...sheet, method: 12 as unknown as 8 }]);
    await expectRefused(bzip2, "工作簿使用了不支持的压缩方式。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。");
  });

  it("holds the workbook's inflated total to its budget, and stops a parse at the worker's heap cap while this process carries on", async () => {
    const bytes = zipOf([
      ...(await workbookParts([{ name: "名单", target: "worksheets/sheet1.xml" }])),
      await sheetPart("xl/worksheets/sheet1.xml", (push) => {
        push(header);
        for (let n = 2; n < 60_000; n += 1) push(row(n));
      }),
    ]);
    // 60,000 rows, about 8 MB of XML: read whole within the real budgets…
    const [sheet] = await readXlsx(bytes);
    expect(sheet!.rows).toHaveLength(59_999);
    expect(sheet!.rows[1]!.cells.map((c) => c.text)).toEqual(["王2", "620121198005120002"]);

    // …refused under a 4 MB inflated budget…
    const { error: inflated } = await measured(() => readXlsx(bytes, { ...WORKBOOK_BUDGETS, inflatedBytes: 4 * MB }));
    expect((inflated as Error).message).toBe("工作簿解压后超过 4 MB 的上限，请分成几个工作簿分别上传。");

    // …and, with a heap cap of 16 MB (no budget set low enough to stop it), ended by the cap.
    const { error: heap, growth } = await measured(() => readXlsx(bytes, { ...WORKBOOK_BUDGETS, workerHeapMb: 16 }));
    expect(heap).toBeInstanceOf(WorkbookBudgetError);
    expect((heap as Error).message).toBe("读取这个工作簿需要的内存超过 16 MB 的上限，请分成几个工作簿分别上传。");
    expect(growth).toBeLessThan(RSS_BUDGET);

    // This process is unharmed: the same workbook reads again.
    const [again] = await readXlsx(bytes);
    expect(again!.rows).toHaveLength(59_999);
  });

  it("stops a parse at its time limit", async () => {
    const bytes = zipOf([
      ...(await workbookParts([{ name: "名单", target: "worksheets/sheet1.xml" }])),
      await sheetPart("xl/worksheets/sheet1.xml", (push) => {
        push(header);
        for (let n = 2; n < 60_000; n += 1) push(row(n));
      }),
    ]);

    await expect(readXlsx(bytes, { ...WORKBOOK_BUDGETS, seconds: 0.01 })).rejects.toThrow("读取这个工作簿超过 0.01 秒的上限，请分成几个工作簿分别上传。");
  });
});

describe("CSV roster budgets", () => {
  it("refuses a CSV over its bytes, its lines, or a line over its length (an unclosed quote)", async () => {
    await expect(readRosterSheets("csv", Buffer.alloc(30 * MB + 1, "a"))).rejects.toThrow("CSV 文件超过 30 MB 的上限，请按地区分成几个文件分别比对。");
    await expect(readRosterSheets("csv", Buffer.from("姓名\n".repeat(1_000_001)))).rejects.toThrow(
      "CSV 文件超过 1,000,000 行的上限，请按地区分成几个文件分别比对。",
    );
    const unclosed = `公民身份号码,姓名\n620121198005120012,王静\n620121198005120013,"李${"长".repeat(70_000)}\n`;
    await expect(readRosterSheets("csv", Buffer.from(unclosed))).rejects.toThrow("CSV 文件第 3 行超过 65,536 个字符的上限，请检查引号是否成对。");
    // An honest roster with a quoted line break still reads.
    const [sheet] = await readRosterSheets("csv", Buffer.from('公民身份号码,姓名\n620121198005120012,"王\n静"\n'));
    expect(sheet!.rows.map((r) => r.cells.map((c) => c.text))).toEqual([["620121198005120012", "王\n静"]]);
  });
});
