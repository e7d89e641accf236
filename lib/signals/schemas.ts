import { z } from "zod";
import { keysOf } from "@/lib/labels/keys-of";
import { requiredText } from "@/lib/forms/zod-fields";
import { SIGNAL_KIND_LABELS, SIGNAL_STATUS_LABELS } from "./labels";

export const ZResolveSignalInput = z.object({
  signalId: z.uuid("线索不存在"),
  expectedVersion: z.number().int(),
  status: z.enum(["REASONABLE", "CORRECTED"], "请选择核查结论"),
  note: requiredText(2, 500, "核查情况"),
});
export type TResolveSignalInput = z.output<typeof ZResolveSignalInput>;

export const ZSignalQuery = z.object({
  status: z.enum(keysOf(SIGNAL_STATUS_LABELS)).optional().catch(undefined),
  kind: z.enum(keysOf(SIGNAL_KIND_LABELS)).optional().catch(undefined),
});
