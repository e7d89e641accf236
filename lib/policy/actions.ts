"use server";

import { authedAction } from "@/lib/actions/action";
import { addPolicyRow } from "@/lib/policy/add-policy-row";
import { ZAddPolicyRowInput } from "@/lib/policy/schemas";

export const addPolicyRowAction = authedAction(ZAddPolicyRowInput, ["ADMIN"], (actor, input) => addPolicyRow(actor, input));
