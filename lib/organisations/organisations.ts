import "server-only";
import { mayCreateOrganisation } from "./rules";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { isRaisedBy, isUniqueViolation } from "@/lib/db/errors";
import { DomainError, NotFoundError, enforce } from "@/lib/errors/domain-error";
import { regionsWithinLabel, regionWithin } from "@/lib/policy/regions";
import { ORG_LEVELS, type TCreateOrganisationInput } from "./schemas";

/** Every organisation in the actor's scope, in tree order (parents before children). */
export function listScopeOrganisations(actor: TActor) {
  return scopedDb(actor).organisation.findMany({
    orderBy: { path: "asc" },
    select: { id: true, name: true, code: true, level: true, depth: true, parentId: true, path: true, regionCode: true },
  });
}

export async function getOrganisation(actor: TActor, id: string) {
  const db = scopedDb(actor);
  const org = await db.organisation.findUnique({
    where: { id },
    include: {
      parent: { select: { id: true, name: true, path: true } },
      children: { orderBy: { code: "asc" }, select: { id: true, name: true, code: true, level: true } },
      _count: { select: { users: true } },
    },
  });
  if (!org) throw new NotFoundError("该组织不存在，或不在您的管辖范围内。");
  // Ancestors above the actor's own organisation are outside their scope: show names only up to it.
  const ancestorIds = org.path.split("/").filter(Boolean).slice(0, -1);
  const ancestors = await db.organisation.findMany({ where: { id: { in: ancestorIds } }, orderBy: { depth: "asc" }, select: { id: true, name: true } });
  return { ...org, ancestors };
}

export async function createOrganisation(actor: TActor, input: TCreateOrganisationInput) {
  enforce(mayCreateOrganisation(actor));
  const db = scopedDb(actor);
  const parent = await db.organisation.findUnique({ where: { id: input.parentId }, select: { level: true, name: true, regionCode: true } });
  if (!parent) throw new NotFoundError("上级组织不存在，或不在您的管辖范围内。");
  const parentRank = ORG_LEVELS.indexOf(parent.level);
  const rank = ORG_LEVELS.indexOf(input.level);
  if (rank < parentRank || (rank === parentRank && input.level !== "GRASSROOTS")) {
    throw new DomainError("下级组织的层级不能高于或等同于上级组织（基层工会下可再设基层工会）。", "INVALID", { level: "层级与上级组织不符" });
  }
  // Policy is found from the region code up to its city, province and the nation: a union outside
  // its parent's region would silently take another place's 低保 standard (or the national one).
  const outsideParent = () => {
    const message = `行政区划代码 ${input.regionCode} 不在上级组织「${parent.name}」（${parent.regionCode}）的地区范围内，应填写${regionsWithinLabel(parent.regionCode)}。`;
    return new DomainError(message, "REGION_OUTSIDE_PARENT", { regionCode: message });
  };
  if (!regionWithin(parent.regionCode, input.regionCode)) throw outsideParent();
  try {
    return await db.$transaction(async (tx) => {
      const org = await tx.organisation.create({
        // path and depth are derived from the parent by the organisation_set_path trigger.
        data: { ...input, servicePhone: input.servicePhone ?? null, path: "", depth: 0 },
        select: { id: true },
      });
      await recordAudit(tx, actor, { action: "organisation.create", entityType: "organisation", entityId: org.id, organisationId: org.id, detail: input });
      return org;
    });
  } catch (error) {
    if (isRaisedBy(error, "organisation_region_within_parent")) throw outsideParent();
    if (isUniqueViolation(error, "code")) {
      throw new DomainError("该组织代码已被使用。", "DUPLICATE", { code: "该组织代码已被使用" });
    }
    throw error;
  }
}
