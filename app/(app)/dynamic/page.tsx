import Link from "next/link";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { pageFrom } from "@/lib/data/pagination";
import { findDueRechecks, findObservation, followUpFigures } from "@/lib/dynamic/find";
import { TIER_LABELS } from "@/lib/labels/household-file";
import { dateOnlyString, formatDate } from "@/lib/format/datetime";

export const metadata = { title: "动态管理" };

type TParams = { tab?: string; which?: string; page?: string };

export default async function DynamicPage({ searchParams }: { searchParams: Promise<TParams> }) {
  const actor = await requirePageActor(...SECTION_ROLES.dynamic);
  const params = await searchParams;
  const tab = params.tab === "observation" ? "observation" : "checks";
  const which = params.which === "overdue" || params.which === "soon" ? params.which : undefined;
  const page = pageFrom(params.page);
  const figures = await followUpFigures(actor);
  const percent = (figures.coverage * 100).toFixed(1);

  return (
    <>
      <PageHeader title="动态管理" description={`${actor.organisation.name}及下级工会：定期核查、渐退期跟踪与结对帮扶`} />
      <div className="mb-6 grid gap-4 sm:grid-cols-3">
        <Card>
          <p className="text-xs text-slate-500">结对帮扶覆盖率</p>
          <p className="mt-1 text-2xl font-semibold" data-testid="pairing-coverage">
            {percent}%
          </p>
          <p className="text-xs text-slate-500">
            已落实帮扶责任人 {figures.paired} 户 / 在档 {figures.open} 户
          </p>
        </Card>
        <Card>
          <p className="text-xs text-slate-500">帮扶计划：需求 → 措施 → 解决</p>
          <p className="mt-1 text-2xl font-semibold">
            {figures.measures} → {figures.resolved}
          </p>
          <p className="text-xs text-slate-500">进行中 {figures.inProgress} 项</p>
        </Card>
      </div>
      <div className="mb-4 flex gap-2 border-b border-slate-200 text-sm">
        <Link
          href="?tab=checks"
          aria-current={tab === "checks" ? "page" : undefined}
          className={`-mb-px border-b-2 px-3 py-2 ${tab === "checks" ? "border-brand-700 font-medium text-brand-700" : "border-transparent text-slate-600"}`}
        >
          待核查
        </Link>
        <Link
          href="?tab=observation"
          aria-current={tab === "observation" ? "page" : undefined}
          className={`-mb-px border-b-2 px-3 py-2 ${tab === "observation" ? "border-brand-700 font-medium text-brand-700" : "border-transparent text-slate-600"}`}
        >
          渐退期跟踪
        </Link>
      </div>
      {tab === "checks" ? <Checks actor={actor} which={which} page={page} /> : <Observation actor={actor} page={page} />}
    </>
  );
}

async function Checks({ actor, which, page }: { actor: Awaited<ReturnType<typeof requirePageActor>>; which?: "overdue" | "soon"; page: number }) {
  const due = await findDueRechecks(actor, { which, page });
  const chip = (value: string | undefined, label: string) => (
    <Link
      href={value ? `?tab=checks&which=${value}` : "?tab=checks"}
      className={`rounded-full border px-3 py-1 ${which === value ? "border-brand-700 bg-brand-50 text-brand-700" : "border-slate-300 bg-white"}`}
    >
      {label}
    </Link>
  );
  return (
    <>
      <div className="mb-4 flex gap-2 text-sm">
        {chip(undefined, `全部 ${due.totalAtLeast ? `${due.total.toLocaleString("zh-CN")}+` : due.total.toLocaleString("zh-CN")}`)}
        {chip("overdue", `已逾期 ${due.overdue.totalAtLeast ? `${due.overdue.total.toLocaleString("zh-CN")}+` : due.overdue.total.toLocaleString("zh-CN")}`)}
        {chip("soon", `即将到期 ${due.soon.totalAtLeast ? `${due.soon.total.toLocaleString("zh-CN")}+` : due.soon.total.toLocaleString("zh-CN")}`)}
      </div>
      {due.rows.length === 0 ? (
        <EmptyState title="没有待核查的档案" />
      ) : (
        <>
          <Table head={["档案编号", "建档职工", "建档单位", "困难类别", "应核查日期", "帮扶责任人"]}>
            {due.rows.map((f) => {
              const date = f.nextCheckDue ? dateOnlyString(f.nextCheckDue) : "";
              return (
                <tr key={f.id}>
                  <Td className="font-mono text-xs">{f.fileNumber}</Td>
                  <Td>
                    <Link href={`/files/${f.id}`} className="font-medium text-brand-700 hover:underline">
                      {f.holderName}
                    </Link>
                  </Td>
                  <Td>{f.organisation.name}</Td>
                  <Td>{f.tier ? TIER_LABELS[f.tier] : "—"}</Td>
                  <Td>
                    {date} {date < due.today ? <Badge tone="red">已逾期</Badge> : <Badge tone="amber">即将到期</Badge>}
                  </Td>
                  <Td>{f.responsibleCadre?.name ?? <span className="text-red-700">未落实</span>}</Td>
                </tr>
              );
            })}
          </Table>
          <Pagination page={due.page} pageCount={due.pageCount} total={due.total} totalAtLeast={due.totalAtLeast} params={{ tab: "checks", which }} />
        </>
      )}
    </>
  );
}

async function Observation({ actor, page }: { actor: Awaited<ReturnType<typeof requirePageActor>>; page: number }) {
  const list = await findObservation(actor, page);
  if (list.rows.length === 0) return <EmptyState title="没有处于渐退期的家庭" />;
  return (
    <>
      <Table head={["档案编号", "建档职工", "建档单位", "退档时间", "渐退期至", "最近走访"]}>
        {list.rows.map((f) => (
          <tr key={f.id}>
            <Td className="font-mono text-xs">{f.fileNumber}</Td>
            <Td>
              <Link href={`/files/${f.id}`} className="font-medium text-brand-700 hover:underline">
                {f.holderName}
              </Link>
            </Td>
            <Td>{f.organisation.name}</Td>
            <Td>{formatDate(f.exitedAt)}</Td>
            <Td>{f.observationUntil ? dateOnlyString(f.observationUntil) : "—"}</Td>
            <Td>{f.visits[0] ? dateOnlyString(f.visits[0].visitDate) : <span className="text-amber-700">未走访</span>}</Td>
          </tr>
        ))}
      </Table>
      <Pagination page={list.page} pageCount={list.pageCount} total={list.total} params={{ tab: "observation" }} />
    </>
  );
}
