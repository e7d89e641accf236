import Link from "next/link";
import { notFound } from "next/navigation";
import { ApplicationActions } from "@/components/applications/application-actions";
import { Badge, Card, DetailItem, PageHeader } from "@/components/ui/page";
import { Table, Td } from "@/components/ui/table";
import { APPLICATION_READERS, getApplication } from "@/lib/applications/find-applications";
import { APPLICATION_STATUS_LABELS, APPLICATION_STATUS_TONES } from "@/lib/applications/labels";
import { canAcceptApplication, canConvertApplication, canDeclineApplication, mayHandleApplications } from "@/lib/applications/rules";
import { requirePageActor } from "@/lib/auth/session";
import { isUuid } from "@/lib/data/ids";
import { NotFoundError } from "@/lib/errors/domain-error";
import { CAUSE_LABELS, FILE_STATUS_LABELS, WORKER_CATEGORY_LABELS } from "@/lib/labels/household-file";
import {
  EDUCATION_LABELS,
  EMPLOYMENT_LABELS,
  EVIDENCE_KIND_LABELS,
  EXPENDITURE_KIND_LABELS,
  HEALTH_LABELS,
  HOUSING_LABELS,
  INCOME_SOURCE_LABELS,
  RELATION_LABELS,
  SEX_LABELS,
} from "@/lib/filing/labels";
import { formatDateTime } from "@/lib/format/datetime";
import { formatFen } from "@/lib/money/money";
import { maskResidentId } from "@/lib/people/resident-id";
import { megabytes } from "@/lib/uploads/limits";

export const metadata = { title: "网上申请" };

const label = (labels: Record<string, string>, value: string | undefined | null) => (value ? (labels[value] ?? value) : "—");

export default async function ApplicationPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor(...APPLICATION_READERS);
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const application = await getApplication(actor, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const { data } = application;
  const caseworker = mayHandleApplications(actor).ok;
  return (
    <>
      <PageHeader
        title={`${application.holderName}的网上申请`}
        description={`申请编号 ${application.number} · ${application.organisation.name}`}
        actions={
          <Link href="/intake/applications" className="text-sm text-brand-700 underline">
            返回网上申请列表
          </Link>
        }
      />
      <div className="space-y-6">
        <Card title="办理">
          <div className="space-y-4">
            <p className="flex flex-wrap items-center gap-2 text-sm">
              <Badge tone={APPLICATION_STATUS_TONES[application.status]}>{APPLICATION_STATUS_LABELS[application.status]}</Badge>
              {application.acceptedAt && (
                <span>
                  {application.acceptedBy?.name} 于 {formatDateTime(application.acceptedAt)} 受理
                </span>
              )}
              {application.decidedAt && (
                <span>
                  {application.decidedBy?.name} 于 {formatDateTime(application.decidedAt)} {application.status === "DECLINED" ? "决定不予受理" : "转为建档草稿"}
                </span>
              )}
            </p>
            {application.declineReason && <p className="text-sm">不予受理的理由：{application.declineReason}</p>}
            {application.file && (
              <p className="text-sm">
                建档草稿：
                <Link
                  href={application.file.status === "DRAFT" ? `/files/${application.file.id}/edit` : `/files/${application.file.id}`}
                  className="font-medium text-brand-700 underline"
                >
                  {application.file.fileNumber ?? "打开档案"}（{FILE_STATUS_LABELS[application.file.status]}）
                </Link>
              </p>
            )}
            {application.status === "CONVERTED" && !application.file && <p className="text-sm text-slate-600">由本申请转成的草稿已被删除。</p>}
            {caseworker && (
              <ApplicationActions
                application={{ id: application.id, version: application.version }}
                allowed={{
                  accept: canAcceptApplication(application),
                  convert: canConvertApplication(application),
                  decline: canDeclineApplication(application),
                }}
              />
            )}
          </div>
        </Card>

        <Card title="申请信息">
          <dl className="grid grid-cols-1 gap-4 sm:grid-cols-3">
            <DetailItem label="提交时间">{formatDateTime(application.submittedAt)}</DetailItem>
            <DetailItem label="联系电话">{application.contactPhone}</DetailItem>
            <DetailItem label="申请人同意个人信息处理">{`告知文本 ${application.consentVersion}，${formatDateTime(application.consentedAt)}，来源地址 ${application.consentIp}`}</DetailItem>
            <DetailItem label="主要致困原因">{label(CAUSE_LABELS, data.mainCause)}</DetailItem>
            <DetailItem label="职工类别">{label(WORKER_CATEGORY_LABELS, data.workerCategory)}</DetailItem>
            <DetailItem label="住房情况">{label(HOUSING_LABELS, data.housing)}</DetailItem>
            <DetailItem label="工会会员">{data.holderUnionMember ? "是" : "否（申请人未勾选）"}</DetailItem>
          </dl>
          {data.needs && (
            <p className="mt-4 text-sm">
              <span className="text-slate-500">困难情况和需要的帮助：</span>
              {data.needs}
            </p>
          )}
        </Card>

        <Card title={`家庭成员（${data.members.length} 人）`}>
          <Table head={["姓名", "关系", "身份证号码", "出生日期", "性别", "健康状况", "在学情况", "就业状况", "共同生活"]}>
            {data.members.map((m, i) => (
              <tr key={i}>
                <Td className="font-medium">{m.name ?? "—"}</Td>
                <Td>{label(RELATION_LABELS, m.relation)}</Td>
                <Td className="font-mono">{m.residentId ? maskResidentId(m.residentId) : "—"}</Td>
                <Td>{m.birthDate ?? "—"}</Td>
                <Td>{label(SEX_LABELS, m.sex)}</Td>
                <Td>
                  {label(HEALTH_LABELS, m.health)}
                  {m.disabilityGrade ? `（${m.disabilityGrade} 级）` : ""}
                </Td>
                <Td>{label(EDUCATION_LABELS, m.education)}</Td>
                <Td>{label(EMPLOYMENT_LABELS, m.employment)}</Td>
                <Td>{m.livesInHousehold ? "是" : "否"}</Td>
              </tr>
            ))}
          </Table>
          <p className="mt-2 text-xs text-slate-500">完整身份证号码在转为建档草稿后，在草稿中查看。</p>
        </Card>

        <Card title="家庭收支">
          <div className="grid gap-4 sm:grid-cols-2">
            <ul className="space-y-1 text-sm" aria-label="月收入">
              {data.incomes.length === 0 && <li className="text-slate-500">未填写收入</li>}
              {data.incomes.map((x, i) => (
                <li key={i}>
                  {label(INCOME_SOURCE_LABELS, x.source)}：{x.monthlyFen === undefined ? "—" : `${formatFen(x.monthlyFen)}/月`}
                </li>
              ))}
            </ul>
            <ul className="space-y-1 text-sm" aria-label="刚性支出">
              {data.expenditures.length === 0 && <li className="text-slate-500">未填写支出</li>}
              {data.expenditures.map((x, i) => (
                <li key={i}>
                  {label(EXPENDITURE_KIND_LABELS, x.kind)}：{x.annualFen === undefined ? "—" : `${formatFen(x.annualFen)}/年`}
                  {x.note ? `（${x.note}）` : ""}
                </li>
              ))}
            </ul>
          </div>
        </Card>

        <Card title={`上传的材料（${application.uploads.length} 份）`}>
          <ul className="space-y-2 text-sm" data-testid="application-uploads">
            {application.uploads.map((u) => (
              <li key={u.id} className="flex flex-wrap items-center gap-x-3">
                <a href={`/api/application-uploads/${u.id}`} target="_blank" rel="noopener" className="font-medium text-brand-700 underline">
                  {u.originalName}
                </a>
                <span className="text-slate-600">
                  {EVIDENCE_KIND_LABELS[u.kind]} · {u.contentType === "application/pdf" ? "PDF" : "图片"} · {megabytes(u.sizeBytes)}
                </span>
              </li>
            ))}
          </ul>
          <p className="mt-2 text-xs text-slate-500">每次查看都记入审计日志。</p>
        </Card>
      </div>
    </>
  );
}
