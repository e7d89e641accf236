"use server";

import { authedAction } from "@/lib/actions/action";
import { resolveSignal } from "@/lib/signals/resolve-signal";
import { ZResolveSignalInput } from "@/lib/signals/schemas";

export const resolveSignalAction = authedAction(ZResolveSignalInput, ["AUDITOR", "OFFICIAL"], resolveSignal);
