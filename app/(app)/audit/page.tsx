import Link from "next/link";
import { ExportLinks } from "@/components/exports/export-links";
import { mayExportAuditLog } from "@/lib/exports/rules";
import { Input, Select } from "@/components/ui/field";
import { Badge, EmptyState, PageHeader } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { SearchForm } from "@/components/ui/search-form";
import { Table, Td } from "@/components/ui/table";
import { OrganisationOptions } from "@/components/ui/organisation-options";
import {
  auditFileName,
  findAuditEvents,
  findSignInAttempts,
  listAuditPeople,
  SIGN_IN_OUTCOME_LABELS,
  type TAuditEventFilter,
} from "@/lib/audit/find-audit-trail";
import { ACTION_GROUP_LABELS } from "@/lib/audit/readable";
import { listScopeOrganisations } from "@/lib/organisations/organisations";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { pageFrom } from "@/lib/data/pagination";
import { endOfShanghaiDay, formatDateTime, startOfShanghaiDay } from "@/lib/format/datetime";
import type { SignInOutcome } from "@/lib/generated/prisma/enums";

export const metadata = { title: "审计日志" };

type TParams = Record<string, string | undefined>;

export default async function AuditPage({ searchParams }: { searchParams: Promise<TParams> }) {
  const actor = await requirePageActor(...SECTION_ROLES.audit);
  const params = await searchParams;
  const tab = params.tab === "signins" ? "signins" : "events";
  const from = startOfShanghaiDay(params.from);
  const to = endOfShanghaiDay(params.to);
  const page = pageFrom(params.page);
  const outcome = params.outcome && params.outcome in SIGN_IN_OUTCOME_LABELS ? (params.outcome as SignInOutcome) : undefined;
  const filter = { actorId: params.person, group: params.group, fileId: params.file, organisationId: params.org };
  const kept = {
    tab,
    from: params.from,
    to: params.to,
    outcome,
    ...(tab === "events" ? { person: params.person, group: params.group, file: params.file, org: params.org } : {}),
  };
  const [people, organisations, fileName] =
    tab === "events" ? await Promise.all([listAuditPeople(actor), listScopeOrganisations(actor), auditFileName(actor, params.file)]) : [[], [], null];

  return (
    <>
      <PageHeader
        title="审计日志"
        description={`${actor.organisation.name}及下级工会的操作记录与登录记录（只读）`}
        actions={
          mayExportAuditLog(actor).ok ? (
            <ExportLinks
              href="/audit/export"
              params={Object.fromEntries(Object.entries(kept).filter((e): e is [string, string] => !!e[1]))}
              auditor={false}
              kind={tab === "signins" ? "AUDIT_SIGNINS" : "AUDIT_EVENTS"}
            />
          ) : undefined
        }
      />
      <div className="mb-4 flex gap-2 border-b border-slate-200 text-sm">
        {(["events", "signins"] as const).map((t) => (
          <Link
            key={t}
            href={`?tab=${t}`}
            aria-current={tab === t ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 ${tab === t ? "border-brand-700 font-medium text-brand-700" : "border-transparent text-slate-600"}`}
          >
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
        {tab === "events" && (
          <>
            <label className="text-sm">
              <span className="mb-1 block text-slate-600">操作人</span>
              <Select name="person" defaultValue={params.person ?? ""}>
                <option value="">全部</option>
                {people.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}（{p.username}）
                  </option>
                ))}
              </Select>
            </label>
            <label className="text-sm">
              <span className="mb-1 block text-slate-600">操作类别</span>
              <Select name="group" defaultValue={params.group ?? ""}>
                <option value="">全部</option>
                {Object.entries(ACTION_GROUP_LABELS).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </Select>
            </label>
            <label className="text-sm">
              <span className="mb-1 block text-slate-600">组织（含下级）</span>
              <Select name="org" defaultValue={params.org ?? ""}>
                <option value="">全部</option>
                <OrganisationOptions organisations={organisations} />
              </Select>
            </label>
            {params.file && <input type="hidden" name="file" value={params.file} />}
          </>
        )}
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
      {tab === "events" && params.file && (
        <p className="mb-4 text-sm" data-testid="audit-file-filter">
          只看 <span className="font-medium">{fileName ?? "该档案"}</span> 的全部记录（含证明材料、变更申请、帮扶措施、发放与账户）。
          <Link
            href={`?${new URLSearchParams(Object.entries({ ...kept, file: undefined }).filter((e): e is [string, string] => !!e[1]))}`}
            className="ml-2 text-brand-700 underline"
          >
            取消
          </Link>
        </p>
      )}
      {tab === "events" ? (
        <Events actor={actor} filter={{ ...filter, from, to }} page={page} kept={kept} />
      ) : (
        <SignIns actor={actor} from={from} to={to} page={page} outcome={outcome} kept={kept} />
      )}
    </>
  );
}

type TListProps = { actor: Awaited<ReturnType<typeof requirePageActor>>; from?: Date; to?: Date; page: number; kept: TParams };

async function Events({ actor, filter, page, kept }: Omit<TListProps, "from" | "to"> & { filter: TAuditEventFilter }) {
  const result = await findAuditEvents(actor, { ...filter, page });
  if (result.rows.length === 0) return <EmptyState title="没有操作记录" />;
  return (
    <>
      <Table head={["时间", "操作人", "操作", "对象", "组织", "来源地址"]}>
        {result.rows.map((e) => (
          <tr key={e.id} data-testid="audit-row">
            <Td className="whitespace-nowrap">{formatDateTime(e.at)}</Td>
            <Td>
              {e.actor ? (
                <>
                  {e.actor.name}（{e.actor.username}）<span className="block text-xs text-slate-700">{e.actor.organisationName}</span>
                </>
              ) : (
                e.actorNote
              )}
            </Td>
            <Td>
              {e.actionLabel}
              {e.detail && <span className="block text-xs text-slate-700">{e.detail}</span>}
            </Td>
            <Td>
              <span className="block text-xs text-slate-700">{e.subject.type}</span>
              {e.subject.href ? (
                <Link href={e.subject.href} className="text-brand-700 hover:underline">
                  {e.subject.name}
                </Link>
              ) : (
                e.subject.name
              )}
              {e.subject.fileId && !filter.fileId && (
                <Link
                  href={`?${new URLSearchParams(Object.entries({ ...kept, file: e.subject.fileId, page: undefined }).filter((x): x is [string, string] => !!x[1]))}`}
                  className="ml-2 text-xs text-brand-700 underline"
                >
                  该档案全部记录
                </Link>
              )}
            </Td>
            <Td>{e.organisation?.name ?? "—"}</Td>
            <Td className="whitespace-nowrap">{e.ip}</Td>
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
