import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

export default function NotFound() {
  return (
    <main className="flex min-h-[60vh] items-center justify-center px-4">
      <div className="max-w-md text-center">
        <p className="text-5xl font-bold text-slate-400">404</p>
        <h1 className="mt-4 text-lg font-semibold">找不到该页面或记录</h1>
        <p className="mt-2 text-sm text-slate-600">记录不存在，或不在您的管辖范围内。</p>
        <Link href="/" className={buttonClass("secondary", "mt-6")}>
          返回首页
        </Link>
      </div>
    </main>
  );
}
