// Forms of the warnings list, shared by the browser and the server actions.
import { z } from "zod";
import { keysOf } from "@/lib/labels/keys-of";
import { isCalendarDate } from "@/lib/format/datetime";
import { requiredText } from "@/lib/forms/zod-fields";
import { WARNING_RULE_LABELS, WARNING_STATUS_LABELS } from "./labels";

const ZWarningRef = { warningId: z.uuid("预警不存在"), expectedVersion: z.number().int() };

export const ZActOnWarningInput = z.discriminatedUnion("action", [
  z.object({ ...ZWarningRef, action: z.literal("RECHECK") }),
  z.object({ ...ZWarningRef, action: z.literal("REOPEN") }),
  z.object({ ...ZWarningRef, action: z.literal("DISMISS"), note: requiredText(2, 500, "排除理由") }),
]);
export type TActOnWarningInput = z.output<typeof ZActOnWarningInput>;

export const ZDismissWarningInput = z.object({ ...ZWarningRef, action: z.literal("DISMISS"), note: requiredText(2, 500, "排除理由") });

/** The list's filters from the address bar; anything odd is dropped, never an error page. */
export const ZWarningQuery = z.object({
  status: z.enum(keysOf(WARNING_STATUS_LABELS)).optional().catch(undefined),
  rule: z.enum(keysOf(WARNING_RULE_LABELS)).optional().catch(undefined),
  q: z.string().trim().max(40).optional().catch(undefined),
  from: z.string().refine(isCalendarDate).optional().catch(undefined),
  to: z.string().refine(isCalendarDate).optional().catch(undefined),
});
export type TWarningQuery = z.output<typeof ZWarningQuery>;
