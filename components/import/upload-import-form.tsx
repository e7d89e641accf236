"use client";

import { useRouter } from "next/navigation";
import { FileUploadForm } from "@/components/forms/file-upload-form";
import { ZUploadHouseholdImportInput } from "@/lib/import/schemas";
import type { TUploadLimit } from "@/lib/uploads/limits";
import { UPLOAD_PATHS } from "@/lib/uploads/post-upload";

/** Upload of a filled template; the server validates every row and the import page shows the result. */
export function UploadImportForm({ limit }: { limit: TUploadLimit }) {
  const router = useRouter();
  return (
    <FileUploadForm<{ importId: string }>
      path={UPLOAD_PATHS.import}
      limit={limit}
      schema={ZUploadHouseholdImportInput}
      file={{ id: "import-file", label: "填写好的导入模板（.xlsx）", accept: ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }}
      submit={{ label: "上传并校验", pending: "正在上传…" }}
      onUploaded={(data) => {
        router.push(`/import/${data.importId}`);
        return null;
      }}
    >
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
    </FileUploadForm>
  );
}
