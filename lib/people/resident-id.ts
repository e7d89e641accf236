// Chinese resident ID number (公民身份号码, GB 11643-1999): 6-digit region code, 8-digit birth
// date, 3-digit sequence (its last digit gives the sex), 1 check character (0–9 or X).
// Pure (dates through lib/format/datetime): the filing form runs it in the browser, the domain function on the
// server, and both must reject the same numbers with the same words.

import { calendarDateProblem, formatDate, isCalendarDate } from "@/lib/format/datetime";

export type TResidentIdError =
  | "EMPTY"
  | "LENGTH"
  | "CHARACTERS"
  | "REGION"
  | "BIRTH_DATE_INVALID"
  | "BIRTH_DATE_TOO_EARLY"
  | "BIRTH_DATE_FUTURE"
  | "CHECK_CHARACTER"
  | "BIRTH_DATE_MISMATCH"
  | "SEX_MISMATCH";

export const RESIDENT_ID_ERROR_MESSAGES: Readonly<Record<TResidentIdError, string>> = {
  EMPTY: "请填写公民身份号码。",
  LENGTH: "公民身份号码应为 18 位（15 位旧号码请换为 18 位）。",
  CHARACTERS: "公民身份号码应为 17 位数字加 1 位数字或字母 X。",
  REGION: "公民身份号码前 6 位地区码不正确。",
  BIRTH_DATE_INVALID: "公民身份号码第 7–14 位不是有效的出生日期。",
  BIRTH_DATE_TOO_EARLY: "公民身份号码中的出生日期早于 1900 年 1 月 1 日。",
  BIRTH_DATE_FUTURE: "公民身份号码中的出生日期晚于今天。",
  CHECK_CHARACTER: "公民身份号码校验位不正确，请逐位核对。",
  BIRTH_DATE_MISMATCH: "公民身份号码中的出生日期与填写的出生日期不一致。",
  SEX_MISMATCH: "公民身份号码中的性别与填写的性别不一致。",
};

export type TSex = "MALE" | "FEMALE";

export type TResidentIdResult = { ok: true; id: string; birthDate: string; sex: TSex } | { ok: false; code: TResidentIdError; message: string };

export type TValidateResidentIdOptions = {
  /** YYYY-MM-DD as entered on the form; compared as a string with the date inside the number. */
  birthDate?: string;
  sex?: TSex;
  /** Injected so tests (and a re-check run on a given day) are deterministic. */
  today?: Date;
};

// ISO 7064 MOD 11-2 as specified by GB 11643-1999.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = "10X98765432";

// Nobody filed for hardship assistance was born before 1900; an earlier year is a typo, and
// accepting it would let e.g. 1880 for 1980 pass unnoticed.
const EARLIEST_BIRTH_DATE = "1900-01-01";

/** Trims and upper-cases, so a lowercase check character x is accepted and stored as X. */
export function normalizeResidentId(raw: string): string {
  return raw.trim().toUpperCase();
}

/**
 * The check character for the first 17 characters of `id`, which must be digits. Exported for
 * test factories that need valid numbers.
 */
export function residentIdCheckCharacter(id: string): string {
  let sum = 0;
  for (let i = 0; i < WEIGHTS.length; i++) sum += Number(id[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARACTERS.charAt(sum % 11);
}

/**
 * Checks run from the cheapest-to-explain to the most specific: format, then the birth date,
 * then the check character, then agreement with the rest of the form. A number with a
 * mistyped date also fails its check character, and "the birth date is not a real date" tells
 * the caseworker where to look; "the check character is wrong" would not.
 */
export function validateResidentId(raw: string, opts: TValidateResidentIdOptions = {}): TResidentIdResult {
  const id = normalizeResidentId(raw);
  if (id === "") return fail("EMPTY");
  if (id.length !== 18) return fail("LENGTH");
  if (!/^\d{17}[\dX]$/.test(id)) return fail("CHARACTERS");
  // Region codes start with 1–8 today; only a leading 0 is rejected, without a region table,
  // because codes change with every redistricting and old numbers stay valid for life.
  if (id.startsWith("0")) return fail("REGION");

  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  // A day that exists but lies before the typed-date years (1880) is "too early", not "no such day".
  const problem = calendarDateProblem(birthDate);
  if (problem === "FORMAT" || problem === "NO_SUCH_DAY") return fail("BIRTH_DATE_INVALID");
  if (birthDate < EARLIEST_BIRTH_DATE) return fail("BIRTH_DATE_TOO_EARLY");
  if (problem !== null) return fail("BIRTH_DATE_INVALID");
  if (birthDate > shanghaiDate(opts.today ?? new Date())) return fail("BIRTH_DATE_FUTURE");

  if (id.charAt(17) !== residentIdCheckCharacter(id)) return fail("CHECK_CHARACTER");

  const sex: TSex = Number(id.charAt(16)) % 2 === 1 ? "MALE" : "FEMALE";
  if (opts.birthDate !== undefined && opts.birthDate !== birthDate) return fail("BIRTH_DATE_MISMATCH");
  if (opts.sex !== undefined && opts.sex !== sex) return fail("SEX_MISMATCH");

  return { ok: true, id, birthDate, sex };
}

/**
 * The 18-digit form of a 15-digit number (the first-generation cards, issued before 1999): the
 * standard conversion of GB 11643-1999 inserts the century "19" before the two-digit birth year
 * and appends the check character. Null when the input is not a 15-digit number with a real
 * birth date: the caller then shows the usual refusal. The caseworker confirms the result: the
 * form offers it, never silently replaces what was typed.
 */
export function upgradeResidentId15(raw: string): string | null {
  const old = raw.trim();
  if (!/^[1-9]\d{14}$/.test(old)) return null;
  const body = `${old.slice(0, 6)}19${old.slice(6)}`;
  if (!isCalendarDate(`${body.slice(6, 10)}-${body.slice(10, 12)}-${body.slice(12, 14)}`)) return null;
  return body + residentIdCheckCharacter(body);
}

/**
 * First 6 and last 4 characters with 8 asterisks between, for lists and exports that must not
 * show the full number. Anything that is not 18 characters (never a stored, validated number)
 * is masked completely rather than guessing which part is safe to show.
 */
export function maskResidentId(id: string): string {
  const value = normalizeResidentId(id);
  if (value.length !== 18) return "*".repeat(value.length);
  return `${value.slice(0, 6)}********${value.slice(14)}`;
}

function fail(code: TResidentIdError): TResidentIdResult {
  return { ok: false, code, message: RESIDENT_ID_ERROR_MESSAGES[code] };
}

/**
 * The calendar day of `instant` in Asia/Shanghai as YYYY-MM-DD, comparable as a string. China's
 * offset is whole hours, so the day is the same throughout a UTC minute: the last minute's answer
 * is kept (an import checks 200,000 numbers, and the time-zone conversion dominated that).
 */
let lastMinute = Number.NaN;
let lastDay = "";
function shanghaiDate(instant: Date): string {
  const minute = Math.floor(instant.getTime() / 60_000);
  if (minute !== lastMinute) {
    lastDay = formatDate(instant);
    lastMinute = minute;
  }
  return lastDay;
}
