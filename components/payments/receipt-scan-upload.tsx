"use client";

import { useRouter } from "next/navigation";
import { FileUploadForm } from "@/components/forms/file-upload-form";
import { ZUploadReceiptScanInput } from "@/lib/payments/schemas";
import type { TUploadLimit } from "@/lib/uploads/limits";
import { UPLOAD_PATHS } from "@/lib/uploads/post-upload";

/** 上传签收表扫描件: the same route contract and size budget as evidence, checked before sending. */
export function ReceiptScanUpload({ batchId, limit }: { batchId: string; limit: TUploadLimit }) {
  const router = useRouter();
  return (
    <FileUploadForm<{ id: string }>
      path={UPLOAD_PATHS.receiptScan}
      limit={limit}
      schema={ZUploadReceiptScanInput}
      hidden={{ batchId }}
      className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-4"
      file={{
        id: "receipt-scan",
        label: "签字后的签收表扫描件（PDF、JPG 或 PNG）",
        accept: ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png",
        className: "py-1.5",
      }}
      submit={{ label: "上传扫描件", pending: "正在上传……" }}
      onUploaded={() => {
        router.refresh();
        return { success: "签收表扫描件已上传。" };
      }}
    />
  );
}
