// The worker thread lib/xlsx/read-xlsx.ts starts for each workbook: parses the bytes it is given
// within the budgets it is given, posts the sheets back (or the budget overrun, or "unreadable"),
// and ends. Its heap is capped by the resourceLimits it was started with, so a workbook that
// slips past every budget ends this thread, not the server.
import { parentPort, workerData } from "node:worker_threads";
import { BudgetExceeded, parseXlsx } from "./parse-xlsx.mjs";

/** @type {{ bytes: Uint8Array, budgets: Record<string, number> }} */
const { bytes, budgets } = workerData;
try {
  const sheets = await parseXlsx(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), budgets);
  parentPort?.postMessage({ ok: true, sheets });
} catch (error) {
  if (error instanceof BudgetExceeded) parentPort?.postMessage({ ok: false, limit: error.limit, at: error.at });
  else parentPort?.postMessage({ ok: false, unreadable: error instanceof Error ? error.message : String(error) });
}
