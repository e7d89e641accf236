"use client";

// A client component only so that a list page's RSC payload carries these few props rather than
// the two panels of buttons they render (issue 28); it is rendered on the server like the rest.

import { buttonClass } from "@/components/ui/button";
import { EXPORT_RETENTION_DAYS } from "@/lib/exports/rules";
import type { ExportJobKind } from "@/lib/generated/prisma/enums";
import { BackgroundExportButton } from "./export-job-controls";

// Both panels are <details name="export-options">: opening one closes the other.
// `drop-panel`: the panel's ten utilities as one class of app/globals.css (issue 28).
const PANEL = "drop-panel";

/**
 * The download buttons of a list: .xlsx (default) and CSV with the page's filters, and for an
 * auditor an export with full ID / account numbers behind an explicit second step — the server
 * refuses `full=1` from anyone else and records the choice in the audit trail. With `kind`, the
 * same exports can also be written in the background (后台导出) and fetched from 我的导出.
 */
export function ExportLinks({
  href,
  params,
  auditor,
  fullNote,
  kind,
}: {
  href: string;
  params: Record<string, string>;
  auditor: boolean;
  fullNote?: string;
  kind?: ExportJobKind;
}) {
  const url = (extra: Record<string, string>) => `${href}?${new URLSearchParams({ ...params, ...extra })}`;
  // What the background export is given: the filters that are set (the action's schema takes strings only).
  const filters = Object.fromEntries(Object.entries(params).filter(([, value]) => typeof value === "string" && value !== ""));
  return (
    <div className="flex flex-wrap items-start gap-2">
      <a href={url({ format: "xlsx" })} className={buttonClass("secondary")}>
        导出 Excel
      </a>
      <a href={url({ format: "csv" })} className={buttonClass("secondary")}>
        导出 CSV
      </a>
      {kind ? (
        <details name="export-options" className="relative">
          <summary className={buttonClass("secondary", "cursor-pointer list-none")}>后台导出…</summary>
          <div className={PANEL}>
            <p className="text-slate-700">
              数据较多时使用后台导出：可查看进度，完成后在“我的导出”下载（文件保留 {EXPORT_RETENTION_DAYS} 天）。数据较少时直接点“导出 Excel”即可。
            </p>
            <div className="flex flex-wrap gap-2">
              <BackgroundExportButton kind={kind} format="xlsx" params={filters} label="后台导出 Excel" variant="primary" />
              <BackgroundExportButton kind={kind} format="csv" params={filters} label="后台导出 CSV" />
            </div>
          </div>
        </details>
      ) : null}
      {auditor && fullNote ? (
        <details name="export-options" className="relative">
          <summary className={buttonClass("secondary", "cursor-pointer list-none")}>含完整号码导出…</summary>
          <div className={PANEL}>
            <p className="text-slate-700">{fullNote}本次导出及其筛选条件将记入审计日志。</p>
            <div className="flex flex-wrap gap-2">
              <a href={url({ format: "xlsx", full: "1" })} className={buttonClass("primary")}>
                确认导出（含完整号码）
              </a>
              {kind ? <BackgroundExportButton kind={kind} format="xlsx" full params={filters} label="确认后台导出（含完整号码）" /> : null}
            </div>
          </div>
        </details>
      ) : null}
    </div>
  );
}
