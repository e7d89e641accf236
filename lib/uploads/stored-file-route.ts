import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { authedRoute } from "@/lib/actions/route";
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

type TStoredFile = { bytes: Uint8Array<ArrayBuffer>; contentType: string; originalName: string };

/**
 * The GET handler of a route that downloads one stored upload (evidence, a signed 签收表 scan):
 * `read` checks scope and role and writes the audit row; this turns its result into a response
 * that browsers show but never reinterpret or cache — PDFs as attachments, everything under a
 * sandboxing Content-Security-Policy (no script of the file runs with the app's cookies or origin).
 */
export function storedFileRoute(read: (actor: TActor, id: string) => Promise<TStoredFile>, what: string) {
  return authedRoute<{ id: string }>(
    [],
    async (actor, _request, { id }) => {
      const file = await read(actor, id).catch((error: unknown) => {
        if (error instanceof DomainError && error.code !== "NOT_FOUND" && error.code !== "FORBIDDEN") console.error(`${what} download refused`, id, error.code);
        throw error;
      });
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
    },
    { refused: 500 },
  );
}
