"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { applyServerErrors } from "@/components/forms/server-errors";
import { Button } from "@/components/ui/button";
import { Field, Input, inputClass, Select } from "@/components/ui/field";
import { Alert } from "@/components/ui/page";
import { recordAllocationAction } from "@/lib/allocations/actions";
import { ALLOCATION_KIND_LABELS, type TEnterableKind } from "@/lib/allocations/labels";
import { ZRecordAllocationInput } from "@/lib/allocations/schemas";
import type { FundSource } from "@/lib/generated/prisma/enums";
import { FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { formatFen, parseYuanToFen } from "@/lib/money/money";

type TValues = z.input<typeof ZRecordAllocationInput>;
export type TAdjustable = { id: string; label: string; fundSource: FundSource; recipient: string | null; netFen: number; year: number };

/**
 * 登记拨入 / 下拨 / 调整: the form is checked with the action's schema, then a confirmation restates
 * what will be written — who gives what to whom, and what the union holds before and after — and
 * only the confirmation sends it. The balances shown are this page's; the database has the last word.
 */
export function AllocationForm({
  kinds,
  organisationName,
  recipients,
  adjustable,
  balances,
  year,
  today,
}: {
  kinds: TEnterableKind[];
  organisationName: string;
  recipients: Array<{ id: string; name: string }>;
  adjustable: TAdjustable[];
  /** What the union holds now for the page's year, per fund, and what each union below holds. */
  balances: Record<string, Partial<Record<FundSource, number>>>;
  year: number;
  today: string;
}) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const form = useForm<TValues>({
    resolver: zodResolver(ZRecordAllocationInput) as never,
    defaultValues: {
      idempotencyKey,
      kind: kinds[0],
      fundSource: undefined,
      recipientId: "",
      adjustsId: "",
      amountFen: "",
      entryDate: today,
      source: "",
      note: "",
    },
  });
  const errors = form.formState.errors as Record<string, { message?: string } | undefined>;
  const kind = form.watch("kind") as TEnterableKind;
  const inFlight = useRef(false);
  const [pending, setPending] = useState(false);

  const values = form.watch();
  const amount = parseYuanToFen(String(values.amountFen ?? ""), { allowNegative: true });
  const adjusted = adjustable.find((a) => a.id === values.adjustsId);
  const fund = (kind === "ADJUSTMENT" ? adjusted?.fundSource : values.fundSource) as FundSource | undefined;
  const entryYear = Number(String(values.entryDate ?? "").slice(0, 4));
  const own = balances[""]?.[fund as FundSource] ?? 0;
  const recipientName = recipients.find((r) => r.id === values.recipientId)?.name ?? adjusted?.recipient ?? null;

  const summary = (() => {
    if (!amount.ok || !fund) return null;
    const fen = amount.fen;
    const sameYear = entryYear === year;
    const holds = (what: string, before: number, after: number) =>
      sameYear ? `${what} ${year} 年“${FUND_SOURCE_LABELS[fund]}”额度：${formatFen(before)} → ${formatFen(after)}` : `${what}${entryYear} 年的额度相应变化。`;
    if (kind === "RECEIVED")
      return [
        `${organisationName} 登记拨入 ${FUND_SOURCE_LABELS[fund]} ${formatFen(fen)}（来源：${values.source || "—"}），日期 ${values.entryDate}。`,
        holds("本单位", own, own + fen),
      ];
    if (kind === "PASS_DOWN") {
      const theirs = balances[String(values.recipientId ?? "")]?.[fund] ?? 0;
      return [
        `${organisationName} 向 ${recipientName ?? "—"} 下拨 ${FUND_SOURCE_LABELS[fund]} ${formatFen(fen)}，日期 ${values.entryDate}。`,
        holds("本单位", own, own - fen),
        holds(recipientName ?? "下级", theirs, theirs + fen),
        ...(sameYear && own < fen ? [`本单位可下拨余额仅 ${formatFen(own)}，将被拒绝。`] : []),
      ];
    }
    if (!adjusted) return null;
    return [
      `调整“${adjusted.label}”：${fen > 0 ? "调增" : "调减"} ${formatFen(Math.abs(fen))}，调整后该笔为 ${formatFen(adjusted.netFen + fen)}。`,
      adjusted.recipient
        ? `${fen > 0 ? `本单位多拨给 ${adjusted.recipient}` : `从 ${adjusted.recipient} 收回`} ${formatFen(Math.abs(fen))}。`
        : holds("本单位", own, own + fen),
    ];
  })();

  const review = form.handleSubmit(() => {
    setError(null);
    dialog.current?.showModal();
  });

  async function confirm() {
    if (inFlight.current) return;
    inFlight.current = true;
    setPending(true);
    const result = await recordAllocationAction({ ...form.getValues(), idempotencyKey } as never).finally(() => {
      inFlight.current = false;
      setPending(false);
    });
    dialog.current?.close();
    if (!result.ok) {
      setDone(null);
      setError(applyServerErrors(result, form.setError as never));
      return;
    }
    setDone(`已登记：${summary?.[0] ?? ""}`);
    const next = crypto.randomUUID();
    setIdempotencyKey(next);
    form.reset({ ...form.getValues(), idempotencyKey: next, amountFen: "", note: "", adjustsId: "" });
    router.refresh();
  }

  return (
    <form onSubmit={review} className="space-y-4" noValidate aria-label="登记资金额度">
      {error && <Alert>{error}</Alert>}
      {done && <Alert tone="success">{done}</Alert>}
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="登记类型" htmlFor="kind" error={errors.kind?.message}>
          <Select id="kind" {...form.register("kind")}>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {ALLOCATION_KIND_LABELS[k]}
              </option>
            ))}
          </Select>
        </Field>
        {kind !== "ADJUSTMENT" && (
          <Field label="资金来源" htmlFor="fundSource" error={errors.fundSource?.message}>
            <Select id="fundSource" {...form.register("fundSource")}>
              <option value="">请选择</option>
              {Object.entries(FUND_SOURCE_LABELS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </Select>
          </Field>
        )}
        {kind === "PASS_DOWN" && (
          <Field label="下拨给" htmlFor="recipientId" error={errors.recipientId?.message} hint={recipients.length === 0 ? "本单位没有下级工会" : undefined}>
            <Select id="recipientId" {...form.register("recipientId")}>
              <option value="">请选择下级工会</option>
              {recipients.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </Select>
          </Field>
        )}
        {kind === "RECEIVED" && (
          <Field label="资金来源单位" htmlFor="source" error={errors.source?.message} hint="如 省财政厅、全国总工会">
            <Input id="source" {...form.register("source")} />
          </Field>
        )}
        {kind === "ADJUSTMENT" && (
          <Field
            label="调整的记录"
            htmlFor="adjustsId"
            error={errors.adjustsId?.message}
            hint={adjustable.length === 0 ? `${year} 年本单位没有可调整的拨入或下拨记录` : undefined}
          >
            <Select id="adjustsId" {...form.register("adjustsId")}>
              <option value="">请选择</option>
              {adjustable.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.label}
                </option>
              ))}
            </Select>
          </Field>
        )}
        <Field
          label="金额（元）"
          htmlFor="amountFen"
          error={errors.amountFen?.message}
          hint={kind === "ADJUSTMENT" ? "调增填正数，调减填负数，例如 -500" : fund ? `本单位 ${year} 年该项可用 ${formatFen(own)}` : "精确到分，例如 100000.00"}
        >
          <Input id="amountFen" inputMode="decimal" {...form.register("amountFen")} />
        </Field>
        <Field label="日期" htmlFor="entryDate" error={errors.entryDate?.message} hint="额度计入该日期所在年度">
          <Input id="entryDate" type="date" {...form.register("entryDate")} />
        </Field>
      </div>
      <Field label={kind === "ADJUSTMENT" ? "调整原因" : "文号或说明"} htmlFor="note" error={errors.note?.message}>
        <textarea id="note" rows={2} className={inputClass} {...form.register("note")} />
      </Field>
      <div className="flex justify-end">
        <Button type="submit">核对并登记</Button>
      </div>
      <dialog ref={dialog} className="m-auto w-full max-w-lg rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40" aria-label="确认登记资金额度">
        <div className="space-y-4 p-6">
          <h2 className="text-base font-semibold">确认{ALLOCATION_KIND_LABELS[kind]}</h2>
          <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
            {(summary ?? []).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <p className="text-xs text-slate-500">登记后不能修改或删除，如有差错只能登记调整。</p>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => dialog.current?.close()}>
              返回修改
            </Button>
            <Button onClick={confirm} disabled={pending}>
              {pending ? "处理中……" : "确认登记"}
            </Button>
          </div>
        </div>
      </dialog>
    </form>
  );
}
