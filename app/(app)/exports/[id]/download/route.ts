import { getActor } from "@/lib/auth/session";
import { DomainError, NotFoundError } from "@/lib/errors/domain-error";
import { openExportDownload } from "@/lib/exports/open-export-download";

// The file of a finished background export, for its requester only (anyone else: 404).
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const actor = await getActor();
  if (!actor) return new Response("请先登录。", { status: 401 });
  const { id } = await params;
  try {
    return await openExportDownload(actor, id);
  } catch (error) {
    if (error instanceof DomainError) {
      return new Response(error.message, { status: error instanceof NotFoundError ? 404 : 409, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    }
    throw error;
  }
}
