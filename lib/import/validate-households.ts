// Turns the rows of an import workbook into filings, or into problems — every row is checked
// before anything is written. Each household goes through the same zod schema as a submitted
// filing (ZSubmitFilingData: GB 11643 ID with birth date and sex, codes, money, required
// fields, one main cause), and each issue is mapped back to its sheet, row and column.
import type { z } from "zod";
import { ZSubmitFilingData, type TFilingData, type TFilingFormValues } from "@/lib/filing/schemas";
import { EXPENDITURE_KIND_LABELS, INCOME_SOURCE_LABELS } from "@/lib/filing/labels";
import { isCalendarDate, todayInShanghai } from "@/lib/format/datetime";
import {
  EXAMPLE_PREFIX,
  HOUSEHOLD_COLUMNS,
  HOUSEHOLD_SHEET,
  MEMBER_COLUMNS,
  MEMBER_SHEET,
  OPEN_FILE_COLUMNS,
  OPEN_FILE_REQUIRED,
  YES_NO,
  type TImportColumn,
} from "./household-columns";
import type { TCellText } from "./read-workbook";

export type TImportProblem = { sheet: string; row: number; column: string; message: string };

/** 按已在档档案迁入: the approved file's tier, the day it was first approved, the number it had. */
export type TOpening = { tier: TFilingData["proposedTier"]; openedOn: string; originalFileNumber: string | null };

export type TImportedHousehold = { key: string; row: number; memberRows: number[]; data: TFilingData; opening?: TOpening };

type TRow = { number: number; cells: TCellText[] };
/** A sheet's header, and its rows read on demand (lib/import/read-workbook.ts): each call starts again from the first row. */
type TSheet = { header: string[]; rows: () => Iterable<TRow> };
const YIELD_EVERY_ROWS = 5_000;
/** Validation is CPU work: give the event loop back so other users' requests are served. */
const yieldToOthers = () => new Promise((resolve) => setImmediate(resolve));

export type TValidationContext = {
  /** Organisation for a blank 建档单位代码 (the importer's own). */
  defaultOrganisationId: string;
  /** Organisation id of a code in the importer's scope, or undefined. */
  organisationIdOf: (code: string) => string | undefined;
  onProgress?: (done: number, total: number) => Promise<void> | void;
  /** Each household that passed, as soon as it has (the import stages them while the rest are checked). */
  onHousehold?: (household: TImportedHousehold) => void;
  /** OPEN: the rows are existing approved files (在档迁入) and need the open-file columns. */
  mode?: "DRAFT" | "OPEN";
  /** Today in Shanghai (YYYY-MM-DD): no original filing date may lie after it. */
  today?: string;
};

/** The earliest original filing date accepted (the hardship-file system began in the 2000s). */
const EARLIEST_OPENED_ON = "2000-01-01";

export type TValidationResult =
  | { ok: false; fatal: string }
  | {
      ok: true;
      /** Households that passed (each was handed to onHousehold; none is kept here). */
      householdCount: number;
      problems: TImportProblem[];
      memberCount: number;
      /** The workbook's own totals (example rows aside), whether or not their rows passed. */
      householdRows: number;
      memberRows: number;
      /**
       * Every member with an ID number, of every household — also those with other problems — so
       * the check against existing files reports a row's every problem in one pass (issue 26).
       */
      people: Array<{ residentId: string; row: number; name: string | undefined; holder: boolean }>;
    };

function columnIndex(sheet: TSheet, columns: TImportColumn[], alsoRequired: Set<string> = new Set()) {
  const index = new Map<string, number>();
  const missing: string[] = [];
  for (const c of columns) {
    const at = sheet.header.indexOf(c.header);
    if (at >= 0) index.set(c.key, at);
    else if (c.required || alsoRequired.has(c.key)) missing.push(c.header);
  }
  return { index, missing };
}

function findSheet(sheets: TSheet[], marker: string) {
  return sheets.find((s) => s.header.includes(marker));
}

/** Each column's labels by their text, made once: a workbook of 100,000 households looks up millions of cells. */
const codesByLabel = new WeakMap<Record<string, string>, Map<string, string>>();
function codeOf(labels: Record<string, string>, text: string): string | undefined {
  let codes = codesByLabel.get(labels);
  if (!codes) codesByLabel.set(labels, (codes = new Map(Object.entries(labels).map(([code, label]) => [label, code]))));
  return codes.get(text);
}

/**
 * Checks every row. The rows are read from `sheets` as they are checked and let go: the member rows
 * once (kept as their values, grouped by household), the household rows twice (counted, then checked)
 * — none is held as a row. A household that passed is handed to onHousehold and not kept. Issue 28:
 * a 100,000-household workbook held whole grew the server by 1,946 MB, then 568 MB.
 */
export async function validateHouseholdRows(sheets: TSheet[], ctx: TValidationContext): Promise<TValidationResult> {
  const householdSheet = findSheet(sheets, "档案级别");
  const memberSheet = findSheet(sheets, "与建档职工关系");
  if (!householdSheet || !memberSheet) {
    return { ok: false, fatal: `这不是档案导入模板：未找到「${HOUSEHOLD_SHEET}」和「${MEMBER_SHEET}」两张工作表。请下载导入模板，按模板填写后上传。` };
  }
  const open = ctx.mode === "OPEN";
  const today = ctx.today ?? todayInShanghai();
  // An import of drafts reads none of the open-file columns: a value left in them changes nothing.
  const householdColumns = open ? HOUSEHOLD_COLUMNS : HOUSEHOLD_COLUMNS.filter((c) => !OPEN_FILE_COLUMNS.includes(c));
  const h = columnIndex(householdSheet, householdColumns, open ? OPEN_FILE_REQUIRED : undefined);
  const m = columnIndex(memberSheet, MEMBER_COLUMNS);
  if (h.missing.length || m.missing.length) {
    return {
      ok: false,
      fatal: `工作簿缺少模板中的列：${[...h.missing.map((x) => `${HOUSEHOLD_SHEET}「${x}」`), ...m.missing.map((x) => `${MEMBER_SHEET}「${x}」`)].join("、")}。请使用最新的导入模板。`,
    };
  }

  const problems: TImportProblem[] = [];
  const flagged = new Set<string>();
  const problem = (sheet: string, row: number, column: string, message: string) => {
    const key = `${sheet}|${row}|${column}`;
    if (flagged.has(key)) return;
    flagged.add(key);
    problems.push({ sheet, row, column, message });
  };

  /** A cell's value as the form expects it: codes for coded columns, text otherwise. */
  function read(sheetName: string, row: TRow, index: Map<string, number>, c: TImportColumn): string {
    const at = index.get(c.key);
    const cell = at === undefined ? undefined : row.cells[at];
    const text = cell?.text ?? "";
    if (!text) return "";
    if (c.kind === "id" && cell?.numeric && text.length > 15) {
      problem(sheetName, row.number, c.header, "身份号码被存成了数字，末几位已丢失。请把该列设为文本格式后重新填写。");
      return "";
    }
    if (c.labels) {
      const code = codeOf(c.labels, text) ?? (text in c.labels ? text : undefined);
      if (!code) {
        problem(sheetName, row.number, c.header, `「${text}」不是有效的${c.header}，请从下拉列表中选择：${Object.values(c.labels).join("、")}`);
        return "";
      }
      return code;
    }
    if (c.kind === "id") return text.toUpperCase();
    return text;
  }

  // Members by household key, in sheet order.
  type TMemberRow = { row: number; values: Record<string, string> };
  const membersByKey = new Map<string, TMemberRow[]>();
  let memberRowCount = 0;
  let memberRowsRead = 0;
  for (const row of memberSheet.rows()) {
    if (++memberRowsRead % YIELD_EVERY_ROWS === 0) await yieldToOthers();
    const values = Object.fromEntries(MEMBER_COLUMNS.map((c) => [c.key, read(MEMBER_SHEET, row, m.index, c)]));
    const key = values.householdKey!;
    if (key.startsWith(EXAMPLE_PREFIX)) continue;
    memberRowCount += 1;
    if (!key) {
      problem(MEMBER_SHEET, row.number, "户编号", "请填写户编号，与「户信息」中该户的户编号一致");
      continue;
    }
    const list = membersByKey.get(key) ?? [];
    list.push({ row: row.number, values });
    membersByKey.set(key, list);
  }

  let householdCount = 0;
  let memberCount = 0;
  const people: Array<{ residentId: string; row: number; name: string | undefined; holder: boolean }> = [];
  const seenKeys = new Map<string, number>();
  const seenIds = new Map<string, { row: number; key: string }>();
  const seenNumbers = new Map<string, number>();
  const keyAt = h.index.get("householdKey")!;
  const isDataRow = (row: TRow) => !(row.cells[keyAt]?.text ?? "").startsWith(EXAMPLE_PREFIX);
  // The progress total (and the workbook's household count) before the check: one pass that only counts.
  let total = 0;
  let householdRowsRead = 0;
  for (const row of householdSheet.rows()) {
    if (isDataRow(row)) total += 1;
    if (++householdRowsRead % YIELD_EVERY_ROWS === 0) await yieldToOthers();
  }
  const incomeSources = Object.keys(INCOME_SOURCE_LABELS);
  const expenditureKinds = Object.keys(EXPENDITURE_KIND_LABELS);
  const headerOf = (key: string) => HOUSEHOLD_COLUMNS.find((c) => c.key === key)!.header;
  const memberHeaderOf = (key: string) => MEMBER_COLUMNS.find((c) => c.key === key)?.header ?? "公民身份号码";

  let done = 0;
  for (const row of householdSheet.rows()) {
    if (!isDataRow(row)) continue;
    if (done % 1000 === 0) {
      await ctx.onProgress?.(done, total);
      await yieldToOthers();
    }
    done += 1;
    const v = Object.fromEntries(householdColumns.map((c) => [c.key, read(HOUSEHOLD_SHEET, row, h.index, c)]));
    const key = v.householdKey!;
    if (!key) {
      problem(HOUSEHOLD_SHEET, row.number, "户编号", "请填写户编号");
      continue;
    }
    const firstRow = seenKeys.get(key);
    if (firstRow !== undefined) {
      problem(HOUSEHOLD_SHEET, row.number, "户编号", `户编号「${key}」与第 ${firstRow} 行重复`);
      continue;
    }
    seenKeys.set(key, row.number);
    const opening = open ? readOpening(row.number, v) : undefined;
    let organisationId = ctx.defaultOrganisationId;
    if (v.organisationCode) {
      const found = ctx.organisationIdOf(v.organisationCode);
      if (!found) problem(HOUSEHOLD_SHEET, row.number, "建档单位代码", `单位代码「${v.organisationCode}」不存在，或不在您的管辖范围内`);
      else organisationId = found;
    }
    const memberRows = [...(membersByKey.get(key) ?? [])];
    membersByKey.delete(key);
    if (memberRows.length === 0) {
      problem(HOUSEHOLD_SHEET, row.number, "户编号", `「${MEMBER_SHEET}」中没有户编号为「${key}」的成员，至少填写建档职工本人`);
      continue;
    }
    // The holder (本人) comes first, as in the filing form.
    const selfAt = memberRows.findIndex((mr) => mr.values.relation === "SELF");
    if (selfAt < 0) problem(HOUSEHOLD_SHEET, row.number, "户编号", "该户没有关系为「本人」的成员（建档职工）");
    else memberRows.unshift(...memberRows.splice(selfAt, 1));

    const incomes = incomeSources.flatMap((source) => (v[`income.${source}`] ? [{ source, monthlyFen: v[`income.${source}`] }] : []));
    const expenditures = expenditureKinds.flatMap((kind) => (v[`expenditure.${kind}`] ? [{ kind, annualFen: v[`expenditure.${kind}`], note: "" }] : []));
    const values: TFilingFormValues = {
      organisationId,
      fileLevel: v.fileLevel as TFilingFormValues["fileLevel"],
      workerCategory: v.workerCategory as TFilingFormValues["workerCategory"],
      housing: v.housing as TFilingFormValues["housing"],
      holderUnionMember: v.holderUnionMember === "YES",
      members: memberRows.map((mr) => ({
        name: mr.values.name,
        relation: mr.values.relation,
        residentId: mr.values.residentId,
        birthDate: mr.values.birthDate,
        sex: mr.values.sex,
        health: mr.values.health,
        disabilityGrade: mr.values.disabilityGrade,
        education: mr.values.education,
        employment: mr.values.employment,
        livesInHousehold: mr.values.livesInHousehold !== "NO",
      })) as TFilingFormValues["members"],
      incomes: incomes as TFilingFormValues["incomes"],
      expenditures: expenditures as TFilingFormValues["expenditures"],
      suddenEvent: v.suddenEvent === "YES",
      suddenEventNote: v.suddenEventNote,
      suddenEventLossFen: v.suddenEventLossFen,
      mainCause: v.mainCause as TFilingFormValues["mainCause"],
      secondaryCauses: [v.secondaryCause1, v.secondaryCause2, v.secondaryCause3].filter(Boolean) as TFilingFormValues["secondaryCauses"],
      needs: v.needs,
      proposedTier: v.proposedTier as TFilingFormValues["proposedTier"],
    };
    // The same person twice in the file, in one household or in two — checked even when the
    // household has other problems, so the caseworker sees every problem in one pass.
    let duplicate = false;
    for (const [index, mr] of memberRows.entries()) {
      const id = mr.values.residentId;
      if (!id) continue;
      people.push({ residentId: id, row: mr.row, name: mr.values.name, holder: index === 0 });
      const first = seenIds.get(id);
      if (first) {
        duplicate = true;
        problem(MEMBER_SHEET, mr.row, "公民身份号码", `与「${MEMBER_SHEET}」第 ${first.row} 行（户编号 ${first.key}）的公民身份号码重复：一人只能在一户中`);
      } else seenIds.set(id, { row: mr.row, key });
    }
    const parsed = ZSubmitFilingData.safeParse(values);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) mapIssue(issue, row.number, memberRows, incomes, expenditures);
      continue;
    }
    if (duplicate || opening === null) continue;
    const household: TImportedHousehold = {
      key,
      row: row.number,
      memberRows: memberRows.map((mr) => mr.row),
      data: parsed.data,
      ...(opening ? { opening } : {}),
    };
    householdCount += 1;
    memberCount += household.data.members.length;
    ctx.onHousehold?.(household);
  }

  /** The open-file columns of one household row, or null (with problems recorded) when any is wrong. */
  function readOpening(rowNumber: number, v: Record<string, string | undefined>): TOpening | null {
    let ok = true;
    const bad = (key: string, message: string) => {
      ok = false;
      problem(HOUSEHOLD_SHEET, rowNumber, headerOf(key), message);
    };
    const tier = v.openTier ?? "";
    // read() has already reported a value that is not on the list; a blank one is reported here.
    if (!tier) {
      if (!flagged.has(`${HOUSEHOLD_SHEET}|${rowNumber}|${headerOf("openTier")}`))
        bad("openTier", "按已在档档案迁入时请填写在档困难类别（原档案审定的困难类别）");
      else ok = false;
    }
    const openedOn = v.openedOn ?? "";
    if (!openedOn) bad("openedOn", "按已在档档案迁入时请填写原建档日期（原档案审定建档的日期），格式如 2023-05-12");
    else if (!isCalendarDate(openedOn)) bad("openedOn", `「${openedOn}」不是有效日期，请按 2023-05-12 的格式填写原建档日期`);
    else if (openedOn > today) bad("openedOn", "原建档日期不能晚于今天");
    else if (openedOn < EARLIEST_OPENED_ON) bad("openedOn", `原建档日期不能早于 ${EARLIEST_OPENED_ON}，请核对`);
    const number = (v.originalFileNumber ?? "").trim();
    if (number.length > 40) bad("originalFileNumber", "原档案编号不能超过 40 个字符");
    else if (number) {
      const first = seenNumbers.get(number);
      if (first !== undefined) bad("originalFileNumber", `原档案编号「${number}」与第 ${first} 行重复`);
      else seenNumbers.set(number, rowNumber);
    }
    return ok ? { tier: tier as TOpening["tier"], openedOn, originalFileNumber: number || null } : null;
  }

  function mapIssue(
    issue: z.core.$ZodIssue,
    householdRow: number,
    memberRows: TMemberRow[],
    incomes: Array<{ source: string }>,
    expenditures: Array<{ kind: string }>,
  ) {
    const [first, index, field] = issue.path as [string, number | string | undefined, string | undefined];
    if (first === "members" && typeof index === "number" && memberRows[index]) {
      problem(MEMBER_SHEET, memberRows[index].row, field ? memberHeaderOf(field) : "姓名", issue.message);
    } else if (first === "members") {
      problem(HOUSEHOLD_SHEET, householdRow, "户编号", issue.message);
    } else if (first === "incomes" && typeof index === "number") {
      problem(HOUSEHOLD_SHEET, householdRow, headerOf(`income.${incomes[index]!.source}`), issue.message);
    } else if (first === "expenditures" && typeof index === "number") {
      problem(HOUSEHOLD_SHEET, householdRow, headerOf(`expenditure.${expenditures[index]!.kind}`), issue.message);
    } else if (first === "secondaryCauses") {
      problem(HOUSEHOLD_SHEET, householdRow, headerOf(`secondaryCause${typeof index === "number" ? index + 1 : 1}`), issue.message);
    } else if (first === "organisationId") {
      problem(HOUSEHOLD_SHEET, householdRow, "建档单位代码", issue.message);
    } else {
      const column = HOUSEHOLD_COLUMNS.find((c) => c.key === first);
      problem(HOUSEHOLD_SHEET, householdRow, column?.header ?? "户编号", issue.message);
    }
  }

  for (const [key, rows] of membersByKey) {
    for (const mr of rows) problem(MEMBER_SHEET, mr.row, "户编号", `「${HOUSEHOLD_SHEET}」中没有户编号为「${key}」的户`);
  }
  await ctx.onProgress?.(total, total);
  if (total === 0 && problems.length === 0) return { ok: false, fatal: "工作簿中没有可导入的户（示例行除外）。" };
  return { ok: true, householdCount, problems: sortProblems(problems), memberCount, householdRows: total, memberRows: memberRowCount, people };
}

export const sortImportProblems = (problems: TImportProblem[]) => sortProblems(problems);

function sortProblems(problems: TImportProblem[]) {
  const order = (s: string) => (s === HOUSEHOLD_SHEET ? 0 : 1);
  return problems.sort((a, b) => order(a.sheet) - order(b.sheet) || a.row - b.row);
}

export { YES_NO };
