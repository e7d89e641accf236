import "server-only";
import type { z } from "zod";
import type { TActor } from "@/lib/auth/actor";
import { requireActionActor } from "@/lib/auth/session";
import { withContention } from "@/lib/db/contention";
import { CONTROL_CHARACTER_MESSAGE, controlCharacterPath } from "@/lib/forms/zod-fields";
import { DomainError } from "@/lib/errors/domain-error";
import type { Role } from "@/lib/generated/prisma/enums";
import { zodFieldErrors, type TActionResult } from "./result";

export const GENERIC_ACTION_ERROR = "系统出现错误，操作未完成，请稍后重试。如多次出现请联系管理员。";

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

/**
 * Everything an action does once the signed-in user is known: refuse control characters anywhere
 * in the input, parse it, run the domain function (lib/db/contention.ts), map the outcome. Also
 * what tests and the load script call, so they exercise exactly what a browser reaches.
 */
export async function runActionAs<TSchema extends z.ZodType, TResult>(
  schema: TSchema,
  run: (actor: TActor, input: z.output<TSchema>) => Promise<TResult>,
  actor: TActor,
  raw: unknown,
): Promise<TActionResult<TResult>> {
  try {
    const bad = controlCharacterPath(raw);
    if (bad !== null) {
      return { ok: false, error: `提交的内容有误：${CONTROL_CHARACTER_MESSAGE}。`, fieldErrors: { [bad]: CONTROL_CHARACTER_MESSAGE } };
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      return { ok: false, error: "提交的内容有误，请检查标红的项目。", fieldErrors: zodFieldErrors(parsed.error) };
    }
    return { ok: true, data: await withContention(() => run(actor, parsed.data)) };
  } catch (error) {
    return failure(error);
  }
}

function failure(error: unknown): { ok: false; error: string; code?: string; fieldErrors?: Record<string, string> } {
  if (error instanceof DomainError) {
    return { ok: false, error: error.message, code: error.code, fieldErrors: error.fieldErrors };
  }
  console.error("server action failed", error);
  return { ok: false, error: GENERIC_ACTION_ERROR };
}
