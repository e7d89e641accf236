import { notFound } from "next/navigation";
import { FilingNotice } from "@/components/print/filing-notice";
import { mayIssueQueryCode } from "@/lib/notice/rules";
import { requirePageActor } from "@/lib/auth/session";
import { isUuid } from "@/lib/data/ids";
import { NotFoundError } from "@/lib/errors/domain-error";
import { TIER_LABELS } from "@/lib/labels/household-file";
import { formatDateTime } from "@/lib/format/datetime";
import { findFilingNotice } from "@/lib/notice/find-filing-notice";
import "../print.css";

export const metadata = { title: "打印建档告知书" };

// The A4 建档告知书 for an approved household (issue 24 §1), with its query code. The code exists
// only in the caseworker's browser between 生成 and 打印: the server keeps its hash alone, so this
// page can never show an earlier code again — a reprint is a new code.
export default async function PrintNoticePage({ searchParams }: { searchParams: Promise<{ id?: string }> }) {
  const actor = await requirePageActor("CASEWORKER", "OFFICIAL");
  const { id } = await searchParams;
  if (!id || !isUuid(id)) notFound();
  const notice = await findFilingNotice(actor, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  return (
    <FilingNotice
      notice={{
        fileId: notice.id,
        fileNumber: notice.fileNumber ?? "",
        holderName: notice.holderName ?? "",
        tierLabel: notice.tier ? TIER_LABELS[notice.tier] : "—",
        approvedOn: notice.approvedOn,
        nextCheckDue: notice.nextCheckDue,
        observationUntil: notice.status === "OBSERVATION" ? notice.observationUntil : null,
        unionName: notice.unionName,
        cadreName: notice.cadreName,
        servicePhone: notice.servicePhone,
        recheckMonths: notice.recheckMonths,
        observationMonths: notice.observationMonths,
        liveCodeIssuedAt: notice.liveCodeIssuedAt ? formatDateTime(notice.liveCodeIssuedAt) : null,
      }}
      refusal={notice.allowed.ok ? null : notice.allowed.reason}
      canIssue={mayIssueQueryCode(actor).ok}
    />
  );
}
