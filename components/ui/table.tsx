import type { ReactNode } from "react";

/**
 * `cells`: classes the table gives its cells by column (`[&_td:nth-child(2)]:font-mono`) or by
 * element (`[&_td_a]:text-brand-700`), set once here rather than on every row's cell — a 20-row
 * page repeated each cell's classes 20 times in its HTML (issue 28).
 */
export function Table({ head, children, cells }: { head: ReactNode[]; children: ReactNode; cells?: string }) {
  return (
    // On a phone a wide table scrolls inside its own box; tabIndex lets keyboard users scroll it too.
    <div
      tabIndex={0}
      className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-xs focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600"
    >
      {/* The cells' padding is set here once, not on each <td>: a 20-row table repeated the same
          classes 200 times (the header cells theirs 11 times), twice (in the HTML and in the RSC payload the page carries) — issue 28. */}
      <table
        className={`min-w-full divide-y divide-slate-200 text-sm [&_td]:px-4 [&_td]:py-2.5 [&_td]:align-top [&_th]:px-4 [&_th]:py-2.5 [&_th]:text-left [&_th]:font-medium [&_th]:whitespace-nowrap [&_th]:text-slate-600${cells ? ` ${cells}` : ""}`}
      >
        <thead className="bg-slate-50">
          <tr>
            {head.map((h, i) => (
              <th key={i} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}

/** A cell of a Table; its padding and alignment come from the table (no Td overrides them). */
export function Td({ children, className }: { children: ReactNode; className?: string }) {
  const classes = className?.trim();
  // No className prop at all when there is none: the RSC payload spells an undefined prop out
  // ("className":"$undefined", 23 bytes a cell; 33 cells on a household page).
  return classes ? <td className={classes}>{children}</td> : <td>{children}</td>;
}
