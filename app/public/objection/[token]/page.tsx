import Link from "next/link";
import { PublicObjectionForm } from "@/components/public/public-objection-form";
import { Alert } from "@/components/ui/page";
import { isUuid } from "@/lib/data/ids";
import { TIER_LABELS } from "@/lib/labels/household-file";
import { todayInShanghai } from "@/lib/format/datetime";
import { findPublicityFile } from "@/lib/public/find-publicity-notice";
import { PUBLIC_NOTICE_NOT_FOUND, PUBLIC_OBJECTION_NOT_STARTED, publicObjectionClosed } from "@/lib/public/labels";
import { publicityWindow } from "@/lib/public/publicity-window";

export const metadata = { title: "提出异议" };

// 提出异议 on one file of a public notice (issue 24 §3). The file is named by its publicity token,
// never its id; a token that names nothing in publicity gets the same answer as a malformed one.
export default async function PublicObjectionPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const file = isUuid(token) ? await findPublicityFile(token) : null;
  const state = file ? publicityWindow(file, todayInShanghai()) : null;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">对公示提出异议</h1>
      {!file ? (
        <Alert>{PUBLIC_NOTICE_NOT_FOUND}</Alert>
      ) : (
        <>
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 rounded-lg border border-slate-200 bg-white p-4 text-base" data-testid="objection-file">
            <dt className="text-slate-500">姓名</dt>
            <dd className="font-semibold">{file.maskedName}</dd>
            <dt className="text-slate-500">所在工会</dt>
            <dd>{file.baseUnion}</dd>
            <dt className="text-slate-500">申报类别</dt>
            <dd>{file.tier ? TIER_LABELS[file.tier] : "—"}</dd>
            <dt className="text-slate-500">公示期</dt>
            <dd>
              {file.publicityStart} 至 {file.publicityEnd}
            </dd>
            <dt className="text-slate-500">异议截止</dt>
            <dd>{file.publicityEnd}（含当日）</dd>
          </dl>
          {state === "OPEN" ? (
            <>
              <p className="text-slate-700">
                异议会记入该户档案，工会核实处理后才能审定。可以匿名；需要答复的，请留下联系方式。也可以致电
                {file.servicePhone ? ` ${file.servicePhone}` : "所在工会"}反映。
              </p>
              <PublicObjectionForm token={token} />
            </>
          ) : (
            <Alert>{state === "ENDED" ? publicObjectionClosed(file.publicityEnd, file.servicePhone) : PUBLIC_OBJECTION_NOT_STARTED}</Alert>
          )}
        </>
      )}
      <p>
        <Link href="/public/notice" className="inline-flex min-h-12 items-center text-base text-brand-800 underline">
          返回建档公示
        </Link>
      </p>
    </div>
  );
}
