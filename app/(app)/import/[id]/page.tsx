import { notFound } from "next/navigation";
import { ImportProgress } from "@/components/import/import-progress";
import { ImportActions } from "@/components/import/import-actions";
import { buttonClass } from "@/components/ui/button";
import { Alert, Badge, Card, PageHeader } from "@/components/ui/page";
import { Table, Td } from "@/components/ui/table";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { isUuid } from "@/lib/data/ids";
import { NotFoundError } from "@/lib/errors/domain-error";
import { formatDateTime } from "@/lib/format/datetime";
import { getHouseholdImport, IMPORT_STATUS_LABELS } from "@/lib/import/import-households";

export const metadata = { title: "档案导入" };

const SHOWN_PROBLEMS = 500;

export default async function ImportDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor(...SECTION_ROLES.import);
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const upload = await getHouseholdImport(actor, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const working = upload.status === "VALIDATING" || upload.status === "COMMITTING";
  const isOwner = upload.createdById === actor.userId;
  return (
    <>
      <PageHeader
        title={`导入：${upload.fileName}`}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone={upload.status === "COMMITTED" ? "green" : upload.status === "INVALID" || upload.status === "FAILED" ? "red" : "amber"}>{IMPORT_STATUS_LABELS[upload.status]}</Badge>
            <span>{upload.createdBy.name} 上传于 {formatDateTime(upload.createdAt)}</span>
          </span>
        }
      />
      <div className="space-y-6">
        {working && <Card><ImportProgress done={upload.progressDone} total={upload.progressTotal} label={upload.status === "VALIDATING" ? "正在校验" : "正在导入（全部成功或全部撤销）"} /></Card>}
        {upload.message && <Alert tone={upload.status === "FAILED" || upload.status === "INVALID" ? "error" : "info"}>{upload.message}</Alert>}
        {!working && (
          <Card title="校验结果">
            <dl className="mb-4 grid gap-4 text-sm sm:grid-cols-4" data-testid="import-counts">
              <div><dt className="text-xs text-slate-500">户数</dt><dd className="text-lg font-semibold">{upload.households.toLocaleString("zh-CN")}</dd></div>
              <div><dt className="text-xs text-slate-500">家庭成员</dt><dd className="text-lg font-semibold">{upload.members.toLocaleString("zh-CN")}</dd></div>
              <div><dt className="text-xs text-slate-500">问题</dt><dd className="text-lg font-semibold">{upload.problemCount.toLocaleString("zh-CN")}</dd></div>
              <div><dt className="text-xs text-slate-500">导入时间</dt><dd>{upload.committedAt ? formatDateTime(upload.committedAt) : "—"}</dd></div>
            </dl>
            {upload.status === "COMMITTED" && <Alert tone="success">已导入 {upload.households.toLocaleString("zh-CN")} 户，均为草稿，可在“建档”中补充证明材料后提交。</Alert>}
            {upload.status === "READY" && (isOwner ? (
              <ImportActions importId={upload.id} households={upload.households} mode="commit" />
            ) : (
              <p className="text-sm text-slate-600">只有上传该工作簿的经办人可以确认导入。</p>
            ))}
            {upload.status === "FAILED" && isOwner && <ImportActions importId={upload.id} households={upload.households} mode="revalidate" />}
          </Card>
        )}
        {upload.problems.length > 0 && (
          <Card title="问题清单（全部改正后重新上传）" actions={<a href={`/import/${upload.id}/annotated`} className={buttonClass("secondary")}>下载标注问题的工作簿</a>}>
            {upload.problems.length > SHOWN_PROBLEMS && (
              <p className="mb-2 text-sm text-slate-600">共 {upload.problems.length.toLocaleString("zh-CN")} 个问题，这里列出前 {SHOWN_PROBLEMS} 个；全部问题见标注问题的工作簿（“导入问题”列）。</p>
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
