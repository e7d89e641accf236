import { buttonClass } from "@/components/ui/button";

/**
 * The download buttons of a list: .xlsx (default) and CSV with the page's filters, and for an
 * auditor an export with full ID / account numbers behind an explicit second step — the server
 * refuses `full=1` from anyone else and records the choice in the audit trail.
 */
export function ExportLinks({ href, params, auditor, fullNote }: { href: string; params: Record<string, string>; auditor: boolean; fullNote?: string }) {
  const url = (extra: Record<string, string>) => `${href}?${new URLSearchParams({ ...params, ...extra })}`;
  return (
    <div className="flex flex-wrap items-start gap-2">
      <a href={url({ format: "xlsx" })} className={buttonClass("secondary")}>导出 Excel</a>
      <a href={url({ format: "csv" })} className={buttonClass("secondary")}>导出 CSV</a>
      {auditor && fullNote ? (
        <details className="relative">
          <summary className={buttonClass("secondary", "cursor-pointer list-none")}>含完整号码导出…</summary>
          <div className="absolute right-0 z-10 mt-1 w-72 rounded border border-slate-200 bg-white p-3 text-sm shadow">
            <p className="mb-2 text-slate-700">{fullNote}本次导出及其筛选条件将记入审计日志。</p>
            <a href={url({ format: "xlsx", full: "1" })} className={buttonClass("primary")}>确认导出（含完整号码）</a>
          </div>
        </details>
      ) : null}
    </div>
  );
}
