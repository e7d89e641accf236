import { z } from "zod";

export const ROLE_VALUES = ["CASEWORKER", "OFFICIAL", "AUDITOR", "ADMIN"] as const;

const ZPassword = z
  .string()
  .min(10, "密码至少 10 位")
  .max(128, "密码不能超过 128 位")
  .regex(/[A-Za-z]/, "密码须包含字母")
  .regex(/[0-9]/, "密码须包含数字");

const ZRoles = z.array(z.enum(ROLE_VALUES, "请选择有效的角色")).min(1, "至少选择一个角色");

export const ZCreateUserInput = z.object({
  username: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9_.-]{3,40}$/, "登录名为 3–40 位小写字母、数字、下划线、点或横线"),
  name: z.string().trim().min(1, "请填写姓名").max(40, "姓名不能超过 40 个字"),
  organisationId: z.uuid("请选择所属组织"),
  roles: ZRoles,
  password: ZPassword,
});
export type TCreateUserInput = z.infer<typeof ZCreateUserInput>;

export const ZSetUserActiveInput = z.object({ userId: z.uuid("用户不存在"), active: z.boolean() });
export type TSetUserActiveInput = z.infer<typeof ZSetUserActiveInput>;

export const ZSetUserRolesInput = z.object({ userId: z.uuid("用户不存在"), roles: ZRoles });
export type TSetUserRolesInput = z.infer<typeof ZSetUserRolesInput>;

export const ZResetPasswordInput = z.object({ userId: z.uuid("用户不存在"), password: ZPassword });
export type TResetPasswordInput = z.infer<typeof ZResetPasswordInput>;
