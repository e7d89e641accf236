import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { hasRole } from "@/lib/auth/actor";
import { getActor } from "@/lib/auth/session";
import { DomainError } from "@/lib/errors/domain-error";
import type { Role } from "@/lib/generated/prisma/enums";

const GENERIC_ROUTE_ERROR = "系统出现错误，文件未能下载，请稍后重试。如多次出现请联系管理员。";

/** A refusal as the plain text a browser shows in place of the download. */
export function textResponse(status: number, message: string): Response {
  return new Response(message, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff" },
  });
}

export const OTHER_ORIGIN = "请求来自其他网站，已拒绝。请在帮扶系统的页面上操作。";

/** Next.js checks a server action's Origin against the host; a route must do it itself. */
export function fromOwnOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return true; // not a browser: no cookie-riding page can send a request without one
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

type TRouteWords = {
  /** Said to a signed-in user without one of the roles (403). */
  forbidden?: string;
  /** The status of a DomainError that is not NOT_FOUND/FORBIDDEN/CONFLICT: what the refusal means for this download. */
  refused?: number;
};

const STATUS_BY_CODE: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409 };

/**
 * The one wrapper every download route (GET) is made with, the route twin of authedAction: the
 * signed-in user (401) and their role (403; no roles = any signed-in user) before anything is
 * read, then one function that answers, and its expected errors (DomainError) as text in Chinese
 * with the status their code stands for; anything else is logged and answered generically (500),
 * never with Next's English error page. Uploads have their own twin (lib/actions/upload-route.ts).
 */
export function authedRoute<TParams extends object = object>(
  roles: readonly Role[],
  run: (actor: TActor, request: Request, params: TParams) => Promise<Response>,
  words: TRouteWords = {},
) {
  return async (request: Request, context: { params: Promise<TParams> }): Promise<Response> => {
    const actor = await getActor();
    if (!actor) return textResponse(401, "请先登录。");
    if (roles.length > 0 && !hasRole(actor, ...roles)) return textResponse(403, words.forbidden ?? "您没有权限下载该文件。");
    try {
      return await run(actor, request, await context.params);
    } catch (error) {
      if (error instanceof DomainError) return textResponse(STATUS_BY_CODE[error.code] ?? words.refused ?? 400, error.message);
      console.error("download route failed", new URL(request.url).pathname, error);
      return textResponse(500, GENERIC_ROUTE_ERROR);
    }
  };
}

/** The query string as a plain object, for the zod schemas and loaders that read it. */
export function searchParamsOf(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams);
}
