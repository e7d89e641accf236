import "server-only";
import type { z } from "zod";
import { getClientIp } from "@/lib/http/client-ip";
import { MALFORMED_UPLOAD, isMultipart, parseMultipart } from "@/lib/http/multipart";
import { readBodyWithin } from "@/lib/http/read-body";
import { UPLOAD_ENVELOPE_BYTES, type TUploadLimit } from "@/lib/uploads/limits";
import { runPublicAction, type TPublicContext } from "./public-action";
import { fromOwnOrigin, OTHER_ORIGIN } from "./route";
import { resultResponse } from "./run-route";

/**
 * The public twin of authedRoute (issue 24): an upload from the public pages, made with no
 * session at all (proxy.ts has already dropped the cookie under /public). The same origin check
 * as a server action (CSRF), the body read within the budget before it is parsed, then the form
 * turned into the action's input by `toInput` and run like a public action (runPublicAction).
 */
export function publicUploadRoute<TSchema extends z.ZodType, TResult>(
  schema: TSchema,
  limit: () => TUploadLimit,
  toInput: (form: FormData) => unknown,
  run: (input: z.output<TSchema>, context: TPublicContext) => Promise<TResult>,
) {
  return async (request: Request): Promise<Response> => {
    if (!fromOwnOrigin(request)) return resultResponse({ ok: false, error: OTHER_ORIGIN, code: "FORBIDDEN" });
    return runPublicUpload(schema, limit(), toInput, run, request, { ip: await getClientIp() });
  };
}

/** The body of publicUploadRoute without Next.js, for tests. */
export async function runPublicUpload<TSchema extends z.ZodType, TResult>(
  schema: TSchema,
  limit: TUploadLimit,
  toInput: (form: FormData) => unknown,
  run: (input: z.output<TSchema>, context: TPublicContext) => Promise<TResult>,
  request: Request,
  context: TPublicContext,
): Promise<Response> {
  const contentType = request.headers.get("content-type");
  if (!isMultipart(contentType)) return resultResponse({ ok: false, error: MALFORMED_UPLOAD }, 400);
  const read = await readBodyWithin(request.body, request.headers.get("content-length"), limit.maxBytes + UPLOAD_ENVELOPE_BYTES).catch(() => null);
  if (!read) return resultResponse({ ok: false, error: MALFORMED_UPLOAD }, 400);
  if (!read.ok) return resultResponse({ ok: false, error: limit.tooLarge, code: "TOO_LARGE", fieldErrors: { uploads: limit.tooLarge } }, 413);
  const form = await parseMultipart(read.bytes, contentType);
  if (!form) return resultResponse({ ok: false, error: MALFORMED_UPLOAD, fieldErrors: { uploads: MALFORMED_UPLOAD } }, 400);
  let input: unknown;
  try {
    input = toInput(form);
  } catch {
    return resultResponse({ ok: false, error: MALFORMED_UPLOAD }, 400);
  }
  return resultResponse(await runPublicAction(schema, run, input, context));
}
