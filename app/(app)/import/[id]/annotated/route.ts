import { getActor } from "@/lib/auth/session";
import { isUuid } from "@/lib/data/ids";
import { DomainError } from "@/lib/errors/domain-error";
import { annotatedImportWorkbook } from "@/lib/import/import-households";

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const actor = await getActor();
  if (!actor) return new Response("请先登录。", { status: 401 });
  const { id } = await params;
  if (!isUuid(id)) return new Response("导入记录不存在。", { status: 404 });
  try {
    const { fileName, bytes } = await annotatedImportWorkbook(actor, id);
    return new Response(new Uint8Array(bytes), {
      headers: {
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`,
        "Cache-Control": "no-store",
      },
    });
  } catch (error) {
    if (error instanceof DomainError) return new Response(error.message, { status: 404 });
    throw error;
  }
}
