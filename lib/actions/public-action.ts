import "server-only";
import type { z } from "zod";
import { getClientIp } from "@/lib/http/client-ip";
import type { TActionResult } from "./result";
import { failure, parseActionInput } from "./run-action";

export type TPublicContext = { ip: string };

/**
 * The wrapper of the public pages' actions (issue 24), beside authedAction: no session is read
 * and none is needed, so a staff cookie that reached one changes nothing (proxy.ts also strips
 * cookies under /public). What is the same as authedAction: control characters refused, the
 * input parsed with the action's zod schema, expected errors in Chinese, the rest generic. The
 * client address comes from the app's own server (lib/http/client-ip.ts), never from a header a
 * client can set.
 */
export function publicAction<TSchema extends z.ZodType, TResult>(
  schema: TSchema,
  run: (input: z.output<TSchema>, context: TPublicContext) => Promise<TResult>,
) {
  return async (raw: z.input<TSchema>): Promise<TActionResult<TResult>> => runPublicAction(schema, run, raw, { ip: await getClientIp() });
}

/** The body of publicAction without Next.js, for tests and scripts. */
export async function runPublicAction<TSchema extends z.ZodType, TResult>(
  schema: TSchema,
  run: (input: z.output<TSchema>, context: TPublicContext) => Promise<TResult>,
  raw: unknown,
  context: TPublicContext,
): Promise<TActionResult<TResult>> {
  try {
    const parsed = parseActionInput(schema, raw);
    if (!parsed.ok) return parsed;
    return { ok: true, data: await run(parsed.data, context) };
  } catch (error) {
    return failure(error);
  }
}
