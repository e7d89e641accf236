import Link from "next/link";
import type { ReactNode } from "react";
import { Badge, EmptyState } from "@/components/ui/page";
import { Table, Td } from "@/components/ui/table";
import type { TActor } from "@/lib/auth/actor";
import { findPendingApprovals } from "@/lib/ledger/find-disbursements";
import { AID_TYPE_LABELS } from "@/lib/ledger/labels";
import { formatFen } from "@/lib/money/money";

type TPending = Awaited<ReturnType<typeof findPendingApprovals>>;

/**
 * The officials' review queue for assistance: each kind of thing under a heading that says what it
 * is, with its own count (batches to approve, single payments, reversals, approved batches to pay).
 */
export async function PendingAssistance({ actor }: { actor: TActor }) {
  const pending = await findPendingApprovals(actor);
  return (
    <section className="mt-10 space-y-8" data-testid="pending-assistance">
      <Part
        id="pending-batches"
        title="发放批次待审批"
        count={pending.submittedBatchCount}
        shown={pending.submittedBatches.length}
        empty="没有待审批的发放批次"
      >
        <Batches rows={pending.submittedBatches} />
      </Part>
      <Part
        id="pending-disbursements"
        title="单笔救助发放待审批"
        count={pending.disbursementCount}
        shown={pending.disbursements.length}
        empty="没有待审批的单笔救助发放"
      >
        <Requests rows={pending.disbursements} />
      </Part>
      <Part id="pending-reversals" title="冲正待审批" count={pending.reversalCount} shown={pending.reversals.length} empty="没有待审批的冲正">
        <Requests rows={pending.reversals} />
      </Part>
      <Part
        id="approved-batches"
        title="已审批、待发放的批次"
        count={pending.approvedBatchCount}
        shown={pending.approvedBatches.length}
        empty="没有已审批待发放的批次"
      >
        <Batches rows={pending.approvedBatches} />
      </Part>
    </section>
  );
}

function Part({ id, title, count, shown, empty, children }: { id: string; title: string; count: number; shown: number; empty: string; children: ReactNode }) {
  return (
    <div data-testid={id}>
      <h2 className="mb-3 text-base font-semibold text-slate-900">
        {title}（<span data-testid="count">{count}</span>）
      </h2>
      {count === 0 ? <EmptyState title={empty} /> : children}
      {count > shown && <p className="mt-2 text-sm text-slate-500">另有 {count - shown} 项，处理完上面的后显示。</p>}
    </div>
  );
}

function Batches({ rows }: { rows: TPending["submittedBatches"] }) {
  return (
    <Table head={["批次", "范围", "类型", "名单", "提交人"]}>
      {rows.map((b) => (
        <tr key={b.id}>
          <Td>
            <Link href={`/batches/${b.id}`} className="font-medium text-brand-700 hover:underline">
              {b.name}
            </Link>
          </Td>
          <Td>{b.organisationName}</Td>
          <Td>{AID_TYPE_LABELS[b.aidType]}</Td>
          <Td className="tabular-nums">{b.lines.toLocaleString("zh-CN")}</Td>
          <Td>
            {b.submittedBy}
            {b.isOwn && b.status === "SUBMITTED" && <span className="ml-1 text-xs text-slate-500">（本人，须他人审批）</span>}
          </Td>
        </tr>
      ))}
    </Table>
  );
}

function Requests({ rows }: { rows: TPending["disbursements"] }) {
  return (
    <Table head={["建档职工", "组织", "事项", "金额", "发放日期", "经办人"]}>
      {rows.map((d) => (
        <tr key={d.id}>
          <Td>
            <Link href={`/ledger/disbursements/${d.id}`} className="font-medium text-brand-700 hover:underline">
              {d.holderName}
            </Link>
          </Td>
          <Td>{d.organisationName}</Td>
          <Td>
            {d.isReversal ? <Badge tone="red">冲正</Badge> : AID_TYPE_LABELS[d.aidType]}
            {d.overCap && <Badge tone="amber">超限申请特批</Badge>}
          </Td>
          <Td className="tabular-nums">{formatFen(d.amountFen)}</Td>
          <Td>{d.entryDate}</Td>
          <Td>
            {d.recordedBy}
            {d.isOwn && <span className="ml-1 text-xs text-slate-500">（本人，须他人审批）</span>}
          </Td>
        </tr>
      ))}
    </Table>
  );
}
