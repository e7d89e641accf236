import "server-only";
// The audit trail in the words an auditor reads: object types, action groups, addresses and the
// details of a row, with amounts in yuan and labels instead of codes. Pure; shared by the page
// and the CSV export so both say the same thing.
import { ROLE_LABELS } from "@/lib/auth/actor";
import { TIER_LABELS } from "@/lib/labels/household-file";
import { CHANGE_KIND_LABELS, EXIT_REASON_LABELS, MEASURE_STATUS_LABELS, RECHECK_OUTCOME_LABELS } from "@/lib/filing/labels";
import { AID_TYPE_LABELS, FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { formatFen } from "@/lib/money/money";
import { ORG_LEVEL_LABELS } from "@/lib/organisations/schemas";

export const ENTITY_TYPE_LABELS: Record<string, string> = {
  household_file: "困难职工档案",
  evidence_file: "证明材料",
  change_request: "变更申请",
  plan_measure: "帮扶措施",
  disbursement: "救助发放",
  disbursement_batch: "发放批次",
  batch_line: "批次名单",
  ledger_entry: "台账记录",
  bank_account: "银行账户",
  user: "用户",
  organisation: "组织",
  audit_event: "审计日志",
  civil_roster_run: "民政比对",
  calendar_day: "工作日历",
  export_job: "后台导出",
  // Issues 21–25: each object an action of theirs is about, so no row reads "其他".
  allocation: "资金额度",
  bank_layout: "银行代发格式",
  batch_receipt_scan: "签收表扫描件",
  callback_call: "回访记录",
  callback_sample: "回访抽样",
  payment_run: "代发汇总",
  online_application: "网上申请",
  hardship_warning: "返困预警",
  household_import: "档案导入",
  job_run: "定时任务",
  referral: "部门转介",
  report: "统计报表",
  spot_check: "年度抽查",
  spot_check_record: "抽查记录",
  suspect_signal: "疑似重复与冒领线索",
  work_item: "待办事项",
};

export function entityTypeLabel(type: string): string {
  return ENTITY_TYPE_LABELS[type] ?? "其他";
}

/** Action groups for the filter: the first part of the action code. */
export const ACTION_GROUP_LABELS: Record<string, string> = {
  filing: "建档审核",
  evidence: "证明材料",
  file: "动态管理",
  change: "变更审批",
  ledger: "救助与台账",
  user: "用户管理",
  organisation: "组织机构",
  audit: "审计导出",
  payments: "代发、签收与回访",
  allocation: "资金额度",
  calendar: "档案日历与抽查",
  import: "档案导入",
  civil: "民政比对",
  export: "后台导出",
  report: "统计报表",
  warning: "返困预警",
  referral: "部门转介",
  signal: "疑似重复与冒领线索",
  policy: "政策参数",
  archive: "困难职工台账",
  public: "本人查询与公示异议",
  application: "网上申请",
};

/** An IPv4 client reached over an IPv6 socket arrives as ::ffff:a.b.c.d; people know it as a.b.c.d. */
export function displayIp(ip: string | null | undefined): string {
  if (!ip) return "—";
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}

type TDetailFormat = { label: string; show: (value: unknown) => string | null };

const text = (label: string): TDetailFormat => ({ label, show: (v) => (v === null || v === undefined || v === "" ? null : String(v)) });
const money = (label: string): TDetailFormat => ({ label, show: (v) => (typeof v === "number" ? formatFen(v) : null) });
const count = (label: string, unit: string): TDetailFormat => ({ label, show: (v) => (typeof v === "number" ? `${v.toLocaleString("zh-CN")} ${unit}` : null) });
const choice = (label: string, labels: Record<string, string>): TDetailFormat => ({ label, show: (v) => (typeof v === "string" ? (labels[v] ?? null) : null) });

// Ids (fileId, batchId, …) are not listed: the row's object already names and links the record.
const DETAIL_FORMATS: Record<string, TDetailFormat> = {
  name: text("名称"),
  username: text("用户名"),
  roles: {
    label: "角色",
    show: (v) =>
      Array.isArray(v)
        ? v
            .map((r) => ROLE_LABELS[r as keyof typeof ROLE_LABELS] ?? "")
            .filter(Boolean)
            .join("、") || "无"
        : null,
  },
  active: { label: "账户", show: (v) => (typeof v === "boolean" ? (v ? "启用" : "停用") : null) },
  code: text("组织代码"),
  level: choice("层级", ORG_LEVEL_LABELS),
  regionCode: text("行政区划"),
  aidType: choice("救助类型", AID_TYPE_LABELS),
  fundSource: choice("资金来源", FUND_SOURCE_LABELS),
  amountFen: money("金额"),
  adjustedAmountFen: money("调整后金额"),
  lineCount: count("名单", "条"),
  lines: count("发放名单", "条"),
  entries: count("入账", "笔"),
  bankName: text("开户行"),
  accountNumber: text("账号"),
  outcome: choice("核查结论", RECHECK_OUTCOME_LABELS),
  status: choice("进展", MEASURE_STATUS_LABELS),
  kind: choice("申请类别", CHANGE_KIND_LABELS),
  proposedTier: choice("申请类别", TIER_LABELS),
  exitReason: choice("退档原因", EXIT_REASON_LABELS),
  removed: { label: "名单", show: (v) => (typeof v === "boolean" ? (v ? "移出" : "恢复") : null) },
  reason: text("理由"),
  adjustReason: text("调整理由"),
  removedReason: text("移出原因"),
  capOverrideReason: text("超上限特批理由"),
  comment: text("审批意见"),
  note: text("说明"),
};

/** "金额：¥1,000.00；救助类型：送温暖" — the row's detail as a sentence, nothing internal. */
export function formatAuditDetail(detail: unknown): string {
  if (!detail || typeof detail !== "object" || Array.isArray(detail)) return "";
  return Object.entries(detail as Record<string, unknown>)
    .flatMap(([key, value]) => {
      const format = DETAIL_FORMATS[key];
      const shown = format?.show(value);
      return format && shown ? [`${format.label}：${shown}`] : [];
    })
    .join("；");
}
