import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { Badge, EmptyState, PageHeader } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { pageFrom } from "@/lib/data/pagination";
import { findDrafts } from "@/lib/filing/find-files";
import { formatDateTime } from "@/lib/format/datetime";

export const metadata = { title: "建档" };

export default async function IntakePage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const actor = await requirePageActor(...SECTION_ROLES.intake);
  const drafts = await findDrafts(actor, pageFrom((await searchParams).page));
  return (
    <>
      <PageHeader
        title="建档"
        description="入户调查后填写建档申请；草稿可随时保存，资料齐全后提交审核。"
        actions={
          <>
            <Link href="/intake/applications" className={buttonClass("secondary")}>
              网上申请
            </Link>
            <Link href="/intake/new" className={buttonClass()}>
              新建档案
            </Link>
          </>
        }
      />
      {drafts.rows.length === 0 ? (
        <EmptyState title="没有草稿">点击“新建档案”开始填写。被审核退回的申请也会出现在这里。</EmptyState>
      ) : (
        <>
          <Table head={["建档职工", "建档单位", "状态", "填写人", "最后修改"]}>
            {drafts.rows.map((d) => (
              <tr key={d.id}>
                <Td>
                  <Link href={`/files/${d.id}/edit`} className="font-medium text-brand-700 hover:underline">
                    {d.holderName ?? "继续填写"}
                  </Link>
                  {d.fileNumber && <span className="ml-2 text-xs text-slate-500">{d.fileNumber}</span>}
                </Td>
                <Td>{d.organisation.name}</Td>
                <Td>
                  {d.rejectionReason ? (
                    <Badge tone="red">已退回：{d.rejectionReason}</Badge>
                  ) : d.episode > 1 ? (
                    <Badge tone="amber">返困重新启用</Badge>
                  ) : (
                    <Badge>草稿</Badge>
                  )}
                </Td>
                <Td>{d.createdBy.name}</Td>
                <Td>{formatDateTime(d.updatedAt)}</Td>
              </tr>
            ))}
          </Table>
          <Pagination page={drafts.page} pageCount={drafts.pageCount} total={drafts.total} params={{}} />
        </>
      )}
    </>
  );
}
