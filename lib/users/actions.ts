"use server";

import { z } from "zod";
import { authedAction } from "@/lib/actions/action";
import { createUser, resetUserPassword, setUserActive, setUserRoles, unlockUser } from "@/lib/users/manage-users";
import { ZCreateUserInput, ZResetPasswordInput, ZSetUserActiveInput, ZSetUserRolesInput } from "@/lib/users/schemas";

export const createUserAction = authedAction(ZCreateUserInput, ["ADMIN"], createUser);
export const setUserActiveAction = authedAction(ZSetUserActiveInput, ["ADMIN"], setUserActive);
export const setUserRolesAction = authedAction(ZSetUserRolesInput, ["ADMIN"], setUserRoles);
export const resetUserPasswordAction = authedAction(ZResetPasswordInput, ["ADMIN"], resetUserPassword);
export const unlockUserAction = authedAction(z.object({ userId: z.uuid("用户不存在") }), ["ADMIN"], (actor, input) => unlockUser(actor, input.userId));
