import "server-only";
import type { z } from "zod";
import type { TActor } from "@/lib/auth/actor";
import { MALFORMED_UPLOAD, isMultipart, parseMultipart } from "@/lib/http/multipart";
import { readBodyWithin } from "@/lib/http/read-body";
import { UPLOAD_ENVELOPE_BYTES, type TUploadLimit } from "@/lib/uploads/limits";
import type { TActionResult } from "./result";
import { runActionAs } from "./run-action";

// The body of every upload route (lib/actions/upload-route.ts adds the signed-in user), on its own so
// that tests run exactly what a browser reaches. An upload is a route, not a server action: an
// action's body is read whole by Next.js before any of our code runs, and one over its limit or
// malformed ends in an English error page; here the budget is checked before the body is read.

const STATUS_BY_CODE: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409 };

/** The action's result as JSON: 200 when it succeeded, otherwise the status its error stands for. */
export function resultResponse(result: TActionResult<unknown>, status = result.ok ? 200 : (STATUS_BY_CODE[result.code ?? ""] ?? 400)): Response {
  return Response.json(result, { status, headers: { "Cache-Control": "no-store" } });
}

/**
 * Reads a multipart upload within `limit` (plus the other fields' envelope), refusing a body over
 * it before or while reading with the limit's own words (413), and a body that is not a complete,
 * well-formed multipart body (400); then runs the action body (runActionAs) on the parsed form.
 */
export async function runUploadAs<TSchema extends z.ZodType, TResult>(
  schema: TSchema,
  run: (actor: TActor, input: z.output<TSchema>) => Promise<TResult>,
  actor: TActor,
  request: Request,
  limit: TUploadLimit,
): Promise<Response> {
  const contentType = request.headers.get("content-type");
  if (!isMultipart(contentType)) return resultResponse({ ok: false, error: MALFORMED_UPLOAD }, 400);
  const read = await readBodyWithin(request.body, request.headers.get("content-length"), limit.maxBytes + UPLOAD_ENVELOPE_BYTES).catch(() => null);
  // The client went away while sending: nobody is left to read an answer.
  if (!read) return resultResponse({ ok: false, error: MALFORMED_UPLOAD }, 400);
  if (!read.ok) return resultResponse({ ok: false, error: limit.tooLarge, code: "TOO_LARGE", fieldErrors: { file: limit.tooLarge } }, 413);
  const form = await parseMultipart(read.bytes, contentType);
  if (!form) return resultResponse({ ok: false, error: MALFORMED_UPLOAD, fieldErrors: { file: MALFORMED_UPLOAD } }, 400);
  return resultResponse(await runActionAs(schema, run, actor, form));
}
