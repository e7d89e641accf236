"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { createBatchAction } from "@/lib/ledger/actions";
import { applyServerErrors } from "@/components/forms/server-errors";
import { Button } from "@/components/ui/button";
import { OrganisationOptions } from "@/components/ui/organisation-options";
import { Field, Input, Select } from "@/components/ui/field";
import { Alert } from "@/components/ui/page";
import { FILE_LEVEL_LABELS, TIER_LABELS } from "@/lib/labels/household-file";
import { AID_TYPE_LABELS, FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { PAYMENT_METHOD_LABELS } from "@/lib/payments/labels";
import { ZCreateBatchInput, type TCreateBatchFormValues } from "@/lib/ledger/schemas";

/** 按规则生成发放名单. Building 10,000 lines takes about a second; the button says what is happening meanwhile. */
export function BatchForm({ today, organisations }: { today: string; organisations: Array<{ id: string; name: string; depth: number }> }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const form = useForm<TCreateBatchFormValues>({
    resolver: zodResolver(ZCreateBatchInput) as never,
    defaultValues: {
      idempotencyKey,
      name: "",
      aidType: "" as never,
      fundSource: "" as never,
      standardAmountFen: "",
      entryDate: today,
      purpose: "",
      organisationId: organisations[0]?.id ?? "",
      tiers: [],
      fileLevels: [],
      paymentMethod: "BANK",
      goodsDescription: "",
    },
  });
  const method = form.watch("paymentMethod");
  const errors = form.formState.errors;
  // The action parses the raw form values with the same schema (handleSubmit would hand over its output).
  // One submission at a time with this form's key: a second click in the same instant is dropped.
  const inFlight = useRef(false);
  const onSubmit = form.handleSubmit(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    const result = await createBatchAction(form.getValues() as never).finally(() => {
      inFlight.current = false;
    });
    if (!result.ok) {
      setError(applyServerErrors(result, form.setError));
      return;
    }
    router.push(`/batches/${result.data.batchId}?built=${result.data.lineCount}`);
  });
  return (
    <form onSubmit={onSubmit} className="space-y-5" noValidate>
      {error && <Alert>{error}</Alert>}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="批次名称" htmlFor="name" error={errors.name?.message} hint="例如：2027 元旦春节送温暖">
          <Input id="name" {...form.register("name")} />
        </Field>
        <Field label="发放范围（组织，含下级）" htmlFor="organisationId" error={errors.organisationId?.message}>
          <Select id="organisationId" {...form.register("organisationId")}>
            <OrganisationOptions organisations={organisations} />
          </Select>
        </Field>
        <Field label="救助类型" htmlFor="aidType" error={errors.aidType?.message}>
          <Select id="aidType" {...form.register("aidType")}>
            <option value="">请选择</option>
            {Object.entries(AID_TYPE_LABELS).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="资金来源" htmlFor="fundSource" error={errors.fundSource?.message}>
          <Select id="fundSource" {...form.register("fundSource")}>
            <option value="">请选择</option>
            {Object.entries(FUND_SOURCE_LABELS).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </Select>
        </Field>
        <Field
          label="每户（每生）标准金额（元）"
          htmlFor="standardAmountFen"
          error={errors.standardAmountFen?.message}
          hint="留空则按档案级别使用政策标准（如金秋助学）"
        >
          <Input id="standardAmountFen" inputMode="decimal" {...form.register("standardAmountFen")} />
        </Field>
        <Field label="发放日期" htmlFor="entryDate" error={errors.entryDate?.message}>
          <Input id="entryDate" type="date" {...form.register("entryDate")} />
        </Field>
      </div>
      <Field label="用途" htmlFor="purpose" error={errors.purpose?.message}>
        <Input id="purpose" {...form.register("purpose")} />
      </Field>
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <div>
          <legend className="text-sm font-medium text-slate-700">发放方式</legend>
          <div className="mt-2 flex flex-wrap gap-4 text-sm">
            {Object.entries(PAYMENT_METHOD_LABELS).map(([v, l]) => (
              <label key={v} className="flex items-center gap-1.5">
                <input type="radio" value={v} {...form.register("paymentMethod")} />
                {l}
              </label>
            ))}
          </div>
          <p className="mt-1 text-xs text-slate-500">
            {method === "BANK" ? "银行代发须登记建档职工本人银行账户，未登记的户自动移出名单。" : "现金、实物凭签收表发放，不需要银行账户；审批后打印签收表。"}
          </p>
        </div>
        {method === "IN_KIND" && (
          <Field label="实物名称" htmlFor="goodsDescription" error={errors.goodsDescription?.message} hint="打印在签收表上，如：米、面、油各一份">
            <Input id="goodsDescription" {...form.register("goodsDescription")} />
          </Field>
        )}
      </fieldset>
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <div>
          <legend className="text-sm font-medium text-slate-700">困难类别（不选为全部）</legend>
          <div className="mt-2 flex flex-wrap gap-4 text-sm">
            {Object.entries(TIER_LABELS).map(([v, l]) => (
              <label key={v} className="flex items-center gap-1.5">
                <input type="checkbox" value={v} {...form.register("tiers")} />
                {l}
              </label>
            ))}
          </div>
        </div>
        <div>
          <legend className="text-sm font-medium text-slate-700">档案级别（不选为全部）</legend>
          <div className="mt-2 flex flex-wrap gap-4 text-sm">
            {Object.entries(FILE_LEVEL_LABELS).map(([v, l]) => (
              <label key={v} className="flex items-center gap-1.5">
                <input type="checkbox" value={v} {...form.register("fileLevels")} />
                {l}
              </label>
            ))}
          </div>
        </div>
      </fieldset>
      <div className="flex items-center justify-end gap-3">
        {form.formState.isSubmitting && (
          <span role="status" className="flex items-center gap-2 text-sm text-slate-600">
            <span className="inline-block size-4 animate-spin rounded-full border-2 border-brand-700 border-t-transparent" aria-hidden />
            正在按规则筛选在档家庭并生成名单，上万户约需数秒……
          </span>
        )}
        <Button type="submit" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? "正在生成……" : "生成发放名单"}
        </Button>
      </div>
    </form>
  );
}
