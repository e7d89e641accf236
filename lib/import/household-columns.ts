// The import template's two sheets, column by column. The template, the parser and the
// annotated workbook are all built from this list, so a header, its drop-down list and the field
// it fills can never disagree.
import { CAUSE_LABELS, FILE_LEVEL_LABELS, TIER_LABELS, WORKER_CATEGORY_LABELS } from "@/lib/labels/household-file";
import {
  EDUCATION_LABELS,
  EMPLOYMENT_LABELS,
  EXPENDITURE_KIND_LABELS,
  HEALTH_LABELS,
  HOUSING_LABELS,
  INCOME_SOURCE_LABELS,
  RELATION_LABELS,
  SEX_LABELS,
} from "@/lib/filing/labels";

export const YES_NO = { YES: "是", NO: "否" } as const;

export type TImportColumn = {
  key: string;
  header: string;
  required?: boolean;
  /** A coded column: the cell holds one of these labels (drop-down list in the template). */
  labels?: Record<string, string>;
  kind?: "text" | "yuan" | "date" | "integer" | "id";
  width?: number;
  example: string;
};

export const HOUSEHOLD_SHEET = "户信息";
export const MEMBER_SHEET = "家庭成员";
export const CODES_SHEET = "代码表";
export const PROBLEM_HEADER = "导入问题";
/** Rows whose 户编号 starts with this are the template's examples and are skipped. */
export const EXAMPLE_PREFIX = "示例";

/**
 * 按已在档档案迁入: what the union's earlier system holds for an approved file. The first two are
 * required only when the importer chooses that mode (checked in validate-households.ts); an
 * import of drafts ignores all three.
 */
export const OPEN_FILE_COLUMNS: TImportColumn[] = [
  { key: "openTier", header: "在档困难类别", labels: TIER_LABELS, width: 12, example: "深度困难" },
  { key: "openedOn", header: "原建档日期", kind: "date", width: 12, example: "2023-05-12" },
  { key: "originalFileNumber", header: "原档案编号", width: 16, example: "LZ-2023-018" },
];
export const OPEN_FILE_REQUIRED = new Set(["openTier", "openedOn"]);

export const HOUSEHOLD_COLUMNS: TImportColumn[] = [
  { key: "householdKey", header: "户编号", required: true, width: 12, example: "示例-1" },
  { key: "organisationCode", header: "建档单位代码", width: 14, example: "" },
  { key: "fileLevel", header: "档案级别", required: true, labels: FILE_LEVEL_LABELS, example: "市级" },
  { key: "workerCategory", header: "职工类别", required: true, labels: WORKER_CATEGORY_LABELS, width: 14, example: "城镇困难职工" },
  { key: "housing", header: "住房情况", required: true, labels: HOUSING_LABELS, example: "租房" },
  { key: "holderUnionMember", header: "建档职工是否工会会员", required: true, labels: YES_NO, width: 12, example: "是" },
  { key: "mainCause", header: "主要致困原因", required: true, labels: CAUSE_LABELS, example: "因病" },
  { key: "secondaryCause1", header: "次要致困原因1", labels: CAUSE_LABELS, example: "因学" },
  { key: "secondaryCause2", header: "次要致困原因2", labels: CAUSE_LABELS, example: "" },
  { key: "secondaryCause3", header: "次要致困原因3", labels: CAUSE_LABELS, example: "" },
  ...Object.entries(INCOME_SOURCE_LABELS).map(([source, label]): TImportColumn => ({
    key: `income.${source}`,
    header: `${label}（元/月）`,
    kind: "yuan",
    width: 14,
    example: source === "WAGES" ? "2400" : "",
  })),
  ...Object.entries(EXPENDITURE_KIND_LABELS).map(([kind, label]): TImportColumn => ({
    key: `expenditure.${kind}`,
    header: `${label}（元/年）`,
    kind: "yuan",
    width: 14,
    example: kind === "MEDICAL" ? "18000" : "",
  })),
  { key: "suddenEvent", header: "是否突发事件致困", labels: YES_NO, width: 12, example: "否" },
  { key: "suddenEventNote", header: "突发事件说明", width: 20, example: "" },
  { key: "suddenEventLossFen", header: "突发事件损失或支出（元）", kind: "yuan", width: 14, example: "" },
  { key: "needs", header: "困难需求", width: 24, example: "医疗救助，子女助学" },
  { key: "proposedTier", header: "建议困难类别", required: true, labels: TIER_LABELS, example: "深度困难" },
  // 按已在档档案迁入: what the union's earlier system holds for an approved file. Required (the
  // first two) only when the importer chooses that mode; a draft import ignores them.
  ...OPEN_FILE_COLUMNS,
];

export const MEMBER_COLUMNS: TImportColumn[] = [
  { key: "householdKey", header: "户编号", required: true, width: 12, example: "示例-1" },
  { key: "name", header: "姓名", required: true, width: 10, example: "张建华" },
  { key: "relation", header: "与建档职工关系", required: true, labels: RELATION_LABELS, width: 12, example: "本人" },
  { key: "residentId", header: "公民身份号码", required: true, kind: "id", width: 22, example: "620102197803090018" },
  { key: "birthDate", header: "出生日期", required: true, kind: "date", width: 12, example: "1978-03-09" },
  { key: "sex", header: "性别", required: true, labels: SEX_LABELS, width: 6, example: "男" },
  { key: "health", header: "健康状况", required: true, labels: HEALTH_LABELS, example: "慢性病" },
  { key: "disabilityGrade", header: "残疾等级（1–4）", kind: "integer", width: 10, example: "" },
  { key: "education", header: "在学情况", required: true, labels: EDUCATION_LABELS, example: "不在学" },
  { key: "employment", header: "就业状况", required: true, labels: EMPLOYMENT_LABELS, example: "灵活就业" },
  { key: "livesInHousehold", header: "是否共同生活", labels: YES_NO, width: 10, example: "是" },
];

/** A second example member, so the template shows how a household of several people is laid out. */
export const EXAMPLE_SECOND_MEMBER: Record<string, string> = {
  householdKey: "示例-1",
  name: "李秀英",
  relation: "配偶",
  residentId: "620102198011020024",
  birthDate: "1980-11-02",
  sex: "女",
  health: "大病",
  disabilityGrade: "",
  education: "不在学",
  employment: "丧失劳动能力",
  livesInHousehold: "是",
};
