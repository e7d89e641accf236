import Link from "next/link";
import { Badge, EmptyState } from "@/components/ui/page";
import { Table, Td } from "@/components/ui/table";
import type { TActor } from "@/lib/auth/actor";
import { findPendingApprovals } from "@/lib/ledger/find-ledger";
import { AID_TYPE_LABELS, BATCH_STATUS_LABELS } from "@/lib/ledger/labels";
import { formatFen } from "@/lib/money/money";

/** The officials' review queue for assistance: single requests, reversals and batches. */
export async function PendingAssistance({ actor }: { actor: TActor }) {
  const pending = await findPendingApprovals(actor);
  return (
    <section className="mt-10" data-testid="pending-assistance">
      <h2 className="mb-3 text-base font-semibold text-slate-900">救助发放待审批（{pending.disbursementCount + pending.batches.filter((b) => b.status === "SUBMITTED").length}）</h2>
      {pending.disbursements.length === 0 && pending.batches.length === 0 ? (
        <EmptyState title="没有待审批的救助发放" />
      ) : (
        <div className="space-y-4">
          {pending.batches.length > 0 && (
            <Table head={["批次", "状态", "范围", "类型", "名单", "提交人"]}>
              {pending.batches.map((b) => (
                <tr key={b.id}>
                  <Td><Link href={`/batches/${b.id}`} className="font-medium text-brand-700 hover:underline">{b.name}</Link></Td>
                  <Td><Badge tone={b.status === "SUBMITTED" ? "amber" : "sky"}>{BATCH_STATUS_LABELS[b.status]}</Badge></Td>
                  <Td>{b.organisationName}</Td>
                  <Td>{AID_TYPE_LABELS[b.aidType]}</Td>
                  <Td className="tabular-nums">{b.lines.toLocaleString("zh-CN")}</Td>
                  <Td>{b.submittedBy}{b.isOwn && <span className="ml-1 text-xs text-slate-500">（本人，须他人审批）</span>}</Td>
                </tr>
              ))}
            </Table>
          )}
          {pending.disbursements.length > 0 && (
            <Table head={["建档职工", "组织", "事项", "金额", "发放日期", "经办人"]}>
              {pending.disbursements.map((d) => (
                <tr key={d.id}>
                  <Td><Link href={`/ledger/disbursements/${d.id}`} className="font-medium text-brand-700 hover:underline">{d.holderName}</Link></Td>
                  <Td>{d.organisationName}</Td>
                  <Td>
                    {d.isReversal ? <Badge tone="red">冲正</Badge> : AID_TYPE_LABELS[d.aidType]}
                    {d.overCap && <Badge tone="amber">超限申请特批</Badge>}
                  </Td>
                  <Td className="tabular-nums">{formatFen(d.amountFen)}</Td>
                  <Td>{d.entryDate}</Td>
                  <Td>{d.recordedBy}{d.isOwn && <span className="ml-1 text-xs text-slate-500">（本人，须他人审批）</span>}</Td>
                </tr>
              ))}
            </Table>
          )}
          {pending.disbursementCount > pending.disbursements.length && (
            <p className="text-sm text-slate-500">另有 {pending.disbursementCount - pending.disbursements.length} 笔，处理完上面的申请后显示。</p>
          )}
        </div>
      )}
    </section>
  );
}
