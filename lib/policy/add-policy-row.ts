import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb, unscopedSql, type TScopedTx } from "@/lib/data/scope";
import { ConflictError, DomainError, ForbiddenError } from "@/lib/errors/domain-error";
import { dateOnly, dateOnlyString, todayInShanghai } from "@/lib/format/datetime";
import type { Prisma } from "@/lib/generated/prisma/client";
import { NATIONAL_DIBAO_REGION, regionWithin } from "./regions";
import type { TAddPolicyRowInput } from "./schemas";

// 新增政策: a policy change is a new row from today or a later date, never an edit of the past.
// The row in force at the new row's start has its open end cut there (the only change the
// database's guard trigger allows on a policy row); a row already scheduled inside the new period
// makes the change an overlap, which is refused — also by the exclusion constraints *_no_overlap.

type TPeriodRow = { id: string; effectiveFrom: Date; effectiveTo: Date | null } & Record<string, unknown>;
type TPeriodDelegate = {
  findMany(args: { where: Record<string, unknown>; orderBy?: Record<string, string> }): Promise<TPeriodRow[]>;
  update(args: { where: { id: string }; data: { effectiveTo: Date } }): Promise<unknown>;
  create(args: { data: Record<string, unknown> }): Promise<TPeriodRow>;
};

type TSeries = { table: string; delegate: TPeriodDelegate; key: Record<string, unknown>; values: Record<string, unknown> };

function seriesOf(tx: TScopedTx, input: TAddPolicyRowInput): TSeries {
  switch (input.kind) {
    case "DIBAO": {
      const regionCode = input.regionCode || NATIONAL_DIBAO_REGION;
      return { table: "dibao_standard", delegate: tx.dibaoStandard as never, key: { regionCode }, values: { monthlyFen: input.monthlyFen } };
    }
    case "PARAMETER":
      return {
        table: "policy_parameter",
        delegate: tx.policyParameter as never,
        key: { key: input.key, regionCode: input.regionCode },
        values: { value: input.value },
      };
    case "AID":
      return {
        table: "aid_policy",
        delegate: tx.aidPolicy as never,
        key: { aidType: input.aidType, fileLevel: input.fileLevel ?? null, regionCode: input.regionCode },
        values: {
          standardAmountFen: input.standardAmountFen ?? null,
          annualCapFen: input.annualCapFen ?? null,
          capPer: input.capPer,
          allowedInObservation: input.allowedInObservation,
          cash: input.cash,
        },
      };
    case "FUND":
      return {
        table: "fund_aid_rule",
        delegate: tx.fundAidRule as never,
        key: { fundSource: input.fundSource, regionCode: input.regionCode },
        values: { aidTypes: input.aidTypes },
      };
    case "CAUSE":
      return {
        table: "cause_evidence_rule",
        delegate: tx.causeEvidenceRule as never,
        key: { cause: input.cause, regionCode: input.regionCode },
        values: { evidenceKinds: input.evidenceKinds },
      };
  }
}

/** Who may set policy for a region: administrators of a national, province, city or county union, for their own region and below. */
export async function assertMaySetPolicy(tx: Pick<TScopedTx, "organisation">, actor: TActor, regionCode: string) {
  assertRole(actor, "ADMIN");
  const org = await tx.organisation.findUniqueOrThrow({ where: { id: actor.organisation.id }, select: { level: true, regionCode: true } });
  if (org.level === "GRASSROOTS") throw new ForbiddenError("基层工会不设置政策参数，请由县级以上工会的管理员办理。");
  const adminRegion = org.level === "NATIONAL" ? NATIONAL_DIBAO_REGION : org.regionCode;
  const target = regionCode === "" ? NATIONAL_DIBAO_REGION : regionCode;
  if (!regionWithin(adminRegion, target)) throw new ForbiddenError("只能设置本地区及下辖地区的政策参数。");
}

const day = (d: Date | null) => (d ? dateOnlyString(d) : null);
const snapshot = (row: TPeriodRow) =>
  JSON.parse(JSON.stringify({ ...row, effectiveFrom: day(row.effectiveFrom), effectiveTo: day(row.effectiveTo) })) as Prisma.InputJsonValue;

export async function addPolicyRow(actor: TActor, input: TAddPolicyRowInput, today: string = todayInShanghai()): Promise<{ id: string }> {
  assertRole(actor, "ADMIN");
  if (input.effectiveFrom < today) {
    throw new DomainError("生效日期不能早于今天：已经执行的政策不能更改，请从今天或以后的日期起新增一条。", "PAST_EFFECTIVE_DATE", {
      effectiveFrom: "不能早于今天",
    });
  }
  const db = scopedDb(actor);
  try {
    return await db.$transaction(async (tx) => {
      await assertMaySetPolicy(tx, actor, input.regionCode);
      const series = seriesOf(tx, input);
      // One change to a series at a time: the second waits, then sees the first's rows.
      await tx.$executeRaw`${unscopedSql("advisory lock on a policy series, which belongs to no organisation")} SELECT pg_advisory_xact_lock(hashtext(${`${series.table}:${JSON.stringify(series.key)}`}))`;
      const from = dateOnly(input.effectiveFrom);
      const to = input.effectiveTo ? dateOnly(input.effectiveTo) : null;
      const rows = await series.delegate.findMany({
        where: { ...series.key, OR: [{ effectiveTo: null }, { effectiveTo: { gt: from } }] },
        orderBy: { effectiveFrom: "asc" },
      });
      const overlapping = rows.filter((r) => to === null || r.effectiveFrom < to);
      const later = overlapping.find((r) => r.effectiveFrom >= from);
      if (later) {
        throw new DomainError(
          `与已录入的 ${day(later.effectiveFrom)} 起执行的记录重叠。期间不能重叠：请把本条的截止日期设在 ${day(later.effectiveFrom)} 或之前。`,
          "POLICY_OVERLAP",
          { effectiveTo: `须不晚于 ${day(later.effectiveFrom)}` },
        );
      }
      const current = overlapping.find((r) => r.effectiveFrom < from);
      if (current && to !== null && (current.effectiveTo === null || current.effectiveTo > to)) {
        throw new DomainError(
          `${day(current.effectiveFrom)} 起执行的记录在本条截止日期之后仍然有效，期间会重叠。请不填截止日期，或另行安排。`,
          "POLICY_OVERLAP",
          {
            effectiveTo: "与现行记录重叠",
          },
        );
      }
      if (current) await series.delegate.update({ where: { id: current.id }, data: { effectiveTo: from } });
      const created = await series.delegate.create({
        data: { ...series.key, ...series.values, effectiveFrom: from, effectiveTo: to, note: input.note ?? null },
      });
      await recordAudit(tx, actor, {
        action: "policy.add-row",
        entityType: series.table,
        entityId: created.id,
        organisationId: actor.organisation.id,
        detail: {
          before: current ? snapshot(current) : null,
          after: snapshot(created),
          ...(current ? { cut: { id: current.id, effectiveTo: input.effectiveFrom, wasEffectiveTo: day(current.effectiveTo) } } : {}),
        },
      });
      return { id: created.id };
    });
  } catch (error) {
    if (String((error as Error)?.message ?? "").includes("_no_overlap")) throw new ConflictError("该期间已有其他记录（可能刚被他人录入），请刷新页面查看。");
    throw error;
  }
}
