import "server-only";
import type { z } from "zod";
import type { TActor } from "@/lib/auth/actor";
import { requireActionActor } from "@/lib/auth/session";
import type { Role } from "@/lib/generated/prisma/enums";
import type { TUploadLimit } from "@/lib/uploads/limits";
import { failure } from "./run-action";
import { fromOwnOrigin, OTHER_ORIGIN } from "./route";
import { resultResponse, runUploadAs } from "./run-route";

/**
 * The one wrapper every upload route is made with, the upload twin of authedAction: the same
 * origin check as a server action, the signed-in user and their role before a byte of the body
 * is read, then the body within the upload's limit (lib/actions/run-route.ts), the action's zod
 * schema, one domain function and its Chinese errors, answered as JSON (TActionResult).
 */
export function authedUploadRoute<TSchema extends z.ZodType, TResult>(
  schema: TSchema,
  roles: Role[],
  limit: () => TUploadLimit,
  run: (actor: TActor, input: z.output<TSchema>) => Promise<TResult>,
) {
  return async (request: Request): Promise<Response> => {
    if (!fromOwnOrigin(request)) return resultResponse({ ok: false, error: OTHER_ORIGIN, code: "FORBIDDEN" });
    let actor: TActor;
    try {
      actor = await requireActionActor(...roles);
    } catch (error) {
      return resultResponse(failure(error));
    }
    return runUploadAs(schema, run, actor, request, limit());
  };
}
