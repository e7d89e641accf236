"use client";

import Link from "next/link";
import { Badge } from "@/components/ui/page";
import type { FileStatus } from "@/lib/generated/prisma/enums";
import { FILE_STATUS_LABELS } from "@/lib/labels/household-file";

/**
 * One archive row as the page sends it: the texts it shows, already formatted on the server, as an
 * array rather than a keyed object — the RSC payload carries each row's strings once, without
 * twelve JSON keys a row (issue 28). Rendered here rather than in the page so that the payload
 * carries these strings instead of the row's element tree, which the HTML already holds. The rows
 * are still rendered on the server into the HTML.
 */
export type TArchiveRow = readonly [
  id: string,
  fileNumber: string,
  holderName: string,
  householdSize: number | null,
  maskedResidentId: string,
  organisation: string,
  tier: string,
  level: string,
  category: string,
  cause: string,
  status: FileStatus,
  updatedAt: string,
];

const TONE = { OPEN: "green", CLOSED: "red" } as const;

/** The <tr>s of the archive's table (选择 … 更新时间); the checkboxes belong to the form #print-selection. */
export function ArchiveRows({ rows }: { rows: ReadonlyArray<TArchiveRow> }) {
  return rows.map(([id, fileNumber, holderName, householdSize, maskedResidentId, organisation, tier, level, category, cause, status, updatedAt]) => (
    <tr key={id}>
      <td>
        <input type="checkbox" name="id" value={id} form="print-selection" aria-label={`选择 ${holderName} 的档案`} />
      </td>
      <td>{fileNumber}</td>
      <td>
        <Link href={`/files/${id}`}>{holderName}</Link>
        <small>{`${householdSize ?? ""} 人`}</small>
      </td>
      <td>{maskedResidentId}</td>
      <td>{organisation}</td>
      <td>{tier}</td>
      <td>{level}</td>
      <td>{category}</td>
      <td>{cause}</td>
      <td>
        <Badge tone={status in TONE ? TONE[status as keyof typeof TONE] : "amber"}>{FILE_STATUS_LABELS[status]}</Badge>
      </td>
      <td>{updatedAt}</td>
    </tr>
  ));
}
