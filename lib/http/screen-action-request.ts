// Screens the body of every request Next.js would treat as a server action, before Next sees it
// (scripts/serve.ts). Next answers a body its decoder cannot take (`[`, `{"a":`, `null`, a
// `__proto__` reference, a multipart body with a NUL in a file name or cut short) with a 500 and
// logs it as an application failure; here it gets a 400 with a Chinese message and never reaches
// the app. What passes is exactly what React's encodeReply produces: a JSON array of arguments,
// or a well-formed multipart body.
// Relative imports only: next.config.ts loads this file, and its loader knows no "@/" alias.
import { megabytes } from "../uploads/limits";
import { MALFORMED_UPLOAD, parseMultipart } from "./multipart";

/** The largest server-action body. Uploads go through their own routes (app/api/uploads/…). */
export const ACTION_BODY_MAX_BYTES = 4 * 1024 * 1024;

export const ACTION_BODY_TOO_LARGE = `提交的内容太大（超过 ${megabytes(ACTION_BODY_MAX_BYTES)}），未能处理。上传文件请使用页面上的上传按钮。`;
export const MALFORMED_ACTION_BODY = "提交的内容格式有误，未能处理。请刷新页面后重试。";

type THeaders = Record<string, string | string[] | undefined>;

function header(headers: THeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Whether Next.js would run this request as a server action (its getServerActionRequestMetadata:
 * a POST with a Next-Action header, or any multipart or urlencoded POST to a page). Route handlers
 * under /api read their own bodies and are not screened.
 */
export function isPossibleServerAction(method: string | undefined, url: string | undefined, headers: THeaders): boolean {
  if (method !== "POST") return false;
  if ((url ?? "/").startsWith("/api/")) return false;
  const contentType = header(headers, "content-type") ?? "";
  return header(headers, "next-action") !== undefined || /^multipart\//i.test(contentType) || contentType === "application/x-www-form-urlencoded";
}

// React's reply format: a string starting with "$" is a reference ("$1:a:b" walks a path), "$$" a
// plain string that starts with "$". A path through these names reaches Object.prototype.
const FORBIDDEN_STEP = new Set(["__proto__", "constructor", "prototype"]);

function hasForbiddenReference(value: unknown): boolean {
  if (typeof value === "string") {
    return value.startsWith("$") && !value.startsWith("$$") && value.split(":").some((step) => FORBIDDEN_STEP.has(step));
  }
  if (Array.isArray(value)) return value.some(hasForbiddenReference);
  if (value !== null && typeof value === "object") {
    return Object.keys(value).some((key) => key === "__proto__" || hasForbiddenReference((value as Record<string, unknown>)[key]));
  }
  return false;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Null if the body may go to Next.js; otherwise the Chinese message of the 400. */
export async function actionBodyProblem(headers: THeaders, bytes: Buffer<ArrayBuffer>): Promise<string | null> {
  const contentType = header(headers, "content-type");
  if (contentType === "application/x-www-form-urlencoded") return null; // Next refuses these itself, without an error.
  if (/^multipart\//i.test(contentType ?? "")) {
    const form = await parseMultipart(bytes, contentType);
    if (!form) return MALFORMED_UPLOAD;
    for (const value of form.values()) {
      if (typeof value !== "string") continue;
      const parsed = parseJson(value);
      if (parsed.ok && hasForbiddenReference(parsed.value)) return MALFORMED_ACTION_BODY;
    }
    return null;
  }
  const parsed = parseJson(bytes.toString("utf8"));
  // encodeReply always sends the argument list: a JSON array.
  if (!parsed.ok || !Array.isArray(parsed.value) || hasForbiddenReference(parsed.value)) return MALFORMED_ACTION_BODY;
  return null;
}
