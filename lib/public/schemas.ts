import { z } from "zod";
import { optionalText, plainString, requiredText } from "@/lib/forms/zod-fields";
import { PUBLIC_OBJECTION_LIMITS, PUBLIC_UNION_SEARCH } from "./limits";
import { validateResidentId } from "@/lib/people/resident-id";
import { normalizeQueryCode, QUERY_CODE_ALPHABET, QUERY_CODE_LENGTH } from "./query-code-format";

// The public query form (本人查询). Format errors say what is wrong with what was typed; they
// depend on nothing stored, so they tell nobody whether a file exists.

export const ZPublicQueryInput = z.object({
  name: requiredText(1, 30, "姓名").transform((v) => v.replace(/\s+/g, "")),
  residentId: requiredText(1, 30, "身份证号码").transform((value, ctx) => {
    const checked = validateResidentId(value);
    if (!checked.ok) {
      ctx.addIssue({ code: "custom", message: checked.message });
      return z.NEVER;
    }
    return checked.id;
  }),
  code: requiredText(1, 30, "查询码")
    .transform(normalizeQueryCode)
    .refine(
      (v) => v.length === QUERY_CODE_LENGTH && [...v].every((c) => QUERY_CODE_ALPHABET.includes(c)),
      `查询码为 ${QUERY_CODE_LENGTH} 位字母和数字（不含 0、1、I、L、O），见建档告知书`,
    ),
});
export type TPublicQueryInput = z.input<typeof ZPublicQueryInput>;
export type TPublicQuery = z.output<typeof ZPublicQueryInput>;

// The public notice (公示, issue 24 §3). Every budget is checked before any work (lib/public/limits.ts).
export const ZPublicObjectionInput = z.object({
  token: z.uuid("该公示不存在或已结束，请从公示名单重新进入"),
  content: requiredText(1, PUBLIC_OBJECTION_LIMITS.contentChars, "异议内容").refine((v) => v.length >= 5, "请写明异议的事实，至少 5 个字"),
  /** Empty: anonymous (匿名). */
  name: optionalText(PUBLIC_OBJECTION_LIMITS.nameChars, "姓名"),
  contact: optionalText(PUBLIC_OBJECTION_LIMITS.contactChars, "联系方式"),
});
export type TPublicObjectionInput = z.input<typeof ZPublicObjectionInput>;
export type TPublicObjection = z.output<typeof ZPublicObjectionInput>;

/** The union search of the public notice: 2–30 characters of its name. */
export const ZPublicUnionSearch = plainString()
  .trim()
  .min(PUBLIC_UNION_SEARCH.minChars, `请至少输入 ${PUBLIC_UNION_SEARCH.minChars} 个字`)
  .max(PUBLIC_UNION_SEARCH.maxChars, `不能超过 ${PUBLIC_UNION_SEARCH.maxChars} 个字`);
