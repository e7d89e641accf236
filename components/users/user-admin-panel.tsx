"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { resetUserPasswordAction, setUserActiveAction, setUserRolesAction, unlockUserAction } from "@/lib/users/actions";
import { applyServerErrors } from "@/components/forms/server-errors";
import { Button } from "@/components/ui/button";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { Field, Input } from "@/components/ui/field";
import { Alert, Card } from "@/components/ui/page";
import { ROLE_LABELS } from "@/lib/auth/actor";
import type { Role } from "@/lib/generated/prisma/enums";
import { dualRoleWarning } from "@/lib/users/rules";
import { ROLE_VALUES, ZResetPasswordInput, ZSetUserRolesInput, type TResetPasswordInput, type TSetUserRolesInput } from "@/lib/users/schemas";

type TUser = { id: string; name: string; roles: Role[]; active: boolean; locked: boolean; rolesLockedReason: string | null };

export function UserAdminPanel({ user }: { user: TUser }) {
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card title="账户状态">
        <div className="flex flex-wrap gap-2">
          {user.active ? (
            <ConfirmAction
              label="停用账户"
              title={`停用 ${user.name} 的账户？`}
              message="停用后该用户会立即退出登录，且不能再登录，直到重新启用。"
              confirmLabel="停用"
              variant="danger"
              run={() => setUserActiveAction({ userId: user.id, active: false })}
            />
          ) : (
            <ConfirmAction
              label="启用账户"
              title={`启用 ${user.name} 的账户？`}
              message="启用后该用户可以重新登录。"
              confirmLabel="启用"
              run={() => setUserActiveAction({ userId: user.id, active: true })}
            />
          )}
          {user.locked && (
            <ConfirmAction
              label="解除锁定"
              title="解除登录锁定？"
              message="账户因连续输错密码被锁定。解除后该用户可立即再次尝试登录。"
              confirmLabel="解除锁定"
              run={() => unlockUserAction({ userId: user.id })}
            />
          )}
        </div>
      </Card>
      <RolesForm user={user} />
      <ResetPasswordForm userId={user.id} />
    </div>
  );
}

function RolesForm({ user }: { user: TUser }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const form = useForm<TSetUserRolesInput>({ resolver: zodResolver(ZSetUserRolesInput), defaultValues: { userId: user.id, roles: user.roles } });
  const onSubmit = form.handleSubmit(async (values) => {
    const result = await setUserRolesAction(values);
    setMessage(
      result.ok ? { tone: "success", text: "角色已更新，该用户需重新登录。" } : { tone: "error", text: applyServerErrors(result, form.setError) ?? "" },
    );
    if (result.ok) router.refresh();
  });
  const error = form.formState.errors.roles;
  const watchedRoles = useWatch({ control: form.control, name: "roles" });
  return (
    <Card title="角色">
      <form onSubmit={onSubmit} className="space-y-3" noValidate>
        {message && <Alert tone={message.tone}>{message.text}</Alert>}
        <div className="flex flex-wrap gap-4">
          {ROLE_VALUES.map((role) => (
            <label key={role} className="flex items-center gap-2 text-sm">
              <input type="checkbox" value={role} disabled={!!user.rolesLockedReason} {...form.register("roles")} />
              {ROLE_LABELS[role]}
            </label>
          ))}
        </div>
        {error && (
          <p role="alert" className="text-xs text-red-600">
            {error.message ?? error.root?.message}
          </p>
        )}
        {dualRoleWarning(watchedRoles ?? []) && (
          <p className="rounded border border-amber-300 bg-amber-50 p-2 text-xs text-amber-900" data-testid="dual-role-warning">
            {dualRoleWarning(watchedRoles ?? [])}
          </p>
        )}
        {user.rolesLockedReason && <p className="text-sm text-slate-500">{user.rolesLockedReason}</p>}
        <Button type="submit" variant="secondary" disabled={form.formState.isSubmitting || !!user.rolesLockedReason}>
          保存角色
        </Button>
      </form>
    </Card>
  );
}

function ResetPasswordForm({ userId }: { userId: string }) {
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const form = useForm<TResetPasswordInput>({ resolver: zodResolver(ZResetPasswordInput), defaultValues: { userId, password: "" } });
  const onSubmit = form.handleSubmit(async (values) => {
    const result = await resetUserPasswordAction(values);
    setMessage(
      result.ok
        ? { tone: "success", text: "密码已重置，账户已解锁，该用户需用新密码登录。" }
        : { tone: "error", text: applyServerErrors(result, form.setError) ?? "" },
    );
    if (result.ok) form.reset({ userId, password: "" });
  });
  return (
    <Card title="重置密码">
      <form onSubmit={onSubmit} className="space-y-3" noValidate>
        {message && <Alert tone={message.tone}>{message.text}</Alert>}
        <Field label="新密码" htmlFor="new-password" error={form.formState.errors.password?.message} hint="至少 10 位，含字母和数字">
          <Input id="new-password" type="password" autoComplete="new-password" {...form.register("password")} />
        </Field>
        <Button type="submit" variant="secondary" disabled={form.formState.isSubmitting}>
          重置密码
        </Button>
      </form>
    </Card>
  );
}
