import { notFound } from "next/navigation";
import { DisbursementForm } from "@/components/ledger/disbursement-form";
import { Alert, Card, PageHeader } from "@/components/ui/page";
import { requirePageActor } from "@/lib/auth/session";
import { isUuid } from "@/lib/data/ids";
import { NotFoundError } from "@/lib/errors/domain-error";
import { FILE_STATUS_LABELS } from "@/lib/labels/household-file";
import { todayInShanghai } from "@/lib/format/datetime";
import { disbursementFormContext } from "@/lib/ledger/find-household-ledger";

export const metadata = { title: "登记救助发放" };

export default async function NewDisbursementPage({ searchParams }: { searchParams: Promise<{ fileId?: string }> }) {
  const actor = await requirePageActor("CASEWORKER");
  const { fileId } = await searchParams;
  if (!fileId || !isUuid(fileId)) notFound();
  const context = await disbursementFormContext(actor, fileId).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const { file } = context;
  return (
    <>
      <PageHeader title="登记救助发放" description={`${file.holderName ?? "—"}家庭 · 档案编号 ${file.fileNumber ?? "—"} · ${file.organisationName}`} />
      <Card>
        {file.status !== "OPEN" && file.status !== "OBSERVATION" ? (
          <Alert>该档案当前状态为“{FILE_STATUS_LABELS[file.status]}”，不能登记救助：先建档、后帮扶。</Alert>
        ) : (
          <>
            {file.status === "OBSERVATION" && (
              <div className="mb-4">
                <Alert tone="info">该户处于渐退期，只能登记政策允许渐退期享受的救助类型。</Alert>
              </div>
            )}
            <DisbursementForm
              fileId={file.id}
              today={todayInShanghai()}
              students={context.students}
              policies={context.policies}
              hasAccount={!!context.account}
            />
          </>
        )}
      </Card>
    </>
  );
}
