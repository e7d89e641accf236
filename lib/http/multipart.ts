// A multipart/form-data body checked before anything acts on it: it must parse completely (a
// truncated body, a wrong or missing boundary fail here) and no field name or file name may hold a
// control character (a NUL in a file name is what made Next's own parser fail with a 500).
// Used by the upload routes (lib/actions/upload-route.ts) and by scripts/serve.ts for server actions.

export const MALFORMED_UPLOAD = "上传的内容不完整或格式有误，文件未能上传。请重新选择文件后再试；如多次出现，请换一个文件名。";

// eslint-disable-next-line no-control-regex -- the point: a field name or file name with control characters is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

export function isMultipart(contentType: string | null | undefined): boolean {
  return /^multipart\/form-data\s*;/i.test(contentType ?? "");
}

/** The parsed form, or null if the body is not a complete, well-formed multipart body. */
export async function parseMultipart(bytes: Uint8Array<ArrayBuffer>, contentType: string | null | undefined): Promise<FormData | null> {
  if (!isMultipart(contentType)) return null;
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { "content-type": contentType! } }).formData();
  } catch {
    return null;
  }
  for (const [name, value] of form.entries()) {
    if (CONTROL.test(name)) return null;
    if (typeof value !== "string" && CONTROL.test(value.name)) return null;
  }
  return form;
}
