import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { NotFoundError } from "@/lib/errors/domain-error";
import { dateOnlyString, todayInShanghai } from "@/lib/format/datetime";
import { policyValue } from "@/lib/policy/policy";
import { servicePhoneFor } from "@/lib/public/service-phone";
import { canIssueQueryCode } from "./rules";

/** What the A4 建档告知书 prints about a file (the query code itself is never read back: only its hash is kept). */
export async function findFilingNotice(actor: TActor, fileId: string) {
  assertRole(actor, "CASEWORKER", "OFFICIAL");
  const file = await scopedDb(actor).householdFile.findUnique({
    where: { id: fileId },
    select: {
      id: true,
      status: true,
      fileNumber: true,
      holderName: true,
      tier: true,
      approvedAt: true,
      nextCheckDue: true,
      observationUntil: true,
      organisation: { select: { name: true, path: true, regionCode: true } },
      responsibleCadre: { select: { name: true } },
      queryCodes: { where: { endedAt: null }, select: { issuedAt: true } },
    },
  });
  if (!file) throw new NotFoundError();
  const today = todayInShanghai();
  const [servicePhone, recheckMonths, observationMonths] = await Promise.all([
    servicePhoneFor(file.organisation.path),
    policyValue("RECHECK_INTERVAL_MONTHS", file.organisation.regionCode, today),
    policyValue("OBSERVATION_MONTHS", file.organisation.regionCode, today),
  ]);
  return {
    id: file.id,
    status: file.status,
    fileNumber: file.fileNumber,
    holderName: file.holderName,
    tier: file.tier,
    approvedOn: file.approvedAt ? dateOnlyString(file.approvedAt) : null,
    nextCheckDue: file.nextCheckDue ? dateOnlyString(file.nextCheckDue) : null,
    observationUntil: file.observationUntil ? dateOnlyString(file.observationUntil) : null,
    unionName: file.organisation.name,
    cadreName: file.responsibleCadre?.name ?? null,
    servicePhone,
    recheckMonths,
    observationMonths,
    liveCodeIssuedAt: file.queryCodes[0]?.issuedAt ?? null,
    allowed: canIssueQueryCode(file),
  };
}
export type TFilingNotice = Awaited<ReturnType<typeof findFilingNotice>>;

/** The public's visits to a file (本人查询 answered or refused), newest first, for the file's history. */
export async function findPublicVisits(actor: TActor, fileId: string) {
  const db = scopedDb(actor);
  // A file made from an online application (issue 24 §2) also shows the application's own history:
  // sent (with the address), queried, accepted, converted.
  const application = await db.onlineApplication.findFirst({ where: { fileId }, select: { id: true } });
  return db.auditEvent.findMany({
    where: {
      OR: [
        {
          entityType: "household_file",
          entityId: fileId,
          action: { in: ["public.query", "public.query_failed", "file.query_code_issue", "public.objection"] },
        },
        ...(application ? [{ entityType: "online_application", entityId: application.id, action: { not: "application.upload_view" } }] : []),
      ],
    },
    orderBy: { id: "desc" },
    take: 50,
    select: { id: true, at: true, action: true, ip: true },
  });
}
