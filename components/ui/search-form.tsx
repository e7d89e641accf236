import type { ReactNode } from "react";
import { buttonClass } from "./button";

/** A GET form: filters live in the URL, so a filtered list can be bookmarked and paged. */
export function SearchForm({ children }: { children: ReactNode }) {
  return (
    <form method="get" className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4">
      {children}
      <button type="submit" className={buttonClass("secondary")}>
        查询
      </button>
    </form>
  );
}
