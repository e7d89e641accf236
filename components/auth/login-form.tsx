"use client";

import { signIn } from "next-auth/react";
import { useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { Alert } from "@/components/ui/page";

/**
 * The codes lib/auth/options.ts throws, in words a user can act on. Every refused sign-in is
 * BAD_CREDENTIALS (lib/auth/sign-in.ts): the page never says whether a name exists, is being slowed
 * down or is disabled.
 */
function messageFor(code: string): string {
  switch (code) {
    case "MISSING":
      return "请输入用户名和密码。";
    case "BAD_CREDENTIALS":
      return "用户名或密码错误。";
    default:
      return "登录失败，请稍后重试。";
  }
}

export function LoginForm() {
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const username = String(form.get("username") ?? "").trim();
    const password = String(form.get("password") ?? "");
    if (!username || !password) {
      setError(messageFor("MISSING"));
      return;
    }
    setPending(true);
    setError(null);
    const result = await signIn("credentials", { username, password, redirect: false });
    if (!result || result.error) {
      setPending(false);
      setError(messageFor(result?.error ?? ""));
      return;
    }
    const next = params.get("next");
    router.replace(next && next.startsWith("/") && !next.startsWith("//") ? next : "/");
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {params.get("expired") && !error && <Alert tone="info">登录已过期或已在别处退出，请重新登录。</Alert>}
      {error && <Alert>{error}</Alert>}
      <Field label="用户名" htmlFor="username">
        <Input id="username" name="username" autoComplete="username" autoFocus required />
      </Field>
      <Field label="密码" htmlFor="password">
        <Input id="password" name="password" type="password" autoComplete="current-password" required />
      </Field>
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "正在登录……" : "登录"}
      </Button>
    </form>
  );
}
