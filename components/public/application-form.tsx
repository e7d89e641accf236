"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRef, useState } from "react";
import { useFieldArray, useForm, type Path, type UseFormReturn } from "react-hook-form";
import { focusFirstError } from "@/components/forms/focus-first-error";
import { IncomeExpenseEditor, type TMoneyFields } from "@/components/filing/income-expense-editor";
import { Field, Input, inputClass, Select } from "@/components/ui/field";
import { Alert } from "@/components/ui/page";
import type { TActionResult } from "@/lib/actions/result";
import { CAUSE_LABELS, WORKER_CATEGORY_LABELS } from "@/lib/labels/household-file";
import { EDUCATION_LABELS, EMPLOYMENT_LABELS, HEALTH_LABELS, HOUSING_LABELS, RELATION_LABELS } from "@/lib/filing/labels";
import { searchUnionsAction } from "@/lib/public/actions";
import { APPLICATION_CONSENT_LABEL, APPLICATION_CONSENT_PARAGRAPHS, APPLICATION_CONSENT_TITLE } from "@/lib/public/application-consent";
import { applicationFormData } from "@/lib/public/application-form-data";
import { APPLICATION_UPLOAD_KIND_LABELS, ZApplicationData, type TApplicationFormValues } from "@/lib/public/application-schemas";
import { PUBLIC_APPLICATION_LIMITS } from "@/lib/public/limits";
import type { TUnionChoice } from "@/lib/public/search-unions";
import type { TSubmittedApplication } from "@/lib/public/submit-application";
import { APPLICATION_UPLOAD_LIMIT, megabytes, type TUploadLimit } from "@/lib/uploads/limits";
import { fileTooLarge, postUpload, UPLOAD_PATHS } from "@/lib/uploads/post-upload";

// 网上申请 (issue 24 §2): one page a worker fills in on a phone. Checked in the browser with the
// server's own schema (lib/public/application-schemas.ts); the files go with the form in one
// request to the public upload route, where they pass the evidence checks.

const big = "min-h-12 text-base";
const sectionClass = "space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm";

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

const emptyMember = (relation = "") => ({
  name: "",
  relation,
  residentId: "",
  health: "",
  disabilityGrade: "",
  education: "",
  employment: "",
  livesInHousehold: true,
});

type TUploadRow = { key: string; kind: string; file: File | null };

export function ApplicationForm({ evidenceLimit }: { evidenceLimit: TUploadLimit }) {
  const [done, setDone] = useState<TSubmittedApplication | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [union, setUnion] = useState<TUnionChoice | null>(null);
  const [uploads, setUploads] = useState<TUploadRow[]>([
    { key: "id", kind: "OTHER", file: null },
    { key: "application", kind: "APPLICATION", file: null },
  ]);
  const [uploadErrors, setUploadErrors] = useState<Record<string, string>>({});
  const inFlight = useRef(false);
  const formRef = useRef<HTMLFormElement>(null);
  const form = useForm<TApplicationFormValues>({
    resolver: zodResolver(ZApplicationData) as never,
    defaultValues: {
      organisationId: "",
      workerCategory: "",
      housing: "",
      holderUnionMember: false,
      members: [emptyMember("SELF")],
      incomes: [],
      expenditures: [],
      suddenEvent: false,
      mainCause: "",
      secondaryCauses: [],
      needs: "",
      contactPhone: "",
      consent: false as unknown as true,
    } as unknown as TApplicationFormValues,
  });
  const members = useFieldArray({ control: form.control, name: "members" });
  const { errors, isSubmitting } = form.formState;
  const errorAt = (path: string): string | undefined => {
    let node: unknown = errors;
    for (const part of path.split(".")) node = (node as Record<string, unknown> | undefined)?.[part];
    return (node as { message?: string } | undefined)?.message;
  };

  const checkUploads = (): Record<string, string> => {
    const problems: Record<string, string> = {};
    const chosen = uploads.filter((u) => u.file);
    if (chosen.length === 0) problems.uploads = "请至少上传身份证照片和签字的申请书";
    uploads.forEach((u, i) => {
      const tooLarge = fileTooLarge(u.file, evidenceLimit);
      if (tooLarge) problems[`uploads.${i}.file`] = tooLarge;
    });
    const total = chosen.reduce((sum, u) => sum + u.file!.size, 0);
    if (total > PUBLIC_APPLICATION_LIMITS.maxTotalBytes)
      problems.uploads = `所有文件合计超过 ${megabytes(PUBLIC_APPLICATION_LIMITS.maxTotalBytes)}，请压缩后再上传`;
    return problems;
  };

  const onSubmit = form.handleSubmit(
    async () => {
      if (inFlight.current) return;
      setMessage(null);
      const problems = checkUploads();
      setUploadErrors(problems);
      if (Object.keys(problems).length > 0) {
        setMessage("请检查上传的材料。");
        return;
      }
      inFlight.current = true;
      try {
        // The typed values go as typed (yuan strings): the server parses them with the same schema.
        const chosen = uploads.filter((u): u is TUploadRow & { file: File } => !!u.file);
        const result: TActionResult<TSubmittedApplication> = await postUpload(
          UPLOAD_PATHS.application,
          applicationFormData(
            form.getValues(),
            chosen.map((u) => ({ kind: u.kind, file: u.file })),
          ),
          APPLICATION_UPLOAD_LIMIT,
        );
        if (result.ok) {
          setDone(result.data);
          window.scrollTo({ top: 0 });
          return;
        }
        // Field errors come back as the server's paths: data.… for the form, uploads.… for the files.
        const fileProblems: Record<string, string> = {};
        for (const [field, text] of Object.entries(result.fieldErrors ?? {})) {
          if (field.startsWith("uploads")) {
            // The server counts chosen files; the page shows rows, some of them empty.
            const match = /^uploads\.(\d+)\.file$/.exec(field);
            const row = match ? uploads.indexOf(chosen[Number(match[1])]!) : -1;
            fileProblems[row >= 0 ? `uploads.${row}.file` : "uploads"] = text;
          } else {
            form.setError(field.replace(/^data\./, "") as Path<TApplicationFormValues>, { type: "server", message: text });
          }
        }
        setUploadErrors(fileProblems);
        setMessage(result.error);
        focusFirstError(formRef.current);
      } finally {
        inFlight.current = false;
      }
    },
    () => {
      setUploadErrors(checkUploads());
      setMessage("提交的内容有误，请检查标红的项目。");
      focusFirstError(formRef.current);
    },
  );

  if (done) return <Submitted application={done} />;

  const health = form.watch("members");
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-5" noValidate aria-label="网上申请">
      {message && <Alert>{message}</Alert>}

      <section className={sectionClass} aria-labelledby="step-union">
        <h2 id="step-union" className="text-lg font-semibold">
          1. 选择工会
        </h2>
        <UnionPicker
          union={union}
          error={errorAt("organisationId")}
          onChoose={(choice) => {
            setUnion(choice);
            form.setValue("organisationId", choice?.id ?? "", { shouldValidate: !!choice });
          }}
        />
      </section>

      <section className={sectionClass} aria-labelledby="step-members">
        <h2 id="step-members" className="text-lg font-semibold">
          2. 申请人和家庭成员
        </h2>
        <p className="text-sm text-slate-600">第一位是申请人（工会会员职工本人）。出生日期和性别从身份证号码读出，不必填写。</p>
        {members.fields.map((field, index) => (
          <fieldset key={field.id} className="space-y-3 rounded-md border border-slate-200 p-3" data-testid={`member-${index}`}>
            <legend className="px-1 text-base font-medium">{index === 0 ? "申请人本人" : `家庭成员 ${index}`}</legend>
            <Field label="姓名" htmlFor={`m-${index}-name`} error={errorAt(`members.${index}.name`)}>
              <Input
                id={`m-${index}-name`}
                autoComplete={index === 0 ? "name" : "off"}
                className={big}
                aria-invalid={!!errorAt(`members.${index}.name`)}
                {...form.register(`members.${index}.name`)}
              />
            </Field>
            {index > 0 && (
              <Field label="与申请人的关系" htmlFor={`m-${index}-relation`} error={errorAt(`members.${index}.relation`)}>
                <Select
                  id={`m-${index}-relation`}
                  className={big}
                  aria-invalid={!!errorAt(`members.${index}.relation`)}
                  {...form.register(`members.${index}.relation`)}
                >
                  <Options labels={Object.fromEntries(Object.entries(RELATION_LABELS).filter(([k]) => k !== "SELF"))} />
                </Select>
              </Field>
            )}
            <Field label="身份证号码" htmlFor={`m-${index}-id`} error={errorAt(`members.${index}.residentId`)}>
              <Input
                id={`m-${index}-id`}
                autoComplete="off"
                className={big}
                aria-invalid={!!errorAt(`members.${index}.residentId`)}
                {...form.register(`members.${index}.residentId`)}
              />
            </Field>
            <div className="grid gap-3 sm:grid-cols-3">
              <Field label="健康状况" htmlFor={`m-${index}-health`} error={errorAt(`members.${index}.health`)}>
                <Select id={`m-${index}-health`} className={big} {...form.register(`members.${index}.health`)}>
                  <Options labels={HEALTH_LABELS} />
                </Select>
              </Field>
              <Field label="在学情况" htmlFor={`m-${index}-education`} error={errorAt(`members.${index}.education`)}>
                <Select id={`m-${index}-education`} className={big} {...form.register(`members.${index}.education`)}>
                  <Options labels={EDUCATION_LABELS} />
                </Select>
              </Field>
              <Field label="就业状况" htmlFor={`m-${index}-employment`} error={errorAt(`members.${index}.employment`)}>
                <Select id={`m-${index}-employment`} className={big} {...form.register(`members.${index}.employment`)}>
                  <Options labels={EMPLOYMENT_LABELS} />
                </Select>
              </Field>
            </div>
            {health?.[index]?.health === "DISABLED" && (
              <Field label="残疾等级（1–4 级）" htmlFor={`m-${index}-grade`} error={errorAt(`members.${index}.disabilityGrade`)}>
                <Input id={`m-${index}-grade`} inputMode="numeric" className={big} {...form.register(`members.${index}.disabilityGrade`)} />
              </Field>
            )}
            <label className="flex min-h-12 items-center gap-3 text-base">
              <input type="checkbox" className="size-5" {...form.register(`members.${index}.livesInHousehold`)} />
              在户内共同生活
            </label>
            {index > 0 && (
              <button type="button" onClick={() => members.remove(index)} className="min-h-12 rounded-md px-3 text-base text-red-700 hover:bg-red-50">
                删除这位家庭成员
              </button>
            )}
          </fieldset>
        ))}
        {errorAt("members") && (
          <p role="alert" className="text-sm text-red-600">
            {errorAt("members")}
          </p>
        )}
        {members.fields.length < 15 && (
          <button
            type="button"
            onClick={() => members.append(emptyMember())}
            className="min-h-12 w-full rounded-md border border-slate-300 bg-white px-4 text-base font-medium"
          >
            添加家庭成员
          </button>
        )}
      </section>

      <section className={sectionClass} aria-labelledby="step-money">
        <h2 id="step-money" className="text-lg font-semibold">
          3. 家庭收入和支出
        </h2>
        <p className="text-sm text-slate-600">按全家合计填写：每月收入（元/月）和每年必须支出的医疗、教育等费用（元/年）。没有的可以不填。</p>
        <IncomeExpenseEditor form={form as unknown as UseFormReturn<TMoneyFields>} errorAt={errorAt} />
      </section>

      <section className={sectionClass} aria-labelledby="step-cause">
        <h2 id="step-cause" className="text-lg font-semibold">
          4. 家庭情况和困难原因
        </h2>
        <Field label="主要致困原因" htmlFor="a-cause" error={errorAt("mainCause")}>
          <Select id="a-cause" className={big} aria-invalid={!!errorAt("mainCause")} {...form.register("mainCause")}>
            <Options labels={CAUSE_LABELS} />
          </Select>
        </Field>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="职工类别" htmlFor="a-category" error={errorAt("workerCategory")}>
            <Select id="a-category" className={big} {...form.register("workerCategory")}>
              <Options labels={WORKER_CATEGORY_LABELS} />
            </Select>
          </Field>
          <Field label="住房情况" htmlFor="a-housing" error={errorAt("housing")}>
            <Select id="a-housing" className={big} {...form.register("housing")}>
              <Options labels={HOUSING_LABELS} />
            </Select>
          </Field>
        </div>
        <label className="flex min-h-12 items-center gap-3 text-base">
          <input type="checkbox" className="size-5" {...form.register("holderUnionMember")} />
          申请人是工会会员
        </label>
        <Field label="困难情况和需要的帮助" htmlFor="a-needs" error={errorAt("needs")}>
          <textarea id="a-needs" rows={4} className={`${inputClass} text-base`} {...form.register("needs")} />
        </Field>
        <Field label="联系电话" htmlFor="a-phone" error={errorAt("contactPhone")} hint="工会联系您核实情况用">
          <Input id="a-phone" type="tel" autoComplete="tel" className={big} aria-invalid={!!errorAt("contactPhone")} {...form.register("contactPhone")} />
        </Field>
      </section>

      <section className={sectionClass} aria-labelledby="step-files">
        <h2 id="step-files" className="text-lg font-semibold">
          5. 上传材料
        </h2>
        <p className="text-sm text-slate-600">
          拍照或扫描后上传：身份证正反面、签字的申请书，因病申请的请上传诊断证明或医疗票据。每个文件 {evidenceLimit.hint}；最多{" "}
          {PUBLIC_APPLICATION_LIMITS.maxFiles} 个，合计不超过 {megabytes(PUBLIC_APPLICATION_LIMITS.maxTotalBytes)}。
        </p>
        {uploads.map((row, index) => (
          <div key={row.key} className="space-y-2 rounded-md border border-slate-200 p-3" data-testid={`upload-${index}`}>
            <Field label={`材料 ${index + 1} 的类别`} htmlFor={`u-${row.key}-kind`}>
              <Select
                id={`u-${row.key}-kind`}
                className={big}
                value={row.kind}
                onChange={(e) => setUploads(uploads.map((u) => (u.key === row.key ? { ...u, kind: e.target.value } : u)))}
              >
                {Object.entries(APPLICATION_UPLOAD_KIND_LABELS).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label={`材料 ${index + 1} 的文件`} htmlFor={`u-${row.key}-file`} error={uploadErrors[`uploads.${index}.file`]}>
              <input
                id={`u-${row.key}-file`}
                type="file"
                accept="application/pdf,image/jpeg,image/png"
                className="block min-h-12 w-full text-base file:mr-3 file:min-h-11 file:rounded-md file:border-0 file:bg-slate-100 file:px-3"
                onChange={(e) => {
                  const file = e.target.files?.[0] ?? null;
                  setUploads(uploads.map((u) => (u.key === row.key ? { ...u, file } : u)));
                  const tooLarge = fileTooLarge(file, evidenceLimit);
                  setUploadErrors((prev) => {
                    const next = { ...prev };
                    delete next[`uploads.${index}.file`];
                    if (tooLarge) next[`uploads.${index}.file`] = tooLarge;
                    return next;
                  });
                }}
              />
            </Field>
            {uploads.length > 1 && (
              <button
                type="button"
                onClick={() => setUploads(uploads.filter((u) => u.key !== row.key))}
                className="min-h-12 rounded-md px-3 text-base text-red-700 hover:bg-red-50"
              >
                删除这份材料
              </button>
            )}
          </div>
        ))}
        {uploadErrors.uploads && (
          <p role="alert" className="text-sm text-red-600">
            {uploadErrors.uploads}
          </p>
        )}
        {uploads.length < PUBLIC_APPLICATION_LIMITS.maxFiles && (
          <button
            type="button"
            onClick={() => setUploads([...uploads, { key: crypto.randomUUID(), kind: "DIAGNOSIS", file: null }])}
            className="min-h-12 w-full rounded-md border border-slate-300 bg-white px-4 text-base font-medium"
          >
            再添加一份材料
          </button>
        )}
      </section>

      <section className={sectionClass} aria-labelledby="step-consent">
        <h2 id="step-consent" className="text-lg font-semibold">
          6. {APPLICATION_CONSENT_TITLE}
        </h2>
        <div className="space-y-2 text-sm text-slate-700">
          {APPLICATION_CONSENT_PARAGRAPHS.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
        <label className="flex items-start gap-3 text-base">
          <input type="checkbox" className="mt-1 size-5 shrink-0" aria-invalid={!!errorAt("consent")} {...form.register("consent")} />
          <span>{APPLICATION_CONSENT_LABEL}</span>
        </label>
        {errorAt("consent") && (
          <p role="alert" className="text-sm text-red-600">
            {errorAt("consent")}
          </p>
        )}
      </section>

      <button
        type="submit"
        disabled={isSubmitting}
        className="min-h-12 w-full rounded-md bg-brand-700 px-4 text-base font-semibold text-white hover:bg-brand-800 disabled:bg-brand-700/50"
      >
        {isSubmitting ? "正在提交，请稍候…" : "提交申请"}
      </button>
    </form>
  );
}

function UnionPicker({ union, error, onChoose }: { union: TUnionChoice | null; error?: string; onChoose: (choice: TUnionChoice | null) => void }) {
  const [name, setName] = useState("");
  const [results, setResults] = useState<TUnionChoice[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [searching, setSearching] = useState(false);
  const search = async () => {
    setProblem(null);
    setSearching(true);
    try {
      const result = await searchUnionsAction({ name });
      if (!result.ok) {
        setProblem(result.fieldErrors?.name ?? result.error);
        setResults(null);
        return;
      }
      setResults(result.data);
    } finally {
      setSearching(false);
    }
  };
  if (union) {
    return (
      <div className="flex flex-wrap items-center justify-between gap-2 rounded-md bg-brand-50 p-3" data-testid="chosen-union">
        <div>
          <p className="text-base font-medium">{union.name}</p>
          {union.parentName && <p className="text-sm text-slate-600">上级：{union.parentName}</p>}
        </div>
        <button type="button" onClick={() => onChoose(null)} className="min-h-12 rounded-md border border-slate-300 bg-white px-4 text-base">
          重新选择
        </button>
      </div>
    );
  }
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600">输入您所在单位工会名称中的两个字以上，例如单位名称或“环卫”，从结果中选择。</p>
      <Field label="工会名称" htmlFor="union-name" error={problem ?? error}>
        <div className="flex gap-2">
          <Input
            id="union-name"
            className={big}
            value={name}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                void search();
              }
            }}
          />
          <button
            type="button"
            onClick={() => void search()}
            disabled={searching}
            className="min-h-12 shrink-0 rounded-md bg-brand-700 px-4 text-base font-medium text-white"
          >
            {searching ? "查找中…" : "查找"}
          </button>
        </div>
      </Field>
      {results && results.length === 0 && <p className="text-sm text-slate-700">没有找到名称含“{name}”的基层工会。请换个字再试，或致电当地总工会。</p>}
      {results && results.length > 0 && (
        <ul className="space-y-2" aria-label="查找结果">
          {results.map((r) => (
            <li key={r.id}>
              <button
                type="button"
                onClick={() => onChoose(r)}
                className="block min-h-12 w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-left text-base hover:border-brand-600"
              >
                {r.name}
                {r.parentName && <span className="block text-sm text-slate-600">{r.parentName}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Submitted({ application }: { application: TSubmittedApplication }) {
  return (
    <div className="space-y-4 rounded-lg border border-green-200 bg-white p-4 shadow-sm" data-testid="application-submitted">
      <h2 className="text-xl font-semibold text-green-800">申请已提交</h2>
      <p className="text-base">您的申请已提交给 {application.unionName}。请记下下面的申请编号和查询码，凭它们在“查询进度”页面查看办理情况。</p>
      <dl className="space-y-3 rounded-md bg-slate-50 p-4">
        <div>
          <dt className="text-sm text-slate-600">申请编号</dt>
          <dd className="font-mono text-2xl font-semibold tracking-wider" data-testid="application-number">
            {application.number}
          </dd>
        </div>
        <div>
          <dt className="text-sm text-slate-600">查询码</dt>
          <dd className="font-mono text-2xl font-semibold tracking-wider" data-testid="application-code">
            {application.code}
          </dd>
        </div>
      </dl>
      <p className="text-sm font-medium text-amber-800">查询码只显示这一次，系统不保存原文，遗失后无法找回。请抄写或截屏保存，不要告诉他人。</p>
      <a
        href="/public/query?tab=application"
        className="flex min-h-12 items-center justify-center rounded-md border border-slate-300 bg-white px-4 text-base font-medium"
      >
        去查询进度
      </a>
    </div>
  );
}
