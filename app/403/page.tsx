import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

export const metadata = { title: "无权访问" };

export default function ForbiddenPage() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-md text-center">
        <p className="text-5xl font-bold text-brand-700">403</p>
        <h1 className="mt-4 text-lg font-semibold">无权访问此页面</h1>
        <p className="mt-2 text-sm text-slate-600">您的角色不能查看此页面。如确需访问，请联系本单位系统管理员调整角色。</p>
        <Link href="/" className={buttonClass("secondary", "mt-6")}>
          返回首页
        </Link>
      </div>
    </main>
  );
}
