"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition, type ChangeEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { Alert, Badge } from "@/components/ui/page";
import { Table, Td } from "@/components/ui/table";
import { formatFen } from "@/lib/money/money";
import type { TReturnUploadResult } from "@/lib/payments/schemas";
import type { TUploadLimit } from "@/lib/uploads/limits";
import { fileTooLarge, postUpload, UPLOAD_PATHS } from "@/lib/uploads/post-upload";

type TPreview = NonNullable<TReturnUploadResult["preview"]>;

const STATUS = {
  matched: { label: "匹配", tone: "green" },
  unmatched: { label: "未匹配", tone: "red" },
  mismatched: { label: "不一致", tone: "amber" },
} as const;

/**
 * 导入回盘: the bank's file is first previewed — every row matched, unmatched or mismatched, nothing
 * written — and then, by an official other than the batch's maker, confirmed: the same file (its
 * SHA-256) is sent again and applied all or nothing.
 */
export function ReturnUpload({
  batchId,
  runId,
  layouts,
  limit,
  canConfirm,
  confirmNote,
}: {
  /** The batch whose return file this is, or (代发汇总) the payment run's. */
  batchId?: string;
  runId?: string;
  layouts: Array<{ id: string; name: string; isDefault: boolean }>;
  limit: TUploadLimit;
  canConfirm: boolean;
  confirmNote: string | null;
}) {
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<TPreview | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  const send = (expectedSha256?: string) => {
    if (!form.current) return;
    const data = new FormData(form.current);
    const file = data.get("file");
    if (!(file instanceof File) || (file.name === "" && file.size === 0)) return setError("请选择银行的回盘文件");
    const tooLarge = fileTooLarge(file, limit);
    if (tooLarge) return setError(tooLarge);
    if (expectedSha256) data.set("expectedSha256", expectedSha256);
    start(async () => {
      const result = await postUpload<TReturnUploadResult>(runId ? UPLOAD_PATHS.paymentRunReturn : UPLOAD_PATHS.paymentReturn, data, limit);
      if (!result.ok) {
        setError(result.fieldErrors?.file ?? result.error);
        if (!expectedSha256) setPreview(null);
        return;
      }
      setError(null);
      if (result.data.preview) {
        setPreview(result.data.preview);
        setDone(null);
      } else if (result.data.applied) {
        const a = result.data.applied;
        setPreview(null);
        setConfirming(false);
        setDone(`已导入回盘：已到账 ${a.paidLines} 笔，退回 ${a.returnedLines} 笔${"settled" in a && a.settled ? "，批次已全部发放完毕" : ""}。`);
        form.current?.reset();
        router.refresh();
      }
    });
  };

  const shown = preview
    ? [...preview.rows.filter((r) => r.status !== "matched"), ...preview.rows.filter((r) => r.status === "matched" && r.outcome === "RETURNED")].slice(0, 100)
    : [];

  return (
    <div className="space-y-3">
      {done && <Alert tone="success">{done}</Alert>}
      {error && <Alert>{error}</Alert>}
      <form
        ref={form}
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
        className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end"
        noValidate
      >
        {runId ? <input type="hidden" name="runId" value={runId} /> : <input type="hidden" name="batchId" value={batchId} />}
        <Field label="回盘格式" htmlFor="return-layout">
          <Select id="return-layout" name="layoutId" defaultValue={layouts.find((l) => l.isDefault)?.id}>
            {layouts.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="银行回盘文件（.xlsx 或 .csv，UTF-8 或 GBK）" htmlFor="return-file" hint={limit.hint}>
          <Input
            id="return-file"
            name="file"
            type="file"
            accept=".xlsx,.csv,.txt"
            onChange={(e: ChangeEvent<HTMLInputElement>) => {
              setPreview(null);
              setError(fileTooLarge(e.currentTarget.files?.[0], limit));
            }}
          />
        </Field>
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending && !confirming ? "正在核对……" : "预览核对"}
        </Button>
      </form>
      {preview && (
        <div className="space-y-3 rounded border border-slate-200 p-3" data-testid="return-preview">
          <p className="text-sm">
            回盘 {preview.rows.length} 行：<Badge tone="green">匹配 {preview.matched}</Badge> <Badge tone="red">未匹配 {preview.unmatched}</Badge>{" "}
            <Badge tone="amber">不一致 {preview.mismatched}</Badge>
          </p>
          <p className="text-sm text-slate-700">
            到账 {preview.paidLines} 笔 {formatFen(preview.paidFen)}，退回 {preview.returnedLines} 笔 {formatFen(preview.returnedFen)}
            {preview.statedTotalFen !== null && <>；文件合计 {formatFen(preview.statedTotalFen)}</>}；本文件未涉及、仍待回盘 {preview.stillWaiting} 笔。
          </p>
          <p className="break-all text-xs text-slate-500">
            文件 {preview.fileName}（{preview.encoding}）SHA-256 {preview.sha256}
          </p>
          {shown.length > 0 && (
            <Table head={["行", "参考号", "户名", "金额", "结果", "核对"]}>
              {shown.map((r) => (
                <tr key={r.rowNumber}>
                  <Td>{r.rowNumber}</Td>
                  <Td className="font-mono text-xs">{r.reference}</Td>
                  <Td>{r.name}</Td>
                  <Td className="tabular-nums">{r.amountFen === null ? "—" : formatFen(r.amountFen)}</Td>
                  <Td>{r.outcome === "PAID" ? "已到账" : r.outcome === "RETURNED" ? `退回：${r.reason}` : "—"}</Td>
                  <Td>
                    <Badge tone={STATUS[r.status].tone}>{STATUS[r.status].label}</Badge>
                    {r.problems.length > 0 && <div className="text-xs text-slate-600">{r.problems.join("；")}</div>}
                  </Td>
                </tr>
              ))}
            </Table>
          )}
          {!preview.canApply && <Alert>有未匹配或不一致的行，不能导入。请向银行核实后重新上传。</Alert>}
          {preview.canApply && !canConfirm && <Alert tone="info">{confirmNote ?? "核对无误。请由审批人确认导入。"}</Alert>}
          {preview.canApply && canConfirm && !confirming && <Button onClick={() => setConfirming(true)}>确认导入</Button>}
          {confirming && (
            <div role="dialog" aria-label="确认导入回盘？" aria-modal className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/40 p-4">
              <div className="w-full max-w-md rounded-lg bg-white p-6 shadow-xl">
                <h2 className="text-base font-semibold">确认导入回盘？</h2>
                <p className="mt-2 text-sm text-slate-600">
                  {preview.paidLines} 笔标记为已到账；{preview.returnedLines} 笔标记为退回，并在台账中写入银行退回冲回（合计 {formatFen(preview.returnedFen)}
                  ）。导入后不能撤销。
                </p>
                {error && (
                  <p role="alert" className="mt-3 rounded bg-red-50 px-3 py-2 text-sm text-red-700">
                    {error}
                  </p>
                )}
                <div className="mt-6 flex justify-end gap-2">
                  <Button variant="secondary" onClick={() => setConfirming(false)} disabled={pending}>
                    取消
                  </Button>
                  <Button disabled={pending} onClick={() => send(preview.sha256)}>
                    {pending ? "正在导入……" : "确认"}
                  </Button>
                </div>
              </div>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
