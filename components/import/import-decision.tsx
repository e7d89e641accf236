"use client";

import { DialogForm } from "@/components/forms/dialog-form";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { approveHouseholdImportAction, rejectHouseholdImportAction } from "@/lib/import/actions";
import { ZRejectHouseholdImportInput } from "@/lib/import/schemas";

/** 批准 / 驳回 of an import batch of existing files, each behind a confirmation. */
export function ImportDecision({ importId, households, batchNumber }: { importId: string; households: number; batchNumber: number }) {
  const n = households.toLocaleString("zh-CN");
  return (
    <div className="flex flex-wrap gap-2">
      <ConfirmAction
        label={`批准迁入 ${n} 户`}
        title={`批准导入批次第 ${batchNumber} 号？`}
        message={`将一次性建立 ${n} 户在档档案：按本单位档案编号顺序编号，下次核查日期按现行核查周期计算，每户办理记录写明由本批次迁入、由您批准。全部成功或全部不写入，批准后不能撤销。`}
        confirmLabel="确认批准"
        variant="primary"
        run={() => approveHouseholdImportAction({ importId })}
      />
      <DialogForm
        label="驳回"
        title={`驳回导入批次第 ${batchNumber} 号`}
        description="驳回后不写入任何档案，经办人可修改工作簿后重新上传。"
        confirmLabel="确认驳回"
        variant="danger"
        buttonVariant="secondary"
        schema={ZRejectHouseholdImportInput}
        defaults={{ importId, reason: "" }}
        fixed={{ importId }}
        fields={[{ name: "reason", label: "驳回理由", type: "textarea" }]}
        run={rejectHouseholdImportAction}
      />
    </div>
  );
}
