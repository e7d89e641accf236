// The one money type: an integer number of fen (分). Amounts are typed and shown in yuan, but
// are parsed from their digits and never pass through a binary fraction, so "0.29" is 29 fen
// and never 28.999…; sums of fen are exact up to Number.MAX_SAFE_INTEGER.
// Pure and dependency-free: used by forms in the browser and by domain functions on the server.

export type TParseYuanResult = { ok: true; fen: number } | { ok: false; message: string };

export type TParseYuanOptions = {
  /** Only reversing ledger entries and adjustments may be negative; amounts typed on forms may not. */
  allowNegative?: boolean;
  /** Largest accepted magnitude in fen; defaults to the largest exactly representable integer. */
  maxFen?: number;
};

export const MONEY_ERROR_MESSAGES = {
  EMPTY: "请填写金额。",
  FORMAT: "金额格式不正确，请填写数字，例如 1234.56。",
  DECIMALS: "金额最多保留两位小数（精确到分）。",
  NEGATIVE: "金额不能为负数。",
  TOO_LARGE: "金额超出允许范围。",
} as const;

// Optional sign, then plain digits or digits grouped by commas in threes, then any number of
// decimals: more than two is reported with its own message, as it is the likelier mistake.
const AMOUNT = /^([+-]?)(\d+|\d{1,3}(?:,\d{3})+)(?:\.(\d+))?$/;

const groupedInteger = new Intl.NumberFormat("zh-CN", { useGrouping: true, maximumFractionDigits: 0 });

/**
 * Parses a yuan amount as typed ("1234", "1234.5", "1,234.56", " 12 ") into integer fen.
 * An explicit "+" is accepted because spreadsheets paste it; "-0" is 0.
 */
export function parseYuanToFen(input: string, opts: TParseYuanOptions = {}): TParseYuanResult {
  const value = input.trim();
  if (value === "") return { ok: false, message: MONEY_ERROR_MESSAGES.EMPTY };
  const match = AMOUNT.exec(value);
  if (!match) return { ok: false, message: MONEY_ERROR_MESSAGES.FORMAT };
  const [, sign = "", integer = "", decimals = ""] = match;
  if (decimals.length > 2) return { ok: false, message: MONEY_ERROR_MESSAGES.DECIMALS };

  const digits = (integer.replaceAll(",", "") + decimals.padEnd(2, "0")).replace(/^0+(?=\d)/, "");
  const negative = sign === "-" && /[1-9]/.test(digits);
  if (negative && !opts.allowNegative) return { ok: false, message: MONEY_ERROR_MESSAGES.NEGATIVE };

  const maxFen = opts.maxFen ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(maxFen) || maxFen < 0) throw new RangeError(`金额上限必须是非负整数（分）：${maxFen}`);
  // Compare as BigInt: Number() of a digit string beyond 2^53 would silently round.
  if (BigInt(digits) > BigInt(maxFen)) {
    return { ok: false, message: MONEY_ERROR_MESSAGES.TOO_LARGE };
  }
  const fen = Number(digits);
  return { ok: true, fen: negative ? -fen : fen };
}

/** "¥1,234.56"; negative amounts as "-¥12.30", the way a ledger shows a reversal. */
export function formatFen(fen: number): string {
  const { sign, yuan, cents } = splitFen(fen);
  return `${sign}¥${groupedInteger.format(yuan)}.${cents}`;
}

/** "1234.56" with no symbol or grouping, for a form field; parseYuanToFen reads it back. */
export function fenToYuanString(fen: number): string {
  const { sign, yuan, cents } = splitFen(fen);
  return `${sign}${yuan}.${cents}`;
}

// Integer division and remainder of a safe integer are exact, so no rounding can creep in.
function splitFen(fen: number): { sign: "" | "-"; yuan: number; cents: string } {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`金额必须是以分为单位的整数：${fen}`);
  const magnitude = Math.abs(fen);
  return {
    sign: fen < 0 ? "-" : "",
    yuan: Math.trunc(magnitude / 100),
    cents: String(magnitude % 100).padStart(2, "0"),
  };
}
