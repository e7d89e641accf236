import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { Badge, EmptyState, PageHeader } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { mayRecordAid } from "@/lib/ledger/rules";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { pageFrom } from "@/lib/data/pagination";
import { findBatches } from "@/lib/ledger/find-batches";
import { AID_TYPE_LABELS, BATCH_STATUS_LABELS, FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { formatFen } from "@/lib/money/money";

export const metadata = { title: "批量发放" };

const TONES = { DRAFT: "slate", SUBMITTED: "amber", APPROVED: "sky", PAID: "green" } as const;

export default async function BatchesPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const actor = await requirePageActor(...SECTION_ROLES.batches);
  const batches = await findBatches(actor, pageFrom((await searchParams).page));
  return (
    <>
      <PageHeader
        title="批量发放"
        description="按规则（救助类型、标准、困难类别、档案级别、组织范围）生成发放名单，经审批后入账，银行发放后标记为已发放。"
        actions={
          mayRecordAid(actor).ok ? (
            <Link href="/batches/new" className={buttonClass()}>
              新建批次
            </Link>
          ) : undefined
        }
      />
      {batches.rows.length === 0 ? (
        <EmptyState title="还没有发放批次">帮扶干部可按规则新建批次，例如“元旦春节送温暖”。</EmptyState>
      ) : (
        <>
          <Table head={["批次", "状态", "范围", "类型 / 资金来源", "发放日期", "名单", "合计", "编制人"]}>
            {batches.rows.map((b) => (
              <tr key={b.id}>
                <Td>
                  <Link href={`/batches/${b.id}`} className="font-medium text-brand-700 hover:underline">
                    {b.name}
                  </Link>
                </Td>
                <Td>
                  <Badge tone={TONES[b.status]}>{BATCH_STATUS_LABELS[b.status]}</Badge>
                </Td>
                <Td>{b.organisationName}</Td>
                <Td>
                  {AID_TYPE_LABELS[b.aidType]}
                  <div className="text-xs text-slate-500">{FUND_SOURCE_LABELS[b.fundSource]}</div>
                </Td>
                <Td>{b.entryDate}</Td>
                <Td className="tabular-nums">{b.lines.toLocaleString("zh-CN")}</Td>
                <Td className="tabular-nums">{formatFen(b.totalFen)}</Td>
                <Td>{b.createdBy}</Td>
              </tr>
            ))}
          </Table>
          <Pagination page={batches.page} pageCount={batches.pageCount} total={batches.total} params={{}} />
        </>
      )}
    </>
  );
}
