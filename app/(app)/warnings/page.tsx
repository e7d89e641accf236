import Link from "next/link";
import { WarningActions } from "@/components/warnings/warning-actions";
import { Field, Input, Select } from "@/components/ui/field";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { SearchForm } from "@/components/ui/search-form";
import { mayActOnWarnings, mayReopenFromWarning } from "@/lib/warnings/rules";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { pageFrom } from "@/lib/data/pagination";
import { FILE_STATUS_LABELS } from "@/lib/labels/household-file";
import { dateOnlyString, formatDateTime } from "@/lib/format/datetime";
import { findWarnings } from "@/lib/warnings/find-warnings";
import { WARNING_RULE_LABELS, WARNING_STATUS_LABELS } from "@/lib/warnings/labels";
import { canDismissWarning, canOpenRecheck, canReopenFromWarning } from "@/lib/warnings/rules";
import { ZWarningQuery } from "@/lib/warnings/schemas";

export const metadata = { title: "返困预警" };

export default async function WarningsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const actor = await requirePageActor(...SECTION_ROLES.warnings);
  const params = await searchParams;
  // Open warnings unless another status (or 全部) was chosen.
  const statusParam = params.status ?? "OPEN";
  const query = ZWarningQuery.parse({ ...params, status: statusParam === "ALL" ? undefined : statusParam });
  const page = pageFrom(params.page);
  const list = await findWarnings(actor, query, page);
  const acts = mayActOnWarnings(actor).ok;
  return (
    <>
      <PageHeader
        actions={
          <Link href="/warnings/report" className="text-sm text-brand-700 hover:underline">
            返困预警与部门转介报表
          </Link>
        }
        title="返困预警"
        description={`${actor.organisation.name}及下级工会：渐退期、脱困退档后监测期内和在档相对困难家庭，由每日任务根据走访、核查、民政名单、医疗救助和走访间隔自动生成。每条预警须处理：发起复核、返困重新建档或写明理由排除。`}
      />
      <SearchForm>
        <Field label="状态" htmlFor="status">
          <Select id="status" name="status" defaultValue={query.status ?? "ALL"}>
            <option value="ALL">全部</option>
            {Object.entries(WARNING_STATUS_LABELS).map(([s, label]) => (
              <option key={s} value={s}>
                {label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="预警规则" htmlFor="rule">
          <Select id="rule" name="rule" defaultValue={query.rule ?? ""}>
            <option value="">全部规则</option>
            {Object.entries(WARNING_RULE_LABELS).map(([r, label]) => (
              <option key={r} value={r}>
                {label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="户主姓名或档号" htmlFor="q">
          <Input id="q" name="q" defaultValue={query.q ?? ""} />
        </Field>
        <Field label="预警日期自" htmlFor="from">
          <Input id="from" name="from" type="date" defaultValue={query.from ?? ""} />
        </Field>
        <Field label="至" htmlFor="to">
          <Input id="to" name="to" type="date" defaultValue={query.to ?? ""} />
        </Field>
      </SearchForm>
      <Card>
        {list.rows.length === 0 ? (
          <EmptyState title={query.status === "OPEN" ? "没有待处理的返困预警" : "没有符合条件的预警"} />
        ) : (
          <>
            <ul className="divide-y divide-slate-200">
              {list.rows.map((w) => (
                <li key={w.id} className="py-3" data-testid="warning">
                  <div className="mb-1 flex flex-wrap items-center gap-2 text-sm font-medium">
                    <Link href={`/files/${w.file.id}`} className="text-brand-700 hover:underline">
                      {w.file.holderName ?? "—"} 户
                    </Link>
                    <span className="text-slate-600">{w.file.fileNumber ?? ""}</span>
                    <Badge>{FILE_STATUS_LABELS[w.file.status]}</Badge>
                    <span className="text-slate-600">{w.file.organisation.name}</span>
                  </div>
                  <div className="flex flex-col gap-2 lg:flex-row lg:items-start lg:justify-between">
                    <div className="min-w-0 text-sm">
                      <p className="break-words">
                        <Badge tone={w.status === "OPEN" ? "red" : "slate"}>{WARNING_RULE_LABELS[w.rule]}</Badge>{" "}
                        <span className="text-slate-800">{w.reason}</span>
                      </p>
                      <p className="mt-1 text-xs text-slate-600">
                        {dateOnlyString(w.raisedOn)} 预警
                        {w.status !== "OPEN" && (
                          <>
                            　<Badge tone={w.status === "DISMISSED" ? "slate" : "green"}>{WARNING_STATUS_LABELS[w.status]}</Badge> {w.actedBy?.name}{" "}
                            {w.actedAt ? formatDateTime(w.actedAt) : ""}
                            {w.note ? `：${w.note}` : ""}
                          </>
                        )}
                      </p>
                    </div>
                    {acts && w.status === "OPEN" && (
                      <WarningActions
                        warningId={w.id}
                        version={w.version}
                        holderName={w.file.holderName ?? ""}
                        reason={w.reason}
                        allowed={{ recheck: canOpenRecheck(w, w.file), reopen: canReopenFromWarning(w, w.file), dismiss: canDismissWarning(w) }}
                        canReopen={mayReopenFromWarning(actor).ok}
                      />
                    )}
                  </div>
                </li>
              ))}
            </ul>
            <Pagination
              page={list.page}
              pageCount={list.pageCount}
              total={list.total}
              params={{ status: query.status ?? "ALL", rule: query.rule, q: query.q, from: query.from, to: query.to }}
            />
          </>
        )}
      </Card>
    </>
  );
}
