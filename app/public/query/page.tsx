import { ApplicationQueryForm } from "@/components/public/application-query-form";
import { PublicQueryForm } from "@/components/public/public-query-form";

export const metadata = { title: "本人查询" };

export default function PublicQueryPage() {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">本人查询</h1>
      <p className="text-slate-700">请填写建档职工本人的姓名、身份证号码和建档告知书上的 10 位查询码。查询码遗失或被他人知道时，请到所在工会重新打印建档告知书，原查询码随即失效。</p>
      <PublicQueryForm />
      <h2 id="application" className="scroll-mt-4 pt-4 text-xl font-semibold">网上申请进度</h2>
      <p className="text-slate-700">在网上提交建档申请的，请填写提交后得到的申请编号和查询码。</p>
      <ApplicationQueryForm />
    </div>
  );
}
