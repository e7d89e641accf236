"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition, type ChangeEvent, type FormEvent } from "react";
import { deleteEvidenceAction } from "@/lib/evidence/actions";
import { Button } from "@/components/ui/button";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { Field, Input, Select } from "@/components/ui/field";
import { Alert, Badge } from "@/components/ui/page";
import { Table, Td } from "@/components/ui/table";
import { zodFieldErrors } from "@/lib/actions/result";
import { ZUploadEvidenceInput } from "@/lib/evidence/schemas";
import { keysOf } from "@/lib/labels/keys-of";
import { EVIDENCE_KIND_LABELS } from "@/lib/filing/labels";
import type { EvidenceKind } from "@/lib/generated/prisma/enums";
import type { TUploadLimit } from "@/lib/uploads/limits";
import { fileTooLarge, postUpload, UPLOAD_PATHS } from "@/lib/uploads/post-upload";

export type TEvidencePanelItem = {
  id: string;
  kind: EvidenceKind;
  originalName: string;
  sizeBytes: number;
  /** Already formatted by the page (formatDateTime). */
  uploadedAt: string;
  uploaderName: string;
};

const ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png";

function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${Math.max(0.1, bytes / 1024).toFixed(1)} KB`;
}

/**
 * 证明材料: the list, the upload form (caseworkers, until the file is closed) and deletion (drafts
 * only). `limit` (currentEvidenceUploadLimit() on the server) is stated beside the field and
 * checked before sending; the upload route enforces it with the same words.
 */
export function EvidencePanel({
  fileId,
  items,
  canUpload,
  uploadRefusal,
  canDelete,
  limit,
  requiredKinds,
}: {
  fileId: string;
  items: TEvidencePanelItem[];
  canUpload: boolean;
  /** Why a caseworker cannot upload now (canUploadEvidence). */ uploadRefusal?: string;
  canDelete: boolean;
  limit: TUploadLimit;
  requiredKinds: EvidenceKind[];
}) {
  // The reminder is for the caseworker preparing a draft (canDelete holds exactly then); once
  // submitted, the required kinds were checked.
  // The required kinds come from the domain (requiredEvidenceKinds: application, authorisation and
  // what the file's causes require under the cause-evidence rules in force).
  const missing = canDelete ? requiredKinds.filter((kind) => !items.some((item) => item.kind === kind)) : [];

  return (
    <div className="space-y-4">
      {missing.length > 0 && (
        <p className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
          提交建档申请前须上传：
          {missing.map((kind) => (
            <Badge key={kind} tone="amber">
              {EVIDENCE_KIND_LABELS[kind]}
            </Badge>
          ))}
        </p>
      )}
      {items.length === 0 ? (
        <p className="text-sm text-slate-500">尚未上传证明材料。</p>
      ) : (
        <Table head={["材料类别", "文件", "大小", "上传人", "上传时间", ...(canDelete ? [""] : [])]}>
          {items.map((item) => (
            <tr key={item.id}>
              <Td className="whitespace-nowrap">{EVIDENCE_KIND_LABELS[item.kind]}</Td>
              <Td className="min-w-40 break-all">
                <a href={`/api/evidence/${item.id}`} target="_blank" rel="noopener" className="font-medium text-brand-700 hover:underline">
                  {item.originalName}
                </a>
              </Td>
              <Td className="whitespace-nowrap text-slate-600">{formatSize(item.sizeBytes)}</Td>
              <Td className="whitespace-nowrap">{item.uploaderName}</Td>
              <Td className="whitespace-nowrap text-slate-600">{item.uploadedAt}</Td>
              {canDelete && (
                <Td className="text-right">
                  <ConfirmAction
                    label="删除"
                    title="删除这份证明材料？"
                    message={`将删除“${EVIDENCE_KIND_LABELS[item.kind]}”：${item.originalName}。删除后不能恢复，如需要请重新上传。`}
                    confirmLabel="删除"
                    variant="danger"
                    run={() => deleteEvidenceAction({ evidenceId: item.id })}
                  />
                </Td>
              )}
            </tr>
          ))}
        </Table>
      )}
      {canUpload && <UploadForm fileId={fileId} limit={limit} />}
      {!canUpload && uploadRefusal && <p className="text-sm text-slate-700">{uploadRefusal}</p>}
    </div>
  );
}

function UploadForm({ fileId, limit }: { fileId: string; limit: TUploadLimit }) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [pending, startTransition] = useTransition();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);

  // Said as soon as the file is chosen, not after waiting for it to be sent.
  const onFileChange = (event: ChangeEvent<HTMLInputElement>) => {
    const tooLarge = fileTooLarge(event.currentTarget.files?.[0], limit);
    setFieldErrors(({ file: _, ...others }) => (tooLarge ? { ...others, file: tooLarge } : others));
    setMessage(null);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const formData = new FormData(event.currentTarget);
    // The route's own schema and limit, so a missing or oversized file or category is flagged
    // before anything is sent.
    const parsed = ZUploadEvidenceInput.safeParse(formData);
    const tooLarge = parsed.success ? fileTooLarge(parsed.data.file, limit) : null;
    if (!parsed.success || tooLarge) {
      setFieldErrors(parsed.success ? { file: tooLarge! } : zodFieldErrors(parsed.error));
      setMessage(null);
      return;
    }
    // No earlier error stays on screen while this upload is under way.
    setFieldErrors({});
    setMessage(null);
    startTransition(async () => {
      const result = await postUpload<{ id: string }>(UPLOAD_PATHS.evidence, formData, limit);
      if (!result.ok) {
        setFieldErrors(result.fieldErrors ?? {});
        // Field errors are shown next to their field; the summary only when there is none.
        setMessage(result.fieldErrors && Object.keys(result.fieldErrors).length > 0 ? null : { tone: "error", text: result.error });
        return;
      }
      setFieldErrors({});
      setMessage({ tone: "success", text: `已上传：${parsed.data.file.name}` });
      formRef.current?.reset();
      router.refresh();
    });
  };

  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-4" noValidate>
      <h3 className="text-sm font-semibold text-slate-800">上传证明材料</h3>
      {message && <Alert tone={message.tone}>{message.text}</Alert>}
      <input type="hidden" name="fileId" value={fileId} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="材料类别" htmlFor="evidence-kind" error={fieldErrors.kind}>
          <Select id="evidence-kind" name="kind" defaultValue="" aria-invalid={!!fieldErrors.kind}>
            <option value="" disabled>
              请选择
            </option>
            {keysOf(EVIDENCE_KIND_LABELS).map((kind) => (
              <option key={kind} value={kind}>
                {EVIDENCE_KIND_LABELS[kind]}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="文件" htmlFor="evidence-file" error={fieldErrors.file} hint={limit.hint}>
          <Input id="evidence-file" name="file" type="file" accept={ACCEPT} onChange={onFileChange} aria-invalid={!!fieldErrors.file} className="py-1.5" />
        </Field>
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "正在上传……" : "上传"}
      </Button>
    </form>
  );
}
