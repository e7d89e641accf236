import { getActor } from "@/lib/auth/session";
import { buildRosterTemplate } from "@/lib/civil/roster-template";

export async function GET() {
  if (!(await getActor())) return new Response("请先登录。", { status: 401 });
  return new Response(new Uint8Array(await buildRosterTemplate()), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent("民政比对名单模板.xlsx")}`,
      "Cache-Control": "no-store",
    },
  });
}
