import Link from "next/link";
import { notFound } from "next/navigation";
import { ResultActions } from "@/components/civil/result-actions";
import { RetryComparison } from "@/components/civil/retry-comparison";
import { ImportProgress } from "@/components/import/import-progress";
import { Table, Td } from "@/components/ui/table";
import { buttonClass } from "@/components/ui/button";
import { Field, Select } from "@/components/ui/field";
import { Alert, Badge, Card, DetailItem, EmptyState, PageHeader } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { SearchForm } from "@/components/ui/search-form";
import { mayCompareRosters, mayProposeExitFromResult } from "@/lib/civil/rules";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { findRunResults, getRosterRun, type TRosterDetail } from "@/lib/civil/find-runs";
import { CIVIL_REASON_LABELS, CIVIL_REASON_SHORT, CIVIL_REASONS, CIVIL_RUN_STATUS_LABELS, CIVIL_STATUS_LABELS } from "@/lib/civil/roster-columns";
import { canDismiss, canOpenRecheck, canProposeExit, canRetryComparison, isComparing, isStalled, STALLED_AFTER_MS } from "@/lib/civil/rules";
import { isUuid } from "@/lib/data/ids";
import { pageFrom } from "@/lib/data/pagination";
import { NotFoundError } from "@/lib/errors/domain-error";
import { FILE_STATUS_LABELS, TIER_LABELS } from "@/lib/labels/household-file";
import { dateOnlyString, formatDateTime } from "@/lib/format/datetime";
import type { CivilMismatchReason, CivilResultStatus } from "@/lib/generated/prisma/enums";
import { formatFen } from "@/lib/money/money";

export const metadata = { title: "民政比对结果" };

const yuan = (fen: number | null | undefined) => (fen === null || fen === undefined ? "—" : formatFen(fen));

/** What the roster said beside what the file says, for the reason at hand. */
function explain(reason: CivilMismatchReason, d: TRosterDetail): string {
  const r = d.roster;
  switch (reason) {
    case "INCOME_ABOVE_THRESHOLD": {
      const tier = d.file?.tier;
      const line = tier === "DEEP" ? d.thresholds.deep : d.thresholds.relative;
      return `名单人均月收入 ${yuan(r.perCapitaMonthlyFen)}（家庭年收入 ${yuan(r.householdIncomeFen)}，${r.householdSize ?? d.file?.householdSize ?? "—"} 人），不低于${tier === "DEEP" ? "低保标准" : "相对困难线"} ${yuan(line)}`;
    }
    case "DIBAO_BUT_RELATIVE":
      return `${r.name}享受低保${r.dibaoMonthlyFen ? `（${yuan(r.dibaoMonthlyFen)}/月）` : ""}，档案类别为相对困难`;
    case "VEHICLE_OR_PROPERTY":
      return `${r.name}名下登记有${[r.hasVehicle && "车辆", r.hasProperty && "房产"].filter(Boolean).join("、")}`;
    case "DECEASED":
      return `${r.name}（${d.file?.isHolder ? "建档职工" : "家庭成员"}）在民政数据中已死亡`;
    case "HOUSEHOLD_SIZE_DIFFERS":
      return `名单家庭人口 ${r.householdSize} 人，档案 ${d.file?.householdSize ?? "—"} 人`;
    case "MISSED_FILING":
      return `${r.name}${r.workplace ? `（${r.workplace}）` : ""}为工会会员，${r.onDibao ? "享受低保" : `人均月收入 ${yuan(r.perCapitaMonthlyFen)} 低于相对困难线 ${yuan(d.thresholds.relative)}`}，未建档`;
  }
}

/** The exit the mismatch suggests, preselected in the dialog (the caseworker may change it). */
function defaultExit(reason: CivilMismatchReason) {
  if (reason === "DECEASED") return { exitReason: "CANCELLED", cancelReason: "DEATH" };
  if (reason === "INCOME_ABOVE_THRESHOLD") return { exitReason: "RESOLVED", cancelReason: "" };
  return { exitReason: "CANCELLED", cancelReason: "NOT_ELIGIBLE" };
}

export default async function CivilRunPage({
  params,
  searchParams,
}: {
  params: Promise<{ runId: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const actor = await requirePageActor(...SECTION_ROLES.civil);
  const { runId } = await params;
  if (!isUuid(runId)) notFound();
  const query = await searchParams;
  const reason = CIVIL_REASONS.includes(query.reason as CivilMismatchReason) ? (query.reason as CivilMismatchReason) : undefined;
  const status = query.status && query.status in CIVIL_STATUS_LABELS ? (query.status as CivilResultStatus) : undefined;
  const [run, results] = await Promise.all([getRosterRun(actor, runId), findRunResults(actor, runId, { reason, status, page: pageFrom(query.page) })]).catch(
    (error) => {
      if (error instanceof NotFoundError) notFound();
      throw error;
    },
  );
  const acts = mayCompareRosters(actor).ok;
  const n = (v: number) => v.toLocaleString("zh-CN");
  if (run.status !== "DONE") return <ComparisonState run={run} mayRetry={acts} />;
  return (
    <>
      <PageHeader
        title={`民政比对：${run.fileName}`}
        description={
          <span>
            {run.createdBy.name}（{run.organisation.name}）上传于 {formatDateTime(run.createdAt)}，按 {dateOnlyString(run.policyDate)} 的政策标准比对
          </span>
        }
        actions={
          <>
            <Link href="/civil" className={buttonClass("secondary")}>
              返回比对记录
            </Link>
            <a href={`/civil/${run.id}/export`} className={buttonClass("secondary")}>
              下载比对结果（.xlsx）
            </a>
          </>
        }
      />
      <div className="space-y-6">
        <Card title="比对概况">
          <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
            <DetailItem label="名单人数">{n(run.rowCount)}</DetailItem>
            <DetailItem label="匹配到的档案成员">{n(run.matchedPeople)}</DetailItem>
            <DetailItem label="匹配到的档案">{n(run.matchedFiles)}</DetailItem>
            <DetailItem label="有不符情况的档案">{n(run.filesWithMismatch)}</DetailItem>
          </dl>
          <ul className="mt-4 grid gap-2 sm:grid-cols-2 lg:grid-cols-3" aria-label="按原因统计">
            {CIVIL_REASONS.map((r) => (
              <li key={r}>
                <Link
                  href={`?reason=${r}`}
                  className={`flex items-center justify-between rounded border px-3 py-2 text-sm hover:bg-slate-50 ${reason === r ? "border-brand-600 bg-brand-50" : "border-slate-200"}`}
                >
                  <span>{CIVIL_REASON_LABELS[r]}</span>
                  <span className="font-semibold tabular-nums">{n(run.reasonCounts[r])}</span>
                </Link>
              </li>
            ))}
          </ul>
          <p className="mt-3 text-sm text-slate-600">
            处理情况：
            {Object.entries(CIVIL_STATUS_LABELS)
              .map(([s, label]) => `${label} ${n(run.statusCounts[s as CivilResultStatus])}`)
              .join("，")}
          </p>
        </Card>
        <Card title="不符情况（按档案）">
          <SearchForm>
            <Field label="原因" htmlFor="reason">
              <Select id="reason" name="reason" defaultValue={reason ?? ""}>
                <option value="">全部原因</option>
                {CIVIL_REASONS.map((r) => (
                  <option key={r} value={r}>
                    {CIVIL_REASON_SHORT[r]}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label="处理状态" htmlFor="status">
              <Select id="status" name="status" defaultValue={status ?? ""}>
                <option value="">全部</option>
                {Object.entries(CIVIL_STATUS_LABELS).map(([s, label]) => (
                  <option key={s} value={s}>
                    {label}
                  </option>
                ))}
              </Select>
            </Field>
          </SearchForm>
          {results.rows.length === 0 ? (
            <EmptyState title={run.resultCount === 0 ? "本次比对没有发现不符情况" : "没有符合条件的不符情况"} />
          ) : (
            <>
              <ul className="divide-y divide-slate-200">
                {results.rows.map((r, i) => {
                  const firstOfFile = i === 0 || r.fileId !== results.rows[i - 1]!.fileId;
                  const state = { status: r.status, file: r.file ? { status: r.file.status } : null };
                  return (
                    <li key={r.id} className="py-3" data-testid="civil-result">
                      {firstOfFile && (
                        <div className="mb-1 flex flex-wrap items-center gap-2 text-sm font-medium">
                          {r.file ? (
                            <>
                              <Link href={`/files/${r.file.id}`} className="text-brand-700 hover:underline">
                                {r.file.holderName} 户
                              </Link>
                              <span className="text-slate-600">{r.file.fileNumber}</span>
                              <Badge>{FILE_STATUS_LABELS[r.file.status]}</Badge>
                              {r.file.tier && <Badge tone="sky">{TIER_LABELS[r.file.tier]}</Badge>}
                              <span className="text-slate-600">{r.file.organisationName}</span>
                            </>
                          ) : r.fileOutOfScope ? (
                            <span className="text-slate-600">档案已转出本单位管辖范围</span>
                          ) : (
                            <span className="text-slate-700">未建档人员</span>
                          )}
                        </div>
                      )}
                      <div className="flex flex-col gap-2 lg:flex-row lg:items-start lg:justify-between">
                        <div className="text-sm">
                          <p>
                            <Badge tone={r.reason === "MISSED_FILING" ? "amber" : "red"}>{CIVIL_REASON_SHORT[r.reason]}</Badge>{" "}
                            <span className="text-slate-800">{explain(r.reason, r.detail)}</span>
                          </p>
                          <p className="mt-1 text-xs text-slate-600">
                            {r.detail.roster.name}　{r.residentIdMasked}　名单第 {r.detail.roster.sheetRow} 行
                            {r.status !== "OPEN" && (
                              <>
                                {" "}
                                　<Badge tone={r.status === "DISMISSED" ? "slate" : "green"}>{CIVIL_STATUS_LABELS[r.status]}</Badge> {r.handledBy?.name}{" "}
                                {r.handledAt ? formatDateTime(r.handledAt) : ""}
                                {r.note ? `：${r.note}` : ""}
                              </>
                            )}
                          </p>
                        </div>
                        {acts && r.status === "OPEN" && !r.fileOutOfScope && (
                          <ResultActions
                            resultId={r.id}
                            version={r.version}
                            fileVersion={r.file?.version ?? null}
                            holderName={r.file?.holderName ?? null}
                            reasonText={`${CIVIL_REASON_LABELS[r.reason]}。${explain(r.reason, r.detail)}`}
                            defaultExit={defaultExit(r.reason)}
                            allowed={{ recheck: canOpenRecheck(state), exit: canProposeExit(state), dismiss: canDismiss(state) }}
                            canExit={mayProposeExitFromResult(actor).ok}
                          />
                        )}
                      </div>
                    </li>
                  );
                })}
              </ul>
              <Pagination page={results.page} pageCount={results.pageCount} total={results.total} params={{ reason, status }} />
            </>
          )}
        </Card>
      </div>
    </>
  );
}

type TRun = Awaited<ReturnType<typeof getRosterRun>>;

/** What to say while the comparison waits or runs, and what went wrong with a refused or failed one. */
function progressLabel(run: TRun): string {
  if (run.status === "QUEUED") return "已上传，等待开始比对";
  if (run.status === "READING") return run.progressTotal > 0 ? "正在校验名单" : "正在读取名单";
  return run.progressDone < run.progressTotal ? "正在写入名单并比对" : "名单已写入，正在与在档档案匹配并列出不符情况";
}

/** A run not (yet) compared: its progress, polled until it is done, or its error with what can be done next. */
function ComparisonState({ run, mayRetry }: { run: TRun; mayRetry: boolean }) {
  const now = new Date();
  const comparing = isComparing(run);
  const stalled = isStalled(run, now);
  const retry = mayRetry && canRetryComparison(run, now).ok;
  return (
    <>
      <PageHeader
        title={`民政比对：${run.fileName}`}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone={comparing && !stalled ? "amber" : "red"}>{CIVIL_RUN_STATUS_LABELS[run.status]}</Badge>
            <span>
              {run.createdBy.name}（{run.organisation.name}）上传于 {formatDateTime(run.createdAt)}
            </span>
          </span>
        }
        actions={
          <Link href="/civil" className={buttonClass("secondary")}>
            返回比对记录
          </Link>
        }
      />
      <div className="space-y-6">
        {comparing && !stalled && (
          <Card title="比对进度">
            <ImportProgress done={run.progressDone} total={run.progressTotal} label={progressLabel(run)} unit="行" />
            <p className="mt-3 text-sm text-slate-600">比对在后台进行，全部完成后才写入结果。可以离开本页，稍后在“比对记录”中打开查看。</p>
          </Card>
        )}
        {stalled && (
          <Alert tone="error">
            比对已超过 {STALLED_AFTER_MS / 60_000} 分钟没有进展，可能因服务器中断而停止，没有写入任何比对结果。{retry ? "请重新比对。" : ""}
          </Alert>
        )}
        {run.message && <Alert tone="error">{run.message}</Alert>}
        {retry && <RetryComparison runId={run.id} />}
        {run.problems.length > 0 && (
          <Card title="名单问题（改正后重新上传）">
            <Table head={["工作表", "行", "列", "问题"]}>
              {run.problems.map((p, i) => (
                <tr key={i}>
                  <Td className="whitespace-nowrap">{p.sheet}</Td>
                  <Td>{p.row}</Td>
                  <Td className="whitespace-nowrap">{p.column}</Td>
                  <Td>{p.message}</Td>
                </tr>
              ))}
            </Table>
            {run.problemCount > run.problems.length && (
              <p className="mt-2 text-sm text-slate-600">
                只列出前 {run.problems.length.toLocaleString("zh-CN")} 处问题，共 {run.problemCount.toLocaleString("zh-CN")} 处。
              </p>
            )}
          </Card>
        )}
      </div>
    </>
  );
}
