import Link from "next/link";
import { CompleteWorkItemButton, DisposeFileButton } from "@/components/calendar/calendar-buttons";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { mayCompleteWorkItems, mayDisposeFiles } from "@/lib/calendar/rules";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { canCompleteWorkItem, findWorkItemList, findWorkItems } from "@/lib/calendar/find-work-items";
import { WORK_ITEM_LABELS } from "@/lib/calendar/labels";
import { pageFrom } from "@/lib/data/pagination";
import { FILE_STATUS_LABELS } from "@/lib/labels/household-file";
import type { WorkItemKind } from "@/lib/generated/prisma/enums";

export const metadata = { title: "待办事项" };

/** What to do about an item, in words, where the step happens on the file's own page. */
const NEXT_STEP: Record<WorkItemKind, string> = {
  RECHECK_DUE: "到档案页录入动态核查",
  OBSERVATION_ENDED: "到档案页结束渐退期跟踪",
  PUBLICITY_ENDED: "到档案页审定",
  EXIT_SUGGESTED: "到档案页提出退档申请",
  PAPER_SYNC: "同步纸质档案后标记",
  RETENTION_ENDED: "审批人批准销毁",
  CALLBACK_PROBLEM: "由审计在回访核查页办结",
  CHECKIN_DUE: "到档案页登记回访（走访）",
};

export default async function TasksPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const actor = await requirePageActor(...SECTION_ROLES.tasks);
  // The predicates complete-work-item.ts and dispose-file.ts enforce.
  const completes = mayCompleteWorkItems(actor).ok;
  const disposes = mayDisposeFiles(actor).ok;
  const params = await searchParams;
  const summary = await findWorkItems(actor);
  const kind = (Object.keys(WORK_ITEM_LABELS) as WorkItemKind[]).find((k) => k === params.kind) ?? summary[0]?.kind;
  const overdueOnly = params.overdue === "1";
  const list = kind ? await findWorkItemList(actor, { kind, page: pageFrom(params.page), overdueOnly }) : null;
  return (
    <>
      <PageHeader title="待办事项" description={`${actor.organisation.name}及下级工会：由每日档案日历和档案变更自动生成，办理相应业务后自动办结。`} />
      {summary.length === 0 ? (
        <EmptyState title="没有待办事项">复核、公示、渐退期、纸质档案同步和保管期限都没有需要处理的事项。</EmptyState>
      ) : (
        <>
          <div className="mb-6 grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {summary.map((s) => (
              <Link
                key={s.kind}
                href={s.href}
                className={`rounded-lg border bg-white p-4 hover:border-brand-600 ${s.kind === kind ? "border-brand-600" : "border-slate-200"}`}
              >
                <div className="text-sm text-slate-600">{s.label}</div>
                <div className="mt-1 text-2xl font-semibold">{s.count}</div>
                <div className="mt-1 text-xs text-slate-500">
                  {s.overdue > 0 ? <span className="text-red-600">已逾期 {s.overdue} 项</span> : "无逾期"}
                  {s.nextDue && `，最早到期 ${s.nextDue}`}
                </div>
              </Link>
            ))}
          </div>
          {kind && list && (
            <Card
              title={`${WORK_ITEM_LABELS[kind]}（${NEXT_STEP[kind]}）`}
              actions={
                <Link className="text-sm text-brand-700 underline" href={`/tasks?kind=${kind}${overdueOnly ? "" : "&overdue=1"}`}>
                  {overdueOnly ? "显示全部" : "只看逾期"}
                </Link>
              }
            >
              {list.rows.length === 0 ? (
                <p className="text-sm text-slate-500">{overdueOnly ? "没有逾期的事项。" : "没有待办事项。"}</p>
              ) : (
                <>
                  <Table head={["档号", "户主", "所属工会", "档案状态", "期限", ""]}>
                    {list.rows.map((item) => (
                      <tr key={item.id}>
                        <Td>{item.file.fileNumber ?? "—"}</Td>
                        <Td>
                          <Link className="text-brand-700 underline" href={`/files/${item.file.id}`}>
                            {item.file.holderName ?? "—"}
                          </Link>
                        </Td>
                        <Td>{item.file.organisation.name}</Td>
                        <Td>{FILE_STATUS_LABELS[item.file.status]}</Td>
                        <Td>
                          {item.dueDate} {item.overdue && <Badge tone="red">已逾期</Badge>}
                        </Td>
                        <Td>
                          {canCompleteWorkItem(item.kind) && completes && <CompleteWorkItemButton itemId={item.id} holderName={item.file.holderName ?? ""} />}
                          {item.kind === "RETENTION_ENDED" && disposes && (
                            <DisposeFileButton fileId={item.file.id} label={item.file.fileNumber ?? item.file.holderName ?? "该档案"} />
                          )}
                        </Td>
                      </tr>
                    ))}
                  </Table>
                  <Pagination page={list.page} pageCount={list.pageCount} total={list.total} params={{ kind, overdue: overdueOnly ? "1" : undefined }} />
                </>
              )}
            </Card>
          )}
        </>
      )}
    </>
  );
}
