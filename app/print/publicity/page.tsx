import { notFound } from "next/navigation";
import { PublicityNotice } from "@/components/print/publicity-notice";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { isUuid } from "@/lib/data/ids";
import { findPublicityNoticeInScope } from "@/lib/public/find-publicity-notice";
import "../print.css";

export const metadata = { title: "打印公示" };

// The A4 公示 printed from the staff side (the review queue, a file in publicity), for a union in
// the actor's scope (their own by default): the same sheet the public page prints.
export default async function PrintPublicityPage({ searchParams }: { searchParams: Promise<{ org?: string }> }) {
  const actor = await requirePageActor(...SECTION_ROLES.archive);
  const { org } = await searchParams;
  const orgId = org ?? actor.organisation.id;
  if (!isUuid(orgId)) notFound();
  const notice = await findPublicityNoticeInScope(actor, orgId);
  if (!notice) notFound();
  return <PublicityNotice {...notice} />;
}
