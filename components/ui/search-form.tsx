import type { ReactNode } from "react";
import { buttonClass } from "./button";

/**
 * A GET form: filters live in the URL, so a filtered list can be bookmarked and paged. A filter
 * written as `<label><span>名称</span>control</label>` gets its look from the form (text-sm, the
 * name on its own line in slate-600), set once rather than on each of a list's six to eight
 * filters, which a page carried twice, in its HTML and its RSC payload (issue 28).
 */
export function SearchForm({ children }: { children: ReactNode }) {
  return (
    <form
      method="get"
      className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 [&>label]:text-sm [&>label>span]:mb-1 [&>label>span]:block [&>label>span]:text-slate-600"
    >
      {children}
      <button type="submit" className={buttonClass("secondary")}>
        查询
      </button>
    </form>
  );
}
