"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type ChangeEvent, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { Alert } from "@/components/ui/page";
import { zodFieldErrors } from "@/lib/actions/result";
import { ZUploadHouseholdImportInput } from "@/lib/import/schemas";
import type { TUploadLimit } from "@/lib/uploads/limits";
import { fileTooLarge, postUpload, UPLOAD_PATHS } from "@/lib/uploads/post-upload";

/**
 * Upload of a filled template; the server validates every row and the import page shows the result.
 * The limit is stated beside the field and checked before sending; the route enforces it too.
 */
export function UploadImportForm({ limit }: { limit: TUploadLimit }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);

  const onFileChange = (event: ChangeEvent<HTMLInputElement>) => setError(fileTooLarge(event.currentTarget.files?.[0], limit));

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const formData = new FormData(event.currentTarget);
    const parsed = ZUploadHouseholdImportInput.safeParse(formData);
    if (!parsed.success) {
      setError(zodFieldErrors(parsed.error).file ?? "请选择要上传的工作簿");
      return;
    }
    // The server refuses it too; saying so here spares uploading 30 MB for nothing.
    const tooLarge = fileTooLarge(parsed.data.file, limit);
    setError(tooLarge);
    if (tooLarge) return;
    startTransition(async () => {
      const result = await postUpload<{ importId: string }>(UPLOAD_PATHS.import, formData, limit);
      if (!result.ok) {
        setError(result.fieldErrors?.file ?? result.error);
        return;
      }
      router.push(`/import/${result.data.importId}`);
    });
  };

  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate>
      {error && <Alert>{error}</Alert>}
      <fieldset className="space-y-2 text-sm">
        <legend className="mb-1 font-medium text-slate-700">导入方式</legend>
        <label className="flex items-start gap-2">
          <input type="radio" name="mode" value="DRAFT" defaultChecked className="mt-1" />
          <span>
            <span className="font-medium">导入为草稿</span>：新建档的家庭，导入后由经办人补充证明材料，按建档流程提交审核。
          </span>
        </label>
        <label className="flex items-start gap-2">
          <input type="radio" name="mode" value="OPEN" className="mt-1" />
          <span>
            <span className="font-medium">按已在档档案迁入</span>：本单位原有的已审定档案。须填写「在档困难类别」「原建档日期」（「原档案编号」可选）；
            校验通过后由导入人以外的工作人员审批，批准后全部成为在档档案。
          </span>
        </label>
      </fieldset>
      <Field label="填写好的导入模板（.xlsx）" htmlFor="import-file" hint={limit.hint}>
        <Input
          id="import-file"
          name="file"
          type="file"
          accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          onChange={onFileChange}
          aria-invalid={!!error}
        />
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? "正在上传…" : "上传并校验"}
      </Button>
    </form>
  );
}
