import { z } from "zod";
import { requiredText } from "@/lib/forms/zod-fields";
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
