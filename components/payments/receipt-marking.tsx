"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { Table, Td } from "@/components/ui/table";
import { markReceiptsAction } from "@/lib/payments/actions";
import { ZMarkReceiptsInput } from "@/lib/payments/schemas";

export type TWaitingLine = { id: string; holderName: string | null; organisationName: string; amount: string };

/**
 * 签收登记: tick the households on the signed list, then mark them 已签收 or 未领取 (with the
 * reason) after a confirmation that says how many and that 未领取 reverses their ledger entries.
 */
export function ReceiptMarking({ batchId, lines, refusal, goods }: { batchId: string; lines: TWaitingLine[]; refusal: string | null; goods: string | null }) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [outcome, setOutcome] = useState<"SIGNED" | "UNCLAIMED">("SIGNED");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const all = lines.length > 0 && lines.every((l) => selected.has(l.id));
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const open = (kind: "SIGNED" | "UNCLAIMED") => {
    setOutcome(kind);
    setError(null);
    dialog.current?.showModal();
  };
  const confirm = () => {
    const parsed = ZMarkReceiptsInput.safeParse({ batchId, lineIds: [...selected], outcome, reason });
    if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? "请检查填写内容");
    start(async () => {
      const result = await markReceiptsAction({ batchId, lineIds: [...selected], outcome, reason });
      if (!result.ok) return setError(result.error);
      dialog.current?.close();
      setSelected(new Set());
      setReason("");
      router.refresh();
    });
  };
  return (
    <div className="space-y-3">
      {refusal && (
        <p className="rounded bg-amber-50 px-3 py-2 text-sm text-amber-800" data-testid="receipt-refusal">
          {refusal}
        </p>
      )}
      <div className="flex flex-wrap items-center gap-2">
        <Button variant="primary" disabled={!!refusal || selected.size === 0} onClick={() => open("SIGNED")}>
          标记已签收（{selected.size}）
        </Button>
        <Button variant="secondary" disabled={!!refusal || selected.size === 0} onClick={() => open("UNCLAIMED")}>
          标记未领取（{selected.size}）
        </Button>
      </div>
      <Table
        head={[
          <label key="all" className="flex items-center gap-1.5">
            <input
              type="checkbox"
              aria-label="全选本页"
              checked={all}
              disabled={!!refusal}
              onChange={() => setSelected(all ? new Set() : new Set(lines.map((l) => l.id)))}
            />
            全选
          </label>,
          "建档职工",
          "组织",
          goods ? "实物（折合金额）" : "金额",
        ]}
      >
        {lines.map((l) => (
          <tr key={l.id} data-testid="waiting-line">
            <Td>
              <input
                type="checkbox"
                aria-label={`选择 ${l.holderName ?? ""}`}
                checked={selected.has(l.id)}
                disabled={!!refusal}
                onChange={() => toggle(l.id)}
              />
            </Td>
            <Td>{l.holderName ?? "—"}</Td>
            <Td>{l.organisationName}</Td>
            <Td className="tabular-nums">{goods ? `${goods}（${l.amount}）` : l.amount}</Td>
          </tr>
        ))}
      </Table>
      <dialog
        ref={dialog}
        aria-label={outcome === "SIGNED" ? "确认已签收" : "确认未领取"}
        className="m-auto w-full max-w-md rounded-lg p-6 shadow-xl backdrop:bg-slate-900/40"
      >
        <h2 className="text-base font-semibold">{outcome === "SIGNED" ? `确认 ${selected.size} 户已签收？` : `确认 ${selected.size} 户未领取？`}</h2>
        <p className="mt-2 text-sm text-slate-600">
          {outcome === "SIGNED"
            ? "请确认已与签字后的签收表逐户核对：本人签字、日期齐全。标记后不能撤销。"
            : "未领取的户将在台账中冲回（写入负数冲正记录，原记录保留），不能撤销；如需再发，请另行编制批次。"}
        </p>
        {outcome === "UNCLAIMED" && (
          <div className="mt-3">
            <Field label="未领取原因" htmlFor="unclaimed-reason">
              <Input id="unclaimed-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
            </Field>
          </div>
        )}
        {error && (
          <p role="alert" className="mt-3 rounded bg-red-50 px-3 py-2 text-sm text-red-700">
            {error}
          </p>
        )}
        <div className="mt-6 flex justify-end gap-2">
          <Button variant="secondary" onClick={() => dialog.current?.close()} disabled={pending}>
            取消
          </Button>
          <Button variant={outcome === "SIGNED" ? "primary" : "danger"} onClick={confirm} disabled={pending}>
            {pending ? "处理中……" : "确认"}
          </Button>
        </div>
      </dialog>
    </div>
  );
}
