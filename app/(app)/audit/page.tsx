import Link from "next/link";
import { ExportLinks } from "@/components/exports/export-links";
import { buttonClass } from "@/components/ui/button";
import { hasRole } from "@/lib/auth/actor";
import { Input, Select } from "@/components/ui/field";
import { Badge, EmptyState, PageHeader } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { SearchForm } from "@/components/ui/search-form";
import { Table, Td } from "@/components/ui/table";
import { findAuditEvents, findSignInAttempts, SIGN_IN_OUTCOME_LABELS } from "@/lib/audit/find-audit-trail";
import { auditActionLabel } from "@/lib/audit/labels";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { pageFrom } from "@/lib/data/pagination";
import { formatDateTime } from "@/lib/format/datetime";
import { parseShanghaiDate } from "@/lib/format/parse-date";
import type { SignInOutcome } from "@/lib/generated/prisma/enums";

export const metadata = { title: "审计日志" };

type TParams = Record<string, string | undefined>;

export default async function AuditPage({ searchParams }: { searchParams: Promise<TParams> }) {
  const actor = await requirePageActor(...SECTION_ROLES.audit);
  const params = await searchParams;
  const tab = params.tab === "signins" ? "signins" : "events";
  const from = parseShanghaiDate(params.from);
  const toDay = parseShanghaiDate(params.to);
  const to = toDay ? new Date(toDay.getTime() + 86_400_000) : undefined;
  const page = pageFrom(params.page);
  const outcome = params.outcome && params.outcome in SIGN_IN_OUTCOME_LABELS ? (params.outcome as SignInOutcome) : undefined;
  const kept = { tab, from: params.from, to: params.to, outcome };

  return (
    <>
      <PageHeader
        title="审计日志"
        description={`${actor.organisation.name}及下级工会的操作记录与登录记录（只读）`}
        actions={
          hasRole(actor, "AUDITOR") ? (
            <ExportLinks href="/audit/export" params={Object.fromEntries(Object.entries(kept).filter((e): e is [string, string] => !!e[1]))} auditor={false} />
          ) : undefined
        }
      />
      <div className="mb-4 flex gap-2 border-b border-slate-200 text-sm">
        {(["events", "signins"] as const).map((t) => (
          <Link key={t} href={`?tab=${t}`} aria-current={tab === t ? "page" : undefined} className={`-mb-px border-b-2 px-3 py-2 ${tab === t ? "border-brand-700 font-medium text-brand-700" : "border-transparent text-slate-600"}`}>
            {t === "events" ? "操作记录" : "登录记录"}
          </Link>
        ))}
      </div>
      <SearchForm>
        <input type="hidden" name="tab" value={tab} />
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">起始日期</span>
          <Input type="date" name="from" defaultValue={params.from} />
        </label>
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">截止日期</span>
          <Input type="date" name="to" defaultValue={params.to} />
        </label>
        {tab === "signins" && (
          <label className="text-sm">
            <span className="mb-1 block text-slate-600">结果</span>
            <Select name="outcome" defaultValue={outcome ?? ""}>
              <option value="">全部</option>
              {Object.entries(SIGN_IN_OUTCOME_LABELS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </Select>
          </label>
        )}
      </SearchForm>
      {tab === "events" ? <Events actor={actor} from={from} to={to} page={page} kept={kept} /> : <SignIns actor={actor} from={from} to={to} page={page} outcome={outcome} kept={kept} />}
    </>
  );
}

type TListProps = { actor: Awaited<ReturnType<typeof requirePageActor>>; from?: Date; to?: Date; page: number; kept: TParams };

async function Events({ actor, from, to, page, kept }: TListProps) {
  const result = await findAuditEvents(actor, { from, to, page });
  if (result.rows.length === 0) return <EmptyState title="没有操作记录" />;
  return (
    <>
      <Table head={["时间", "操作人", "操作", "对象", "组织", "来源地址"]}>
        {result.rows.map((e) => (
          <tr key={e.id}>
            <Td className="whitespace-nowrap">{formatDateTime(e.at)}</Td>
            <Td>{e.actor ? `${e.actor.name}（${e.actor.username}）` : "—"}</Td>
            <Td>
              {auditActionLabel(e.action)}
              <span className="block font-mono text-xs text-slate-400">{e.action}</span>
            </Td>
            <Td className="font-mono text-xs">
              {e.entityType} {e.entityId}
            </Td>
            <Td>{e.organisation?.name ?? "—"}</Td>
            <Td>{e.ip ?? "—"}</Td>
          </tr>
        ))}
      </Table>
      <Pagination page={result.page} pageCount={result.pageCount} total={result.total} params={kept} />
    </>
  );
}

async function SignIns({ actor, from, to, page, outcome, kept }: TListProps & { outcome?: SignInOutcome }) {
  const result = await findSignInAttempts(actor, { from, to, page, outcome });
  if (result.rows.length === 0) return <EmptyState title="没有登录记录" />;
  return (
    <>
      <Table head={["时间", "用户名", "姓名", "组织", "结果", "来源地址"]}>
        {result.rows.map((a) => (
          <tr key={a.id}>
            <Td className="whitespace-nowrap">{formatDateTime(a.at)}</Td>
            <Td>{a.username}</Td>
            <Td>{a.user?.name ?? "—"}</Td>
            <Td>{a.user?.organisation.name ?? "—"}</Td>
            <Td>
              <Badge tone={a.outcome === "SUCCESS" ? "green" : "red"}>{SIGN_IN_OUTCOME_LABELS[a.outcome]}</Badge>
            </Td>
            <Td>{a.ip}</Td>
          </tr>
        ))}
      </Table>
      <Pagination page={result.page} pageCount={result.pageCount} total={result.total} params={kept} />
    </>
  );
}
