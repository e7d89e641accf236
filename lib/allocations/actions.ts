"use server";

import { authedAction } from "@/lib/actions/action";
import { recordAllocation } from "@/lib/allocations/record-allocation";
import { ZRecordAllocationInput } from "@/lib/allocations/schemas";

export const recordAllocationAction = authedAction(ZRecordAllocationInput, ["ADMIN", "OFFICIAL"], recordAllocation);
