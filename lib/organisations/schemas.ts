import { z } from "zod";

export const ORG_LEVELS = ["NATIONAL", "PROVINCE", "CITY", "COUNTY", "GRASSROOTS"] as const;
export const ORG_LEVEL_LABELS: Record<(typeof ORG_LEVELS)[number], string> = {
  NATIONAL: "全国总工会",
  PROVINCE: "省总工会",
  CITY: "市总工会",
  COUNTY: "县(区)总工会",
  GRASSROOTS: "基层工会",
};

export const ZCreateOrganisationInput = z.object({
  parentId: z.uuid("请选择上级组织"),
  name: z.string().trim().min(2, "请填写组织名称").max(60, "组织名称不能超过 60 个字"),
  code: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[0-9A-Z-]{2,32}$/, "组织代码为 2–32 位大写字母、数字或横线"),
  level: z.enum(ORG_LEVELS, "请选择组织层级"),
  regionCode: z
    .string()
    .trim()
    .regex(/^[0-9]{6}$/, "行政区划代码为 6 位数字"),
  /** 服务电话, printed on the 建档告知书 (issue 24); blank: the nearest union above that has one. */
  servicePhone: z
    .string()
    .trim()
    .regex(/^$|^[0-9][0-9-]{4,19}$/, "服务电话为 5–20 位数字或横线，如 0931-12351")
    .optional()
    .transform((v) => v || undefined),
});
// servicePhone may be left out by callers that do not ask for it (tests, seeds).
export type TCreateOrganisationInput = Omit<z.output<typeof ZCreateOrganisationInput>, "servicePhone"> & { servicePhone?: string };
