// Who may change the organisation tree, asked by the organisation pages and enforced by
// organisations.ts. Pure.
import { roleAllows, type TAllowed } from "@/lib/auth/allowed";
import type { TActor } from "@/lib/auth/actor";

/** 新建下级组织: administrators. */
export const mayCreateOrganisation = (actor: Pick<TActor, "roles">): TAllowed => roleAllows(actor, ["ADMIN"]);
