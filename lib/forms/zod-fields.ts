// Field schemas every form shares, in the browser and in the server actions: a blank input is
// "not given", texts have a length in Chinese words, and money is typed in yuan and leaves as fen.
import { z } from "zod";
import { keysOf } from "@/lib/labels/keys-of";
import { CALENDAR_YEARS, calendarDateProblem, type TCalendarDateProblem } from "@/lib/format/datetime";
import { parseYuanToFen, type TParseYuanOptions } from "@/lib/money/money";

export const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

/**
 * Characters no form field may carry: C0 controls except tab and line breaks, DEL, C1 controls, and
 * the Unicode line/paragraph separators. NUL in particular must never reach PostgreSQL (it refuses
 * it in text), and the others only hide or break what a reader sees.
 */
// eslint-disable-next-line no-control-regex -- the point: the characters this refuses are control characters
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;
export const CONTROL_CHARACTER_MESSAGE = "不能包含控制字符或不可见字符，请删除后重新填写";

/** A string that carries no control character; the base of every text field. */
export const plainString = (message?: string) => z.string(message).refine((v) => !CONTROL_CHARACTERS.test(v), CONTROL_CHARACTER_MESSAGE);

/** A required text of `min`–`max` characters after trimming. */
export const requiredText = (min: number, max: number, label: string) =>
  plainString(`请填写${label}`).trim().min(min, `请填写${label}`).max(max, `${label}不能超过 ${max} 个字`);

export const optionalText = (max: number, label: string) =>
  z.preprocess(blankToUndefined, plainString().trim().max(max, `${label}不能超过 ${max} 个字`).optional());

/**
 * The first string anywhere in an action's raw input that carries a control character, as a field
 * path ("members.2.name"), or null. authedAction refuses such input before any schema runs, so no
 * schema (also one that forgot plainString) lets one through.
 */
export function controlCharacterPath(value: unknown, path: string[] = [], depth = 0): string | null {
  if (typeof value === "string") return CONTROL_CHARACTERS.test(value) ? path.join(".") || "_" : null;
  if (depth > 20 || value === null || typeof value !== "object") return null;
  if (typeof Blob !== "undefined" && value instanceof Blob) return null;
  const entries: Array<[string, unknown]> =
    typeof FormData !== "undefined" && value instanceof FormData
      ? [...value.entries()]
      : Array.isArray(value)
        ? value.map((v, i) => [String(i), v])
        : Object.entries(value);
  for (const [key, item] of entries) {
    if (CONTROL_CHARACTERS.test(key)) return [...path, "_"].join(".");
    const found = controlCharacterPath(item, [...path, key], depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/**
 * The one date field: a calendar date as YYYY-MM-DD (what `<input type="date">` sends) that exists.
 * 2026-02-30 is refused with a message saying so, never rolled into March; `message` is the field's
 * own prompt, shown when nothing or something other than a date arrives. Every form, filter and
 * import uses it (or `calendarDateProblem` underneath it), so no schema keeps its own date regex.
 */
export const calendarDate = (message = "请填写日期（年-月-日）") =>
  z.string(message).superRefine((value, ctx) => {
    const problem = calendarDateProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: calendarDateMessage(value, problem, message) });
  });

/** The Chinese words for what `calendarDateProblem` found; `formatMessage` is the field's own prompt. */
export function calendarDateMessage(value: string, problem: TCalendarDateProblem, formatMessage: string): string {
  if (problem === "NO_SUCH_DAY") return `${value} 这一天不存在（该月没有这么多天），请重新选择日期`;
  if (problem === "YEAR") return `年份应在 ${CALENDAR_YEARS.min} 至 ${CALENDAR_YEARS.max} 年之间，请检查日期`;
  return formatMessage;
}

/** The same, where a blank field stays undefined. */
export const optionalCalendarDate = (message?: string) => z.preprocess(blankToUndefined, calendarDate(message).optional());

export function optionalChoice<T extends Record<string, string>>(labels: T, message: string) {
  return z.preprocess(blankToUndefined, z.enum(keysOf(labels), message).optional());
}

function toFen(value: string, ctx: z.RefinementCtx, options?: TParseYuanOptions) {
  const parsed = parseYuanToFen(value, options);
  if (!parsed.ok) {
    ctx.addIssue({ code: "custom", message: parsed.message });
    return z.NEVER;
  }
  return parsed.fen;
}

/** Yuan as typed ("1,234.56") in, integer fen out. */
export const yuanToFen = (options?: TParseYuanOptions) => z.string("请填写金额").transform((value, ctx) => toFen(value, ctx, options));

/** The same, where a blank field stays undefined. */
export const optionalYuanToFen = (options?: TParseYuanOptions) =>
  z.preprocess(blankToUndefined, z.string().optional()).transform((value, ctx) => (value === undefined ? undefined : toFen(value, ctx, options)));
