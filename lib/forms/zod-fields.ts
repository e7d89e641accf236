// Field schemas every form shares, in the browser and in the server actions: a blank input is
// "not given", texts have a length in Chinese words, and money is typed in yuan and leaves as fen.
import { z } from "zod";
import { keysOf } from "@/lib/filing/labels";
import { parseYuanToFen, type TParseYuanOptions } from "@/lib/money/money";

export const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

export const optionalText = (max: number, label: string) =>
  z.preprocess(blankToUndefined, z.string().trim().max(max, `${label}不能超过 ${max} 个字`).optional());

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
