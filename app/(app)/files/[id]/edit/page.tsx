import { notFound, redirect } from "next/navigation";
import { EvidencePanel } from "@/components/filing/evidence-panel";
import { FilingForm } from "@/components/filing/filing-form";
import { Alert, Card, PageHeader } from "@/components/ui/page";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { isUuid } from "@/lib/data/ids";
import { NotFoundError } from "@/lib/errors/domain-error";
import { listEvidence, requiredEvidenceKinds } from "@/lib/evidence/evidence";
import { currentEvidenceUploadLimit } from "@/lib/evidence/storage";
import { getDraftForEdit } from "@/lib/filing/find-files";
import { toFormValues } from "@/lib/filing/form-values";
import { canDeleteEvidence, canUploadEvidence } from "@/lib/filing/rules";
import { draftPersonWarnings } from "@/lib/filing/save-filing";
import { formatDateTime, todayInShanghai } from "@/lib/format/datetime";
import { listScopeOrganisations } from "@/lib/organisations/organisations";
import { tierPoliciesFor } from "@/lib/policy/policy";

export const metadata = { title: "填写档案" };

export default async function EditFilingPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ saved?: string }> }) {
  const actor = await requirePageActor(...SECTION_ROLES.intake);
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const file = await getDraftForEdit(actor, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  if (file.status !== "DRAFT") redirect(`/files/${id}`);
  const organisations = await listScopeOrganisations(actor);
  const [policies, evidence, requiredKinds, warnings] = await Promise.all([
    tierPoliciesFor(
      organisations.map((o) => o.regionCode),
      todayInShanghai(),
    ),
    listEvidence(actor, id),
    requiredEvidenceKinds(actor, id),
    draftPersonWarnings(actor, id),
  ]);
  return (
    <>
      <PageHeader
        title={file.data.members[0]?.name ? `${file.data.members[0].name}家庭建档` : "填写档案"}
        description={file.fileNumber ? `档案 ${file.fileNumber} 第 ${file.episode} 期（返困重新启用）` : "草稿"}
      />
      {(await searchParams).saved && (
        <div className="mb-4">
          <Alert tone="success">草稿已保存。现在可以上传证明材料。</Alert>
        </div>
      )}
      {warnings.length > 0 && (
        <div className="mb-4" data-testid="person-warnings">
          <Alert tone="info">
            {warnings.map((w) => (
              <p key={w} className="font-medium text-amber-800">
                注意：{w}
              </p>
            ))}
          </Alert>
        </div>
      )}
      <div className="space-y-6">
        <Card title="证明材料（提交前须上传的材料见下）">
          <EvidencePanel
            fileId={id}
            items={evidence.map((e) => ({
              id: e.id,
              kind: e.kind,
              originalName: e.originalName,
              sizeBytes: e.sizeBytes,
              uploadedAt: formatDateTime(e.uploadedAt),
              uploaderName: e.uploadedBy.name,
            }))}
            canUpload={canUploadEvidence(file).ok}
            canDelete={canDeleteEvidence(file).ok}
            requiredKinds={requiredKinds}
            limit={currentEvidenceUploadLimit()}
          />
        </Card>
        <FilingForm
          fileId={id}
          version={file.version}
          defaultValues={toFormValues(file.data)}
          organisations={organisations}
          policies={policies}
          rejectionReason={file.rejectionReason}
        />
      </div>
    </>
  );
}
