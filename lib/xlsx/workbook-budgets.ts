// What reading one uploaded workbook or CSV may cost, and what the user is told when it would cost
// more. Every figure is far above what an honest file reaches and low enough that a crafted one is
// refused early, with a message naming the limit. Measured on the generated 100,000-household
// import workbook (scripts/bench-read-xlsx.ts): 18.9 MB zipped, 203 MB of XML, 300,002 rows,
// inflated about 11 to 1; the upload limit (30 MB) holds at most about 1.5 times that.

const MB = 1024 * 1024;

export const WORKBOOK_BUDGETS = {
  /** Inflated bytes of all the parts read, together (honest at the upload limit: about 330 MB). */
  inflatedBytes: 512 * MB,
  /** Inflated size over compressed size of any part past the floor (honest: about 11). */
  inflateRatio: 200,
  inflateRatioFloorBytes: 1 * MB,
  /** Worksheets named in the workbook (the import template has 2, the roster 1). */
  sheets: 100,
  /** Entries in the zip's central directory (a workbook holds about 10 plus 2 per sheet). */
  zipEntries: 1_000,
  /** Rows of all sheets together (honest: 300,002; about 450,000 at the upload limit). */
  rows: 1_000_000,
  /** The column of the rightmost cell with text in a row (the import template has 32). */
  cellsPerRow: 1_000,
  /** Cells up to each row's last with text, all rows together (honest: 4.9 million; about 7.3 million at the upload limit). */
  cells: 12_000_000,
  /** Characters in one cell: Excel's own limit. */
  cellCharacters: 32_767,
  /** Entries of the shared-strings table (honest, saved with shared strings: 300,558). */
  sharedStrings: 1_000_000,
  /** The XML of one cell or shared string (the longest cell Excel writes is under 200 KB). */
  elementBytes: 1 * MB,
  /** The parsing process's heap; a parse that needs more ends with an error, not the server. */
  workerHeapMb: 2_048,
  /** How long one parse may take (honest 100,000 households: 7 to 12 s on the shared 2-core machine). */
  seconds: 120,
  /** Parses running at once in one process; more wait their turn. */
  parallel: 2,
} as const;

export type TWorkbookBudgets = { [K in keyof typeof WORKBOOK_BUDGETS]: number };

const size = (bytes: number) => `${(bytes / MB).toLocaleString("zh-CN")} MB`;
const count = (n: number) => n.toLocaleString("zh-CN");

/** Why a workbook was refused: a budget above, or a kind of file the reader does not take. */
export type TWorkbookLimit = keyof typeof WORKBOOK_BUDGETS | "partReads" | "zip64" | "zipMethod" | "doctype" | "workerCrashed";

/** The Chinese message for each refusal, naming the limit (with the budget's figure). */
export function workbookLimitMessage(limit: TWorkbookLimit, budgets: TWorkbookBudgets = WORKBOOK_BUDGETS, row?: number): string {
  const inRow = row ? `第 ${count(row)} 行` : "有一行";
  switch (limit) {
    case "inflatedBytes":
      return `工作簿解压后超过 ${size(budgets.inflatedBytes)} 的上限，请分成几个工作簿分别上传。`;
    case "inflateRatio":
    case "inflateRatioFloorBytes":
      return `工作簿中有部件的解压比超过 ${count(budgets.inflateRatio)} 倍的上限，这不是 Excel 或 WPS 正常保存的文件。`;
    case "sheets":
      return `工作簿超过 ${count(budgets.sheets)} 个工作表的上限，请只保留需要上传的工作表。`;
    case "zipEntries":
      return `工作簿包含的部件超过 ${count(budgets.zipEntries)} 个的上限，这不是 Excel 或 WPS 正常保存的文件。`;
    case "partReads":
      return "工作簿中有多个工作表指向同一份数据（每个部件只读取一次），这不是 Excel 或 WPS 正常保存的文件。";
    case "rows":
      return `工作簿超过 ${count(budgets.rows)} 行的上限，请分成几个工作簿分别上传。`;
    case "cellsPerRow":
      return `${inRow}超过 ${count(budgets.cellsPerRow)} 列的上限，请删去多余的列后再上传。`;
    case "cells":
      return `工作簿超过 ${count(budgets.cells)} 个单元格的上限，请分成几个工作簿分别上传。`;
    case "cellCharacters":
      return `${inRow}有单元格超过 ${count(budgets.cellCharacters)} 个字符的上限。`;
    case "sharedStrings":
      return `工作簿的共享字符串超过 ${count(budgets.sharedStrings)} 个的上限，请分成几个工作簿分别上传。`;
    case "elementBytes":
      return `工作簿中有单元格的 XML 超过 ${size(budgets.elementBytes)} 的上限（可能嵌套过深或内容异常），这不是 Excel 或 WPS 正常保存的文件。`;
    case "workerHeapMb":
      return `读取这个工作簿需要的内存超过 ${count(budgets.workerHeapMb)} MB 的上限，请分成几个工作簿分别上传。`;
    case "seconds":
      return `读取这个工作簿超过 ${count(budgets.seconds)} 秒的上限，请分成几个工作簿分别上传。`;
    case "parallel":
      return "同时读取的工作簿过多，请稍后重试。";
    case "zip64":
      return "工作簿使用了 ZIP64 格式，不支持这种格式。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。";
    case "zipMethod":
      return "工作簿使用了不支持的压缩方式。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。";
    case "doctype":
      return "工作簿中含有 DTD（实体声明），这不是 Excel 或 WPS 正常保存的文件，已拒绝读取。";
    case "workerCrashed":
      return "读取这个工作簿时出错，请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。";
  }
}

/** A roster CSV (民政比对名单): decoded text, lines and the length of one line. */
export const CSV_BUDGETS = {
  /** Bytes of the file (the roster upload limit). */
  bytes: 30 * MB,
  /** Lines, a quoted field's line breaks included (honest rosters: tens of thousands). */
  lines: 1_000_000,
  /** Characters of one line (a roster line is under 200; a field at most Excel's 32,767). */
  lineCharacters: 64 * 1024,
} as const;

export type TCsvLimit = keyof typeof CSV_BUDGETS;

export function csvLimitMessage(limit: TCsvLimit, line?: number): string {
  switch (limit) {
    case "bytes":
      return `CSV 文件超过 ${size(CSV_BUDGETS.bytes)} 的上限，请按地区分成几个文件分别比对。`;
    case "lines":
      return `CSV 文件超过 ${count(CSV_BUDGETS.lines)} 行的上限，请按地区分成几个文件分别比对。`;
    case "lineCharacters":
      return `CSV 文件${line ? `第 ${count(line)} 行` : "有一行"}超过 ${count(CSV_BUDGETS.lineCharacters)} 个字符的上限，请检查引号是否成对。`;
  }
}
