// The browser's side of an upload route (lib/actions/upload-route.ts): posts the form and returns the
// route's TActionResult; whatever else comes back (a proxy's error page, a lost connection) becomes
// a Chinese message, never a raw one.
import type { TActionResult } from "@/lib/actions/result";
import type { TUploadLimit } from "./limits";

export const UPLOAD_PATHS = {
  evidence: "/api/uploads/evidence",
  roster: "/api/uploads/roster",
  import: "/api/uploads/import",
  paymentReturn: "/api/uploads/payment-return",
  paymentRunReturn: "/api/uploads/payment-run-return",
  receiptScan: "/api/uploads/receipt-scan",
  application: "/api/public/applications",
} as const;

const UPLOAD_FAILED = "文件未能上传，请稍后重试。如多次出现请联系管理员。";
const CONNECTION_LOST = "网络连接中断，文件未能上传。请检查网络后重试。";

/** The limit's refusal, or null: checked on selection and before sending, so nothing is sent for nothing. */
export function fileTooLarge(file: File | null | undefined, limit: TUploadLimit): string | null {
  return file && file.size > limit.maxBytes ? limit.tooLarge : null;
}

export async function postUpload<T>(path: string, form: FormData, limit: TUploadLimit): Promise<TActionResult<T>> {
  let response: Response;
  try {
    response = await fetch(path, { method: "POST", body: form, headers: { Accept: "application/json" } });
  } catch {
    return { ok: false, error: CONNECTION_LOST };
  }
  if ((response.headers.get("content-type") ?? "").startsWith("application/json")) {
    try {
      return (await response.json()) as TActionResult<T>;
    } catch {
      return { ok: false, error: CONNECTION_LOST };
    }
  }
  // A proxy in front (nginx's client_max_body_size) may refuse the size before the app sees it.
  if (response.status === 413) return { ok: false, error: limit.tooLarge, fieldErrors: { file: limit.tooLarge } };
  return { ok: false, error: UPLOAD_FAILED };
}
