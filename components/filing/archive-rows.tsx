"use client";

import Link from "next/link";
import { Badge } from "@/components/ui/page";

/**
 * One archive row as the page sends it: the texts it shows, already formatted on the server.
 * Rendered here rather than in the page so that the RSC payload carries these few strings per row
 * instead of the row's element tree, which the HTML already holds — the tree was about 1.3 KB a
 * row, sent twice (issue 28). The rows are still rendered on the server into the HTML.
 */
export type TArchiveRowView = {
  id: string;
  fileNumber: string;
  holderName: string;
  householdSize: number | null;
  maskedResidentId: string;
  organisation: string;
  tier: string;
  level: string;
  category: string;
  cause: string;
  status: string;
  tone: "green" | "red" | "amber";
  updatedAt: string;
};

/** The <tr>s of the archive's table (选择 … 更新时间); the checkboxes belong to the form #print-selection. */
export function ArchiveRows({ rows }: { rows: TArchiveRowView[] }) {
  return rows.map((f) => (
    <tr key={f.id}>
      <td>
        <input type="checkbox" name="id" value={f.id} form="print-selection" aria-label={`选择 ${f.holderName} 的档案`} />
      </td>
      <td className="font-mono text-xs whitespace-nowrap">{f.fileNumber}</td>
      <td>
        <Link href={`/files/${f.id}`} className="font-medium text-brand-700 hover:underline">
          {f.holderName}
        </Link>
        <span className="ml-1 text-xs text-slate-500">{f.householdSize} 人</span>
      </td>
      <td className="font-mono text-xs">{f.maskedResidentId}</td>
      <td>{f.organisation}</td>
      <td>{f.tier}</td>
      <td>{f.level}</td>
      <td>{f.category}</td>
      <td>{f.cause}</td>
      <td>
        <Badge tone={f.tone}>{f.status}</Badge>
      </td>
      <td className="whitespace-nowrap">{f.updatedAt}</td>
    </tr>
  ));
}
