"use client";

import Link from "next/link";
import { Badge } from "@/components/ui/page";
import { RevealAccountButton } from "./ledger-buttons";

/**
 * One ledger row as the page sends it: the texts it shows, formatted on the server. Rendered here
 * rather than in the page so that the RSC payload carries these strings per row instead of the
 * row's element tree, which the HTML already holds — about 1.1 KB a row, sent twice (issue 28).
 */
export type TLedgerRowView = {
  id: string;
  entryDate: string;
  fileId: string;
  holderName: string;
  fileNumber: string;
  organisation: string;
  aidType: string;
  fromBatch: boolean;
  fundSource: string;
  amount: string;
  negative: boolean;
  reversed: boolean;
  isReversal: boolean;
  account: { id: string; bankName: string; masked: string } | null;
  purpose: string;
  reason: string | null;
  capOverrideReason: string | null;
};

/** The <tr>s of the ledger's table (日期 … 用途); `reveals`: the auditor's 查看完整账号 beside each account. */
export function LedgerRows({ rows, reveals }: { rows: TLedgerRowView[]; reveals: boolean }) {
  return rows.map((e) => (
    <tr key={e.id} className={e.isReversal ? "bg-red-50/40" : undefined}>
      <td className="whitespace-nowrap">{e.entryDate}</td>
      <td>
        <Link href={`/files/${e.fileId}`} className="text-brand-700 hover:underline">
          {e.holderName}
        </Link>
        <div className="text-xs text-slate-500">{e.fileNumber}</div>
      </td>
      <td>{e.organisation}</td>
      <td>
        {e.aidType}
        {e.fromBatch && <span className="ml-1 text-xs text-slate-500">批量</span>}
      </td>
      <td>{e.fundSource}</td>
      <td className={e.negative ? "whitespace-nowrap tabular-nums text-red-700" : "whitespace-nowrap tabular-nums"}>
        {e.amount} {e.reversed && <Badge>已冲正</Badge>}
      </td>
      <td className="whitespace-nowrap">
        {e.account ? (
          <>
            {e.account.bankName}{" "}
            {reveals ? <RevealAccountButton bankAccountId={e.account.id} masked={e.account.masked} /> : <span className="font-mono">{e.account.masked}</span>}
          </>
        ) : (
          "—"
        )}
      </td>
      <td>
        {e.purpose}
        {e.reason && <div className="text-xs text-red-700">冲正原因：{e.reason}</div>}
        {e.capOverrideReason && <div className="text-xs text-amber-700">超限特批：{e.capOverrideReason}</div>}
      </td>
    </tr>
  ));
}
