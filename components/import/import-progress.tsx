"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** While an import is validating or committing, the page reloads its figures every 1.5 s. */
export function ImportProgress({ done, total, label }: { done: number; total: number; label: string }) {
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
        {total > 0 ? `：${done.toLocaleString("zh-CN")} / ${total.toLocaleString("zh-CN")} 户（${percent}%）` : "…"}
      </p>
      <div className="h-2 w-full overflow-hidden rounded bg-slate-200">
        <div className="h-2 bg-brand-600 transition-all" style={{ width: `${total > 0 ? percent : 10}%` }} />
      </div>
    </div>
  );
}
