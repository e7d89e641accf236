"use client";

import { useRouter } from "next/navigation";
import { FileUploadForm } from "@/components/forms/file-upload-form";
import { ZUploadRosterInput } from "@/lib/civil/schemas";
import type { TUploadLimit } from "@/lib/uploads/limits";
import { UPLOAD_PATHS } from "@/lib/uploads/post-upload";

/** Upload of the civil-affairs roster; the server stores it and the run page shows the comparison's progress and result. */
export function UploadRosterForm({ limit }: { limit: TUploadLimit }) {
  const router = useRouter();
  return (
    <FileUploadForm<{ runId: string }>
      path={UPLOAD_PATHS.roster}
      limit={limit}
      schema={ZUploadRosterInput}
      file={{
        id: "roster-file",
        label: "民政比对名单（.xlsx 或 .csv）",
        accept: ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv",
      }}
      submit={{ label: "上传并比对", pending: "正在上传…" }}
      onUploaded={(data) => {
        router.push(`/civil/${data.runId}`);
        return null;
      }}
    />
  );
}
