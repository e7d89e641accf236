"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { useFieldArray, useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { Alert } from "@/components/ui/page";
import { saveBankLayoutAction } from "@/lib/payments/actions";
import {
  DELIMITER_LABELS,
  LAYOUT_ENCODING_LABELS,
  LAYOUT_FORMAT_LABELS,
  PAYMENT_FIELD_LABELS,
  PAYMENT_FIELDS,
  RETURN_COLUMN_KEYS,
  RETURN_COLUMN_LABELS,
  ZBankLayoutInput,
  type TBankLayoutFormValues,
} from "@/lib/payments/layout-schema";

/** 代发格式: columns in file order (add, remove, move), header and total rows, file type and encoding, and the return form. */
export function BankLayoutForm({ initial, onDone }: { initial: TBankLayoutFormValues; onDone?: () => void }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const form = useForm<TBankLayoutFormValues>({ resolver: zodResolver(ZBankLayoutInput) as never, defaultValues: initial });
  const columns = useFieldArray({ control: form.control, name: "columns" });
  const format = form.watch("format");
  const errors = form.formState.errors;
  // Checked in the browser with the action's schema; sent as typed (the schema's output is the server's to make).
  const submit = form.handleSubmit(() =>
    start(async () => {
      const result = await saveBankLayoutAction(form.getValues());
      if (!result.ok) {
        setError(result.error);
        for (const [name, message] of Object.entries(result.fieldErrors ?? {})) form.setError(name as never, { message });
        return;
      }
      setError(null);
      setSaved(true);
      router.refresh();
      onDone?.();
    }),
  );
  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      {error && <Alert>{error}</Alert>}
      {saved && <Alert tone="success">已保存代发格式。</Alert>}
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="格式名称" htmlFor="layout-name" error={errors.name?.message}>
          <Input id="layout-name" {...form.register("name")} />
        </Field>
        <Field label="文件类型" htmlFor="layout-format" error={errors.format?.message}>
          <Select id="layout-format" {...form.register("format")}>
            {Object.entries(LAYOUT_FORMAT_LABELS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="编码" htmlFor="layout-encoding" error={errors.encoding?.message}>
          <Select id="layout-encoding" {...form.register("encoding")}>
            {Object.entries(LAYOUT_ENCODING_LABELS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </Select>
        </Field>
        {format === "DELIMITED" && (
          <Field label="分隔符" htmlFor="layout-delimiter" error={errors.delimiter?.message}>
            <Select id="layout-delimiter" {...form.register("delimiter")}>
              <option value="">请选择</option>
              {Object.entries(DELIMITER_LABELS).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </Select>
          </Field>
        )}
      </div>
      <div className="flex flex-wrap gap-4 text-sm">
        <label className="flex items-center gap-2">
          <input type="checkbox" {...form.register("headerRow")} />
          首行为列标题
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" {...form.register("totalRow")} />
          末行为合计
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" {...form.register("isDefault")} />
          设为默认格式
        </label>
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">代发文件的列（按文件中的顺序）</legend>
        {errors.columns?.message && <p className="text-sm text-red-700">{errors.columns.message}</p>}
        {errors.columns?.root?.message && <p className="text-sm text-red-700">{errors.columns.root.message}</p>}
        {columns.fields.map((c, i) => (
          <div
            key={c.id}
            className={`grid grid-cols-[1fr_1fr] gap-2 rounded border border-slate-200 p-2 ${format === "FIXED" ? "sm:grid-cols-[1fr_1fr_6rem_auto]" : "sm:grid-cols-[1fr_1fr_auto]"}`}
          >
            <Select aria-label={`第 ${i + 1} 列字段`} {...form.register(`columns.${i}.field`)}>
              {PAYMENT_FIELDS.map((f) => (
                <option key={f} value={f}>
                  {PAYMENT_FIELD_LABELS[f]}
                </option>
              ))}
            </Select>
            <div>
              <Input aria-label={`第 ${i + 1} 列标题`} {...form.register(`columns.${i}.title`)} />
              {errors.columns?.[i]?.title && <p className="text-xs text-red-700">{errors.columns[i]?.title?.message}</p>}
            </div>
            {format === "FIXED" && (
              <div>
                <Input aria-label={`第 ${i + 1} 列宽度`} inputMode="numeric" placeholder="宽度" {...form.register(`columns.${i}.width`)} />
                {errors.columns?.[i]?.width && <p className="text-xs text-red-700">{errors.columns[i]?.width?.message}</p>}
              </div>
            )}
            <div className="col-span-2 flex gap-1 sm:col-span-1">
              <Button type="button" variant="ghost" disabled={i === 0} onClick={() => columns.move(i, i - 1)}>
                上移
              </Button>
              <Button type="button" variant="ghost" disabled={i === columns.fields.length - 1} onClick={() => columns.move(i, i + 1)}>
                下移
              </Button>
              <Button type="button" variant="ghost" onClick={() => columns.remove(i)}>
                删除
              </Button>
            </div>
          </div>
        ))}
        <Button type="button" variant="secondary" onClick={() => columns.append({ field: "MEMO", title: "", width: undefined })}>
          添加一列
        </Button>
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">回盘格式：银行回盘文件中各列的标题</legend>
        <div className="grid gap-3 sm:grid-cols-3">
          {RETURN_COLUMN_KEYS.map((k) => (
            <Field key={k} label={RETURN_COLUMN_LABELS[k]} htmlFor={`return-${k}`} error={errors.returnColumns?.[k]?.message}>
              <Input id={`return-${k}`} {...form.register(`returnColumns.${k}`)} />
            </Field>
          ))}
        </div>
        <Field label="表示“已到账”的处理结果（多个用逗号分开）" htmlFor="paid-results" error={errors.paidResults?.message}>
          <Input id="paid-results" {...form.register("paidResults")} />
        </Field>
      </fieldset>
      <Button type="submit" disabled={pending}>
        {pending ? "保存中……" : "保存格式"}
      </Button>
    </form>
  );
}
