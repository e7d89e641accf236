import { getActor } from "@/lib/auth/session";
import { buildImportTemplate } from "@/lib/import/import-template";

export async function GET() {
  if (!(await getActor())) return new Response("请先登录。", { status: 401 });
  return new Response(new Uint8Array(await buildImportTemplate()), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent("困难职工档案导入模板.xlsx")}`,
      "Cache-Control": "no-store",
    },
  });
}
