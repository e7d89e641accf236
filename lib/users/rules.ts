// Who may change whose account: asked by the user page and enforced by manage-users.ts.

/** Why `actorId` may not change the roles of `userId`, or null. */
export function roleChangeRefusal(actorId: string, userId: string): string | null {
  return actorId === userId ? "不能修改自己的角色，请由其他管理员操作。" : null;
}

/**
 * An account that both files and approves (帮扶干部 and 审批人): allowed — small unions have one
 * person for both — but said plainly, with what maker–checker still guarantees (the database's
 * decider-not-requester checks), so the administrator decides knowingly (issue 26).
 */
export function dualRoleWarning(roles: readonly string[]): string | null {
  if (!(roles.includes("CASEWORKER") && roles.includes("OFFICIAL"))) return null;
  return "该账号同时是帮扶干部和审批人。系统仍保证：本人提交的建档、提出的变更和录入的发放，不能由本人初审、审定或审批，须由本单位另一位审批人办理；但本单位须另有审批人，否则这些事项无人能批。如非人手所限，建议分设账号。";
}
