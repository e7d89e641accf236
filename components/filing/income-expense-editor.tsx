"use client";

import { useFieldArray, type UseFormReturn } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { EXPENDITURE_KIND_LABELS, INCOME_SOURCE_LABELS } from "@/lib/filing/labels";

/** What the editor edits, as typed (yuan strings); both the filing form and the re-check carry these two lists. */
export type TMoneyFields = {
  incomes: Array<{ source: string; monthlyFen: string }>;
  expenditures: Array<{ kind: string; annualFen: string; note: string }>;
};

function Options({ labels }: { labels: Record<string, string> }) {
  return (
    <>
      <option value="">请选择</option>
      {Object.entries(labels).map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </>
  );
}

/**
 * 家庭收支: monthly incomes by source and annual rigid expenditure, the one editor used by intake
 * and by the re-check dialog. `labelPrefix` keeps the accessible names of two editors on one page apart.
 */
export function IncomeExpenseEditor({
  form,
  errorAt,
  labelPrefix = "",
  incomeTitle = "月收入（元/月，全家合计）",
  expenditureTitle = "刚性支出（元/年）",
}: {
  form: UseFormReturn<TMoneyFields>;
  errorAt: (path: string) => string | undefined;
  labelPrefix?: string;
  incomeTitle?: string;
  expenditureTitle?: string;
}) {
  const incomes = useFieldArray({ control: form.control, name: "incomes" });
  const expenditures = useFieldArray({ control: form.control, name: "expenditures" });
  const e = errorAt;
  const l = (name: string, n: number) => `${labelPrefix}${name} ${n + 1}`;
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <div>
        <h3 className="mb-2 text-sm font-medium text-slate-700">{incomeTitle}</h3>
        <div className="space-y-3">
          {incomes.fields.map((field, index) => (
            <div
              key={field.id}
              className="grid grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto] items-start gap-2"
              data-testid={`${labelPrefix ? "recheck-" : ""}income-${index}`}
            >
              <Field label="收入来源" error={e(`incomes.${index}.source`)}>
                <Select aria-label={l("收入来源", index)} aria-invalid={!!e(`incomes.${index}.source`)} {...form.register(`incomes.${index}.source`)}>
                  <Options labels={INCOME_SOURCE_LABELS} />
                </Select>
              </Field>
              <Field label="金额（元/月）" error={e(`incomes.${index}.monthlyFen`)}>
                <Input
                  aria-label={l("月收入金额", index)}
                  inputMode="decimal"
                  autoComplete="off"
                  aria-invalid={!!e(`incomes.${index}.monthlyFen`)}
                  {...form.register(`incomes.${index}.monthlyFen`)}
                />
              </Field>
              <Button variant="ghost" className="mt-6" aria-label={l("移除收入", index)} onClick={() => incomes.remove(index)}>
                移除
              </Button>
            </div>
          ))}
        </div>
        <Button variant="secondary" className="mt-2" onClick={() => incomes.append({ source: "", monthlyFen: "" })}>
          添加收入
        </Button>
      </div>
      <div>
        <h3 className="mb-2 text-sm font-medium text-slate-700">{expenditureTitle}</h3>
        <div className="space-y-3">
          {expenditures.fields.map((field, index) => (
            <div
              key={field.id}
              className="grid grid-cols-2 items-start gap-2 sm:grid-cols-[1fr_1fr_1fr_auto]"
              data-testid={`${labelPrefix ? "recheck-" : ""}expenditure-${index}`}
            >
              <Field label="支出类别" error={e(`expenditures.${index}.kind`)}>
                <Select aria-label={l("支出类别", index)} aria-invalid={!!e(`expenditures.${index}.kind`)} {...form.register(`expenditures.${index}.kind`)}>
                  <Options labels={EXPENDITURE_KIND_LABELS} />
                </Select>
              </Field>
              <Field label="金额（元/年）" error={e(`expenditures.${index}.annualFen`)}>
                <Input
                  aria-label={l("年支出金额", index)}
                  inputMode="decimal"
                  autoComplete="off"
                  aria-invalid={!!e(`expenditures.${index}.annualFen`)}
                  {...form.register(`expenditures.${index}.annualFen`)}
                />
              </Field>
              <Field label="说明" error={e(`expenditures.${index}.note`)}>
                <Input aria-label={l("支出说明", index)} {...form.register(`expenditures.${index}.note`)} />
              </Field>
              <Button variant="ghost" className="mt-6" aria-label={l("移除支出", index)} onClick={() => expenditures.remove(index)}>
                移除
              </Button>
            </div>
          ))}
        </div>
        <Button variant="secondary" className="mt-2" onClick={() => expenditures.append({ kind: "", annualFen: "", note: "" })}>
          添加支出
        </Button>
      </div>
    </div>
  );
}
