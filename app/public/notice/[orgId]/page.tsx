import Link from "next/link";
import { notFound } from "next/navigation";
import { Pagination } from "@/components/ui/pagination";
import { EmptyState } from "@/components/ui/page";
import { isUuid } from "@/lib/data/ids";
import { pageFrom } from "@/lib/data/pagination";
import { TIER_LABELS } from "@/lib/labels/household-file";
import { findPublicityNotice } from "@/lib/public/find-publicity-notice";

export const metadata = { title: "建档公示" };

// A union's public notice (公示, issue 24 §3): the files in publicity today under it, masked.
export default async function PublicNoticePage({ params, searchParams }: { params: Promise<{ orgId: string }>; searchParams: Promise<{ page?: string }> }) {
  const { orgId } = await params;
  if (!isUuid(orgId)) notFound();
  const notice = await findPublicityNotice(orgId, { page: pageFrom((await searchParams).page, 1_000) });
  if (!notice) notFound();
  const { union, files } = notice;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{union.name} · 建档公示</h1>
      <p className="text-slate-700">
        以下职工家庭拟建立困难职工档案，正在公示。公示期内，任何人如有异议，可点“提出异议”网上提出（可以匿名），或致电
        {union.servicePhone ? ` ${union.servicePhone}` : "所在工会"}。异议截止日为公示期的最后一天。
      </p>
      <p>
        <a
          href={`/public/notice/${union.id}/print`}
          target="_blank"
          rel="noopener"
          className="inline-flex min-h-12 items-center rounded-md border border-slate-300 bg-white px-4 text-base font-medium hover:bg-slate-50"
        >
          打印公示（A4）
        </a>
      </p>
      {files.rows.length === 0 ? (
        <EmptyState title="目前没有正在公示的建档申请" />
      ) : (
        <>
          <ul className="space-y-3" aria-label="公示名单" data-testid="publicity-list">
            {files.rows.map((f) => (
              <li key={f.token} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="publicity-row">
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <span className="text-lg font-semibold">{f.maskedName}</span>
                  <span className="text-slate-700">{f.tier ? TIER_LABELS[f.tier] : "—"}</span>
                </div>
                <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-slate-700">
                  <dt className="text-slate-500">所在工会</dt>
                  <dd>{f.baseUnion}</dd>
                  <dt className="text-slate-500">公示期</dt>
                  <dd>
                    {f.publicityStart} 至 {f.publicityEnd}
                  </dd>
                  <dt className="text-slate-500">异议截止</dt>
                  <dd>{f.publicityEnd}（含当日）</dd>
                </dl>
                <Link
                  href={`/public/objection/${f.token}`}
                  className="mt-3 inline-flex min-h-12 items-center rounded-md border border-brand-700 px-4 text-base font-medium text-brand-800 hover:bg-brand-50"
                >
                  提出异议<span className="sr-only">（{f.maskedName}）</span>
                </Link>
              </li>
            ))}
          </ul>
          <Pagination page={files.page} pageCount={files.pageCount} total={files.total} params={{}} />
        </>
      )}
      <p>
        <Link href="/public/notice" className="inline-flex min-h-12 items-center text-base text-brand-800 underline">
          查找其他工会的公示
        </Link>
      </p>
    </div>
  );
}
