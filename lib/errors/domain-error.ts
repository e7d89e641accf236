import type { TAllowed } from "@/lib/auth/allowed";
// An expected failure with a message a user can read. Server actions show `message`; anything
// that is not a DomainError is logged and shown as a generic error.
export class DomainError extends Error {
  constructor(
    message: string,
    readonly code: string = "DOMAIN",
    readonly fieldErrors?: Record<string, string>,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = "您没有权限执行此操作。") {
    super(message, "FORBIDDEN");
  }
}

/** Also used for records outside the actor's scope, so that their existence is not revealed. */
export class NotFoundError extends DomainError {
  constructor(message = "记录不存在，或不在您的管辖范围内。") {
    super(message, "NOT_FOUND");
  }
}

export class ConflictError extends DomainError {
  constructor(message = "该记录已被他人修改，请刷新后重试。") {
    super(message, "CONFLICT");
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = "登录已过期，请重新登录。") {
    super(message, "UNAUTHENTICATED");
  }
}

/** Turns a refusal from a rules predicate (lib/<feature>/rules.ts) into the DomainError the action shows. */
export function enforce(allowed: TAllowed): void {
  if (allowed.ok) return;
  if (allowed.code === "FORBIDDEN") throw new ForbiddenError(allowed.reason);
  if (allowed.code === "CONFLICT") throw new ConflictError(allowed.reason);
  throw new DomainError(allowed.reason, allowed.code);
}
