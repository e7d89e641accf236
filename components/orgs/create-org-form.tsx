"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { createOrganisationAction } from "@/lib/organisations/actions";
import { applyServerErrors } from "@/components/forms/server-errors";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { Alert } from "@/components/ui/page";
import { ORG_LEVEL_LABELS, ORG_LEVELS, ZCreateOrganisationInput, type TCreateOrganisationInput } from "@/lib/organisations/schemas";
import { regionsWithinLabel } from "@/lib/policy/regions";

export function CreateOrgForm({
  parentId,
  defaultLevel,
  defaultRegionCode,
}: {
  parentId: string;
  defaultLevel: TCreateOrganisationInput["level"];
  defaultRegionCode: string;
}) {
  const router = useRouter();
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const form = useForm<z.input<typeof ZCreateOrganisationInput>, unknown, TCreateOrganisationInput>({
    resolver: zodResolver(ZCreateOrganisationInput),
    defaultValues: { parentId, name: "", code: "", level: defaultLevel, regionCode: defaultRegionCode, servicePhone: "" },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    const result = await createOrganisationAction(values);
    if (!result.ok) {
      setMessage({ tone: "error", text: applyServerErrors(result, form.setError) ?? "" });
      return;
    }
    setMessage({ tone: "success", text: `已新建下级组织「${values.name}」。` });
    form.reset({ ...values, name: "", code: "", servicePhone: "" });
    router.refresh();
  });

  return (
    <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-2" noValidate>
      <input type="hidden" {...form.register("parentId")} />
      {message && (
        <div className="sm:col-span-2">
          <Alert tone={message.tone}>{message.text}</Alert>
        </div>
      )}
      <Field label="组织名称" htmlFor="org-name" error={errors.name?.message}>
        <Input id="org-name" aria-invalid={!!errors.name} {...form.register("name")} />
      </Field>
      <Field label="组织代码" htmlFor="org-code" error={errors.code?.message} hint="用于档案编号，如 GSLZCG03">
        <Input id="org-code" aria-invalid={!!errors.code} {...form.register("code")} />
      </Field>
      <Field label="层级" htmlFor="org-level" error={errors.level?.message}>
        <Select id="org-level" {...form.register("level")}>
          {ORG_LEVELS.filter((l) => l !== "NATIONAL").map((level) => (
            <option key={level} value={level}>
              {ORG_LEVEL_LABELS[level]}
            </option>
          ))}
        </Select>
      </Field>
      <Field
        label="行政区划代码"
        htmlFor="org-region"
        error={errors.regionCode?.message}
        hint={`6 位，决定适用的低保标准；须在上级组织的地区内：${regionsWithinLabel(defaultRegionCode)}`}
      >
        <Input id="org-region" inputMode="numeric" aria-invalid={!!errors.regionCode} {...form.register("regionCode")} />
      </Field>
      <Field label="服务电话（选填）" htmlFor="org-phone" error={errors.servicePhone?.message} hint="印在建档告知书上；不填则用上级工会的服务电话">
        <Input id="org-phone" inputMode="tel" aria-invalid={!!errors.servicePhone} {...form.register("servicePhone")} />
      </Field>
      <div className="sm:col-span-2">
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? "正在保存……" : "新建下级组织"}
        </Button>
      </div>
    </form>
  );
}
