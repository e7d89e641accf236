import { notFound } from "next/navigation";
import { PublicityNotice } from "@/components/print/publicity-notice";
import { isUuid } from "@/lib/data/ids";
import { findPublicityNoticeForPrint } from "@/lib/public/find-publicity-notice";
import "../../../../print/print.css";

export const metadata = { title: "打印公示" };

// The A4 公示 of a union, printed from the public page (the staff side prints the same from /print/publicity).
export default async function PublicNoticePrintPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  if (!isUuid(orgId)) notFound();
  const notice = await findPublicityNoticeForPrint(orgId);
  if (!notice) notFound();
  return <PublicityNotice {...notice} />;
}
