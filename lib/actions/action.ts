import "server-only";
import type { z } from "zod";
import type { TActor } from "@/lib/auth/actor";
import { requireActionActor } from "@/lib/auth/session";
import type { Role } from "@/lib/generated/prisma/enums";
import type { TActionResult } from "./result";
import { failure, runActionAs } from "./run-action";

/**
 * The one wrapper every server action is made with: it finds the signed-in user and checks their
 * role, parses the input with the action's zod schema, runs one domain function and turns
 * expected errors into a Chinese message. Unexpected errors are logged and shown generically.
 */
export function authedAction<TSchema extends z.ZodType, TResult>(
  schema: TSchema,
  roles: Role[],
  run: (actor: TActor, input: z.output<TSchema>) => Promise<TResult>,
) {
  return async (raw: z.input<TSchema>): Promise<TActionResult<TResult>> => {
    let actor: TActor;
    try {
      actor = await requireActionActor(...roles);
    } catch (error) {
      return failure(error);
    }
    return runActionAs(schema, run, actor, raw);
  };
}
