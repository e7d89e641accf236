"use client";

import { useRouter } from "next/navigation";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRef, useState, useTransition } from "react";
import { focusFirstError } from "@/components/forms/focus-first-error";
import { useFieldArray, useForm, useWatch, type FieldPath, type UseFormReturn } from "react-hook-form";
import type { z } from "zod";
import { saveDraftAction, submitFilingAction } from "@/lib/filing/actions";
import { Button } from "@/components/ui/button";
import { Field, Input, inputClass, Select } from "@/components/ui/field";
import { OrganisationOptions } from "@/components/ui/organisation-options";
import { Alert, Card } from "@/components/ui/page";
import type { TActionResult } from "@/lib/actions/result";
import { CAUSE_LABELS, FILE_LEVEL_LABELS, TIER_LABELS, WORKER_CATEGORY_LABELS } from "@/lib/labels/household-file";
import { EDUCATION_LABELS, EMPLOYMENT_LABELS, HEALTH_LABELS, HOUSING_LABELS, RELATION_LABELS, SEX_LABELS } from "@/lib/filing/labels";
import { ZDraftFilingData, ZSubmitFilingData, type TFilingFormValues } from "@/lib/filing/schemas";
import { suggestTier, type TTierPolicy } from "@/lib/filing/suggest-tier";
import { typedHouseholdFigures } from "@/lib/filing/figures";
import { IncomeExpenseEditor, type TMoneyFields } from "@/components/filing/income-expense-editor";
import { upgradeResidentId15, validateResidentId } from "@/lib/people/resident-id";

export type TOrgOption = { id: string; name: string; depth: number; regionCode: string };
export type TPolicyByRegion = Record<string, TTierPolicy & { onDate: string; dibaoRegionCode: string }>;

type TProps = {
  fileId?: string;
  version?: number;
  defaultValues: TFilingFormValues;
  organisations: TOrgOption[];
  policies: TPolicyByRegion;
  rejectionReason?: string | null;
};

type TForm = UseFormReturn<TFilingFormValues>;

/** Only the holder is 本人 (the schema refuses it for anyone else), so other members are not offered it. */
const MEMBER_RELATION_LABELS = Object.fromEntries(Object.entries(RELATION_LABELS).filter(([k]) => k !== "SELF"));

export const EMPTY_MEMBER = {
  name: "",
  relation: "",
  residentId: "",
  birthDate: "",
  sex: "",
  health: "",
  disabilityGrade: "",
  education: "",
  employment: "",
  livesInHousehold: true,
} as unknown as TFilingFormValues["members"][number];

function Options({ labels, placeholder = "请选择" }: { labels: Record<string, string>; placeholder?: string }) {
  return (
    <>
      <option value="">{placeholder}</option>
      {Object.entries(labels).map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </>
  );
}

/** How many fields hold an error (react-hook-form nests them by path). */
function countErrors(node: unknown): number {
  if (!node || typeof node !== "object") return 0;
  if (typeof (node as { message?: unknown }).message === "string") return 1;
  return Object.values(node as Record<string, unknown>).reduce<number>((n, child) => n + countErrors(child), 0);
}

/** The error message react-hook-form holds for a dotted path such as members.0.residentId. */
function errorAt(form: TForm, path: string): string | undefined {
  let node: unknown = form.formState.errors;
  for (const part of path.split(".")) node = (node as Record<string, unknown> | undefined)?.[part];
  return (node as { message?: string } | undefined)?.message;
}

export function FilingForm({ fileId, version, defaultValues, organisations, policies, rejectionReason }: TProps) {
  const router = useRouter();
  // The form validates with the schema the action parses: the draft's (consistency only) when
  // saving, the submission's (everything required) when submitting. raw: the action gets the values
  // as typed and parses them itself.
  const schema = useRef<z.ZodType<unknown, TFilingFormValues>>(ZDraftFilingData);
  const form = useForm<TFilingFormValues>({
    defaultValues,
    shouldFocusError: false,
    resolver: (values, context, options) => zodResolver(schema.current, undefined, { raw: true })(values, context, options),
  });
  const formRef = useRef<HTMLFormElement>(null);
  const [message, setMessage] = useState<{ tone: "error" | "success" | "info"; text: string; warnings?: string[] } | null>(null);
  const [pending, startTransition] = useTransition();
  const confirmDialog = useRef<HTMLDialogElement>(null);
  // One key for this form's life: every save of the new draft names it, so a double click or a
  // retry makes one draft, and the repeats are answered with it (lib/filing/save-filing.ts).
  const [idempotencyKey] = useState(() => crypto.randomUUID());

  /** Runs `then` when the values pass `which` schema; otherwise says how many fields need work and focuses the first. */
  function validated(which: z.ZodType<unknown, TFilingFormValues>, then: () => void) {
    schema.current = which;
    void form.handleSubmit(then, (errors) => {
      setMessage({ tone: "error", text: `有 ${countErrors(errors)} 处需要修改，请查看标红的项目。` });
      focusFirstError(formRef.current);
    })();
  }

  function showResult(result: TActionResult<unknown>) {
    if (result.ok) return;
    for (const [path, text] of Object.entries(result.fieldErrors ?? {})) {
      form.setError(path.replace(/^data\./, "") as FieldPath<TFilingFormValues>, { type: "server", message: text });
    }
    setMessage({ tone: "error", text: result.error });
    focusFirstError(formRef.current);
  }

  const saveDraft = () =>
    validated(ZDraftFilingData, () => {
      startTransition(async () => {
        const result = await saveDraftAction({ fileId, expectedVersion: version, idempotencyKey: fileId ? undefined : idempotencyKey, data: form.getValues() });
        if (!result.ok) return showResult(result);
        const { warnings, repeated } = result.data;
        setMessage({ tone: warnings.length ? "info" : "success", text: repeated ? "已处理：该草稿已保存过，未重复建档。" : "草稿已保存。", warnings });
        if (!fileId) router.replace(`/files/${result.data.fileId}/edit?saved=1`);
        else router.refresh();
      });
    });

  const askSubmit = () =>
    validated(ZSubmitFilingData, () => {
      if (!fileId || version === undefined) {
        setMessage({ tone: "info", text: "内容已填写完整。请先保存草稿，上传申请书和核对授权书后再提交。" });
        return;
      }
      confirmDialog.current?.showModal();
    });

  const submit = () => {
    confirmDialog.current?.close();
    if (!fileId || version === undefined) return;
    startTransition(async () => {
      // What is on the screen is saved first, so a refusal is about these values and the page's
      // warnings (refreshed below) describe them, not the last save.
      const saved = await saveDraftAction({ fileId, expectedVersion: version, data: form.getValues() });
      if (!saved.ok) return showResult(saved);
      const result = await submitFilingAction({ fileId, expectedVersion: saved.data.version, data: form.getValues() });
      if (!result.ok) {
        showResult(result);
        router.refresh();
        return;
      }
      router.push(`/files/${result.data.fileId}?submitted=1`);
    });
  };

  return (
    <form ref={formRef} onSubmit={(e) => e.preventDefault()} className="space-y-6" noValidate>
      {rejectionReason && <Alert tone="error">审核退回：{rejectionReason}</Alert>}
      <BasicsSection form={form} organisations={organisations} />
      <MembersSection form={form} />
      <MoneySection form={form} />
      <CausesSection form={form} />
      <TierSection form={form} organisations={organisations} policies={policies} />

      <div className="sticky bottom-0 space-y-3 border-t border-slate-200 bg-slate-50/95 py-4">
        {message && (
          <Alert tone={message.tone}>
            <p className="whitespace-pre-line">{message.text}</p>
            {message.warnings?.map((w) => (
              <p key={w} className="mt-1 font-medium text-amber-800">
                注意：{w}
              </p>
            ))}
          </Alert>
        )}
        <div className="flex flex-wrap items-center gap-3">
          <Button variant="secondary" onClick={saveDraft} disabled={pending}>
            {pending ? "正在保存……" : "保存草稿"}
          </Button>
          <Button onClick={askSubmit} disabled={pending}>
            提交审核
          </Button>
          <span className="basis-full text-xs text-slate-600 sm:basis-auto">草稿可以不完整；提交时所有必填项都须填写，并已上传申请书和核对授权书。</span>
        </div>
      </div>
      <dialog ref={confirmDialog} className="m-auto w-full max-w-md rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40">
        <div className="p-6">
          <h2 className="text-base font-semibold">提交建档申请？</h2>
          <p className="mt-2 text-sm text-slate-600">提交后进入初审、公示和审定，期间不能再修改；如需修改，须由审批人退回。</p>
          <div className="mt-6 flex justify-end gap-2">
            <Button variant="secondary" onClick={() => confirmDialog.current?.close()}>
              取消
            </Button>
            <Button onClick={submit}>确认提交</Button>
          </div>
        </div>
      </dialog>
    </form>
  );
}

function BasicsSection({ form, organisations }: { form: TForm; organisations: TOrgOption[] }) {
  const e = (p: string) => errorAt(form, p);
  return (
    <Card title="一、家庭基本情况">
      <div className="grid gap-4 md:grid-cols-3">
        <Field label="建档单位" htmlFor="organisationId" error={e("organisationId")}>
          <Select id="organisationId" aria-invalid={!!e("organisationId")} {...form.register("organisationId")}>
            <OrganisationOptions organisations={organisations} />
          </Select>
        </Field>
        <Field label="档案级别" htmlFor="fileLevel" error={e("fileLevel")}>
          <Select id="fileLevel" aria-invalid={!!e("fileLevel")} {...form.register("fileLevel")}>
            <Options labels={FILE_LEVEL_LABELS} />
          </Select>
        </Field>
        <Field label="职工类别" htmlFor="workerCategory" error={e("workerCategory")}>
          <Select id="workerCategory" aria-invalid={!!e("workerCategory")} {...form.register("workerCategory")}>
            <Options labels={WORKER_CATEGORY_LABELS} />
          </Select>
        </Field>
        <Field label="住房情况" htmlFor="housing" error={e("housing")}>
          <Select id="housing" aria-invalid={!!e("housing")} {...form.register("housing")}>
            <Options labels={HOUSING_LABELS} />
          </Select>
        </Field>
        <div className="space-y-1 md:col-span-2">
          <label className="mt-7 flex items-center gap-2 text-sm">
            <input type="checkbox" className="size-5" aria-invalid={!!e("holderUnionMember")} {...form.register("holderUnionMember")} />
            建档职工是工会会员
          </label>
          {e("holderUnionMember") && (
            <p role="alert" className="text-xs text-red-600">
              {e("holderUnionMember")}
            </p>
          )}
        </div>
      </div>
    </Card>
  );
}

function MembersSection({ form }: { form: TForm }) {
  const members = useFieldArray({ control: form.control, name: "members" });
  const e = (p: string) => errorAt(form, p);

  // The 18-digit form offered for a 15-digit old number, by member index, until the user accepts it.
  const [upgrades, setUpgrades] = useState<Record<number, string>>({});

  /**
   * On leaving the field: flags an invalid number at once (not only on save), offers the 18-digit
   * form of a 15-digit old number, and fills birth date and sex from a valid one when still empty.
   */
  const deriveFromId = (index: number) => {
    const raw = String(form.getValues(`members.${index}.residentId`) ?? "").trim();
    const upgraded = upgradeResidentId15(raw);
    setUpgrades((u) => {
      const next = { ...u };
      if (upgraded) next[index] = upgraded;
      else delete next[index];
      return next;
    });
    if (raw === "") {
      form.clearErrors(`members.${index}.residentId`);
      return;
    }
    const result = validateResidentId(raw);
    if (!result.ok) {
      form.setError(`members.${index}.residentId`, { type: "validate", message: upgraded ? "这是 15 位旧号码，请确认下方换算的 18 位号码。" : result.message });
      return;
    }
    form.clearErrors(`members.${index}.residentId`);
    if (!form.getValues(`members.${index}.birthDate`)) form.setValue(`members.${index}.birthDate`, result.birthDate);
    if (!form.getValues(`members.${index}.sex`)) form.setValue(`members.${index}.sex`, result.sex as never);
  };

  return (
    <Card
      title="家庭成员"
      actions={
        <Button variant="secondary" onClick={() => members.append({ ...EMPTY_MEMBER })} disabled={members.fields.length >= 15}>
          添加成员
        </Button>
      }
    >
      <div className="space-y-4">
        {members.fields.map((field, index) => {
          const p = (name: string) => `members.${index}.${name}`;
          return (
            <fieldset key={field.id} className="rounded-md border border-slate-200 p-4" data-testid={`member-${index}`}>
              <legend className="px-1 text-sm font-medium text-slate-700">{index === 0 ? "建档职工本人" : `家庭成员 ${index}`}</legend>
              <div className="grid gap-3 md:grid-cols-5">
                <Field label="姓名" htmlFor={p("name")} error={e(p("name"))}>
                  <Input id={p("name")} aria-invalid={!!e(p("name"))} {...form.register(`members.${index}.name`)} />
                </Field>
                <Field label="与建档职工关系" htmlFor={p("relation")} error={e(p("relation"))}>
                  {index === 0 ? (
                    <>
                      <input type="hidden" {...form.register("members.0.relation")} />
                      <p className="py-2 text-sm">本人</p>
                    </>
                  ) : (
                    <Select id={p("relation")} aria-invalid={!!e(p("relation"))} {...form.register(`members.${index}.relation`)}>
                      <Options labels={MEMBER_RELATION_LABELS} />
                    </Select>
                  )}
                </Field>
                <Field label="公民身份号码" htmlFor={p("residentId")} error={e(p("residentId"))}>
                  {/* A phone's numeric keypad has no X, the check character of one number in eleven: the X button types it. */}
                  <div className="flex gap-1">
                    <Input
                      id={p("residentId")}
                      maxLength={18}
                      autoComplete="off"
                      inputMode="numeric"
                      spellCheck={false}
                      aria-invalid={!!e(p("residentId"))}
                      {...form.register(`members.${index}.residentId`, { onBlur: () => deriveFromId(index) })}
                    />
                    <Button
                      variant="secondary"
                      className="md:hidden"
                      aria-label={`身份号码末位输入 X（成员 ${index + 1}）`}
                      onClick={() => {
                        const current = String(form.getValues(`members.${index}.residentId`) ?? "");
                        if (current.length < 18) form.setValue(`members.${index}.residentId`, `${current}X`);
                        deriveFromId(index);
                      }}
                    >
                      X
                    </Button>
                  </div>
                  {upgrades[index] && (
                    <div className="mt-1 rounded border border-amber-300 bg-amber-50 p-2 text-xs text-amber-900" data-testid={`resident-id-upgrade-${index}`}>
                      <p>
                        按国家标准换算的 18 位号码：<span className="font-mono break-all">{upgrades[index]}</span>
                      </p>
                      <Button
                        variant="secondary"
                        className="mt-1"
                        onClick={() => {
                          form.setValue(`members.${index}.residentId`, upgrades[index]!);
                          deriveFromId(index);
                        }}
                      >
                        改用 18 位号码
                      </Button>
                    </div>
                  )}
                </Field>
                <Field label="出生日期" htmlFor={p("birthDate")} error={e(p("birthDate"))}>
                  <Input id={p("birthDate")} type="date" aria-invalid={!!e(p("birthDate"))} {...form.register(`members.${index}.birthDate`)} />
                </Field>
                <Field label="性别" htmlFor={p("sex")} error={e(p("sex"))}>
                  <Select id={p("sex")} aria-invalid={!!e(p("sex"))} {...form.register(`members.${index}.sex`)}>
                    <Options labels={SEX_LABELS} />
                  </Select>
                </Field>
                <Field label="健康状况" htmlFor={p("health")} error={e(p("health"))}>
                  <Select id={p("health")} aria-invalid={!!e(p("health"))} {...form.register(`members.${index}.health`)}>
                    <Options labels={HEALTH_LABELS} />
                  </Select>
                </Field>
                <Field label="残疾等级" htmlFor={p("disabilityGrade")} error={e(p("disabilityGrade"))} hint="残疾人员填写 1–4 级">
                  <Select id={p("disabilityGrade")} aria-invalid={!!e(p("disabilityGrade"))} {...form.register(`members.${index}.disabilityGrade`)}>
                    <Options labels={{ "1": "一级", "2": "二级", "3": "三级", "4": "四级" }} placeholder="无" />
                  </Select>
                </Field>
                <Field label="在学情况" htmlFor={p("education")} error={e(p("education"))}>
                  <Select id={p("education")} aria-invalid={!!e(p("education"))} {...form.register(`members.${index}.education`)}>
                    <Options labels={EDUCATION_LABELS} />
                  </Select>
                </Field>
                <Field label="就业状况" htmlFor={p("employment")} error={e(p("employment"))}>
                  <Select id={p("employment")} aria-invalid={!!e(p("employment"))} {...form.register(`members.${index}.employment`)}>
                    <Options labels={EMPLOYMENT_LABELS} />
                  </Select>
                </Field>
                <div className="flex items-end justify-between gap-2">
                  <label className="flex items-center gap-2 pb-2 text-sm">
                    <input type="checkbox" {...form.register(`members.${index}.livesInHousehold`)} />
                    共同生活
                  </label>
                  {index > 0 && (
                    <Button variant="ghost" onClick={() => members.remove(index)}>
                      移除
                    </Button>
                  )}
                </div>
              </div>
            </fieldset>
          );
        })}
      </div>
    </Card>
  );
}

function MoneySection({ form }: { form: TForm }) {
  const suddenEvent = useWatch({ control: form.control, name: "suddenEvent" });
  const e = (p: string) => errorAt(form, p);
  return (
    <Card title="二、家庭收支">
      <IncomeExpenseEditor form={form as unknown as UseFormReturn<TMoneyFields>} errorAt={e} />
      <div className="mt-6 space-y-3 rounded-md bg-slate-50 p-4">
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" {...form.register("suddenEvent")} />
          本年度发生突发事件（大病、意外事故、灾害等）
        </label>
        {suddenEvent && (
          <div className="grid gap-3 md:grid-cols-2">
            <Field label="突发事件说明" htmlFor="suddenEventNote" error={e("suddenEventNote")}>
              <Input id="suddenEventNote" aria-invalid={!!e("suddenEventNote")} {...form.register("suddenEventNote")} />
            </Field>
            <Field label="造成的损失或刚性支出（元）" htmlFor="suddenEventLossFen" error={e("suddenEventLossFen")}>
              <Input
                id="suddenEventLossFen"
                aria-invalid={!!e("suddenEventLossFen")}
                inputMode="decimal"
                autoComplete="off"
                {...form.register("suddenEventLossFen" as never)}
              />
            </Field>
          </div>
        )}
      </div>
    </Card>
  );
}

function CausesSection({ form }: { form: TForm }) {
  const mainCause = useWatch({ control: form.control, name: "mainCause" });
  const e = (p: string) => errorAt(form, p);
  return (
    <Card title="三、致困原因与困难需求">
      <div className="grid gap-4 md:grid-cols-3">
        <Field label="主要致困原因" htmlFor="mainCause" error={e("mainCause")}>
          <Select id="mainCause" aria-invalid={!!e("mainCause")} {...form.register("mainCause")}>
            <Options labels={CAUSE_LABELS} />
          </Select>
        </Field>
        <fieldset className="md:col-span-2">
          <legend className="text-sm font-medium text-slate-700">次要致困原因（最多 3 项）</legend>
          <div className="mt-2 flex flex-wrap gap-4">
            {Object.entries(CAUSE_LABELS).map(([value, label]) => (
              <label key={value} className={`flex items-center gap-1.5 text-sm ${value === mainCause ? "text-slate-500" : ""}`}>
                <input type="checkbox" value={value} disabled={value === mainCause} {...form.register("secondaryCauses")} />
                {label}
              </label>
            ))}
          </div>
          {e("secondaryCauses") && (
            <p role="alert" className="mt-1 text-xs text-red-600">
              {e("secondaryCauses")}
            </p>
          )}
        </fieldset>
        <div className="md:col-span-3">
          <Field label="当前困难需求" htmlFor="needs" error={e("needs")}>
            <textarea id="needs" rows={3} className={inputClass} aria-invalid={!!e("needs")} {...form.register("needs")} />
          </Field>
        </div>
      </div>
    </Card>
  );
}

function TierSection({ form, organisations, policies }: { form: TForm; organisations: TOrgOption[]; policies: TPolicyByRegion }) {
  const values = useWatch({ control: form.control }) as TFilingFormValues;
  const e = (p: string) => errorAt(form, p);
  const org = organisations.find((o) => o.id === values.organisationId);
  const policy = org ? policies[org.regionCode] : undefined;
  // The same figures the server computes (lib/filing/figures.ts); nothing until an income is typed.
  const figures = typedHouseholdFigures(values);
  const suggestion = policy && figures ? suggestTier({ ...figures, hasSuddenEvent: !!values.suddenEvent, policy }) : null;
  return (
    <Card title="困难类别">
      <div className="grid gap-6 md:grid-cols-2">
        <div className="rounded-md bg-sky-50 p-4 text-sm text-sky-900" data-testid="tier-suggestion">
          {suggestion ? (
            <p className="font-medium">系统建议：{suggestion.tier ? TIER_LABELS[suggestion.tier] : "不符合困难职工认定条件"}</p>
          ) : (
            <p className="font-medium">{policy ? "填写家庭收入后，这里显示系统建议的困难类别。" : "请先选择建档单位。"}</p>
          )}
          <ul className="mt-2 list-disc space-y-1 pl-5 text-xs">
            {suggestion?.steps.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
          {policy && (
            <p className="mt-2 text-xs text-sky-700">
              依据：{policy.onDate} 适用于行政区划 {policy.dibaoRegionCode} 的低保标准和认定参数。系统只作建议，困难类别由审批人审定。
            </p>
          )}
        </div>
        <Field label="建议困难类别（提交时填写）" htmlFor="proposedTier" error={e("proposedTier")}>
          <Select id="proposedTier" aria-invalid={!!e("proposedTier")} {...form.register("proposedTier")}>
            <Options labels={TIER_LABELS} />
          </Select>
        </Field>
      </div>
    </Card>
  );
}
