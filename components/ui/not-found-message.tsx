import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

/** The 404 message; the caller supplies the landmark (the signed-in layout already has its <main>). */
export function NotFoundMessage() {
  return (
    <div className="flex min-h-[60vh] items-center justify-center px-4">
      <div className="max-w-md text-center">
        <p className="text-5xl font-bold text-slate-600">404</p>
        <h1 className="mt-4 text-lg font-semibold">找不到该页面或记录</h1>
        <p className="mt-2 text-sm text-slate-600">记录不存在，或不在您的管辖范围内。</p>
        <Link href="/" className={buttonClass("secondary", "mt-6")}>
          返回首页
        </Link>
      </div>
    </div>
  );
}
