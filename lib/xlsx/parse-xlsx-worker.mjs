// @ts-check
// The child process lib/xlsx/read-xlsx.ts starts for each workbook (`node --max-old-space-size=…`):
// parses the bytes it is sent within the budgets it is sent, sends the sheets back (or the budget
// overrun, or "unreadable"), and ends. Its heap is capped apart from the server's, so a workbook
// that slips past every budget ends this process, not the server. (A worker thread with
// resourceLimits was tried first: a worker reaching its heap limit can abort the whole process in
// Node — nodejs/node#47224 — and did so once in CI.)
//
// The sheets go back packed (packSheets): sending 300,000 rows as objects took longer to copy
// than to parse, and the copy is made on the server's event loop.
import { BudgetExceeded, parseXlsx } from "./parse-xlsx.mjs";

/** @typedef {import("./parse-xlsx.mjs").ParseBudgets} ParseBudgets */

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

/** @param {{ bytes: Uint8Array, budgets: ParseBudgets }} request */
async function parse({ bytes, budgets }) {
  try {
    return { ok: true, packed: packSheets(await parseXlsx(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), budgets)) };
  } catch (error) {
    if (error instanceof BudgetExceeded) return { ok: false, limit: error.limit, at: error.at };
    return { ok: false, unreadable: error instanceof Error ? error.message : String(error) };
  }
}

// One request per process; the parent ends it after the reply (or at its time budget).
process.once("message", (request) => {
  void parse(/** @type {{ bytes: Uint8Array, budgets: ParseBudgets }} */ (request)).then((reply) => process.send?.(reply));
});
