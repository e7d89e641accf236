import "server-only";
import type { z } from "zod";
import type { TActor } from "@/lib/auth/actor";
import { withContention } from "@/lib/db/contention";
import { noteWrite } from "@/lib/db/read-routing";
import { DomainError } from "@/lib/errors/domain-error";
import { CONTROL_CHARACTER_MESSAGE, controlCharacterPath } from "@/lib/forms/zod-fields";
import { zodFieldErrors, type TActionResult } from "./result";

// The body of every server action (lib/actions/action.ts adds the signed-in user), on its own so
// that tests and scripts/load-contention.ts run exactly what a browser reaches, without Next.js.

export const GENERIC_ACTION_ERROR = "系统出现错误，操作未完成，请稍后重试。如多次出现请联系管理员。";

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
    const parsed = parseActionInput(schema, raw);
    if (!parsed.ok) return parsed;
    return { ok: true, data: await withContention(() => run(actor, parsed.data)) };
  } catch (error) {
    return failure(error);
  } finally {
    // Read-your-writes also for what an action writes outside scopedDb (lib/db/read-routing.ts).
    // Awaited: the mark is stored before the answer reaches the browser (another app server may serve the next request).
    await noteWrite(actor.userId).catch((error: unknown) => console.error("read-your-writes mark not stored", error));
  }
}

/**
 * The input check every action shares, signed-in or public (lib/actions/public-action.ts): control
 * characters anywhere refused, then the action's zod schema, each with its Chinese message.
 */
export function parseActionInput<TSchema extends z.ZodType>(
  schema: TSchema,
  raw: unknown,
): { ok: true; data: z.output<TSchema> } | { ok: false; error: string; fieldErrors: Record<string, string> } {
  const bad = controlCharacterPath(raw);
  if (bad !== null) {
    return { ok: false, error: `提交的内容有误：${CONTROL_CHARACTER_MESSAGE}。`, fieldErrors: { [bad]: CONTROL_CHARACTER_MESSAGE } };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: "提交的内容有误，请检查标红的项目。", fieldErrors: zodFieldErrors(parsed.error) };
  return { ok: true, data: parsed.data };
}

export function failure(error: unknown): { ok: false; error: string; code?: string; fieldErrors?: Record<string, string> } {
  if (error instanceof DomainError) {
    return { ok: false, error: error.message, code: error.code, fieldErrors: error.fieldErrors };
  }
  console.error("server action failed", error);
  return { ok: false, error: GENERIC_ACTION_ERROR };
}
