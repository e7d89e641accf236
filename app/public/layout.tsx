import Link from "next/link";

export const metadata = { title: { default: "职工服务", template: "%s · 职工服务" } };

// The public area (issue 24): no staff navigation, no session (proxy.ts drops the staff cookie
// here), phone first — large type and touch targets at 390 px.
export default function PublicLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="min-h-screen bg-slate-50 text-slate-900 print:bg-white">
      <header className="border-b border-brand-800 bg-brand-700 text-white print:hidden">
        <div className="mx-auto flex max-w-2xl flex-wrap items-center justify-between gap-2 px-4 py-3">
          <Link href="/public" className="text-lg font-semibold">
            工会困难职工帮扶 · 职工服务
          </Link>
          <nav aria-label="职工服务" className="flex gap-1 text-base">
            <Link href="/public/apply" className="inline-flex min-h-12 items-center rounded px-3 hover:bg-brand-800">
              网上申请
            </Link>
            <Link href="/public/query" className="inline-flex min-h-12 items-center rounded px-3 hover:bg-brand-800">
              本人查询
            </Link>
            <Link href="/public/notice" className="inline-flex min-h-12 items-center rounded px-3 hover:bg-brand-800">
              建档公示
            </Link>
          </nav>
        </div>
      </header>
      <main className="mx-auto max-w-2xl px-4 py-6 text-base print:max-w-none print:p-0">{children}</main>
      <footer className="mx-auto max-w-2xl px-4 pb-8 text-sm text-slate-600 print:hidden">
        本页面不需要登录，也不保存您的登录信息。您提交的查询、申请和异议只用于核对身份、显示您本人的档案、办理您的申请和处理异议，时间和来源地址会记入办理记录。
      </footer>
    </div>
  );
}
