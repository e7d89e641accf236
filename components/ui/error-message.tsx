"use client";

import { buttonClass } from "@/components/ui/button";

/**
 * What a page that failed shows instead of Next.js's English "This page couldn't load": in
 * Chinese, with a retry and a way home. The digest is the key to the server log's entry, so it is
 * shown for whoever reports the problem, labelled, never as the message.
 */
export function ErrorMessage({ digest, reset }: { digest?: string; reset: () => void }) {
  return (
    <div className="flex min-h-[60vh] items-center justify-center px-4">
      <div className="max-w-md text-center">
        <h1 className="text-lg font-semibold">页面未能打开</h1>
        <p className="mt-2 text-sm text-slate-600">系统出现错误，刚才的操作可能没有完成。请重试；如多次出现，请联系管理员。</p>
        {digest && <p className="mt-2 text-xs text-slate-500">错误编号：{digest}（联系管理员时请提供）</p>}
        <div className="mt-6 flex justify-center gap-3">
          <button type="button" onClick={reset} className={buttonClass("primary")}>
            重试
          </button>
          {/* A full load: the client router may be what failed. */}
          {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- see above: <Link> would use the client router */}
          <a href="/" className={buttonClass("secondary")}>
            返回首页
          </a>
        </div>
      </div>
    </div>
  );
}
