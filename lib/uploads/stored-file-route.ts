import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { getActor } from "@/lib/auth/session";
import { DomainError } from "@/lib/errors/domain-error";

const EXTENSIONS: Record<string, string[]> = {
  "application/pdf": [".pdf"],
  "image/jpeg": [".jpg", ".jpeg"],
  "image/png": [".png"],
};

/** The original name, with the extension of what the bytes really are if the name says otherwise. */
function downloadName(originalName: string, contentType: string): string {
  const extensions = EXTENSIONS[contentType] ?? [];
  return extensions.some((ext) => originalName.toLowerCase().endsWith(ext)) ? originalName : `${originalName}${extensions[0] ?? ""}`;
}

/** RFC 8187 ext-value: encodeURIComponent leaves ' ( ) * unescaped, which are not attr-chars. */
function encodeExtValue(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function textResponse(status: number, message: string) {
  return new Response(message, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff" },
  });
}

type TStoredFile = { bytes: Uint8Array<ArrayBuffer>; contentType: string; originalName: string };

/**
 * The GET handler of a route that downloads one stored upload (evidence, a signed 签收表 scan):
 * `read` checks scope and role and writes the audit row; this turns its result into a response
 * that browsers show but never reinterpret or cache — PDFs as attachments, everything under a
 * sandboxing Content-Security-Policy (no script of the file runs with the app's cookies or origin).
 */
export function storedFileRoute(read: (actor: TActor, id: string) => Promise<TStoredFile>, what: string) {
  return async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
    const actor = await getActor();
    if (!actor) return textResponse(401, "登录已过期，请重新登录。");
    const { id } = await params;
    try {
      const file = await read(actor, id);
      return new Response(file.bytes, {
        headers: {
          "Content-Type": file.contentType,
          "Content-Length": String(file.bytes.byteLength),
          // A PDF is downloaded, never opened in the app's origin; an image is shown, sandboxed like everything here.
          "Content-Disposition": `${file.contentType === "application/pdf" ? "attachment" : "inline"}; filename*=UTF-8''${encodeExtValue(downloadName(file.originalName, file.contentType))}`,
          "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
          "X-Content-Type-Options": "nosniff",
          "Cache-Control": "private, no-store",
        },
      });
    } catch (error) {
      if (error instanceof DomainError) {
        if (error.code === "NOT_FOUND") return textResponse(404, error.message);
        if (error.code === "FORBIDDEN") return textResponse(403, error.message);
        console.error(`${what} download refused`, id, error.code);
        return textResponse(500, error.message);
      }
      console.error(`${what} download failed`, id, error);
      return textResponse(500, "系统出现错误，文件未能打开，请稍后重试。");
    }
  };
}
