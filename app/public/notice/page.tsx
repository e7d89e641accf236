import Link from "next/link";
import { Field, Input } from "@/components/ui/field";
import { Alert } from "@/components/ui/page";
import { ZPublicUnionSearch } from "@/lib/public/schemas";
import { findUnionsByName } from "@/lib/public/search-unions";

export const metadata = { title: "建档公示" };

// The way in to a union's notice (公示, issue 24 §3): find the union by name. The search is
// budgeted (2–30 characters, 20 unions listed) before it reaches the database.
export default async function PublicNoticeSearchPage({ searchParams }: { searchParams: Promise<{ q?: string | string[] }> }) {
  const raw = (await searchParams).q;
  const q = typeof raw === "string" ? raw : "";
  const parsed = q ? ZPublicUnionSearch.safeParse(q) : null;
  const unions = parsed?.success ? await findUnionsByName(parsed.data, "any") : null;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">建档公示</h1>
      <p className="text-slate-700">查看各级工会正在公示的困难职工建档名单。对名单中的家庭有异议的，可在公示期内网上提出，可以匿名。</p>
      <form method="get" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" role="search">
        <Field
          label="工会名称"
          htmlFor="union-q"
          error={parsed && !parsed.success ? parsed.error.issues[0]?.message : undefined}
          hint="输入工会名称中的 2 个字以上，如“城关区”“环卫”"
        >
          <Input id="union-q" name="q" defaultValue={q} maxLength={30} className="min-h-12 text-base" aria-invalid={!!parsed && !parsed.success} />
        </Field>
        <button type="submit" className="min-h-12 w-full rounded-md bg-brand-700 px-4 text-base font-semibold text-white hover:bg-brand-800">
          查找工会
        </button>
      </form>
      {unions && unions.length === 0 && <Alert tone="info">没有名称包含“{parsed!.data}”的工会，请换个说法再找。</Alert>}
      {unions && unions.length > 0 && (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label="查找结果" data-testid="union-results">
          {unions.map((u) => (
            <li key={u.id}>
              <Link
                href={`/public/notice/${u.id}`}
                className="flex min-h-12 items-center px-4 py-3 text-base text-brand-800 underline-offset-2 hover:underline"
              >
                {u.name}
              </Link>
            </li>
          ))}
        </ul>
      )}
      {unions && unions.length === 20 && <p className="text-sm text-slate-600">只列出前 20 个，请输入更完整的名称。</p>}
    </div>
  );
}
