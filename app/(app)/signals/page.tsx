import Link from "next/link";
import { ResolveSignal } from "@/components/signals/resolve-signal";
import { Field, Select } from "@/components/ui/field";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { SearchForm } from "@/components/ui/search-form";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { pageFrom } from "@/lib/data/pagination";
import { FILE_STATUS_LABELS } from "@/lib/labels/household-file";
import { dateOnlyString, formatDateTime } from "@/lib/format/datetime";
import type { SignalKind } from "@/lib/generated/prisma/enums";
import { formatFen } from "@/lib/money/money";
import { maskResidentId } from "@/lib/people/resident-id";
import { SIGNAL_KIND_LABELS, SIGNAL_STATUS_LABELS } from "@/lib/signals/labels";
import { findSignals } from "@/lib/signals/resolve-signal";
import { ZSignalQuery } from "@/lib/signals/schemas";

export const metadata = { title: "疑似重复与冒领" };

type TDetail = {
  bankName?: string;
  accountHolder?: string;
  recordedAt?: string;
  people?: Array<{ name: string; residentId: string; isHolder: boolean }>;
  contactName?: string;
  contactPhone?: string;
  deathRecordedOn?: string;
  deathSource?: string;
  entries?: Array<{ entryDate: string; amountFen: number; purpose: string }>;
};

/** What one household adds to its signal, by kind: the rows behind it. */
function describeRow(kind: SignalKind, d: TDetail): string {
  switch (kind) {
    case "SHARED_ACCOUNT":
      return `${d.bankName ?? ""} 户名 ${d.accountHolder ?? ""}${d.recordedAt ? ` · ${formatDateTime(new Date(d.recordedAt))} 登记` : ""}`;
    case "SAME_NAME_BIRTH":
      return (d.people ?? []).map((p) => `${p.name}（${p.isHolder ? "建档职工" : "家庭成员"}）${maskResidentId(p.residentId)}`).join("，");
    case "SHARED_PHONE":
      return `联系人 ${d.contactName ?? "—"} ${d.contactPhone ?? ""}`;
    case "PAID_AFTER_DEATH":
      return `${d.deathRecordedOn ?? ""} ${d.deathSource ?? ""}；之后发放：${(d.entries ?? []).map((e) => `${e.entryDate} ${e.purpose} ${formatFen(e.amountFen)}`).join("，")}`;
  }
}

export default async function SignalsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const actor = await requirePageActor(...SECTION_ROLES.signals);
  const params = await searchParams;
  const statusParam = params.status ?? "OPEN";
  const query = ZSignalQuery.parse({ status: statusParam === "ALL" ? undefined : statusParam, kind: params.kind });
  const list = await findSignals(actor, query, pageFrom(params.page));
  return (
    <>
      <PageHeader
        title="疑似重复与冒领"
        description={`涉及${actor.organisation.name}及下级工会档案的线索，由每日任务生成：同一银行账户登记为多户档案的收款账户；同名同出生日期而身份号码不同；不同工会的在档户联系电话相同；登记死亡后仍有发放。核查后登记“合理”或“已纠正”，事实未变化不再提示。`}
      />
      <SearchForm>
        <Field label="状态" htmlFor="status">
          <Select id="status" name="status" defaultValue={query.status ?? "ALL"}>
            <option value="ALL">全部</option>
            {Object.entries(SIGNAL_STATUS_LABELS).map(([s, label]) => (
              <option key={s} value={s}>
                {label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="类型" htmlFor="kind">
          <Select id="kind" name="kind" defaultValue={query.kind ?? ""}>
            <option value="">全部</option>
            {Object.entries(SIGNAL_KIND_LABELS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </Select>
        </Field>
      </SearchForm>
      <Card>
        {list.rows.length === 0 ? (
          <EmptyState title={query.status === "OPEN" ? "没有待核查的线索" : "没有符合条件的线索"} />
        ) : (
          <>
            <ul className="divide-y divide-slate-200">
              {list.rows.map((s) => (
                <li key={s.id} className="py-3" data-testid="signal">
                  <div className="flex flex-col gap-2 lg:flex-row lg:items-start lg:justify-between">
                    <div className="min-w-0 text-sm">
                      <p className="break-words">
                        <Badge tone={s.status === "OPEN" ? "red" : "slate"}>{SIGNAL_KIND_LABELS[s.kind]}</Badge>{" "}
                        <span className="text-slate-800">{s.reason}</span>
                      </p>
                      <ul className="mt-2 space-y-1">
                        {s.files.map((f) => {
                          const d = f.detail as TDetail;
                          return (
                            <li key={f.file.id} className="text-xs text-slate-700">
                              <Link href={`/files/${f.file.id}`} className="text-brand-700 hover:underline">
                                {f.file.holderName ?? "—"} 户
                              </Link>{" "}
                              {f.file.fileNumber ?? ""} · {FILE_STATUS_LABELS[f.file.status]} · {f.file.organisation.name} · {describeRow(s.kind, d)}
                            </li>
                          );
                        })}
                        {s.elsewhere > 0 && <li className="text-xs text-slate-500">另有 {s.elsewhere} 户属于其他工会（不在您的管辖范围内）</li>}
                      </ul>
                      <p className="mt-1 text-xs text-slate-600">
                        {dateOnlyString(s.raisedOn)} 提示
                        {s.status !== "OPEN" && (
                          <>
                            　<Badge tone="green">{SIGNAL_STATUS_LABELS[s.status]}</Badge> {s.resolvedBy?.name}{" "}
                            {s.resolvedAt ? formatDateTime(s.resolvedAt) : ""}
                            {s.note ? `：${s.note}` : ""}
                          </>
                        )}
                      </p>
                    </div>
                    {s.status === "OPEN" && <ResolveSignal signalId={s.id} version={s.version} />}
                  </div>
                </li>
              ))}
            </ul>
            <Pagination
              page={list.page}
              pageCount={list.pageCount}
              total={list.total}
              params={{ status: query.status ?? "ALL", ...(query.kind ? { kind: query.kind } : {}) }}
            />
          </>
        )}
      </Card>
    </>
  );
}
