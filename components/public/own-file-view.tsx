import { TIER_LABELS } from "@/lib/labels/household-file";
import { AID_TYPE_LABELS } from "@/lib/ledger/labels";
import { formatFen } from "@/lib/money/money";
import { PUBLIC_FILE_STATUS_LABELS } from "@/lib/public/labels";
import type { TOwnFileView } from "@/lib/public/query-own-file";
import { PUBLIC_APPLICATION_STATUS_LABELS } from "@/lib/applications/labels";

const month = (date: string) => `${date.slice(0, 4)}年${Number(date.slice(5, 7))}月`;

/** What the household sees of its own file on the public query: nothing more than this. */
export function OwnFileView({ file }: { file: TOwnFileView }) {
  const row = (label: string, value: string) => (
    <div className="flex justify-between gap-4 border-b border-slate-100 py-2 last:border-0">
      <dt className="text-slate-600">{label}</dt>
      <dd className="text-right font-medium">{value}</dd>
    </div>
  );
  return (
    <section aria-labelledby="own-file" className="space-y-4" data-testid="own-file">
      <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="own-file" className="mb-2 text-lg font-semibold">
          我的档案
        </h2>
        <dl>
          {row("档案编号", file.fileNumber)}
          {row("所在工会", file.unionName)}
          {row("档案状态", PUBLIC_FILE_STATUS_LABELS[file.status] ?? "—")}
          {row("困难类别", file.tier ? TIER_LABELS[file.tier] : "—")}
          {row("帮扶责任人", file.cadreName ?? "尚未确定")}
          {file.nextCheckDue && row("下次复核", month(file.nextCheckDue))}
          {file.observationUntil && row("渐退期至", file.observationUntil)}
        </dl>
      </div>
      <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <h2 className="mb-2 text-lg font-semibold">近 24 个月帮扶资金</h2>
        {file.payments.length === 0 ? (
          <p className="text-slate-600">近 24 个月没有发放记录。</p>
        ) : (
          <ul className="divide-y divide-slate-100" data-testid="own-payments">
            {file.payments.map((p, i) => (
              <li key={i} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 py-3">
                <span className="font-medium">{AID_TYPE_LABELS[p.aidType]}</span>
                <span className="text-lg font-semibold tabular-nums">{formatFen(p.amountFen)}</span>
                <span className="text-sm text-slate-600">
                  {p.date}
                  {p.accountLast4 ? ` · 尾号 ${p.accountLast4} 账户` : ""}
                </span>
                <span className="text-sm font-medium text-slate-800">{p.outcome}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      {file.applications.length > 0 && (
        <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <h2 className="mb-2 text-lg font-semibold">网上申请</h2>
          <ul className="divide-y divide-slate-100" data-testid="own-applications">
            {file.applications.map((a) => (
              <li key={a.number} className="space-y-1 py-3">
                <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
                  <span className="font-medium break-all">{a.number}</span>
                  <span className="font-semibold">{PUBLIC_APPLICATION_STATUS_LABELS[a.status]}</span>
                </div>
                <p className="text-sm text-slate-600">提交日期 {a.submittedOn}</p>
                {a.fileNumber && <p className="text-sm text-slate-800">档案编号 {a.fileNumber}</p>}
                {a.declineReason && <p className="text-sm break-words text-slate-800">不予受理理由：{a.declineReason}</p>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
