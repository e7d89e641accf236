import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Suspense } from "react";
import { LoginForm } from "@/components/auth/login-form";
import { getActor } from "@/lib/auth/session";

export const metadata: Metadata = { title: "登录" };

export default async function LoginPage() {
  if (await getActor()) redirect("/");
  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-b from-brand-50 to-slate-50 px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <p className="text-3xl font-bold tracking-wide text-brand-700">帮扶</p>
          <p className="mt-1 text-sm text-slate-600">工会困难职工帮扶管理系统</p>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <Suspense>
            <LoginForm />
          </Suspense>
        </div>
        <p className="mt-4 text-center text-xs text-slate-500">连续输错密码后，每次再试须稍候片刻。忘记密码或无法登录请联系本单位系统管理员。</p>
      </div>
    </main>
  );
}
