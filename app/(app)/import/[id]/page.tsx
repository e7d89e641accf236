import { notFound } from "next/navigation";
import { ImportProgress } from "@/components/import/import-progress";
import { ImportActions } from "@/components/import/import-actions";
import { ImportDecision } from "@/components/import/import-decision";
import { buttonClass } from "@/components/ui/button";
import { Alert, Badge, Card, PageHeader } from "@/components/ui/page";
import { Table, Td } from "@/components/ui/table";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { isUuid } from "@/lib/data/ids";
import { NotFoundError } from "@/lib/errors/domain-error";
import { formatDateTime } from "@/lib/format/datetime";
import { TIER_LABELS } from "@/lib/labels/household-file";
import { formatFen } from "@/lib/money/money";
import { getHouseholdImport, importBatchPreview, importBatchTierCounts } from "@/lib/import/find-imports";
import { IMPORT_MODE_LABELS, IMPORT_STATUS_LABELS } from "@/lib/import/labels";
import { canCommitImport, canDecideImport, canRevalidateImport } from "@/lib/import/rules";
import { shownRefusal } from "@/lib/auth/allowed";

export const metadata = { title: "档案导入" };

const SHOWN_PROBLEMS = 500;

export default async function ImportDetailPage({ params }: { params: Promise<{ id: string }> }) {
  // Officials open a batch of existing files from their review area to approve it; auditors may look.
  const actor = await requirePageActor(...SECTION_ROLES.archive);
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const upload = await getHouseholdImport(actor, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const working = upload.status === "VALIDATING" || upload.status === "COMMITTING";
  const waiting = upload.status === "AWAITING_APPROVAL";
  // The predicates import-households.ts enforces (lib/import/rules.ts).
  const decision = canDecideImport(actor, upload);
  const commit = canCommitImport(actor, upload);
  const [preview, tierCounts] = waiting ? await Promise.all([importBatchPreview(actor, upload.id), importBatchTierCounts(actor, upload.id)]) : [[], []];
  const tone =
    upload.status === "COMMITTED" ? "green" : upload.status === "INVALID" || upload.status === "FAILED" || upload.status === "REJECTED" ? "red" : "amber";
  return (
    <>
      <PageHeader
        title={`导入：${upload.fileName}`}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone={tone}>{IMPORT_STATUS_LABELS[upload.status]}</Badge>
            <Badge tone={upload.mode === "OPEN" ? "sky" : "slate"}>{IMPORT_MODE_LABELS[upload.mode]}</Badge>
            <span>
              批次第 {upload.batchNumber} 号 · {upload.organisation.name} · {upload.createdBy.name} 上传于 {formatDateTime(upload.createdAt)}
            </span>
          </span>
        }
      />
      <div className="space-y-6">
        {working && (
          <Card>
            <ImportProgress
              done={upload.progressDone}
              total={upload.progressTotal}
              label={upload.status === "VALIDATING" ? "正在校验" : "正在导入（全部成功或全部撤销）"}
            />
          </Card>
        )}
        {upload.message && <Alert tone={upload.status === "FAILED" || upload.status === "INVALID" ? "error" : "info"}>{upload.message}</Alert>}
        {!working && (
          <Card title="校验结果">
            <dl className="mb-4 grid gap-4 text-sm sm:grid-cols-4" data-testid="import-counts">
              {upload.status === "INVALID" && upload.householdRows !== null && upload.memberRows !== null ? (
                // A refused import: the workbook's totals, with how many did not pass (issue 26).
                <>
                  <div>
                    <dt className="text-xs text-slate-500">户数（工作簿）</dt>
                    <dd className="text-lg font-semibold">
                      {upload.householdRows.toLocaleString("zh-CN")}
                      <span className="ml-2 text-sm font-normal text-red-700">
                        未通过 {(upload.householdRows - upload.households).toLocaleString("zh-CN")} 户
                      </span>
                    </dd>
                  </div>
                  <div>
                    <dt className="text-xs text-slate-500">家庭成员（工作簿）</dt>
                    <dd className="text-lg font-semibold">
                      {upload.memberRows.toLocaleString("zh-CN")}
                      <span className="ml-2 text-sm font-normal text-red-700">未通过 {(upload.memberRows - upload.members).toLocaleString("zh-CN")} 人</span>
                    </dd>
                  </div>
                </>
              ) : (
                <>
                  <div>
                    <dt className="text-xs text-slate-500">户数</dt>
                    <dd className="text-lg font-semibold">{upload.households.toLocaleString("zh-CN")}</dd>
                  </div>
                  <div>
                    <dt className="text-xs text-slate-500">家庭成员</dt>
                    <dd className="text-lg font-semibold">{upload.members.toLocaleString("zh-CN")}</dd>
                  </div>
                </>
              )}
              <div>
                <dt className="text-xs text-slate-500">问题</dt>
                <dd className="text-lg font-semibold">{upload.problemCount.toLocaleString("zh-CN")}</dd>
              </div>
              <div>
                <dt className="text-xs text-slate-500">导入时间</dt>
                <dd>{upload.committedAt ? formatDateTime(upload.committedAt) : "—"}</dd>
              </div>
            </dl>
            {upload.status === "COMMITTED" && upload.mode === "DRAFT" && (
              <Alert tone="success">已导入 {upload.households.toLocaleString("zh-CN")} 户，均为草稿，可在“建档”中补充证明材料后提交。</Alert>
            )}
            {upload.status === "COMMITTED" && upload.mode === "OPEN" && (
              <Alert tone="success">
                已迁入 {upload.households.toLocaleString("zh-CN")} 户在档档案，由 {upload.approvedBy?.name} 于{" "}
                {upload.approvedAt ? formatDateTime(upload.approvedAt) : "—"} 批准；每户的办理记录写明由本批次迁入。
              </Alert>
            )}
            {upload.status === "REJECTED" && (
              <Alert>
                已被 {upload.rejectedBy?.name} 于 {upload.rejectedAt ? formatDateTime(upload.rejectedAt) : "—"} 驳回，未写入任何档案。驳回理由：
                {upload.rejectionReason}
              </Alert>
            )}
            {waiting &&
              (decision.ok ? (
                <ImportDecision importId={upload.id} households={upload.households} batchNumber={upload.batchNumber} />
              ) : (
                <p className="text-sm text-slate-600">{decision.reason}</p>
              ))}
            {upload.status === "READY" &&
              (commit.ok ? (
                <ImportActions importId={upload.id} households={upload.households} mode="commit" />
              ) : (
                shownRefusal(commit) && <p className="text-sm text-slate-600">{shownRefusal(commit)}</p>
              ))}
            {canRevalidateImport(actor, upload).ok && <ImportActions importId={upload.id} households={upload.households} mode="revalidate" />}
          </Card>
        )}
        {waiting && (
          <Card title="待审批的档案（预览）">
            <p className="mb-3 text-sm text-slate-600" data-testid="import-tier-counts">
              共 {upload.households.toLocaleString("zh-CN")} 户：
              {tierCounts.map((t) => `${t.tier ? TIER_LABELS[t.tier as keyof typeof TIER_LABELS] : "—"} ${t.files.toLocaleString("zh-CN")} 户`).join("，")}。
              {upload.households > preview.length && ` 下表列出前 ${preview.length} 户。`}
            </p>
            <Table head={["行", "建档职工", "人数", "单位", "在档困难类别", "原建档日期", "原档案编号", "人均月收入"]}>
              {preview.map((p) => (
                <tr key={p.sheetRow}>
                  <Td>{p.sheetRow}</Td>
                  <Td className="whitespace-nowrap">{p.holderName}</Td>
                  <Td>{p.householdSize}</Td>
                  <Td>{p.organisation}</Td>
                  <Td className="whitespace-nowrap">{p.tier ? TIER_LABELS[p.tier as keyof typeof TIER_LABELS] : "—"}</Td>
                  <Td className="whitespace-nowrap">{p.openedOn ?? "—"}</Td>
                  <Td>{p.originalFileNumber ?? "—"}</Td>
                  <Td className="whitespace-nowrap">{p.perCapitaMonthlyFen === null ? "—" : formatFen(p.perCapitaMonthlyFen)}</Td>
                </tr>
              ))}
            </Table>
          </Card>
        )}
        {upload.problems.length > 0 && (
          <Card
            title="问题清单（全部改正后重新上传）"
            actions={
              <a href={`/import/${upload.id}/annotated`} className={buttonClass("secondary")}>
                下载标注问题的工作簿
              </a>
            }
          >
            {upload.problems.length > SHOWN_PROBLEMS && (
              <p className="mb-2 text-sm text-slate-600">
                共 {upload.problems.length.toLocaleString("zh-CN")} 个问题，这里列出前 {SHOWN_PROBLEMS} 个；全部问题见标注问题的工作簿（“导入问题”列）。
              </p>
            )}
            <Table head={["工作表", "行", "列", "问题"]}>
              {upload.problems.slice(0, SHOWN_PROBLEMS).map((p, i) => (
                <tr key={i}>
                  <Td className="whitespace-nowrap">{p.sheet}</Td>
                  <Td>{p.row}</Td>
                  <Td className="whitespace-nowrap">{p.column}</Td>
                  <Td>{p.message}</Td>
                </tr>
              ))}
            </Table>
          </Card>
        )}
      </div>
    </>
  );
}
