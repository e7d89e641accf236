"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { FileUploadForm } from "@/components/forms/file-upload-form";
import { Table, Td } from "@/components/ui/table";
import type { TCompareOutcome } from "@/lib/civil/compare-roster";
import { ZUploadRosterInput } from "@/lib/civil/schemas";
import type { TUploadLimit } from "@/lib/uploads/limits";
import { UPLOAD_PATHS } from "@/lib/uploads/post-upload";

type TProblem = { sheet: string; row: number; column: string; message: string };

/** Upload of the civil-affairs roster; the server validates every row, compares and opens the run. */
export function UploadRosterForm({ limit }: { limit: TUploadLimit }) {
  const router = useRouter();
  const [problems, setProblems] = useState<{ list: TProblem[]; count: number } | null>(null);
  return (
    <FileUploadForm<TCompareOutcome>
      path={UPLOAD_PATHS.roster}
      limit={limit}
      schema={ZUploadRosterInput}
      file={{
        id: "roster-file",
        label: "民政比对名单（.xlsx 或 .csv）",
        accept: ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv",
      }}
      submit={{ label: "上传并比对", pending: "正在校验并比对…" }}
      onCleared={() => setProblems(null)}
      onUploaded={(outcome) => {
        if (!outcome.ok) {
          setProblems(outcome.problems.length > 0 ? { list: outcome.problems, count: outcome.problemCount } : null);
          return { error: outcome.message };
        }
        router.push(`/civil/${outcome.runId}`);
        return null;
      }}
    >
      {problems && (
        <div>
          <Table head={["工作表", "行", "列", "问题"]}>
            {problems.list.map((p, i) => (
              <tr key={i}>
                <Td>{p.sheet}</Td>
                <Td>{p.row}</Td>
                <Td>{p.column}</Td>
                <Td>{p.message}</Td>
              </tr>
            ))}
          </Table>
          {problems.count > problems.list.length && (
            <p className="mt-2 text-sm text-slate-600">
              只列出前 {problems.list.length} 处问题，共 {problems.count.toLocaleString("zh-CN")} 处。
            </p>
          )}
        </div>
      )}
    </FileUploadForm>
  );
}
