import Link from "next/link";
import { LedgerRows, type TLedgerRow, type TLedgerRowTexts } from "@/components/ledger/ledger-rows";
import { ExportLinks } from "@/components/exports/export-links";
import { organisationChoices } from "@/components/ui/organisation-options";
import { ChoiceSelect } from "@/components/ui/choice-select";
import { Field, Input } from "@/components/ui/field";
import { Alert, EmptyState, PageHeader } from "@/components/ui/page";
import { SearchForm } from "@/components/ui/search-form";
import { Table } from "@/components/ui/table";
import { mayExportLedger } from "@/lib/exports/rules";
import { mayRevealAccount } from "@/lib/ledger/rules";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { findOrgLedger } from "@/lib/ledger/find-org-ledger";
import { listScopeOrganisations } from "@/lib/organisations/organisations";
import { AID_TYPE_LABELS, FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { ZLedgerFilters, type TLedgerFilters } from "@/lib/ledger/schemas";
import { fenToYuanString, formatFen } from "@/lib/money/money";

export const metadata = { title: "台账" };

type TParams = Record<string, string | undefined>;

// The cells' classes by column, given once to the table (issue 28): dates and amounts on one line,
// the holder's link, the file number under it and 批量 beside the type. Here, not in the client
// module LedgerRows: a server component importing a value from it gets a client reference.
const LEDGER_CELLS =
  "[&_td:nth-child(1)]:whitespace-nowrap [&_td:nth-child(6)]:whitespace-nowrap [&_td:nth-child(6)]:tabular-nums [&_td:nth-child(7)]:whitespace-nowrap [&_td_a]:text-brand-700 [&_td_a:hover]:underline [&_small]:text-xs [&_small]:text-slate-500 [&_td:nth-child(2)_small]:block [&_td:nth-child(4)_small]:ml-1";

/** A row of the table as LedgerRows takes it: texts formatted here, the reasons left off when there are none. */
function ledgerRow(e: Awaited<ReturnType<typeof findOrgLedger>>["rows"][number], reveals: boolean): TLedgerRow {
  const row: TLedgerRowTexts = [
    e.entryDate,
    e.fileId,
    e.holderName ?? "",
    e.fileNumber ?? "",
    e.organisationName,
    AID_TYPE_LABELS[e.aidType],
    e.fromBatch ? 1 : 0,
    FUND_SOURCE_LABELS[e.fundSource],
    formatFen(e.amountFen),
    e.reversed ? 1 : 0,
    e.isReversal ? 1 : 0,
    e.account ? (reveals ? [e.account.bankName, e.account.masked, e.account.id] : [e.account.bankName, e.account.masked]) : null,
    e.purpose,
  ];
  if (e.capOverrideReason) return [...row, e.reason, e.capOverrideReason];
  return e.reason ? [...row, e.reason] : row;
}

export default async function LedgerPage({ searchParams }: { searchParams: Promise<TParams> }) {
  const actor = await requirePageActor(...SECTION_ROLES.ledger);
  const params = await searchParams;
  const parsed = ZLedgerFilters.safeParse(params);
  const filters: TLedgerFilters = parsed.success ? parsed.data : {};
  const organisations = await listScopeOrganisations(actor);
  // An organisation outside the scope in the address is told, not a server error.
  const orgRefused = !!filters.organisationId && !organisations.some((o) => o.id === filters.organisationId);
  if (orgRefused) delete filters.organisationId;
  const ledger = await findOrgLedger(actor, filters, { after: params.cursor, before: params.before });
  // The filters as typed, kept in every link so that paging and export see the same rows.
  const kept = Object.fromEntries(
    Object.entries({ ...filters, min: params.min, max: params.max }).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""),
  );
  const query = (extra: TParams = {}) => `?${new URLSearchParams({ ...kept, ...extra } as Record<string, string>).toString()}`;
  const exportsLedger = mayExportLedger(actor).ok;
  const reveals = mayRevealAccount(actor).ok;
  return (
    <>
      <PageHeader
        title="救助资金台账"
        description={
          <>
            管辖范围内全部已入账的救助发放记录（含冲正）。台账只增不改：错误以冲正记录更正。已审批的单笔发放经
            <Link href="/ledger/payment-runs" className="text-brand-700 underline">
              代发汇总
            </Link>
            生成银行代发文件。
          </>
        }
        actions={
          exportsLedger ? (
            <ExportLinks
              href="/ledger/export"
              params={kept as Record<string, string>}
              auditor
              fullNote="文件中将出现持卡人的完整公民身份号码和银行账号。"
              kind="LEDGER"
            />
          ) : undefined
        }
      />
      <SearchForm>
        <Field label="救助类型" htmlFor="f-type">
          <ChoiceSelect id="f-type" name="aidType" defaultValue={filters.aidType ?? ""} all="全部" choices={AID_TYPE_LABELS} />
        </Field>
        <Field label="资金来源" htmlFor="f-fund">
          <ChoiceSelect id="f-fund" name="fundSource" defaultValue={filters.fundSource ?? ""} all="全部" choices={FUND_SOURCE_LABELS} />
        </Field>
        <Field label="组织" htmlFor="f-org">
          <ChoiceSelect
            id="f-org"
            name="organisationId"
            defaultValue={filters.organisationId ?? ""}
            all="全部（含下级）"
            choices={organisationChoices(organisations)}
          />
        </Field>
        <Field label="起始日期" htmlFor="f-from">
          <Input id="f-from" type="date" name="from" defaultValue={filters.from ?? ""} />
        </Field>
        <Field label="截止日期" htmlFor="f-to">
          <Input id="f-to" type="date" name="to" defaultValue={filters.to ?? ""} />
        </Field>
        <Field label="最低金额（元）" htmlFor="f-min">
          <Input id="f-min" name="min" inputMode="decimal" className="w-28" defaultValue={filters.min !== undefined ? fenToYuanString(filters.min) : ""} />
        </Field>
        <Field label="最高金额（元）" htmlFor="f-max">
          <Input id="f-max" name="max" inputMode="decimal" className="w-28" defaultValue={filters.max !== undefined ? fenToYuanString(filters.max) : ""} />
        </Field>
      </SearchForm>
      {orgRefused && (
        <div className="mb-3">
          <Alert>所选组织不存在，或不在您的管辖范围内。以下为全部记录。</Alert>
        </div>
      )}
      {!parsed.success && (
        <div className="mb-3">
          <Alert>筛选条件有误：{parsed.error.issues[0]?.message ?? "请检查后重新查询"}。以下为全部记录。</Alert>
        </div>
      )}
      <p className="mb-3 text-sm text-slate-600" data-testid="ledger-totals">
        {ledger.totalFen === null ? (
          <>
            符合条件超过 {ledger.count.toLocaleString("zh-CN")} 笔；按金额筛选时只合计 {ledger.count.toLocaleString("zh-CN")}{" "}
            笔以内的结果，请缩小日期或组织范围后查看合计。
          </>
        ) : (
          <>
            符合条件 {ledger.count.toLocaleString("zh-CN")} 笔，合计 <span className="font-semibold">{formatFen(ledger.totalFen)}</span>（冲正已抵减）
          </>
        )}
      </p>
      {ledger.rows.length === 0 ? (
        <EmptyState title="没有符合条件的台账记录" />
      ) : (
        <>
          <Table cells={LEDGER_CELLS} head={["日期", "建档职工", "组织", "类型", "资金来源", "金额", "收款账户", "用途"]}>
            <LedgerRows reveals={reveals} rows={ledger.rows.map((e) => ledgerRow(e, reveals))} />
          </Table>
          <nav aria-label="分页" className="mt-4 flex items-center justify-between text-sm text-slate-600">
            <span>本页 {ledger.rows.length} 笔，按日期从新到旧</span>
            <span className="flex gap-2">
              {ledger.prevCursor && (
                <Link className="pager-link" href={query()}>
                  回到第一页
                </Link>
              )}
              {ledger.prevCursor ? (
                <Link className="pager-link" href={query({ before: ledger.prevCursor })}>
                  上一页
                </Link>
              ) : (
                <span className="pager-off">上一页</span>
              )}
              {ledger.nextCursor ? (
                <Link className="pager-link" href={query({ cursor: ledger.nextCursor })}>
                  下一页
                </Link>
              ) : (
                <span className="pager-off">下一页</span>
              )}
            </span>
          </nav>
        </>
      )}
    </>
  );
}
