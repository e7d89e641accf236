import Link from "next/link";
import { Badge, EmptyState, PageHeader } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { SearchForm } from "@/components/ui/search-form";
import { Field, Input } from "@/components/ui/field";
import { Table, Td } from "@/components/ui/table";
import { APPLICATION_READERS, APPLICATION_TABS, findApplications, type TApplicationTab } from "@/lib/applications/find-applications";
import { APPLICATION_STATUS_LABELS, APPLICATION_STATUS_TONES } from "@/lib/applications/labels";
import { requirePageActor } from "@/lib/auth/session";
import { pageFrom } from "@/lib/data/pagination";
import { formatDateTime } from "@/lib/format/datetime";

export const metadata = { title: "网上申请" };

const TAB_LABELS: Record<TApplicationTab, string> = { open: "待处理", converted: "已转为建档", declined: "不予受理" };

export default async function ApplicationsPage({ searchParams }: { searchParams: Promise<{ tab?: string; name?: string; page?: string }> }) {
  const actor = await requirePageActor(...APPLICATION_READERS);
  const params = await searchParams;
  const tab: TApplicationTab = params.tab && params.tab in APPLICATION_TABS ? (params.tab as TApplicationTab) : "open";
  const name = params.name?.trim().slice(0, 30) || undefined;
  const applications = await findApplications(actor, { tab, name, page: pageFrom(params.page) });
  return (
    <>
      <PageHeader
        title="网上申请"
        description="职工在“职工服务”页面网上提交的建档申请。受理后联系申请人入户核实，再转为建档草稿或不予受理；申请人可凭申请编号和查询码看到办理状态。"
      />
      <nav aria-label="申请状态" className="mb-4 flex flex-wrap gap-2">
        {(Object.keys(TAB_LABELS) as TApplicationTab[]).map((key) => (
          <Link
            key={key}
            href={`/intake/applications?tab=${key}`}
            aria-current={key === tab ? "page" : undefined}
            className={`inline-flex min-h-11 items-center rounded-md px-3 text-sm font-medium sm:min-h-9 ${key === tab ? "bg-brand-700 text-white" : "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50"}`}
          >
            {TAB_LABELS[key]}
          </Link>
        ))}
      </nav>
      <SearchForm>
        <input type="hidden" name="tab" value={tab} />
        <Field label="申请人姓名或申请编号" htmlFor="app-name">
          <Input id="app-name" name="name" defaultValue={name ?? ""} />
        </Field>
      </SearchForm>
      {applications.rows.length === 0 ? (
        <EmptyState title={name ? "没有符合条件的申请" : `没有${TAB_LABELS[tab]}的网上申请`}>
          网上申请的入口在“职工服务”页面（/public/apply），可告知前来咨询的职工。
        </EmptyState>
      ) : (
        <>
          <Table head={["申请人", "申请编号", "申请的工会", "状态", "材料", "提交时间"]}>
            {applications.rows.map((a) => (
              <tr key={a.id}>
                <Td>
                  <Link href={`/intake/applications/${a.id}`} className="font-medium text-brand-700 underline-offset-2 hover:underline">
                    {a.holderName}
                  </Link>
                </Td>
                <Td className="font-mono">{a.number}</Td>
                <Td>{a.organisation.name}</Td>
                <Td>
                  <Badge tone={APPLICATION_STATUS_TONES[a.status]}>{APPLICATION_STATUS_LABELS[a.status]}</Badge>
                  {a.acceptedBy && a.status === "ACCEPTED" && <span className="ml-2 text-xs text-slate-500">{a.acceptedBy.name}</span>}
                </Td>
                <Td>{a._count.uploads} 份</Td>
                <Td>{formatDateTime(a.submittedAt)}</Td>
              </tr>
            ))}
          </Table>
          <Pagination page={applications.page} pageCount={applications.pageCount} total={applications.total} params={{ tab, name }} />
        </>
      )}
    </>
  );
}
