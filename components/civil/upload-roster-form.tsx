"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type ChangeEvent, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { Alert } from "@/components/ui/page";
import { Table, Td } from "@/components/ui/table";
import { zodFieldErrors } from "@/lib/actions/result";
import type { TCompareOutcome } from "@/lib/civil/compare-roster";
import { ZUploadRosterInput } from "@/lib/civil/schemas";
import type { TUploadLimit } from "@/lib/uploads/limits";
import { fileTooLarge, postUpload, UPLOAD_PATHS } from "@/lib/uploads/post-upload";

type TProblem = { sheet: string; row: number; column: string; message: string };

/**
 * Upload of the civil-affairs roster; the server validates every row, compares and opens the run.
 * The limit is stated beside the field and checked before sending; the route enforces it too.
 */
export function UploadRosterForm({ limit }: { limit: TUploadLimit }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<{ list: TProblem[]; count: number } | null>(null);

  const onFileChange = (event: ChangeEvent<HTMLInputElement>) => {
    setProblems(null);
    setError(fileTooLarge(event.currentTarget.files?.[0], limit));
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const formData = new FormData(event.currentTarget);
    setProblems(null);
    const parsed = ZUploadRosterInput.safeParse(formData);
    if (!parsed.success) {
      setError(zodFieldErrors(parsed.error).file ?? "请选择要上传的民政比对名单");
      return;
    }
    const tooLarge = fileTooLarge(parsed.data.file, limit);
    setError(tooLarge);
    if (tooLarge) return;
    startTransition(async () => {
      const result = await postUpload<TCompareOutcome>(UPLOAD_PATHS.roster, formData, limit);
      if (!result.ok) {
        setError(result.fieldErrors?.file ?? result.error);
        return;
      }
      if (!result.data.ok) {
        setError(result.data.message);
        setProblems(result.data.problems.length > 0 ? { list: result.data.problems, count: result.data.problemCount } : null);
        return;
      }
      setError(null);
      router.push(`/civil/${result.data.runId}`);
    });
  };

  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate>
      {error && <Alert>{error}</Alert>}
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
      <Field label="民政比对名单（.xlsx 或 .csv）" htmlFor="roster-file" hint={limit.hint}>
        <Input
          id="roster-file"
          name="file"
          type="file"
          accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
          onChange={onFileChange}
          aria-invalid={!!error}
        />
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? "正在校验并比对…" : "上传并比对"}
      </Button>
    </form>
  );
}
