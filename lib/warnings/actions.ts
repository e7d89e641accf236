"use server";

import { authedAction } from "@/lib/actions/action";
import { actOnWarning } from "@/lib/warnings/act-on-warning";
import { ZActOnWarningInput } from "@/lib/warnings/schemas";

export const actOnWarningAction = authedAction(ZActOnWarningInput, ["CASEWORKER", "OFFICIAL"], actOnWarning);
