"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * While an import is validating or committing (or a civil-affairs comparison runs), the page
 * reloads its figures every 1.5 s. `unit` is what is counted: 户 for an import, 行 for a roster.
 */
export function ImportProgress({ done, total, label, unit = "户" }: { done: number; total: number; label: string; unit?: string }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), 1500);
    return () => clearInterval(timer);
  }, [router]);
  const percent = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  return (
    <div role="status" aria-live="polite" className="space-y-2">
      <p className="text-sm text-slate-700">
        {label}
        {total > 0 ? `：${done.toLocaleString("zh-CN")} / ${total.toLocaleString("zh-CN")} ${unit}（${percent}%）` : "…"}
      </p>
      <div className="h-2 w-full overflow-hidden rounded bg-slate-200">
        <div className="h-2 bg-brand-600 transition-all" style={{ width: `${total > 0 ? percent : 10}%` }} />
      </div>
    </div>
  );
}
