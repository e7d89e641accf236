import Link from "next/link";
import { HouseholdLedger } from "@/components/ledger/household-ledger";
import { householdLedger } from "@/lib/ledger/find-household-ledger";
import { notFound } from "next/navigation";
import { EvidencePanel } from "@/components/filing/evidence-panel";
import { MembersTable } from "@/components/filing/members-table";
import { ResolveObjectionButton, WorkflowPanel } from "@/components/filing/workflow-panel";
import { Alert, Badge, Card, PageHeader, DetailItem } from "@/components/ui/page";
import { buttonClass } from "@/components/ui/button";
import { Table, Td } from "@/components/ui/table";
import { firstRefusal, shownRefusal } from "@/lib/auth/allowed";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { isUuid } from "@/lib/data/ids";
import { NotFoundError } from "@/lib/errors/domain-error";
import { listEvidence, requiredEvidenceKinds } from "@/lib/evidence/evidence";
import { currentEvidenceUploadLimit } from "@/lib/evidence/storage";
import { describeTierPolicyFigures } from "@/lib/policy/figures";
import { describeMember } from "@/lib/filing/describe";
import { getFile } from "@/lib/filing/find-files";
import { householdFigures } from "@/lib/filing/figures";
import { filingSteps, isSubmitter } from "@/lib/filing/filing-rules";
import { canDeleteEvidence, canUploadEvidence, isDeletableDraft, mayHandleEvidence } from "@/lib/filing/rules";
import { canEndObservationAs, canPlan, canProposeChange, canRecordVisit, canSetPairing, mayFollowUp } from "@/lib/dynamic/rules";
import { CAUSE_LABELS, FILE_LEVEL_LABELS, FILE_STATUS_LABELS, TIER_LABELS, WORKER_CATEGORY_LABELS } from "@/lib/labels/household-file";
import { CIVIL_CHECK_LABELS, EXPENDITURE_KIND_LABELS, HOUSING_LABELS, INCOME_SOURCE_LABELS } from "@/lib/filing/labels";
import { dateOnlyString, formatDateTime, todayInShanghai } from "@/lib/format/datetime";
import { fenToYuanString, formatFen } from "@/lib/money/money";
import { FollowUpActions, PostExitVisit } from "@/components/dynamic/follow-up-actions";
import { FileWarningsCard } from "@/components/warnings/file-warnings-card";
import { findFileWarnings } from "@/lib/warnings/find-warnings";
import { ReferralsCard } from "@/components/referrals/referrals-card";
import { findFileReferrals } from "@/lib/referrals/find-referrals";
import { canRefer, mayCloseReferral, mayRefer } from "@/lib/referrals/rules";
import { mayActOnWarnings, mayReopenFromWarning } from "@/lib/warnings/rules";
import { EXIT_PATH_LABELS } from "@/lib/warnings/labels";
import { ChangeRequestsCard, PairingCard, PlanCard, RecheckCard } from "@/components/dynamic/follow-up-section";
import { RecheckDialog } from "@/components/dynamic/recheck-dialog";
import { findPairingCadres, getFileFollowUp } from "@/lib/dynamic/find";
import { findRunsCoveringFile } from "@/lib/civil/find-runs";
import { findPublicVisits } from "@/lib/notice/find-filing-notice";
import { canPrintNotice } from "@/lib/notice/rules";

export const metadata = { title: "困难职工档案" };

const EVENT_LABELS: Record<string, string> = {
  CREATED: "创建草稿",
  SUBMITTED: "提交审核",
  REVIEWED: "初审通过",
  PUBLICITY_STARTED: "开始公示",
  OBJECTION_RECORDED: "登记公示异议",
  CIVIL_CHECK_RECORDED: "录入民政核对结果",
  APPROVED: "审定建档",
  REJECTED: "退回",
  REOPENED: "返困重新启用",
  TIER_CHANGED: "调整困难类别",
  EXITED: "退档",
  TRANSFERRED: "转入本单位",
  OBSERVATION_ENDED: "渐退期满，结束跟踪",
  OBJECTION_RESOLVED: "登记异议处理结果",
  IMPORTED: "按已在档档案迁入（导入批次审批通过）",
};

const PUBLIC_VISIT_LABELS: Record<string, string> = {
  "file.query_code_issue": "打印建档告知书，生成新查询码（原查询码失效）",
  "public.query": "本人查询成功",
  "public.query_failed": "以本户身份证号码查询未通过（姓名或查询码不符）",
  "public.objection": "公众在网上公示提出异议（见上方公示异议）",
  "application.submit": "职工网上提交建档申请",
  "application.query": "申请人查询网上申请进度",
  "application.query_failed": "以本申请编号查询进度未通过（查询码不符）",
  "application.accept": "受理网上申请",
  "application.convert": "网上申请转为建档草稿",
};

export default async function FilePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ submitted?: string }> }) {
  const actor = await requirePageActor(...SECTION_ROLES.archive);
  const { id } = await params;
  if (!isUuid(id)) notFound();
  // Every section's read starts with the file's own (issue 28: one round trip instead of two before
  // the page can render). Each domain function checks the scope itself, so a file out of scope or
  // missing gives nothing away: getFile's NotFoundError (or any section's) turns into the 404, and
  // what the other reads found is dropped with it.
  const [file, evidence, followUp, requiredKinds, publicVisits, warnings, referrals, ledger, cadres] = await Promise.all([
    getFile(actor, id),
    listEvidence(actor, id),
    getFileFollowUp(actor, id),
    requiredEvidenceKinds(actor, id),
    findPublicVisits(actor, id),
    findFileWarnings(actor, id),
    findFileReferrals(actor, id),
    householdLedger(actor, id),
    // The pairing form's choices, for a user who may pair at all (FollowUpActions shows nothing to others).
    mayFollowUp(actor).ok ? findPairingCadres(actor) : [],
  ]).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  // Only a file waiting for its civil-affairs check offers runs to cite (rare: read after the file).
  const civilRuns = ["SUBMITTED", "REVIEWED", "PUBLICITY"].includes(file.status) ? await findRunsCoveringFile(actor, file.id) : [];
  const today = todayInShanghai();
  const { data } = file;
  const figures = householdFigures(data);
  // Every step below is offered by the predicate its domain function enforces (lib/<feature>/rules.ts).
  const upload = firstRefusal(
    () => mayHandleEvidence(actor),
    () => canUploadEvidence(file),
  );
  const evidenceDeletable = firstRefusal(
    () => mayHandleEvidence(actor),
    () => canDeleteEvidence(file),
  ).ok;
  const visit = canRecordVisit(actor, file);
  const pairing = canSetPairing(actor, file);
  const d = (value: Date | null) => (value ? dateOnlyString(value) : "—");
  const unresolved = file.objections.filter((o) => o.episode === file.episode && !o.resolution);
  const steps = filingSteps({
    roles: actor.roles,
    isOwnSubmission: isSubmitter(actor, file),
    status: file.status,
    publicityEnd: file.publicityEnd ? dateOnlyString(file.publicityEnd) : null,
    today,
    unresolvedObjections: unresolved.length,
    civilCheckResult: file.civilCheckResult,
    deletable: isDeletableDraft(file),
  });
  const fileRef = { fileId: file.id, expectedVersion: file.version };
  const tone = file.status === "OPEN" ? "green" : file.status === "DRAFT" ? "slate" : file.status === "CLOSED" ? "red" : "amber";

  return (
    <>
      {(await searchParams).submitted && (
        <div className="mb-4">
          <Alert tone="success">建档申请已提交，等待初审。</Alert>
        </div>
      )}
      <PageHeader
        title={file.holderName ? `${file.holderName}家庭档案` : "家庭档案"}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone={tone}>{FILE_STATUS_LABELS[file.status]}</Badge>
            {file.tier && <Badge tone="red">{TIER_LABELS[file.tier]}</Badge>}
            <span>档案编号 {file.fileNumber ?? "（审定后生成）"}</span>
            <span>· {file.organisation.name}</span>
            {file.episode > 1 && <span>· 第 {file.episode} 期（返困）</span>}
          </span>
        }
        actions={
          <span className="flex flex-wrap gap-2">
            {canPrintNotice(actor, file).ok && (
              <a href={`/print/notice?id=${file.id}`} target="_blank" rel="noopener" className={buttonClass("secondary")}>
                打印建档告知书
              </a>
            )}
            {file.status === "PUBLICITY" && (
              <a href={`/print/publicity?org=${file.organisationId}`} target="_blank" rel="noopener" className={buttonClass("secondary")}>
                打印公示
              </a>
            )}
            <a href={`/print/files?id=${file.id}`} target="_blank" rel="noopener" className={buttonClass("secondary")}>
              打印档案表册
            </a>
          </span>
        }
      />
      <div className="space-y-6">
        <Card title="办理">
          <WorkflowPanel
            civilRuns={Object.fromEntries(civilRuns.map((r) => [r.id, `${formatDateTime(r.createdAt)} ${r.fileName}`]))}
            today={today}
            // The follow-up actions stand in for the workflow's steps only where they are shown (not
            // to an auditor, who would otherwise see an empty card).
            allowed={{ ...steps, followedUp: steps.followedUp && pairing.ok }}
            file={{ id: file.id, version: file.version, proposedTier: file.proposedTier }}
          />
          {file.rejectionReason && file.status === "DRAFT" && <p className="mt-3 text-sm text-red-700">退回原因：{file.rejectionReason}</p>}
          {/* Without pairing FollowUpActions shows nothing (an auditor's view): its props — the file,
              five refusals and the union's cadres, ~0.8 KB — are then not sent at all. */}
          {pairing.ok && (
            <div className="mt-3">
              <FollowUpActions
                file={{
                  id: file.id,
                  version: file.version,
                  tier: file.tier,
                  contactName: file.contactName,
                  contactPhone: file.contactPhone,
                  responsibleCadreId: file.responsibleCadreId,
                }}
                allowed={{
                  visit,
                  pairing,
                  plan: canPlan(actor, file),
                  propose: canProposeChange(actor, file),
                  endObservation: canEndObservationAs(actor, file, today),
                }}
                today={today}
                cadres={cadres.map((c) => ({ id: c.id, label: `${c.name}（${c.organisation.name}）` }))}
              />
            </div>
          )}
          {file.status === "CLOSED" && visit.ok && (
            <div className="mt-3 flex flex-wrap items-center gap-2">
              <PostExitVisit fileId={file.id} today={today} />
              <span className="text-sm text-slate-600">脱困退档后按期回访，回访记录与走访相同。</span>
            </div>
          )}
          {file.status === "OBSERVATION" && (
            <p className="mt-3 text-sm text-amber-800">
              {file.exitReason === "RESOLVED" ? `已脱困退档${file.exitPath ? `（${EXIT_PATH_LABELS[file.exitPath]}）` : ""}` : "已退档"}，渐退期至{" "}
              {d(file.observationUntil)}：继续走访跟踪，如再次陷入困难可返困重新启用。
            </p>
          )}
        </Card>

        <FileWarningsCard warnings={warnings} acts={mayActOnWarnings(actor).ok} canReopen={mayReopenFromWarning(actor).ok} />

        <ChangeRequestsCard
          followUp={followUp}
          actor={actor}
          file={{
            holderName: file.holderName,
            fileNumber: file.fileNumber,
            tier: file.tier,
            perCapitaMonthlyFen: file.perCapitaMonthlyFen,
            suggestedTier: file.suggestedTier,
            organisationName: file.organisation.name,
          }}
        />

        <Card title="一、家庭基本情况">
          <dl className="mb-4 grid gap-4 sm:grid-cols-4">
            <DetailItem label="档案级别">{file.fileLevel ? FILE_LEVEL_LABELS[file.fileLevel] : "—"}</DetailItem>
            <DetailItem label="职工类别">{file.workerCategory ? WORKER_CATEGORY_LABELS[file.workerCategory] : "—"}</DetailItem>
            <DetailItem label="住房情况">{data.housing ? HOUSING_LABELS[data.housing] : "—"}</DetailItem>
            <DetailItem label="建档职工工会会员">{data.holderUnionMember ? "是" : "否"}</DetailItem>
          </dl>
          <MembersTable fileId={file.id} members={data.members.map(describeMember)} />
        </Card>

        <Card title="二、家庭收支">
          <div className="grid gap-6 lg:grid-cols-2">
            <Table head={["收入来源", "月收入"]}>
              {data.incomes.map((i, n) => (
                <tr key={n}>
                  <Td>{i.source ? INCOME_SOURCE_LABELS[i.source] : "—"}</Td>
                  <Td>{i.monthlyFen === undefined ? "—" : formatFen(i.monthlyFen)}</Td>
                </tr>
              ))}
            </Table>
            <Table head={["刚性支出", "年支出", "说明"]}>
              {data.expenditures.length === 0 ? (
                <tr>
                  <Td className="text-slate-500">无</Td>
                  <Td>—</Td>
                  <Td>—</Td>
                </tr>
              ) : (
                data.expenditures.map((x, n) => (
                  <tr key={n}>
                    <Td>{x.kind ? EXPENDITURE_KIND_LABELS[x.kind] : "—"}</Td>
                    <Td>{x.annualFen === undefined ? "—" : formatFen(x.annualFen)}</Td>
                    <Td>{x.note ?? ""}</Td>
                  </tr>
                ))
              )}
            </Table>
          </div>
          <dl className="mt-4 grid gap-4 sm:grid-cols-5">
            <DetailItem label="家庭年收入">{formatFen(figures.annualIncomeFen)}</DetailItem>
            <DetailItem label="年刚性支出">{formatFen(figures.annualRigidExpenditureFen)}</DetailItem>
            <DetailItem label="共同生活人数">{figures.householdSize} 人</DetailItem>
            <DetailItem label="人均月收入（提交时）">{file.perCapitaMonthlyFen === null ? "—" : formatFen(file.perCapitaMonthlyFen)}</DetailItem>
            <DetailItem label="系统建议 / 申报 / 审定类别">
              {file.suggestedTier ? TIER_LABELS[file.suggestedTier] : "—"} / {file.proposedTier ? TIER_LABELS[file.proposedTier] : "—"} /{" "}
              {file.tier ? TIER_LABELS[file.tier] : "—"}
            </DetailItem>
          </dl>
          {describeTierPolicyFigures(file.policyFigures) && (
            <p className="mt-3 text-sm text-slate-600" data-testid="policy-figures">
              提交时所用政策：{describeTierPolicyFigures(file.policyFigures)}
            </p>
          )}
          {data.suddenEvent && (
            <p className="mt-3 text-sm">
              突发事件：{data.suddenEventNote}，损失或支出 {data.suddenEventLossFen === undefined ? "—" : formatFen(data.suddenEventLossFen)}
            </p>
          )}
        </Card>

        <Card title="三、致困原因与困难需求">
          <dl className="grid gap-4 sm:grid-cols-3">
            <DetailItem label="主要致困原因">{file.mainCause ? CAUSE_LABELS[file.mainCause] : "—"}</DetailItem>
            <DetailItem label="次要致困原因">{file.secondaryCauses.length ? file.secondaryCauses.map((c) => CAUSE_LABELS[c]).join("、") : "无"}</DetailItem>
            <DetailItem label="当前困难需求">{data.needs ?? "—"}</DetailItem>
          </dl>
        </Card>

        <PlanCard followUp={followUp} canUpdate={canPlan(actor, file).ok} />

        <ReferralsCard
          referrals={referrals}
          today={today}
          fileId={file.id}
          measures={followUp.measures.map((m) => ({ id: m.id, need: m.need }))}
          canCreate={mayRefer(actor).ok}
          createAllowed={canRefer(file)}
          canClose={mayCloseReferral(actor).ok}
        />

        <Card title="证明材料">
          <EvidencePanel
            fileId={file.id}
            items={evidence.map((e) => ({
              id: e.id,
              kind: e.kind,
              originalName: e.originalName,
              sizeBytes: e.sizeBytes,
              uploadedAt: formatDateTime(e.uploadedAt),
              uploaderName: e.uploadedBy.name,
            }))}
            canUpload={upload.ok}
            uploadRefusal={shownRefusal(upload) ?? undefined}
            canDelete={evidenceDeletable}
            requiredKinds={requiredKinds}
            limit={currentEvidenceUploadLimit()}
          />
        </Card>

        <Card title="五、已享受政策和资金">
          <HouseholdLedger actor={actor} file={{ id: file.id, status: file.status, holderName: file.holderName }} ledger={ledger} />
        </Card>

        <PairingCard
          followUp={followUp}
          cadreName={file.responsibleCadre?.name ?? null}
          contactName={file.contactName}
          contactPhone={file.contactPhone}
          actions={null}
        />

        {(file.status === "OPEN" || file._count.rechecks > 0) && (
          <RecheckCard
            followUp={followUp}
            nextCheckDue={file.status === "OPEN" ? file.nextCheckDue : null}
            today={today}
            actions={
              canProposeChange(actor, file).ok ? (
                <RecheckDialog
                  fileId={file.id}
                  version={file.version}
                  today={today}
                  visitor={actor.name}
                  currentTier={file.tier}
                  incomes={data.incomes.map((i) => ({ source: i.source ?? "", monthlyYuan: i.monthlyFen === undefined ? "" : fenToYuanString(i.monthlyFen) }))}
                  expenditures={data.expenditures.map((x) => ({
                    kind: x.kind ?? "",
                    annualYuan: x.annualFen === undefined ? "" : fenToYuanString(x.annualFen),
                    note: x.note ?? "",
                  }))}
                />
              ) : null
            }
          />
        )}

        <Card title="审核与公示">
          <dl className="grid gap-4 sm:grid-cols-4">
            <DetailItem label="提交">{file.submittedBy ? `${file.submittedBy.name} · ${formatDateTime(file.submittedAt)}` : "—"}</DetailItem>
            <DetailItem label="初审（入户核查日期）">{file.reviewedBy ? `${file.reviewedBy.name} · ${d(file.homeVisitDate)}` : "—"}</DetailItem>
            <DetailItem label="公示期">{file.publicityStart ? `${d(file.publicityStart)} 至 ${d(file.publicityEnd)}` : "—"}</DetailItem>
            <DetailItem label="民政核对">
              {file.civilCheckResult
                ? `${CIVIL_CHECK_LABELS[file.civilCheckResult]}（${d(file.civilCheckDate)}）${file.civilCheckNote ? `：${file.civilCheckNote}` : ""}`
                : file.importId
                  ? "随原档案迁入（原系统已核对）"
                  : "未录入"}
              {file.civilCheckRun && (
                <span className="block text-xs">
                  依据民政比对：
                  <Link className="text-brand-700 hover:underline" href={`/civil/${file.civilCheckRun.id}`}>
                    {formatDateTime(file.civilCheckRun.createdAt)} {file.civilCheckRun.fileName}
                  </Link>
                </span>
              )}
            </DetailItem>
            {file.originalFileNumber && <DetailItem label="原档案编号">{file.originalFileNumber}</DetailItem>}
            <DetailItem label="审定">{file.approvedBy ? `${file.approvedBy.name} · ${formatDateTime(file.approvedAt)}` : "—"}</DetailItem>
          </dl>
          {file.objections.length > 0 && (
            <div className="mt-4">
              <h3 className="mb-2 text-sm font-medium">公示异议</h3>
              <Table head={["收到日期", "内容", "来源", "处理结果"]}>
                {file.objections.map((o) => (
                  <tr key={o.id} data-testid="objection">
                    <Td>
                      {d(o.receivedOn)}
                      {o.episode !== file.episode && <span className="ml-1 text-xs text-slate-500">第 {o.episode} 期</span>}
                    </Td>
                    <Td>
                      {o.content}
                      {o.handling && <span className="block text-xs text-slate-500">登记时说明：{o.handling}</span>}
                    </Td>
                    <Td>
                      {o.source === "PUBLIC" ? (
                        <span data-testid="objection-source">
                          <Badge tone="amber">网上公示提交</Badge>
                          <span className="block">{o.objectorName ? `实名：${o.objectorName}` : "匿名"}</span>
                          {o.objectorContact && <span className="block">联系方式：{o.objectorContact}</span>}
                          <span className="block text-xs text-slate-500">
                            {formatDateTime(o.recordedAt)} · 来源地址 {o.submittedIp}
                          </span>
                        </span>
                      ) : (
                        <>工作人员登记：{o.recordedBy?.name}</>
                      )}
                    </Td>
                    <Td>
                      {o.resolution ? (
                        <>
                          {o.resolution.resolution}
                          <span className="block text-xs text-slate-500">
                            {o.resolution.resolvedBy.name} · {formatDateTime(o.resolution.resolvedAt)}
                          </span>
                        </>
                      ) : o.episode === file.episode && steps.resolveObjection ? (
                        <ResolveObjectionButton fileRef={fileRef} objectionId={o.id} />
                      ) : (
                        <span className="text-amber-700">待处理</span>
                      )}
                    </Td>
                  </tr>
                ))}
              </Table>
            </div>
          )}
        </Card>

        <Card title="办理记录">
          <ol className="space-y-2 text-sm" data-testid="history">
            {file.events.map((e) => (
              <li key={e.id.toString()} className="flex flex-wrap gap-x-3">
                <span className="w-36 shrink-0 text-slate-500">{formatDateTime(e.at)}</span>
                <span className="font-medium">{EVENT_LABELS[e.kind]}</span>
                <span>{e.actor.name}</span>
                {e.episode > 1 && <span className="text-slate-500">第 {e.episode} 期</span>}
                {e.note && <span className="text-slate-600">：{e.note}</span>}
              </li>
            ))}
          </ol>
          {publicVisits.length > 0 && (
            <>
              <h3 className="mb-2 mt-4 text-sm font-medium">网上申请、查询码、本人查询与网上异议（最近 50 条）</h3>
              <ol className="space-y-2 text-sm" data-testid="public-visits">
                {publicVisits.map((v) => (
                  <li key={v.id.toString()} className="flex flex-wrap gap-x-3">
                    <span className="w-36 shrink-0 text-slate-500">{formatDateTime(v.at)}</span>
                    <span className="font-medium">{PUBLIC_VISIT_LABELS[v.action] ?? v.action}</span>
                    {v.ip && <span className="text-slate-600">来源地址 {v.ip}</span>}
                  </li>
                ))}
              </ol>
            </>
          )}
        </Card>
        <p>
          <Link href="/archive" className="text-sm text-brand-700 hover:underline">
            ← 返回档案列表
          </Link>
        </p>
      </div>
    </>
  );
}
