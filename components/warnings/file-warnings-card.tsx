import { Badge, Card } from "@/components/ui/page";
import { WarningActions } from "@/components/warnings/warning-actions";
import { dateOnlyString, formatDateTime } from "@/lib/format/datetime";
import type { TWarningRow } from "@/lib/warnings/find-warnings";
import { WARNING_RULE_LABELS, WARNING_STATUS_LABELS } from "@/lib/warnings/labels";
import { canDismissWarning, canOpenRecheck, canReopenFromWarning } from "@/lib/warnings/rules";

/** A file's return-to-hardship warnings, open ones first, each with its reason and what was done. */
export function FileWarningsCard({ warnings, acts, canReopen }: { warnings: TWarningRow[]; acts: boolean; canReopen: boolean }) {
  if (warnings.length === 0) return null;
  const open = warnings.filter((w) => w.status === "OPEN").length;
  const sorted = [...warnings].sort((a, b) => Number(b.status === "OPEN") - Number(a.status === "OPEN"));
  return (
    <Card title={`返困预警（待处理 ${open} 条，共 ${warnings.length} 条）`}>
      <ul className="divide-y divide-slate-200">
        {sorted.map((w) => (
          <li key={w.id} className="flex flex-col gap-2 py-3 lg:flex-row lg:items-start lg:justify-between">
            <div className="min-w-0 text-sm">
              <p className="break-words">
                <Badge tone={w.status === "OPEN" ? "red" : "slate"}>{WARNING_RULE_LABELS[w.rule]}</Badge> {w.reason}
              </p>
              <p className="mt-1 text-xs text-slate-600">
                {dateOnlyString(w.raisedOn)} 预警
                {w.status !== "OPEN" && (
                  <>
                    　{WARNING_STATUS_LABELS[w.status]} {w.actedBy?.name} {w.actedAt ? formatDateTime(w.actedAt) : ""}
                    {w.note ? `：${w.note}` : ""}
                  </>
                )}
              </p>
            </div>
            {acts && w.status === "OPEN" && (
              <WarningActions
                warningId={w.id}
                version={w.version}
                holderName={w.file.holderName ?? ""}
                reason={w.reason}
                canReopen={canReopen}
                allowed={{ recheck: canOpenRecheck(w, w.file), reopen: canReopenFromWarning(w, w.file), dismiss: canDismissWarning(w) }}
              />
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}
