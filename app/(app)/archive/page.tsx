import { Input } from "@/components/ui/field";
import { ChoiceSelect } from "@/components/ui/choice-select";
import { ArchiveRows, type TArchiveRow } from "@/components/filing/archive-rows";
import { Alert, EmptyState, PageHeader } from "@/components/ui/page";
import { KeysetPager } from "@/components/ui/keyset-pager";
import { SearchForm } from "@/components/ui/search-form";
import { Table } from "@/components/ui/table";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { PAGE_SIZE, pageFrom } from "@/lib/data/pagination";
import { decodeArchiveKey, findFiles, MAX_JUMP, type TArchivePosition } from "@/lib/filing/find-files";
import { ARCHIVE_DEFAULT_STATUS_LABEL, ARCHIVE_STATUS_LABELS, archiveParamsOf, archiveQueryFromParams, type TArchiveParams } from "@/lib/filing/archive-params";
import { mayExportFull } from "@/lib/exports/rules";
import { buttonClass } from "@/components/ui/button";
import { ExportLinks } from "@/components/exports/export-links";
import { CAUSE_LABELS, FILE_LEVEL_LABELS, TIER_LABELS, WORKER_CATEGORY_LABELS } from "@/lib/labels/household-file";
import { formatDateTime } from "@/lib/format/datetime";
import { listScopeOrganisations } from "@/lib/organisations/organisations";

export const metadata = { title: "档案" };

// The cells' classes by column, given once to the table (issue 28): 档案编号 and 身份号码 in mono,
// the holder's link, the household size beside it. Here, not in the client module ArchiveRows: a
// server component importing a value from a "use client" module gets a client reference, not the string.
const ARCHIVE_CELLS =
  "[&_td:nth-child(2)]:font-mono [&_td:nth-child(2)]:text-xs [&_td:nth-child(2)]:whitespace-nowrap [&_td:nth-child(4)]:font-mono [&_td:nth-child(4)]:text-xs [&_td:nth-child(11)]:whitespace-nowrap [&_td_a]:font-medium [&_td_a]:text-brand-700 [&_td_a:hover]:underline [&_small]:ml-1 [&_small]:text-xs [&_small]:text-slate-500";

function FilterSelect({
  name,
  label,
  labels,
  value,
  all = "全部",
}: {
  name: string;
  label: string;
  labels: Record<string, string> | ReadonlyArray<readonly [string, string]>;
  value?: string;
  all?: string;
}) {
  return (
    <label>
      <span>{label}</span>
      <ChoiceSelect name={name} defaultValue={value ?? ""} all={all} choices={labels} />
    </label>
  );
}

export default async function ArchivePage({ searchParams }: { searchParams: Promise<TArchiveParams> }) {
  const actor = await requirePageActor(...SECTION_ROLES.archive);
  const params = await searchParams;
  const statusLabels = ARCHIVE_STATUS_LABELS;
  const query = archiveQueryFromParams(params);
  const position: TArchivePosition = {
    after: decodeArchiveKey(params.after),
    before: decodeArchiveKey(params.before),
    last: params.last === "1",
    skip: params.skip ? Math.min(pageFrom(params.skip), MAX_JUMP) : 0,
  };
  // The page number is only carried for display; a position without one is the first page, or an unnumbered 末页.
  const pageNumber = position.after || position.before || position.last ? (params.p ? pageFrom(params.p) : null) : 1;
  const organisations = await listScopeOrganisations(actor);
  // An organisation outside the scope (or a malformed id) in the address is told, not a server error.
  const orgRefused = params.org !== undefined && params.org !== "" && !organisations.some((o) => o.id === query.organisationId);
  if (orgRefused) query.organisationId = undefined;
  const result = await findFiles(actor, query, position);
  const kept = {
    q: query.q,
    status: params.status,
    tier: query.tier,
    level: query.fileLevel,
    category: query.workerCategory,
    cause: query.cause,
    org: query.organisationId,
    overdue: query.overdue ? "1" : undefined,
  };

  return (
    <>
      <PageHeader
        title="困难职工档案"
        description={`${actor.organisation.name}及下级工会的档案`}
        actions={
          <ExportLinks
            href="/archive/export"
            params={archiveParamsOf(query, params.status)}
            auditor={mayExportFull(actor).ok}
            fullNote="文件中将出现建档职工的完整公民身份号码。"
            kind="ARCHIVE"
          />
        }
      />
      {orgRefused && (
        <div className="mb-3">
          <Alert>所选组织不存在，或不在您的管辖范围内。以下为全部档案。</Alert>
        </div>
      )}
      <SearchForm>
        <label>
          <span>姓名 / 身份号码（可输后四位） / 档案编号</span>
          <Input name="q" defaultValue={query.q} placeholder="姓名、拼音或首字母，家庭成员姓名，身份号码或后四位，档案编号" className="w-72" />
        </label>
        <FilterSelect
          name="status"
          label="状态"
          labels={statusLabels}
          value={query.status === "ACTIVE" ? "" : query.status}
          all={ARCHIVE_DEFAULT_STATUS_LABEL}
        />
        <FilterSelect name="tier" label="困难类别" labels={TIER_LABELS} value={query.tier} />
        <FilterSelect name="level" label="档案级别" labels={FILE_LEVEL_LABELS} value={query.fileLevel} />
        <FilterSelect name="category" label="职工类别" labels={WORKER_CATEGORY_LABELS} value={query.workerCategory} />
        <FilterSelect name="cause" label="致困原因" labels={CAUSE_LABELS} value={query.cause} />
        <FilterSelect
          name="org"
          label="建档单位（含下级）"
          labels={organisations.map((o) => [o.id, `${"　".repeat(o.depth - actor.organisation.depth)}${o.name}`] as const)}
          value={query.organisationId}
        />
        <label className="flex items-center gap-2 pb-2">
          <input type="checkbox" name="overdue" value="1" defaultChecked={query.overdue} />
          仅看核查逾期
        </label>
      </SearchForm>
      {result.rows.length === 0 ? (
        <EmptyState title={query.q || kept.tier || kept.level || kept.category || kept.cause || kept.org || kept.overdue ? "没有符合条件的档案" : "暂无档案"}>
          {query.q ? "可输入姓名中的任意字、全拼（wangjing）或首字母（wj）；身份号码须完整 18 位。" : "管辖范围内还没有这一状态的档案。"}
        </EmptyState>
      ) : (
        <>
          <form id="print-selection" action="/print/files" method="get" target="_blank" className="mb-2 flex items-center justify-end gap-2 text-sm">
            <span className="text-slate-600">勾选档案后可一并打印档案表册（A4）</span>
            <button type="submit" className={buttonClass("secondary")}>
              打印所选档案
            </button>
          </form>
          <Table
            cells={ARCHIVE_CELLS}
            head={["选择", "档案编号", "建档职工", "身份号码", "建档单位", "困难类别", "档案级别", "职工类别", "主要致困原因", "状态", "更新时间"]}
          >
            <ArchiveRows
              rows={result.rows.map((f): TArchiveRow => [
                f.id,
                f.fileNumber ?? "—",
                f.holderName ?? "",
                f.householdSize,
                f.maskedResidentId ?? "",
                f.organisation.name,
                f.tier ? TIER_LABELS[f.tier] : f.proposedTier ? `${TIER_LABELS[f.proposedTier]}（申报）` : "—",
                f.fileLevel ? FILE_LEVEL_LABELS[f.fileLevel] : "—",
                f.workerCategory ? WORKER_CATEGORY_LABELS[f.workerCategory] : "—",
                f.mainCause ? CAUSE_LABELS[f.mainCause] : "—",
                f.status,
                formatDateTime(f.updatedAt),
              ])}
            />
          </Table>
          <KeysetPager
            page={pageNumber}
            total={result.total}
            totalAtLeast={result.totalAtLeast}
            pageSize={PAGE_SIZE}
            previous={result.previous}
            next={result.next}
            params={kept}
            maxJump={MAX_JUMP}
          />
        </>
      )}
    </>
  );
}
