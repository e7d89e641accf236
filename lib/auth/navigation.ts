import type { Role } from "@/lib/generated/prisma/enums";

/** Which roles see which section; pages check the same list with requirePageActor(...ROLES.x). */
export const SECTION_ROLES = {
  intake: ["CASEWORKER"],
  review: ["OFFICIAL"],
  dynamic: ["CASEWORKER", "OFFICIAL"],
  archive: ["CASEWORKER", "OFFICIAL", "AUDITOR"],
  organisations: ["CASEWORKER", "OFFICIAL", "AUDITOR", "ADMIN"],
  users: ["ADMIN"],
  audit: ["AUDITOR", "ADMIN"],
  ledger: ["CASEWORKER", "OFFICIAL", "AUDITOR"],
  batches: ["CASEWORKER", "OFFICIAL"],
  // 回访核实: callers (caseworkers, officials) work the samples; auditors read them and resolve problems.
  callbacks: ["CASEWORKER", "OFFICIAL", "AUDITOR"],
  policy: ["ADMIN"],
  jobs: ["ADMIN"],
  tasks: ["CASEWORKER", "OFFICIAL"],
  spotChecks: ["CASEWORKER", "OFFICIAL"],
  import: ["CASEWORKER"],
  civil: ["CASEWORKER", "OFFICIAL", "AUDITOR"],
  reports: ["CASEWORKER", "OFFICIAL", "AUDITOR"],
  backups: ["ADMIN"],
  // 我的导出: everyone who can export a list (the archive's readers; the ledger and audit exports are the auditor's).
  exports: ["CASEWORKER", "OFFICIAL", "AUDITOR"],
  // 资金额度: officials and administrators enter them, everyone who handles or checks money reads them.
  allocations: ["CASEWORKER", "OFFICIAL", "AUDITOR", "ADMIN"],
  bankLayouts: ["ADMIN"],
  // Issue 25: return-to-hardship warnings and referrals (caseworkers and officials act, auditors read).
  warnings: ["CASEWORKER", "OFFICIAL", "AUDITOR"],
  signals: ["AUDITOR", "OFFICIAL"],
} as const satisfies Record<string, readonly Role[]>;

export type TSection = keyof typeof SECTION_ROLES;

/** `personal`: the user's own things, shown beside their name on wide screens rather than among the sections. */
export const NAVIGATION: Array<{ section: TSection; href: string; label: string; personal?: boolean }> = [
  { section: "archive", href: "/archive", label: "档案" },
  { section: "intake", href: "/intake", label: "建档" },
  { section: "import", href: "/import", label: "导入" },
  { section: "dynamic", href: "/dynamic", label: "动态管理" },
  { section: "civil", href: "/civil", label: "民政比对" },
  { section: "warnings", href: "/warnings", label: "返困预警" },
  { section: "signals", href: "/signals", label: "疑似冒领" },
  { section: "review", href: "/review", label: "审核" },
  { section: "ledger", href: "/ledger", label: "台账" },
  { section: "batches", href: "/batches", label: "批量发放" },
  { section: "callbacks", href: "/callbacks", label: "回访核实" },
  { section: "reports", href: "/reports", label: "统计报表" },
  { section: "organisations", href: "/orgs", label: "组织机构" },
  { section: "allocations", href: "/allocations", label: "资金额度" },
  { section: "users", href: "/admin/users", label: "用户管理" },
  { section: "audit", href: "/audit", label: "审计日志" },
  { section: "backups", href: "/admin/backups", label: "数据备份" },
  { section: "tasks", href: "/tasks", label: "待办事项" },
  { section: "spotChecks", href: "/spot-checks", label: "年度抽查" },
  { section: "policy", href: "/admin/policy", label: "政策参数" },
  { section: "jobs", href: "/admin/jobs", label: "定时任务" },
  { section: "exports", href: "/exports", label: "我的导出", personal: true },
  { section: "bankLayouts", href: "/admin/bank-layouts", label: "代发格式" },
];

export function sectionsFor(roles: readonly Role[]) {
  return NAVIGATION.filter((item) => (SECTION_ROLES[item.section] as readonly Role[]).some((r) => roles.includes(r)));
}
