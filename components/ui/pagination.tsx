import Link from "next/link";
import { describeCount } from "@/lib/data/pagination";

/** Page links that keep the other search parameters (filters) as they are. */
export function Pagination({
  page,
  pageCount,
  total,
  totalAtLeast,
  params,
  pageParam = "page",
}: {
  page: number;
  pageCount: number;
  total: number;
  totalAtLeast?: boolean;
  params: Record<string, string | undefined>;
  pageParam?: string;
}) {
  const href = (p: number) => {
    const search = new URLSearchParams(Object.entries({ ...params, [pageParam]: String(p) }).filter((e): e is [string, string] => !!e[1]));
    return `?${search.toString()}`;
  };
  return (
    <nav aria-label="分页" className="mt-4 flex items-center justify-between text-sm text-slate-600">
      <span>
        {describeCount(total, totalAtLeast)}，第 {page} / {totalAtLeast ? `${pageCount}+` : pageCount} 页
      </span>
      <span className="flex gap-2">
        {page > 1 ? (
          <Link className="pager-link" href={href(page - 1)}>
            上一页
          </Link>
        ) : (
          <span className="pager-off">上一页</span>
        )}
        {page < pageCount ? (
          <Link className="pager-link" href={href(page + 1)}>
            下一页
          </Link>
        ) : (
          <span className="pager-off">下一页</span>
        )}
      </span>
    </nav>
  );
}
