"use client";

import Link from "next/link";
import { Badge } from "@/components/ui/page";
import { RevealAccountButton } from "./ledger-buttons";

/**
 * One ledger row as the page sends it: the texts it shows, formatted on the server, as an array
 * rather than a keyed object (seventeen JSON keys a row, issue 28). Rendered here rather than in
 * the page so that the RSC payload carries these strings instead of the row's element tree, which
 * the HTML already holds. Flags are 0 or 1. `account`: [bank, masked number, id] — the id only for
 * a user who may reveal the full number. The two reasons are left off when there are none.
 */
export type TLedgerRow = readonly [...TLedgerRowTexts, reason?: string | null, capOverrideReason?: string];

/** A ledger row without its two reasons. */
export type TLedgerRowTexts = [
  entryDate: string,
  fileId: string,
  holderName: string,
  fileNumber: string,
  organisation: string,
  aidType: string,
  fromBatch: 0 | 1,
  fundSource: string,
  amount: string,
  reversed: 0 | 1,
  isReversal: 0 | 1,
  account: readonly [bankName: string, masked: string, id?: string] | null,
  purpose: string,
];

/** The <tr>s of the ledger's table (日期 … 用途); `reveals`: the auditor's 查看完整账号 beside each account. */
export function LedgerRows({ rows, reveals }: { rows: ReadonlyArray<TLedgerRow>; reveals: boolean }) {
  return rows.map(
    (
      [
        entryDate,
        fileId,
        holderName,
        fileNumber,
        organisation,
        aidType,
        fromBatch,
        fundSource,
        amount,
        reversed,
        isReversal,
        account,
        purpose,
        reason,
        capOverrideReason,
      ],
      i,
    ) => (
      // Keyed by position: a row has no state of its own (the reveal below is keyed by its account).
      <tr key={i} className={isReversal ? "bg-red-50/40" : undefined}>
        <td>{entryDate}</td>
        <td>
          <Link href={`/files/${fileId}`}>{holderName}</Link>
          <small>{fileNumber}</small>
        </td>
        <td>{organisation}</td>
        <td>
          {aidType}
          {fromBatch ? <small>批量</small> : null}
        </td>
        <td>{fundSource}</td>
        <td className={amount.startsWith("-") ? "text-red-700" : undefined}>
          {reversed ? (
            <>
              {`${amount} `}
              <Badge>已冲正</Badge>
            </>
          ) : (
            amount
          )}
        </td>
        <td>
          {account ? (
            <>
              {`${account[0]} `}
              {reveals && account[2] ? (
                <RevealAccountButton key={account[2]} bankAccountId={account[2]} masked={account[1]} />
              ) : (
                <span className="font-mono">{account[1]}</span>
              )}
            </>
          ) : (
            "—"
          )}
        </td>
        <td>
          {purpose}
          {reason && <div className="text-xs text-red-700">冲正原因：{reason}</div>}
          {capOverrideReason && <div className="text-xs text-amber-700">超限特批：{capOverrideReason}</div>}
        </td>
      </tr>
    ),
  );
}
