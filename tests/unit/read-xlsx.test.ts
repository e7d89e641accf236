// The workbook reader behind the household import and the civil-affairs roster: what it reads
// from workbooks written by a spreadsheet program (exceljs here) and from hand-written parts in
// the other spellings the format allows (a namespace prefix, phonetic guides, CDATA, 1904 dates).
import { crc32, deflateRawSync } from "node:zlib";
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { readXlsx, UnreadableWorkbookError } from "@/lib/xlsx/read-xlsx";

const texts = (row: { cells: Array<{ text: string }> } | undefined) => row?.cells.map((c) => c.text);

/** A zip of the given parts (deflated, or stored when `store`), as a spreadsheet program writes it. */
function zip(parts: Record<string, string>, store: string[] = []): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(parts)) {
    const raw = Buffer.from(text, "utf8");
    const stored = store.includes(name);
    const data = stored ? raw : deflateRawSync(raw);
    const nameBytes = Buffer.from(name, "utf8");
    // The local header and the central directory's entry hold the same fields, the entry's two
    // bytes later (it also names the version that made it): version needed, flags, method, time,
    // date, CRC-32, both sizes, name length.
    const header = (signature: number, size: number, at: number) => {
      const bytes = Buffer.alloc(size);
      bytes.writeUInt32LE(signature, 0);
      bytes.writeUInt16LE(20, at);
      bytes.writeUInt16LE(stored ? 0 : 8, at + 4);
      bytes.writeUInt32LE(crc32(raw), at + 10);
      bytes.writeUInt32LE(data.length, at + 14);
      bytes.writeUInt32LE(raw.length, at + 18);
      bytes.writeUInt16LE(nameBytes.length, at + 22);
      return bytes;
    };
    const local = header(0x04034b50, 30, 4);
    const central = header(0x02014b50, 46, 6);
    central.writeUInt16LE(20, 4);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(parts).length, 8);
  end.writeUInt16LE(Object.keys(parts).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const NS = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

describe("readXlsx", () => {
  it("reads text, numbers, dates, booleans, formulas and gaps as a spreadsheet program wrote them", async () => {
    const workbook = new ExcelJS.Workbook();
    const first = workbook.addWorksheet("户信息");
    first.addRow(["户编号", "出生日期", "收入", "身份证号", "是否会员", "合计", "说明"]);
    const row = first.addRow([
      "  B1 ",
      new Date(Date.UTC(1980, 4, 12)),
      1800.456,
      // eslint-disable-next-line no-loss-of-precision -- the point: an ID number typed as a number has already lost its last digits
      620121198005120012,
      true,
      { formula: "1+1", result: 2 },
      { richText: [{ text: "因病" }, { text: "致困", font: { bold: true } }] },
    ]);
    row.getCell(2).numFmt = "yyyy-mm-dd";
    first.getCell("A4").value = "隔行";
    first.getCell("D4").value = { formula: 'CONCAT("甘","肃")', result: "甘肃" };
    first.getCell("E4").value = { error: "#N/A" };
    workbook.addWorksheet("家庭成员").addRow(["户编号", "姓名"]);
    workbook.getWorksheet("家庭成员")!.addRow(["B1", "王静"]);

    const sheets = await readXlsx(Buffer.from(await workbook.xlsx.writeBuffer()));

    expect(sheets.map((s) => s.name)).toEqual(["户信息", "家庭成员"]);
    const [header, data, gap] = sheets[0]!.rows;
    expect(texts(header)).toEqual(["户编号", "出生日期", "收入", "身份证号", "是否会员", "合计", "说明"]);
    expect(data!.number).toBe(2);
    expect(texts(data)).toEqual(["B1", "1980-05-12", "1800.46", "620121198005120000", "是", "2", "因病致困"]);
    // A number Excel could not keep exactly is flagged, so the import can say the ID lost digits.
    expect(data!.cells[3]!.numeric).toBe(true);
    expect(data!.cells[0]!.numeric).toBeUndefined();
    expect(gap!.number).toBe(4);
    // Up to the last cell with text: the error value in E4 shows as nothing, so the row ends at D.
    expect(texts(gap)).toEqual(["隔行", "", "", "甘肃"]);
    expect(texts(sheets[1]!.rows[1])).toEqual(["B1", "王静"]);
  });

  it("keeps Chinese text whole across a large sheet", async () => {
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on("data", (c: Buffer) => chunks.push(c));
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useSharedStrings: false, useStyles: false });
    const sheet = writer.addWorksheet("户信息");
    for (let i = 0; i < 20_000; i += 1) sheet.addRow([`B${i}`, "城镇困难职工", "兰州市城关区总工会"]).commit();
    sheet.commit();
    await writer.commit();

    const [read] = await readXlsx(Buffer.concat(chunks));

    expect(read!.rows).toHaveLength(20_000);
    const wrong = read!.rows.filter((r, i) => r.cells[0]!.text !== `B${i}` || r.cells[1]!.text !== "城镇困难职工" || r.cells[2]!.text !== "兰州市城关区总工会");
    expect(wrong).toEqual([]);
  });

  it("reads prefixed elements, phonetic guides, entities, CDATA, inline strings and 1904 dates", async () => {
    const bytes = zip(
      {
        "[Content_Types].xml": "<Types/>",
        "_rels/.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
        "xl/workbook.xml": `<?xml version="1.0"?><x:workbook ${NS} xmlns:r="${REL}"><x:workbookPr date1904="1"/><x:sheets><x:sheet name="名单" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>`,
        "xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
          <Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>
          <Relationship Id="rId2" Type="${REL}/sharedStrings" Target="/xl/sharedStrings.xml"/>
          <Relationship Id="rId3" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
        "xl/sharedStrings.xml": `<x:sst ${NS}><x:si><x:t>姓名</x:t></x:si><x:si><x:r><x:t>王</x:t></x:r><x:r><x:rPr><x:b/></x:rPr><x:t xml:space="preserve">静 </x:t></x:r><x:rPh sb="0" eb="1"><x:t>ワン</x:t></x:rPh></x:si><x:si><x:t>A&amp;B &#x4E2D;&#20013;</x:t></x:si></x:sst>`,
        "xl/styles.xml": `<x:styleSheet ${NS}><x:numFmts count="1"><x:numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></x:numFmts>
          <x:cellStyleXfs count="1"><x:xf numFmtId="14"/></x:cellStyleXfs><x:cellXfs count="3"><x:xf numFmtId="0"/><x:xf numFmtId="164"/><x:xf numFmtId="4"/></x:cellXfs></x:styleSheet>`,
        "xl/worksheets/sheet1.xml": `<?xml version="1.0" encoding="UTF-8"?><x:worksheet ${NS}><x:sheetData>
          <x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="C1" t="inlineStr"><x:is><x:t>备注</x:t></x:is></x:c></x:row>
          <!-- a comment between rows -->
          <x:row r="3"><x:c
            r='A3' t='s'><x:v>1</x:v></x:c><x:c r="B3" s="1"><x:v>0</x:v></x:c><x:c r="C3" t="str"><x:v><![CDATA[<不是标签>]]></x:v></x:c><x:c r="D3" s="2"><x:v>12.5</x:v></x:c><x:c r="E3" t="s"><x:v>2</x:v></x:c><x:c r="F3"/></x:row>
        </x:sheetData></x:worksheet>`,
      },
      ["xl/workbook.xml"],
    );

    const [sheet] = await readXlsx(bytes);

    expect(sheet!.name).toBe("名单");
    expect(sheet!.rows.map((r) => r.number)).toEqual([1, 3]);
    expect(texts(sheet!.rows[0])).toEqual(["姓名", "", "备注"]);
    // Day 0 of the 1904 system is 1904-01-01.
    expect(texts(sheet!.rows[1])).toEqual(["王静", "1904-01-01", "<不是标签>", "12.5", "A&B 中中"]);
  });

  it("refuses what is not a workbook", async () => {
    await expect(readXlsx(Buffer.from("PK\x03\x04 not really a zip"))).rejects.toBeInstanceOf(UnreadableWorkbookError);
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet("户信息").addRow(["户编号"]);
    const whole = Buffer.from(await workbook.xlsx.writeBuffer());
    await expect(readXlsx(whole.subarray(0, whole.length - 200))).rejects.toBeInstanceOf(UnreadableWorkbookError);
    await expect(readXlsx(zip({ "docProps/app.xml": "<Properties/>" }))).rejects.toBeInstanceOf(UnreadableWorkbookError);
  });
});
