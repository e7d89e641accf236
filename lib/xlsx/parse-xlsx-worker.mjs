// @ts-check
// The worker thread lib/xlsx/read-xlsx.ts starts for each workbook: parses the bytes it is given
// within the budgets it is given, posts the sheets back (or the budget overrun, or "unreadable"),
// and ends. Its heap is capped by the resourceLimits it was started with, so a workbook that
// slips past every budget ends this thread, not the server.
//
// The sheets go back packed (packSheets): posting 300,000 rows as objects took longer to copy
// than to parse, and the copy is made on the server's event loop.
import { parentPort, workerData } from "node:worker_threads";
import { BudgetExceeded, parseXlsx } from "./parse-xlsx.mjs";

/**
 * Every cell's text joined into one string, and one Int32Array of the shape: per sheet its rows,
 * per row its number and cell count, per cell its text's length (negative for a number Excel
 * stored, 0 for a blank). Strings and typed arrays are copied whole, not object by object.
 * @param {Array<{ name: string, rows: Array<{ number: number, cells: Array<{ text: string, numeric?: boolean }> }> }>} sheets
 */
function packSheets(sheets) {
  let size = 0;
  for (const sheet of sheets) for (const row of sheet.rows) size += 2 + row.cells.length;
  const shape = new Int32Array(size);
  /** @type {string[]} */
  const texts = [];
  let at = 0;
  for (const sheet of sheets) {
    for (const row of sheet.rows) {
      shape[at++] = row.number;
      shape[at++] = row.cells.length;
      for (const cell of row.cells) {
        shape[at++] = cell.numeric ? -cell.text.length : cell.text.length;
        if (cell.text) texts.push(cell.text);
      }
    }
  }
  return { names: sheets.map((s) => s.name), rowCounts: sheets.map((s) => s.rows.length), shape, text: texts.join("") };
}

/** @type {{ bytes: Uint8Array, budgets: import("./parse-xlsx.mjs").ParseBudgets }} */
const { bytes, budgets } = workerData;
try {
  const packed = packSheets(await parseXlsx(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), budgets));
  parentPort?.postMessage({ ok: true, packed }, [packed.shape.buffer]);
} catch (error) {
  if (error instanceof BudgetExceeded) parentPort?.postMessage({ ok: false, limit: error.limit, at: error.at });
  else parentPort?.postMessage({ ok: false, unreadable: error instanceof Error ? error.message : String(error) });
}
