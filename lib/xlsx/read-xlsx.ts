// Reads the cells of an uploaded .xlsx workbook, in a child process of its own: the parse
// (lib/xlsx/parse-xlsx.mjs) runs off the event loop that serves every user's requests, within the
// budgets of lib/xlsx/workbook-budgets.ts, and its heap is capped apart from the server's, so a
// workbook that slips past every budget ends its own process with an error, not the server.
//
// A process, not a worker thread: a worker reaching its resourceLimits can abort the whole
// process in Node (nodejs/node#47224), which is what the cap is there to prevent. The child is
// plain JavaScript run by node itself from the project's folder, so the Next.js server, tsx (the
// jobs process, scripts) and vitest start the same file with no compiler.
import { fork } from "node:child_process";
import path from "node:path";
import { DomainError } from "@/lib/errors/domain-error";
import { PROJECT_DIR } from "@/lib/db/paths";
import { workbookLimitMessage, WORKBOOK_BUDGETS, type TWorkbookBudgets, type TWorkbookLimit } from "./workbook-budgets";

/** Not a readable .xlsx: damaged, or not a workbook at all. */
export class UnreadableWorkbookError extends Error {}

/** The workbook would cost more than a budget allows; the message names the limit, in Chinese. */
export class WorkbookBudgetError extends DomainError {
  constructor(
    readonly limit: TWorkbookLimit,
    budgets: TWorkbookBudgets,
    row?: number,
  ) {
    super(workbookLimitMessage(limit, budgets, row), "WORKBOOK_BUDGET");
  }
}

export type TCellText = { text: string; /** The cell held a number that cannot be an exact ID (Excel turned it into 6.2E+17). */ numeric?: boolean };
export type TXlsxRow = { number: number; /** Up to the last cell with text; blanks between are { text: "" }. */ cells: TCellText[] };
export type TReadSheet = { name: string; rows: TXlsxRow[] };

/** The sheets as parse-xlsx-worker.mjs packs them (packSheets). */
type TPackedSheets = { names: string[]; rowCounts: number[]; shape: Int32Array; text: string };
type TParserReply = { ok: true; packed: TPackedSheets } | { ok: false; limit: TWorkbookLimit; at?: number } | { ok: false; unreadable: string };

/** The one blank cell: most of a template's cells are blank, and 100,000 rows of them are millions of objects. */
const EMPTY: TCellText = Object.freeze({ text: "" });
const YIELD_EVERY_ROWS = 5_000;

/**
 * One worksheet as the parser packed it, its rows decoded one at a time as they are read: an import
 * of 100,000 households held all 300,000 rows as objects at once, a row object and a cell object per
 * filled cell (issue 28: the server grew by 568 MB while it validated). What stays is the packed
 * text and shape, which every sheet of the workbook shares.
 */
export type TPackedSheet = {
  name: string;
  /** Rows written in the sheet (blank rows Excel kept included). */
  rowCount: number;
  /** The rows in order, each decoded as it is reached; each call starts again from the first. */
  rows: () => Generator<TXlsxRow, void, undefined>;
};

/** Where each sheet's rows start in the packing: one walk over the shape, no text copied. */
function packedSheets({ names, rowCounts, shape, text }: TPackedSheets): TPackedSheet[] {
  const sheets: TPackedSheet[] = [];
  let at = 0;
  let offset = 0;
  for (const [i, name] of names.entries()) {
    const rowCount = rowCounts[i]!;
    const start = { at, offset };
    for (let r = 0; r < rowCount; r += 1) {
      const cells = shape[at + 1]!;
      at += 2;
      for (let c = 0; c < cells; c += 1) offset += Math.abs(shape[at++]!);
    }
    sheets.push({ name, rowCount, rows: () => decodeRows(shape, text, start.at, start.offset, rowCount) });
  }
  return sheets;
}

function* decodeRows(shape: Int32Array, text: string, at: number, offset: number, rowCount: number): Generator<TXlsxRow, void, undefined> {
  for (let r = 0; r < rowCount; r += 1) {
    const number = shape[at++]!;
    const cells: TCellText[] = new Array(shape[at++]!);
    for (let c = 0; c < cells.length; c += 1) {
      const length = shape[at++]!;
      if (length === 0) cells[c] = EMPTY;
      else {
        const end = offset + Math.abs(length);
        cells[c] = length > 0 ? { text: text.slice(offset, end) } : { text: text.slice(offset, end), numeric: true };
        offset = end;
      }
    }
    yield { number, cells };
  }
}

/** Every row of every sheet as objects, a few thousand rows at a time so other requests are served between. */
async function unpackSheets(packed: TPackedSheet[]): Promise<TReadSheet[]> {
  const sheets: TReadSheet[] = [];
  for (const sheet of packed) {
    const rows: TXlsxRow[] = [];
    for (const row of sheet.rows()) {
      rows.push(row);
      if (rows.length % YIELD_EVERY_ROWS === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    sheets.push({ name: sheet.name, rows });
  }
  return sheets;
}

// A few parses at once per process: each may hold its heap cap, and the machine has few cores.
let running = 0;
const waiting: Array<() => void> = [];
async function turn(parallel: number): Promise<() => void> {
  if (running < parallel) running += 1;
  else await new Promise<void>((resolve) => waiting.push(resolve)); // a finishing parse hands over its place
  return () => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };
}

/**
 * Every worksheet of the workbook in its tab order, with every row written in it (row numbers as
 * Excel shows them; cells by column, blanks between filled in). Throws UnreadableWorkbookError for
 * a file that is not a readable .xlsx, WorkbookBudgetError for one that exceeds a budget.
 */
export async function readXlsx(bytes: Buffer, budgets: TWorkbookBudgets = WORKBOOK_BUDGETS): Promise<TReadSheet[]> {
  return unpackSheets(await readXlsxPacked(bytes, budgets));
}

/**
 * The same sheets and rows as readXlsx, each sheet's rows decoded only as they are read (for a
 * workbook too big to hold as objects: the household import). The same budgets, errors and messages.
 */
export async function readXlsxPacked(bytes: Buffer, budgets: TWorkbookBudgets = WORKBOOK_BUDGETS): Promise<TPackedSheet[]> {
  const done = await turn(budgets.parallel);
  try {
    return packedSheets(await parseInChildProcess(bytes, budgets));
  } finally {
    done();
  }
}

// turbopackIgnore: run by node from the project's folder, not bundled into the server.
const PARSER = path.join(/*turbopackIgnore: true*/ PROJECT_DIR, "lib", "xlsx", "parse-xlsx-worker.mjs");

function parseInChildProcess(bytes: Buffer, budgets: TWorkbookBudgets): Promise<TPackedSheets> {
  return new Promise((resolve, reject) => {
    const child = fork(PARSER, [], {
      // Only the heap cap: not the parent's flags (tsx's loader, vitest's), which the parser does not need.
      execArgv: [`--max-old-space-size=${budgets.workerHeapMb}`],
      // Typed arrays and long strings cross as they are, not as JSON.
      serialization: "advanced",
      stdio: ["ignore", "ignore", "ignore", "ipc"],
    });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
      child.kill("SIGKILL");
    };
    const timer = setTimeout(() => settle(() => reject(new WorkbookBudgetError("seconds", budgets))), budgets.seconds * 1000);
    child.on("message", (reply: TParserReply) =>
      settle(() => {
        if (reply.ok) resolve(reply.packed);
        else if ("limit" in reply) reject(new WorkbookBudgetError(reply.limit, budgets, reply.at));
        else reject(new UnreadableWorkbookError(reply.unreadable));
      }),
    );
    child.on("error", (error) =>
      settle(() => {
        console.error("workbook parser process", error);
        reject(new WorkbookBudgetError("workerCrashed", budgets));
      }),
    );
    // V8 aborts a process that reaches its heap limit: SIGABRT is the cap ending the parse.
    child.on("exit", (code, signal) =>
      settle(() => {
        if (signal === "SIGABRT" || code === 134) reject(new WorkbookBudgetError("workerHeapMb", budgets));
        else {
          console.error(`workbook parser process ended without a reply (${signal ?? code})`);
          reject(new WorkbookBudgetError("workerCrashed", budgets));
        }
      }),
    );
    child.send({ bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), budgets });
  });
}
