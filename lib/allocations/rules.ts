// Who may enter a fund allocation (资金额度), asked by the allocations page and enforced by
// record-allocation.ts. Pure.
import { roleAllows, type TAllowed } from "@/lib/auth/allowed";
import type { TActor } from "@/lib/auth/actor";

/** 录入额度: an administrator or an official of the union. */
export const mayRecordAllocation = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, ["ADMIN", "OFFICIAL"]);
