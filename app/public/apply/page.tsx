import { ApplicationForm } from "@/components/public/application-form";
import { currentEvidenceUploadLimit } from "@/lib/evidence/storage";

export const metadata = { title: "网上申请" };

export default function PublicApplyPage() {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">网上申请困难职工建档</h1>
      <p className="text-slate-700">
        职工本人或家属可以在这里向所在单位的基层工会申请困难职工建档。提交后会得到申请编号和查询码，凭它们查询办理进度；工会受理后会联系您入户核实。
      </p>
      <ApplicationForm evidenceLimit={currentEvidenceUploadLimit()} />
    </div>
  );
}
