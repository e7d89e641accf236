// Who may change whose account: asked by the user page and enforced by manage-users.ts.

/** Why `actorId` may not change the roles of `userId`, or null. */
export function roleChangeRefusal(actorId: string, userId: string): string | null {
  return actorId === userId ? "不能修改自己的角色，请由其他管理员操作。" : null;
}
