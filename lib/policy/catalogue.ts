// The policy parameters an administrator maintains, with their labels and allowed ranges. Shared by
// the forms and the domain (the same limits in the browser and on the server).

export type TParameterSpec = { label: string; unit: string; min: number; max: number; integer: boolean; hint: string };

export const PARAMETER_SPECS = {
  TIER_RELATIVE_MULTIPLIER: { label: "相对困难倍数", unit: "倍低保", min: 1, max: 10, integer: false, hint: "人均月收入低于低保标准的此倍数为相对困难" },
  TIER_ACCIDENT_RATIO: {
    label: "意外致困比例",
    unit: "",
    min: 0.01,
    max: 5,
    integer: false,
    hint: "突发事件损失或刚性支出超过家庭年收入的此比例（0.8 即 80%）",
  },
  PUBLICITY_DAYS: { label: "公示天数", unit: "天", min: 1, max: 60, integer: true, hint: "建档公示期" },
  RECHECK_INTERVAL_MONTHS: { label: "复核周期", unit: "月", min: 1, max: 12, integer: true, hint: "每个在档档案的动态核查间隔（至少每年一次）" },
  RECHECK_DUE_SOON_DAYS: { label: "复核提醒提前天数", unit: "天", min: 0, max: 90, integer: true, hint: "到期前多少天列入待办" },
  OBSERVATION_MONTHS: { label: "渐退期", unit: "月", min: 0, max: 36, integer: true, hint: "脱困退档后继续跟踪的月数" },
  RESOLVED_MONTHS: { label: "脱困认定月数", unit: "月", min: 1, max: 24, integer: true, hint: "人均收入连续高于困难标准达此月数，建议退档" },
  SPOT_CHECK_SHARE: { label: "年度抽查比例", unit: "", min: 0.3, max: 1, integer: false, hint: "每年抽查在档档案的比例，不低于 0.3（30%）" },
  PAPER_SYNC_WORKING_DAYS: {
    label: "纸质档案同步期限",
    unit: "个工作日",
    min: 1,
    max: 30,
    integer: true,
    hint: "电子档案变更后纸质档案须同步的期限，不超过 30 个工作日",
  },
  RETENTION_YEARS: { label: "退档后保存年限", unit: "年", min: 10, max: 100, integer: true, hint: "自撤档之日起保存原始档案的年限，不少于 10 年" },
  UNCLAIMED_DAYS: {
    label: "现金实物签收期限",
    unit: "天",
    min: 1,
    max: 365,
    integer: true,
    hint: "现金、实物发放审批后超过此天数仍未签收的，冲回台账并记为未领取",
  },
  CALLBACK_SHARE: {
    label: "回访核实比例",
    unit: "",
    min: 0.01,
    max: 1,
    integer: false,
    hint: "批次发放完成后抽取回访的比例（0.1 即 10%），每个基层工会至少 1 户",
  },
  WARNING_EXIT_MONTHS: { label: "返困监测月数", unit: "月", min: 0, max: 60, integer: true, hint: "脱困退档后继续监测返困风险的月数" },
  WARNING_INCOME_MULTIPLIER_EXITED: {
    label: "返困收入预警线（已脱困）",
    unit: "倍低保",
    min: 0.5,
    max: 10,
    integer: false,
    hint: "渐退期或已脱困家庭人均月收入低于低保标准的此倍数即预警",
  },
  WARNING_INCOME_MULTIPLIER_OPEN: {
    label: "返困收入预警线（相对困难）",
    unit: "倍低保",
    min: 0.5,
    max: 10,
    integer: false,
    hint: "在档相对困难家庭人均月收入低于低保标准的此倍数即预警",
  },
  WARNING_LIFE_EVENT: {
    label: "重大变故预警",
    unit: "",
    min: 0,
    max: 1,
    integer: true,
    hint: "走访记录新发重病、残疾、失业或主要劳动力死亡即预警（1 启用，0 停用）",
  },
  WARNING_CIVIL_LISTING: { label: "民政新列入低保预警", unit: "", min: 0, max: 1, integer: true, hint: "民政名单新列入低保即预警（1 启用，0 停用）" },
  WARNING_MEDICAL_AID_YUAN: { label: "医疗救助预警金额", unit: "元", min: 100, max: 10000000, integer: true, hint: "近 12 个月医疗救助合计超过此金额即预警" },
  WARNING_NO_VISIT_MONTHS: { label: "渐退期未走访预警", unit: "月", min: 1, max: 24, integer: true, hint: "渐退期家庭超过此月数未走访即预警" },
  CHECKIN_INTERVAL_MONTHS: { label: "脱困后回访间隔", unit: "月", min: 1, max: 12, integer: true, hint: "脱困退档后每隔此月数回访一次" },
  CHECKIN_MONTHS: { label: "脱困后回访期限", unit: "月", min: 0, max: 60, integer: true, hint: "脱困退档后回访的总月数" },
} as const satisfies Record<string, TParameterSpec>;

export type TParameterKey = keyof typeof PARAMETER_SPECS;
export const PARAMETER_KEYS = Object.keys(PARAMETER_SPECS) as TParameterKey[];

export const POLICY_KIND_LABELS = {
  DIBAO: "低保标准",
  PARAMETER: "政策参数",
  AID: "救助标准与年度上限",
  FUND: "资金用途（专款专用）",
  CAUSE: "致困原因所需证明材料",
} as const;
export type TPolicyKind = keyof typeof POLICY_KIND_LABELS;

export const NATIONAL_LABEL = "全国（缺省）";
