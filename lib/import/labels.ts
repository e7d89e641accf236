// Words for an import (台账导入), shown by pages and used in the domain's messages.

export const IMPORT_STATUS_LABELS = {
  VALIDATING: "校验中",
  INVALID: "有问题",
  READY: "校验通过，待确认导入",
  AWAITING_APPROVAL: "校验通过，待审批",
  COMMITTING: "导入中",
  COMMITTED: "已导入",
  FAILED: "导入失败",
  REJECTED: "已驳回",
} as const;
export const IMPORT_MODE_LABELS = { DRAFT: "导入为草稿", OPEN: "按已在档档案迁入" } as const;
export type TImportMode = keyof typeof IMPORT_MODE_LABELS;
