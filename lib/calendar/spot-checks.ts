import "server-only";
import { mayStartSpotCheck } from "./rules";
import { randomInt } from "node:crypto";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { assertOrganisationInScope, scopedDb } from "@/lib/data/scope";
import { isUniqueViolation } from "@/lib/db/errors";
import { ConflictError, DomainError, NotFoundError, enforce } from "@/lib/errors/domain-error";
import { todayInShanghai } from "@/lib/format/datetime";
import type { SpotCheckFinding } from "@/lib/generated/prisma/enums";
import { policyValue } from "@/lib/policy/policy";
import { SPOT_CHECK_FINDING_LABELS } from "./labels";
import { drawSample, sampleSize } from "./sample";
import type { TRecordFindingInput, TStartSpotCheckInput } from "./schemas";

// 年度抽查: once a year an official starts a spot check for their organisation; Bangfu draws at
// least SPOT_CHECK_SHARE of the open files in its subtree with a stored seed (drawSample), and each
// sampled file gets a record whose finding feeds the quality rates (错评 / 错退 / 漏退).

/** Starts this year's spot check; a second start for the same organisation and year is refused (unique). */
export async function startSpotCheck(actor: TActor, input: TStartSpotCheckInput, options: { today?: string; seed?: number } = {}) {
  enforce(mayStartSpotCheck(actor));
  await assertOrganisationInScope(actor, input.organisationId);
  const today = options.today ?? todayInShanghai();
  const year = Number(today.slice(0, 4));
  const db = scopedDb(actor);
  try {
    return await db.$transaction(async (tx) => {
      const org = await tx.organisation.findUniqueOrThrow({
        where: { id: input.organisationId },
        select: { id: true, path: true, regionCode: true, name: true },
      });
      const share = await policyValue("SPOT_CHECK_SHARE", org.regionCode, today);
      const files = await tx.householdFile.findMany({ where: { status: "OPEN", organisation: { path: { startsWith: org.path } } }, select: { id: true } });
      if (files.length === 0) throw new DomainError(`${org.name}及下级工会目前没有在档档案，无需抽查。`, "NOTHING_TO_CHECK");
      const seed = options.seed ?? randomInt(1, 2 ** 31);
      const sample = drawSample(
        files.map((f) => f.id),
        seed,
        share,
      );
      const check = await tx.spotCheck.create({
        data: { organisationId: org.id, year, share, seed, population: files.length, startedById: actor.userId },
        select: { id: true },
      });
      await tx.spotCheckRecord.createMany({ data: sample.map((fileId) => ({ spotCheckId: check.id, fileId })) });
      await recordAudit(tx, actor, {
        action: "calendar.start-spot-check",
        entityType: "spot_check",
        entityId: check.id,
        organisationId: org.id,
        detail: { year, share, seed, population: files.length, sampled: sample.length },
      });
      return { spotCheckId: check.id, sampled: sample.length, population: files.length };
    });
  } catch (error) {
    if (isUniqueViolation(error, "organisation_id")) throw new ConflictError(`本单位 ${year} 年度的抽查已经启动，请在列表中继续登记。`);
    throw error;
  }
}

/** 登记抽查结果: a caseworker or official records the finding for one sampled file. */
export async function recordFinding(actor: TActor, input: TRecordFindingInput) {
  assertRole(actor, "CASEWORKER", "OFFICIAL");
  const db = scopedDb(actor);
  return db.$transaction(async (tx) => {
    const record = await tx.spotCheckRecord.findUnique({ where: { id: input.recordId }, include: { spotCheck: { select: { organisationId: true } } } });
    if (!record) throw new NotFoundError("抽查记录不存在，或不在您的管辖范围内。");
    const { count } = await tx.spotCheckRecord.updateMany({
      where: { id: record.id, finding: record.finding },
      data: { finding: input.finding, note: input.note ?? null, recordedById: actor.userId, recordedAt: new Date() },
    });
    if (count !== 1) throw new ConflictError("该记录刚被他人登记，请刷新页面。");
    await recordAudit(tx, actor, {
      action: "calendar.record-finding",
      entityType: "spot_check_record",
      entityId: record.id,
      organisationId: record.spotCheck.organisationId,
      detail: { fileId: record.fileId, before: record.finding, after: input.finding, note: input.note ?? null },
    });
    return { recordId: record.id };
  });
}

export async function findSpotChecks(actor: TActor) {
  assertRole(actor, "CASEWORKER", "OFFICIAL");
  const db = scopedDb(actor);
  const checks = await db.spotCheck.findMany({
    orderBy: [{ year: "desc" }, { startedAt: "desc" }],
    take: 50,
    include: { organisation: { select: { name: true } }, startedBy: { select: { name: true } }, _count: { select: { records: true } } },
  });
  const done = await db.spotCheckRecord.groupBy({
    by: ["spotCheckId"],
    where: { spotCheckId: { in: checks.map((c) => c.id) }, finding: { not: null } },
    _count: { _all: true },
  });
  return checks.map((c) => ({
    id: c.id,
    year: c.year,
    organisationName: c.organisation.name,
    startedBy: c.startedBy.name,
    startedAt: c.startedAt,
    share: c.share.toNumber(),
    seed: c.seed.toString(),
    population: c.population,
    sampled: c._count.records,
    recorded: done.find((d) => d.spotCheckId === c.id)?._count._all ?? 0,
  }));
}

export async function getSpotCheck(actor: TActor, spotCheckId: string) {
  assertRole(actor, "CASEWORKER", "OFFICIAL");
  const db = scopedDb(actor);
  const check = await db.spotCheck.findUnique({
    where: { id: spotCheckId },
    include: {
      organisation: { select: { name: true } },
      startedBy: { select: { name: true } },
      records: {
        orderBy: { id: "asc" },
        include: {
          file: { select: { id: true, fileNumber: true, holderName: true, tier: true, status: true, organisation: { select: { name: true } } } },
          recordedBy: { select: { name: true } },
        },
      },
    },
  });
  if (!check) throw new NotFoundError("抽查不存在，或不在您的管辖范围内。");
  const counts = Object.fromEntries(Object.keys(SPOT_CHECK_FINDING_LABELS).map((k) => [k, check.records.filter((r) => r.finding === k).length])) as Record<
    SpotCheckFinding,
    number
  >;
  const recorded = check.records.filter((r) => r.finding !== null).length;
  return {
    id: check.id,
    year: check.year,
    organisationName: check.organisation.name,
    startedBy: check.startedBy.name,
    startedAt: check.startedAt,
    share: check.share.toNumber(),
    seed: check.seed.toString(),
    population: check.population,
    expectedSize: sampleSize(check.population, check.share.toNumber()),
    records: check.records,
    counts,
    recorded,
    /** Quality rates among the files checked so far (错评率, 错退率, 漏退率). */
    rates: recorded
      ? { wronglyFiled: counts.WRONGLY_FILED / recorded, wronglyExited: counts.WRONGLY_EXITED / recorded, missedExit: counts.MISSED_EXIT / recorded }
      : null,
  };
}
