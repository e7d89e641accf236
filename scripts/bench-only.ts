// `--only <text>` for a benchmark's cases: keep the cases whose label contains the text (in every
// scope), so one page can be timed again before and after a change without the whole run. Pure.

/** The text after `--only`, or null when it is not given; an empty text is a mistake, not "all". */
export function onlyArg(argv: readonly string[]): string | null {
  const i = argv.indexOf("--only");
  if (i === -1) return null;
  const text = argv[i + 1]?.trim();
  if (!text || text.startsWith("--")) throw new Error("--only 后面应写页面名称中的文字，例如 --only 首字母");
  return text;
}

/** The cases to run and a line saying what was filtered; no match at all is an error that lists the labels. */
export function filterCases<C extends { scope: string; label: string }>(cases: C[], only: string | null): { cases: C[]; note: string | null } {
  if (only === null) return { cases, note: null };
  const kept = cases.filter((c) => c.label.includes(only));
  if (kept.length === 0) {
    const labels = [...new Set(cases.map((c) => c.label))].join("、");
    throw new Error(`--only “${only}” 没有匹配任何一项。可选：${labels}`);
  }
  return {
    cases: kept,
    note: `只运行标签含“${only}”的 ${kept.length} 项（共 ${cases.length} 项）：${kept.map((c) => `${c.scope} ${c.label}`).join("、")}`,
  };
}
