import Link from "next/link";
import { PendingAssistance } from "@/components/ledger/pending-assistance";
import { buttonClass } from "@/components/ui/button";
import { Badge, EmptyState, PageHeader } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { pageFrom } from "@/lib/data/pagination";
import { findReviewQueue } from "@/lib/filing/find-files";
import { ChangeDecision } from "@/components/dynamic/follow-up-actions";
import { describeChange } from "@/lib/dynamic/describe-change";
import { findPendingChanges } from "@/lib/dynamic/find";
import { findImportBatchesAwaitingApproval } from "@/lib/import/find-imports";
import { canDecideImport } from "@/lib/import/rules";
import { isSubmitter } from "@/lib/filing/filing-rules";
import { canDecideChange, canReceiveTransfer } from "@/lib/dynamic/rules";
import { FILE_STATUS_LABELS, TIER_LABELS } from "@/lib/labels/household-file";
import { CANCEL_REASON_LABELS, CHANGE_KIND_LABELS, CIVIL_CHECK_LABELS, EXIT_REASON_LABELS } from "@/lib/filing/labels";
import { formatFen } from "@/lib/money/money";
import { dateOnlyString, formatDateTime, todayInShanghai } from "@/lib/format/datetime";

export const metadata = { title: "审核" };

const STEPS = ["SUBMITTED", "REVIEWED", "PUBLICITY"] as const;

const CHANGE_TABS = ["TIER_CHANGE", "EXIT", "TRANSFER", "INBOUND"] as const;

export default async function ReviewPage({ searchParams }: { searchParams: Promise<{ status?: string; page?: string; changes?: string; cpage?: string }> }) {
  const actor = await requirePageActor(...SECTION_ROLES.review);
  const params = await searchParams;
  const status = STEPS.find((s) => s === params.status);
  const changeTab = CHANGE_TABS.find((k) => k === params.changes);
  const [queue, changes, importBatches] = await Promise.all([
    findReviewQueue(actor, { status, page: pageFrom(params.page) }),
    findPendingChanges(actor, { kind: changeTab, page: pageFrom(params.cpage) }),
    findImportBatchesAwaitingApproval(actor),
  ]);
  const today = todayInShanghai();
  return (
    <>
      <PageHeader
        title="审核"
        description="管辖范围内等待办理的建档申请和变更申请，按提交时间先后排列。"
        actions={
          <a href="/print/publicity" target="_blank" rel="noopener" className={buttonClass("secondary")}>
            打印本单位公示
          </a>
        }
      />
      <h2 className="mb-3 text-base font-semibold" data-testid="filings-heading">
        建档申请（{STEPS.reduce((n, s) => n + queue.countByStatus[s], 0)}）
      </h2>
      <div className="mb-4 flex flex-wrap gap-2 text-sm">
        <Link
          href="/review"
          className={`rounded-full border px-3 py-1 ${!status ? "border-brand-700 bg-brand-50 text-brand-700" : "border-slate-300 bg-white"}`}
        >
          全部 {STEPS.reduce((n, s) => n + queue.countByStatus[s], 0)}
        </Link>
        {STEPS.map((s) => (
          <Link
            key={s}
            href={`/review?status=${s}`}
            className={`rounded-full border px-3 py-1 ${status === s ? "border-brand-700 bg-brand-50 text-brand-700" : "border-slate-300 bg-white"}`}
          >
            {FILE_STATUS_LABELS[s]} {queue.countByStatus[s]}
          </Link>
        ))}
      </div>
      {queue.rows.length === 0 ? (
        <EmptyState title="没有待审核的申请" />
      ) : (
        <>
          <Table head={["建档职工", "建档单位", "环节", "申报类别（系统建议）", "民政核对", "提交人", "提交时间"]}>
            {queue.rows.map((f) => {
              const publicityDone = f.publicityEnd && dateOnlyString(f.publicityEnd) <= today;
              return (
                <tr key={f.id}>
                  <Td>
                    <Link href={`/files/${f.id}`} className="font-medium text-brand-700 hover:underline">
                      {f.holderName}
                    </Link>
                    {f.episode > 1 && <span className="ml-2 text-xs text-amber-700">返困</span>}
                  </Td>
                  <Td>{f.organisation.name}</Td>
                  <Td>
                    <Badge tone="amber">{FILE_STATUS_LABELS[f.status]}</Badge>
                    {f.status === "PUBLICITY" && f.publicityEnd && (
                      <span className="ml-2 text-xs text-slate-500">{publicityDone ? "公示期满，待审定" : `至 ${dateOnlyString(f.publicityEnd)}`}</span>
                    )}
                  </Td>
                  <Td>
                    {f.proposedTier ? TIER_LABELS[f.proposedTier] : "—"}（{f.suggestedTier ? TIER_LABELS[f.suggestedTier] : "不符合"}）
                  </Td>
                  <Td>{f.civilCheckResult ? CIVIL_CHECK_LABELS[f.civilCheckResult] : "未录入"}</Td>
                  <Td>
                    {f.submittedBy?.name}
                    {isSubmitter(actor, f) && <span className="ml-1 text-xs text-slate-500">（本人，须他人审核）</span>}
                  </Td>
                  <Td>{formatDateTime(f.submittedAt)}</Td>
                </tr>
              );
            })}
          </Table>
          <Pagination page={queue.page} pageCount={queue.pageCount} total={queue.total} params={{ status, changes: changeTab, cpage: params.cpage }} />
        </>
      )}
      <h2 className="mt-10 mb-3 text-base font-semibold" data-testid="changes-heading">
        变更申请（{CHANGE_TABS.reduce((n, k) => n + changes.countByKind[k], 0)}）
      </h2>
      <div className="mb-4 flex flex-wrap gap-2 text-sm">
        <Link
          href={`/review?${new URLSearchParams({ ...(status ? { status } : {}) })}`}
          className={`rounded-full border px-3 py-1 ${!changeTab ? "border-brand-700 bg-brand-50 text-brand-700" : "border-slate-300 bg-white"}`}
        >
          全部 {CHANGE_TABS.reduce((n, k) => n + changes.countByKind[k], 0)}
        </Link>
        {CHANGE_TABS.map((k) => (
          <Link
            key={k}
            href={`/review?${new URLSearchParams({ ...(status ? { status } : {}), changes: k })}`}
            className={`rounded-full border px-3 py-1 ${changeTab === k ? "border-brand-700 bg-brand-50 text-brand-700" : "border-slate-300 bg-white"}`}
          >
            {k === "INBOUND" ? "转入待接收" : CHANGE_KIND_LABELS[k]} {changes.countByKind[k]}
          </Link>
        ))}
      </div>
      {changes.rows.length === 0 ? (
        <EmptyState title="没有待审批的变更申请" />
      ) : (
        <>
          <Table head={["建档职工", "申请", "现状", "申请变更为", "理由", "提出人", "提出时间", ""]}>
            {changes.rows.map((c) => {
              const inbound = c.status === "AWAITING_RECEIVER";
              // The answer decideChange / receiveTransfer enforce (lib/dynamic/rules.ts).
              const decide = inbound ? canReceiveTransfer(actor, c) : canDecideChange(actor, c);
              return (
                <tr key={c.id} data-testid="change-row">
                  <Td>
                    {inbound ? (
                      <span className="font-medium">{c.file.holderName}</span>
                    ) : (
                      <Link href={`/files/${c.file.id}`} className="font-medium text-brand-700 hover:underline">
                        {c.file.holderName}
                      </Link>
                    )}
                    <span className="block text-xs text-slate-500">
                      {c.file.fileNumber} · {c.organisation.name}
                    </span>
                  </Td>
                  <Td>{inbound ? "转入待接收" : CHANGE_KIND_LABELS[c.kind]}</Td>
                  <Td>
                    {TIER_LABELS[c.currentTier]}
                    <span className="block text-xs text-slate-500">
                      人均 {c.file.perCapitaMonthlyFen === null ? "—" : formatFen(c.file.perCapitaMonthlyFen)}，建议{" "}
                      {c.suggestedTier ? TIER_LABELS[c.suggestedTier] : "不符合"}
                    </span>
                  </Td>
                  <Td className="font-medium">
                    {c.kind === "TIER_CHANGE" && c.proposedTier
                      ? TIER_LABELS[c.proposedTier]
                      : c.kind === "EXIT" && c.exitReason
                        ? `退档（${EXIT_REASON_LABELS[c.exitReason]}${c.cancelReason ? `：${CANCEL_REASON_LABELS[c.cancelReason]}` : ""}）`
                        : `转至 ${c.targetOrganisation?.name ?? ""}`}
                  </Td>
                  <Td className="max-w-xs">{c.reason}</Td>
                  <Td>{c.requestedBy.name}</Td>
                  <Td className="whitespace-nowrap">{formatDateTime(c.requestedAt)}</Td>
                  <Td>
                    {!decide.ok ? (
                      <span className="text-xs text-slate-500">{decide.code === "MAKER_CHECKER" ? "本人提出，须他人审批" : decide.reason}</span>
                    ) : (
                      <ChangeDecision
                        requestId={c.id}
                        version={c.version}
                        receiving={inbound}
                        summary={describeChange({
                          ...c,
                          holderName: c.file.holderName,
                          fileNumber: c.file.fileNumber,
                          fromOrganisation: c.organisation.name,
                          targetOrganisation: c.targetOrganisation?.name ?? null,
                          receiving: inbound,
                        })}
                      />
                    )}
                  </Td>
                </tr>
              );
            })}
          </Table>
          <Pagination
            page={changes.page}
            pageCount={changes.pageCount}
            total={changes.total}
            params={{ status, changes: changeTab, page: params.page }}
            pageParam="cpage"
          />
        </>
      )}
      <h2 id="import-batches" className="mt-10 mb-3 text-base font-semibold">
        在档迁入批次待审批（Excel 导入，{importBatches.length}）
      </h2>
      {importBatches.length === 0 ? (
        <EmptyState title="没有等待审批的在档迁入批次" />
      ) : (
        <Table head={["批次", "文件", "单位", "导入人", "户数", "成员", "校验通过", ""]}>
          {importBatches.map((b) => {
            const decision = canDecideImport(actor, { mode: "OPEN", status: "AWAITING_APPROVAL", createdById: b.createdById });
            return (
              <tr key={b.id}>
                <Td>第 {b.batchNumber} 号</Td>
                <Td>
                  <Link href={`/import/${b.id}`} className="font-medium text-brand-700 hover:underline">
                    {b.fileName}
                  </Link>
                </Td>
                <Td>{b.organisation.name}</Td>
                <Td>{b.createdBy.name}</Td>
                <Td>{b.households.toLocaleString("zh-CN")}</Td>
                <Td>{b.members.toLocaleString("zh-CN")}</Td>
                <Td className="whitespace-nowrap">{formatDateTime(b.updatedAt)}</Td>
                <Td className="whitespace-nowrap">
                  {decision.ok ? (
                    <Link href={`/import/${b.id}`} className="text-brand-700 hover:underline">
                      预览并审批
                    </Link>
                  ) : (
                    <span className="text-slate-500">本人导入，由他人审批</span>
                  )}
                </Td>
              </tr>
            );
          })}
        </Table>
      )}
      <PendingAssistance actor={actor} />
    </>
  );
}
