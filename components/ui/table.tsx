import type { ReactNode } from "react";

export function Table({ head, children }: { head: ReactNode[]; children: ReactNode }) {
  return (
    // On a phone a wide table scrolls inside its own box; tabIndex lets keyboard users scroll it too.
    <div tabIndex={0} className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-xs focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50">
          <tr>
            {head.map((h, i) => (
              <th key={i} scope="col" className="px-4 py-2.5 text-left font-medium whitespace-nowrap text-slate-600">
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

export function Td({ children, className = "" }: { children: ReactNode; className?: string }) {
  return <td className={`px-4 py-2.5 align-top ${className}`}>{children}</td>;
}
