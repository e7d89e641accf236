import Link from "next/link";

export const metadata = { title: "职工服务" };

export default function PublicHomePage() {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">职工服务</h1>
      <p className="text-slate-700">家庭生活困难的工会会员职工可以在网上申请建档；已建档的家庭，可凭建档告知书上的查询码查询本人档案和帮扶资金发放情况。</p>
      <Link href="/public/apply" className="block rounded-lg border border-slate-200 bg-white p-5 shadow-sm hover:border-brand-600">
        <span className="block text-lg font-semibold text-brand-800">网上申请</span>
        <span className="mt-1 block text-slate-700">选择所在单位的工会，填写家庭情况，上传身份证和申请书的照片，提交后凭申请编号和查询码查询进度。</span>
      </Link>
      <Link href="/public/query" className="block rounded-lg border border-slate-200 bg-white p-5 shadow-sm hover:border-brand-600">
        <span className="block text-lg font-semibold text-brand-800">本人查询</span>
        <span className="mt-1 block text-slate-700">查询档案状态、困难类别、帮扶责任人、下次复核月份和近 24 个月的帮扶资金，以及网上申请的办理进度。</span>
      </Link>
      <Link href="/public/notice" className="block rounded-lg border border-slate-200 bg-white p-5 shadow-sm hover:border-brand-600">
        <span className="block text-lg font-semibold text-brand-800">建档公示</span>
        <span className="mt-1 block text-slate-700">查看各级工会正在公示的建档名单；对名单有异议的，可在公示期内网上提出，可以匿名。</span>
      </Link>
    </div>
  );
}
