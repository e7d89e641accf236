import Link from "next/link";
import { describeCount } from "@/lib/data/pagination";

type TPagerLink = { label: string; params: Record<string, string | undefined>; current?: boolean };

// Utilities of app/globals.css: a page's seven pager links carried their seven classes each twice (issue 28).
const linkClass = "pager-link";
const offClass = "pager-off";

/**
 * Pages by key (首页 · 上一页 · nearby page numbers · 下一页 · 末页), keeping the filters in the URL.
 * `page` is the number shown, carried along in the URL; numbers are offered only as far as the
 * count proves they exist, and at most `maxJump` pages away, so no link leads to an expensive page.
 */
export function KeysetPager({
  page,
  total,
  totalAtLeast,
  pageSize,
  previous,
  next,
  params,
  maxJump,
}: {
  /** null: a page whose number is not known (末页 of more than the count limit). */
  page: number | null;
  total: number;
  totalAtLeast: boolean;
  pageSize: number;
  previous: string | null;
  next: string | null;
  params: Record<string, string | undefined>;
  maxJump: number;
}) {
  const href = (extra: Record<string, string | undefined>) => {
    const search = new URLSearchParams(Object.entries({ ...params, ...extra }).filter((e): e is [string, string] => !!e[1]));
    return `?${search.toString()}`;
  };
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const known = (p: number) => p >= 1 && (totalAtLeast ? p * pageSize <= total : p <= pageCount);
  const numbers: TPagerLink[] = [];
  if (page === null) numbers.push({ label: next ? "…" : "末页", params: {}, current: true });
  else
    for (let k = Math.min(maxJump + 1, 2); k >= 1; k--) {
      if (previous && page - k >= 1)
        numbers.push({ label: String(page - k), params: { before: previous, skip: k > 1 ? String(k - 1) : undefined, p: String(page - k) } });
    }
  if (page !== null) numbers.push({ label: String(page), params: {}, current: true });
  if (page !== null)
    for (let k = 1; k <= Math.min(maxJump + 1, 3); k++) {
      if (next && known(page + k))
        numbers.push({ label: String(page + k), params: { after: next, skip: k > 1 ? String(k - 1) : undefined, p: String(page + k) } });
    }
  return (
    <nav aria-label="分页" className="mt-4 flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600">
      <span>
        {describeCount(total, totalAtLeast)}
        {totalAtLeast ? "" : `，共 ${pageCount} 页`}
      </span>
      <span className="flex flex-wrap gap-2">
        {previous ? (
          <Link className={linkClass} href={href({})}>
            首页
          </Link>
        ) : (
          <span className={offClass}>首页</span>
        )}
        {previous ? (
          <Link className={linkClass} href={href({ before: previous, p: page === null ? undefined : String(Math.max(1, page - 1)) })}>
            上一页
          </Link>
        ) : (
          <span className={offClass}>上一页</span>
        )}
        {numbers.map((n) =>
          n.current ? (
            <span key="current" aria-current="page" className="pager-current">
              {n.label}
            </span>
          ) : (
            <Link key={n.label} className={linkClass} href={href(n.params)}>
              {n.label}
            </Link>
          ),
        )}
        {next ? (
          <Link className={linkClass} href={href({ after: next, p: page === null ? undefined : String(page + 1) })}>
            下一页
          </Link>
        ) : (
          <span className={offClass}>下一页</span>
        )}
        {next ? (
          <Link className={linkClass} href={href({ last: "1", p: totalAtLeast ? undefined : String(pageCount) })}>
            末页
          </Link>
        ) : (
          <span className={offClass}>末页</span>
        )}
      </span>
    </nav>
  );
}
