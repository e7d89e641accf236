import Link from "next/link";
import { ApplicationQueryForm } from "@/components/public/application-query-form";
import { PublicQueryForm } from "@/components/public/public-query-form";

export const metadata = { title: "本人查询" };

const TABS = [
  { key: "file", href: "/public/query", label: "我的档案" },
  { key: "application", href: "/public/query?tab=application", label: "网上申请进度" },
] as const;

// Two queries on one page, one at a time: the file (name, ID number, code from the 建档告知书) and
// an online application (number and code from the page shown after applying).
export default async function PublicQueryPage({ searchParams }: { searchParams: Promise<{ tab?: string }> }) {
  const tab = (await searchParams).tab === "application" ? "application" : "file";
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">本人查询</h1>
      <nav aria-label="查询什么" className="grid grid-cols-2 gap-2">
        {TABS.map((t) => (
          <Link
            key={t.key}
            href={t.href}
            aria-current={t.key === tab ? "page" : undefined}
            className={`flex min-h-12 items-center justify-center rounded-md px-3 text-base font-medium ${t.key === tab ? "bg-brand-700 text-white" : "border border-slate-300 bg-white text-slate-800"}`}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      {tab === "file" ? (
        <>
          <p className="text-slate-700">
            请填写建档职工本人的姓名、身份证号码和建档告知书上的 10 位查询码。查询码遗失或被他人知道时，请到所在工会重新打印建档告知书，原查询码随即失效。
          </p>
          <PublicQueryForm />
        </>
      ) : (
        <>
          <p className="text-slate-700">在网上提交建档申请的，请填写提交后页面上显示的申请编号和查询码。</p>
          <ApplicationQueryForm />
        </>
      )}
    </div>
  );
}
