"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { createUserAction } from "@/lib/users/actions";
import { applyServerErrors } from "@/components/forms/server-errors";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { OrganisationOptions } from "@/components/ui/organisation-options";
import { Alert } from "@/components/ui/page";
import { ROLE_LABELS } from "@/lib/auth/actor";
import { dualRoleWarning } from "@/lib/users/rules";
import { ROLE_VALUES, ZCreateUserInput, type TCreateUserInput } from "@/lib/users/schemas";

type TOrgOption = { id: string; name: string; depth: number };

export function CreateUserForm({ organisations }: { organisations: TOrgOption[] }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<TCreateUserInput>({
    resolver: zodResolver(ZCreateUserInput),
    defaultValues: { username: "", name: "", organisationId: organisations[0]?.id ?? "", roles: ["CASEWORKER"], password: "" },
  });
  const { errors, isSubmitting } = form.formState;
  const watchedRoles = useWatch({ control: form.control, name: "roles" });

  const onSubmit = form.handleSubmit(async (values) => {
    const result = await createUserAction(values);
    if (!result.ok) {
      setError(applyServerErrors(result, form.setError));
      return;
    }
    router.push(`/admin/users/${result.data.id}?created=1`);
  });

  return (
    <form onSubmit={onSubmit} className="grid max-w-2xl gap-4 sm:grid-cols-2" noValidate>
      {error && (
        <div className="sm:col-span-2">
          <Alert>{error}</Alert>
        </div>
      )}
      <Field label="登录名" htmlFor="username" error={errors.username?.message} hint="小写字母、数字、下划线">
        <Input id="username" autoComplete="off" aria-invalid={!!errors.username} {...form.register("username")} />
      </Field>
      <Field label="姓名" htmlFor="name" error={errors.name?.message}>
        <Input id="name" aria-invalid={!!errors.name} {...form.register("name")} />
      </Field>
      <Field label="所属组织" htmlFor="organisationId" error={errors.organisationId?.message}>
        <Select id="organisationId" {...form.register("organisationId")}>
          <OrganisationOptions organisations={organisations} />
        </Select>
      </Field>
      <Field label="初始密码" htmlFor="password" error={errors.password?.message} hint="至少 10 位，含字母和数字">
        <Input id="password" type="password" autoComplete="new-password" aria-invalid={!!errors.password} {...form.register("password")} />
      </Field>
      <fieldset className="sm:col-span-2">
        <legend className="text-sm font-medium text-slate-700">角色</legend>
        <div className="mt-2 flex flex-wrap gap-4">
          {ROLE_VALUES.map((role) => (
            <label key={role} className="flex items-center gap-2 text-sm">
              <input type="checkbox" value={role} {...form.register("roles")} />
              {ROLE_LABELS[role]}
            </label>
          ))}
        </div>
        {errors.roles && (
          <p role="alert" className="mt-1 text-xs text-red-600">
            {errors.roles.message ?? errors.roles.root?.message}
          </p>
        )}
        {dualRoleWarning(watchedRoles ?? []) && (
          <p className="mt-2 rounded border border-amber-300 bg-amber-50 p-2 text-xs text-amber-900" data-testid="dual-role-warning">
            {dualRoleWarning(watchedRoles ?? [])}
          </p>
        )}
      </fieldset>
      <div className="sm:col-span-2">
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? "正在保存……" : "新建用户"}
        </Button>
      </div>
    </form>
  );
}
