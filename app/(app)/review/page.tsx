import Link from "next/link";
import { Badge, EmptyState, PageHeader } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { pageFrom } from "@/lib/data/pagination";
import { findReviewQueue } from "@/lib/filing/find-files";
import { CIVIL_CHECK_LABELS, FILE_STATUS_LABELS, TIER_LABELS } from "@/lib/filing/labels";
import { dateOnlyString, formatDateTime, todayInShanghai } from "@/lib/format/datetime";

export const metadata = { title: "审核" };

const STEPS = ["SUBMITTED", "REVIEWED", "PUBLICITY"] as const;

export default async function ReviewPage({ searchParams }: { searchParams: Promise<{ status?: string; page?: string }> }) {
  const actor = await requirePageActor(...SECTION_ROLES.review);
  const params = await searchParams;
  const status = STEPS.find((s) => s === params.status);
  const queue = await findReviewQueue(actor, { status, page: pageFrom(params.page) });
  const today = todayInShanghai();
  return (
    <>
      <PageHeader title="审核" description="管辖范围内等待初审、公示和审定的建档申请，按提交时间先后排列。" />
      <div className="mb-4 flex flex-wrap gap-2 text-sm">
        <Link href="/review" className={`rounded-full border px-3 py-1 ${!status ? "border-brand-700 bg-brand-50 text-brand-700" : "border-slate-300 bg-white"}`}>
          全部 {STEPS.reduce((n, s) => n + queue.countByStatus[s], 0)}
        </Link>
        {STEPS.map((s) => (
          <Link key={s} href={`/review?status=${s}`} className={`rounded-full border px-3 py-1 ${status === s ? "border-brand-700 bg-brand-50 text-brand-700" : "border-slate-300 bg-white"}`}>
            {FILE_STATUS_LABELS[s]} {queue.countByStatus[s]}
          </Link>
        ))}
      </div>
      {queue.rows.length === 0 ? (
        <EmptyState title="没有待审核的申请" />
      ) : (
        <>
          <Table head={["建档职工", "建档单位", "环节", "申报类别（系统建议）", "民政核对", "提交人", "提交时间"]}>
            {queue.rows.map((f) => {
              const publicityDone = f.publicityEnd && dateOnlyString(f.publicityEnd) <= today;
              return (
                <tr key={f.id}>
                  <Td>
                    <Link href={`/files/${f.id}`} className="font-medium text-brand-700 hover:underline">
                      {f.holderName}
                    </Link>
                    {f.episode > 1 && <span className="ml-2 text-xs text-amber-700">返困</span>}
                  </Td>
                  <Td>{f.organisation.name}</Td>
                  <Td>
                    <Badge tone="amber">{FILE_STATUS_LABELS[f.status]}</Badge>
                    {f.status === "PUBLICITY" && f.publicityEnd && (
                      <span className="ml-2 text-xs text-slate-500">{publicityDone ? "公示期满，待审定" : `至 ${dateOnlyString(f.publicityEnd)}`}</span>
                    )}
                  </Td>
                  <Td>
                    {f.proposedTier ? TIER_LABELS[f.proposedTier] : "—"}（{f.suggestedTier ? TIER_LABELS[f.suggestedTier] : "不符合"}）
                  </Td>
                  <Td>{f.civilCheckResult ? CIVIL_CHECK_LABELS[f.civilCheckResult] : "未录入"}</Td>
                  <Td>
                    {f.submittedBy?.name}
                    {f.submittedById === actor.userId && <span className="ml-1 text-xs text-slate-500">（本人，须他人审核）</span>}
                  </Td>
                  <Td>{formatDateTime(f.submittedAt)}</Td>
                </tr>
              );
            })}
          </Table>
          <Pagination page={queue.page} pageCount={queue.pageCount} total={queue.total} params={{ status }} />
        </>
      )}
    </>
  );
}
