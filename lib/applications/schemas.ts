import { z } from "zod";
import { requiredText } from "@/lib/forms/zod-fields";

const ZApplicationRef = { applicationId: z.uuid("申请不存在"), expectedVersion: z.number().int() };

export const ZApplicationActionInput = z.object(ZApplicationRef);
export const ZDeclineApplicationInput = z.object({ ...ZApplicationRef, reason: requiredText(2, 500, "不予受理的理由") });
export type TApplicationActionInput = z.output<typeof ZApplicationActionInput>;
export type TDeclineApplicationInput = z.output<typeof ZDeclineApplicationInput>;
