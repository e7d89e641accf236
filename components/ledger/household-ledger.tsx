import Link from "next/link";
import { Badge, EmptyState } from "@/components/ui/page";
import { buttonClass } from "@/components/ui/button";
import { Table, Td } from "@/components/ui/table";
import type { TActor } from "@/lib/auth/actor";
import { todayInShanghai } from "@/lib/format/datetime";
import type { FileStatus } from "@/lib/generated/prisma/enums";
import type { householdLedger } from "@/lib/ledger/find-household-ledger";
import { AID_TYPE_LABELS, FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { canRecordBankAccount, canReverseEntry, canStartDisbursement, mayRevealAccount } from "@/lib/ledger/rules";
import { formatFen } from "@/lib/money/money";
import { BankAccountDialog, ReverseEntryDialog, RevealAccountButton } from "./ledger-buttons";

/**
 * 已享受政策和资金: the household's part of the ledger, on its file page. The page reads `ledger`
 * (householdLedger) beside its other sections: read here, during render, it waited for all of them
 * first (issue 28, the page's own cost).
 */
export function HouseholdLedger({
  actor,
  file,
  ledger,
}: {
  actor: TActor;
  file: { id: string; status: FileStatus; holderName: string | null };
  ledger: Awaited<ReturnType<typeof householdLedger>>;
}) {
  // Each button asks lib/ledger/rules.ts, the predicates bank-accounts.ts and disbursements.ts enforce.
  const recordAccount = canRecordBankAccount(actor, file).ok;
  const startDisbursement = canStartDisbursement(actor, file).ok;
  const today = todayInShanghai();
  const years = [...new Set(ledger.totals.map((t) => t.year))];
  return (
    <div className="space-y-5" data-testid="household-ledger">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="text-sm">
          <span className="text-slate-500">本人银行账户：</span>
          {ledger.account ? (
            <>
              {ledger.account.bankName} · 户名 {ledger.account.accountHolder} ·{" "}
              {mayRevealAccount(actor).ok ? (
                <RevealAccountButton bankAccountId={ledger.account.id} masked={ledger.account.masked} />
              ) : (
                <span className="font-mono">{ledger.account.masked}</span>
              )}
            </>
          ) : (
            <span className="text-amber-700">未登记（现金救助须先登记建档职工本人账户）</span>
          )}
        </div>
        {recordAccount && (
          <div className="flex flex-wrap items-start gap-2">
            <BankAccountDialog fileId={file.id} holderName={file.holderName ?? ""} replacing={!!ledger.account} />
            {startDisbursement && (
              <Link href={`/ledger/new?fileId=${file.id}`} className={buttonClass()}>
                登记救助发放
              </Link>
            )}
          </div>
        )}
      </div>

      {years.length > 0 && (
        <div>
          <h3 className="mb-2 text-sm font-medium">按年度和类型汇总</h3>
          <Table head={["年度", ...Object.values(AID_TYPE_LABELS), "合计"]}>
            {years.map((year) => {
              const of = (type: string) => ledger.totals.filter((t) => t.year === year && t.aidType === type).reduce((n, t) => n + t.totalFen, 0);
              return (
                <tr key={year}>
                  <Td className="font-medium">{year}</Td>
                  {Object.keys(AID_TYPE_LABELS).map((type) => (
                    <Td key={type} className="tabular-nums">
                      {of(type) ? formatFen(of(type)) : "—"}
                    </Td>
                  ))}
                  <Td className="font-medium tabular-nums">{formatFen(ledger.totals.filter((t) => t.year === year).reduce((n, t) => n + t.totalFen, 0))}</Td>
                </tr>
              );
            })}
          </Table>
        </div>
      )}

      {ledger.pending.length > 0 && (
        <div>
          <h3 className="mb-2 text-sm font-medium">待审批</h3>
          <ul className="space-y-1 text-sm">
            {ledger.pending.map((p) => (
              <li key={p.id}>
                <Badge tone="amber">{p.isReversal ? "冲正待审批" : "待审批"}</Badge> {p.entryDate} {AID_TYPE_LABELS[p.aidType]} {formatFen(p.amountFen)} ·{" "}
                {p.purpose} · 经办 {p.recordedBy}
              </li>
            ))}
          </ul>
        </div>
      )}

      {ledger.entries.length === 0 ? (
        <EmptyState title="尚无救助发放记录" />
      ) : (
        <Table head={["日期", "类型", "资金来源", "金额", "用途", "审批", ""]}>
          {ledger.entries.map((e) => (
            <tr key={e.id} className={e.isReversal ? "bg-red-50/40" : ""}>
              <Td className="whitespace-nowrap">{e.entryDate}</Td>
              <Td>
                {AID_TYPE_LABELS[e.aidType]}
                {e.fromBatch && <span className="ml-1 text-xs text-slate-500">批量</span>}
              </Td>
              <Td>{FUND_SOURCE_LABELS[e.fundSource]}</Td>
              <Td className={`tabular-nums ${e.amountFen < 0 ? "text-red-700" : ""}`}>{formatFen(e.amountFen)}</Td>
              <Td>
                {e.purpose}
                {e.student && <div className="text-xs text-slate-500">受助学生：{e.student}</div>}
                {e.reason && <div className="text-xs text-red-700">冲正原因：{e.reason}</div>}
                {e.capOverrideReason && <div className="text-xs text-amber-700">超限特批：{e.capOverrideReason}</div>}
              </Td>
              <Td className="whitespace-nowrap text-xs">
                经办 {e.recordedBy}
                <br />
                审批 {e.approvedBy}
              </Td>
              <Td>
                {e.reversed ? <Badge>已冲正</Badge> : e.reversalPending ? <Badge tone="amber">冲正待审批</Badge> : null}
                {canReverseEntry(actor, e).ok && (
                  <ReverseEntryDialog entryId={e.id} today={today} description={`${e.entryDate} ${AID_TYPE_LABELS[e.aidType]} ${formatFen(e.amountFen)}`} />
                )}
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
