import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { CAUSE_LABELS, FILE_LEVEL_LABELS } from "@/lib/labels/household-file";
import { keysOf } from "@/lib/labels/keys-of";
import { EVIDENCE_KIND_LABELS } from "@/lib/filing/labels";
import { dateOnly, dateOnlyString, todayInShanghai } from "@/lib/format/datetime";
import type { AidType, FileLevel } from "@/lib/generated/prisma/enums";
import { AID_TYPE_LABELS, FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { formatFen } from "@/lib/money/money";
import { NATIONAL_LABEL, PARAMETER_KEYS, PARAMETER_SPECS, type TPolicyKind } from "./catalogue";
import { fallbackLabel, NATIONAL_DIBAO_REGION, pickByChain, regionChain, regionWithin } from "./regions";

// 政策参数 as an administrator reads them: for a chosen region, the value in force on a day with
// the region it came from (region → city → province → national), and every row of the chain —
// past, current and scheduled. Policy rows are not organisation data; the region picker offers the
// regions of the administrator's own unions.

export type TPolicyRowView = {
  id: string;
  kind: TPolicyKind;
  item: string;
  value: string;
  regionCode: string;
  regionLabel: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  state: "在执行" | "已结束" | "待执行";
  note: string | null;
};

export type TInForceView = { kind: TPolicyKind; item: string; value: string | null; regionLabel: string | null; source: string | null; period: string | null };

type TRow = { id: string; regionCode: string; effectiveFrom: Date; effectiveTo: Date | null; note: string | null };

function inForce<T extends TRow>(rows: T[], onDate: string): T[] {
  const d = dateOnly(onDate);
  return rows.filter((r) => r.effectiveFrom <= d && (r.effectiveTo === null || r.effectiveTo > d));
}

export async function findPolicyOverview(actor: TActor, options: { regionCode?: string; onDate?: string } = {}) {
  assertRole(actor, "ADMIN");
  const db = scopedDb(actor);
  const onDate = options.onDate ?? todayInShanghai();
  const [orgs, own] = await Promise.all([
    db.organisation.findMany({ orderBy: { path: "asc" }, select: { name: true, regionCode: true, level: true } }),
    db.organisation.findUniqueOrThrow({ where: { id: actor.organisation.id }, select: { regionCode: true, level: true } }),
  ]);
  const adminRegion = own.level === "NATIONAL" ? NATIONAL_DIBAO_REGION : own.regionCode;
  const regionNames = new Map<string, string>();
  for (const o of orgs) if (o.level !== "GRASSROOTS" && !regionNames.has(o.regionCode)) regionNames.set(o.regionCode, o.name);
  const regions = [
    { code: "", label: NATIONAL_LABEL },
    ...[...regionNames].filter(([code]) => code !== NATIONAL_DIBAO_REGION).map(([code, name]) => ({ code, label: `${name}（${code}）` })),
  ];
  const requested = options.regionCode ?? (own.level === "NATIONAL" ? "" : own.regionCode);
  const regionCode = regions.some((r) => r.code === requested) ? requested : own.level === "NATIONAL" ? "" : own.regionCode;
  const canEdit = own.level !== "GRASSROOTS" && regionWithin(adminRegion, regionCode === "" ? NATIONAL_DIBAO_REGION : regionCode);

  const chain = regionChain(regionCode, "");
  const dibaoChain = regionChain(regionCode || NATIONAL_DIBAO_REGION, NATIONAL_DIBAO_REGION);
  const regionLabel = (code: string) =>
    code === "" || code === NATIONAL_DIBAO_REGION ? NATIONAL_LABEL : regionNames.has(code) ? `${regionNames.get(code)}（${code}）` : code;
  const asked = regionCode;
  const today = dateOnly(onDate);
  const view = (kind: TPolicyKind, item: string, value: string, r: TRow): TPolicyRowView => ({
    id: r.id,
    kind,
    item,
    value,
    regionCode: r.regionCode,
    regionLabel: regionLabel(r.regionCode),
    effectiveFrom: dateOnlyString(r.effectiveFrom),
    effectiveTo: r.effectiveTo ? dateOnlyString(r.effectiveTo) : null,
    note: r.note,
    state: r.effectiveFrom > today ? "待执行" : r.effectiveTo !== null && r.effectiveTo <= today ? "已结束" : "在执行",
  });
  const period = (r: TRow) => `${dateOnlyString(r.effectiveFrom)} 起${r.effectiveTo ? `，至 ${dateOnlyString(r.effectiveTo)} 前` : ""}`;
  const found = (kind: TPolicyKind, item: string, value: string, r: TRow | undefined, askedCode: string): TInForceView =>
    r
      ? { kind, item, value, regionLabel: regionLabel(r.regionCode), source: fallbackLabel(askedCode, r.regionCode), period: period(r) }
      : { kind, item, value: null, regionLabel: null, source: null, period: null };
  const byChainThenDate =
    <T extends TRow>(order: string[]) =>
    (a: T, b: T) =>
      order.indexOf(a.regionCode) - order.indexOf(b.regionCode) || b.effectiveFrom.getTime() - a.effectiveFrom.getTime();

  const [dibao, params, aid, funds, causes] = await Promise.all([
    db.dibaoStandard.findMany({ where: { regionCode: { in: dibaoChain } } }),
    db.policyParameter.findMany({ where: { regionCode: { in: chain }, key: { in: PARAMETER_KEYS } } }),
    db.aidPolicy.findMany({ where: { regionCode: { in: chain } } }),
    db.fundAidRule.findMany({ where: { regionCode: { in: chain } } }),
    db.causeEvidenceRule.findMany({ where: { regionCode: { in: chain } } }),
  ]);

  const dibaoValue = (r: { monthlyFen: number }) => `${formatFen(r.monthlyFen)} /人·月`;
  const paramItem = (key: string) => PARAMETER_SPECS[key as keyof typeof PARAMETER_SPECS]?.label ?? key;
  const paramValue = (r: { key: string; value: { toNumber(): number } }) =>
    `${r.value.toNumber()} ${PARAMETER_SPECS[r.key as keyof typeof PARAMETER_SPECS]?.unit ?? ""}`.trim();
  const aidItem = (r: { aidType: AidType; fileLevel: FileLevel | null }) =>
    `${AID_TYPE_LABELS[r.aidType]}·${r.fileLevel ? FILE_LEVEL_LABELS[r.fileLevel] : "各级"}`;
  const aidValue = (r: { standardAmountFen: number | null; annualCapFen: number | null; capPer: string; cash: boolean; allowedInObservation: boolean }) =>
    [
      r.cash ? `标准 ${r.standardAmountFen === null ? "按实际" : formatFen(r.standardAmountFen)}` : "不发放现金",
      `年度上限 ${r.annualCapFen === null ? "不限" : `${formatFen(r.annualCapFen)}/${r.capPer === "STUDENT" ? "生" : "户"}`}`,
      r.allowedInObservation ? "渐退期可享受" : "渐退期不可享受",
    ].join("；");
  const fundValue = (r: { aidTypes: AidType[] }) => `只能用于：${r.aidTypes.map((t) => AID_TYPE_LABELS[t]).join("、")}`;
  const causeValue = (r: { evidenceKinds: (keyof typeof EVIDENCE_KIND_LABELS)[] }) =>
    r.evidenceKinds.length ? r.evidenceKinds.map((k) => EVIDENCE_KIND_LABELS[k]).join("、") : "无额外材料";

  const sections: Record<TPolicyKind, { inForce: TInForceView[]; history: TPolicyRowView[] }> = {
    DIBAO: {
      inForce: [
        (() => {
          const r = pickByChain(inForce(dibao, onDate), dibaoChain);
          return found("DIBAO", "城市低保标准", r ? dibaoValue(r) : "", r, asked || NATIONAL_DIBAO_REGION);
        })(),
      ],
      history: dibao.sort(byChainThenDate(dibaoChain)).map((r) => view("DIBAO", "城市低保标准", dibaoValue(r), r)),
    },
    PARAMETER: {
      inForce: PARAMETER_KEYS.map((key) => {
        const r = pickByChain(
          inForce(
            params.filter((p) => p.key === key),
            onDate,
          ),
          chain,
        );
        return found("PARAMETER", paramItem(key), r ? paramValue(r) : "", r, asked);
      }),
      history: params
        .sort((a, b) => PARAMETER_KEYS.indexOf(a.key as never) - PARAMETER_KEYS.indexOf(b.key as never) || byChainThenDate(chain)(a, b))
        .map((r) => view("PARAMETER", paramItem(r.key), paramValue(r), r)),
    },
    AID: {
      inForce: keysOf(AID_TYPE_LABELS).flatMap((aidType) =>
        keysOf(FILE_LEVEL_LABELS).map((level) => {
          const candidates = inForce(
            aid.filter((a) => a.aidType === aidType && (a.fileLevel === null || a.fileLevel === level)),
            onDate,
          ).sort((a, b) => chain.indexOf(a.regionCode) - chain.indexOf(b.regionCode) || Number(a.fileLevel === null) - Number(b.fileLevel === null));
          const r = candidates[0];
          return found("AID", `${AID_TYPE_LABELS[aidType]}·${FILE_LEVEL_LABELS[level]}档案`, r ? aidValue(r) : "", r, asked);
        }),
      ),
      history: aid
        .sort((a, b) => a.aidType.localeCompare(b.aidType) || String(a.fileLevel).localeCompare(String(b.fileLevel)) || byChainThenDate(chain)(a, b))
        .map((r) => view("AID", aidItem(r), aidValue(r), r)),
    },
    FUND: {
      inForce: keysOf(FUND_SOURCE_LABELS).map((fund) => {
        const r = pickByChain(
          inForce(
            funds.filter((f) => f.fundSource === fund),
            onDate,
          ),
          chain,
        );
        return r
          ? found("FUND", FUND_SOURCE_LABELS[fund], fundValue(r), r, asked)
          : { kind: "FUND" as const, item: FUND_SOURCE_LABELS[fund], value: "各类救助均可支付", regionLabel: null, source: "未设限制", period: null };
      }),
      history: funds
        .sort((a, b) => a.fundSource.localeCompare(b.fundSource) || byChainThenDate(chain)(a, b))
        .map((r) => view("FUND", FUND_SOURCE_LABELS[r.fundSource], fundValue(r), r)),
    },
    CAUSE: {
      inForce: keysOf(CAUSE_LABELS).map((cause) => {
        const r = pickByChain(
          inForce(
            causes.filter((c) => c.cause === cause),
            onDate,
          ),
          chain,
        );
        return r
          ? found("CAUSE", CAUSE_LABELS[cause], causeValue(r), r, asked)
          : { kind: "CAUSE" as const, item: CAUSE_LABELS[cause], value: "无额外材料", regionLabel: null, source: "未设要求", period: null };
      }),
      history: causes
        .sort((a, b) => a.cause.localeCompare(b.cause) || byChainThenDate(chain)(a, b))
        .map((r) => view("CAUSE", CAUSE_LABELS[r.cause], causeValue(r), r)),
    },
  };
  return { onDate, regionCode, regionLabel: regionLabel(regionCode), regions, canEdit, sections };
}
