import "server-only";
import { randomInt } from "node:crypto";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import type { TScopedTx } from "@/lib/data/scope";
import { todayInShanghai } from "@/lib/format/datetime";
import { policyValue } from "@/lib/policy/policy";
import { drawCallbackLines, type TCallbackPopulationLine } from "./draw-callback-lines";

// 回访核实: when a batch is paid, a share of its lines that reached the household (已到账, 已签收)
// is drawn for a phone call-back, at least one per base union, from a stored seed — anyone with
// the seed, the share and the list of lines draws the same sample (drawCallbackLines, a pure function).

export type TPerUnion = { organisationId: string; name: string; population: number; sampled: number };

/** Draws and stores the sample of a batch just paid (idempotent: a batch has at most one sample). */
export async function drawCallbackSample(tx: TScopedTx, actor: Pick<TActor, "userId" | "ip">, batchId: string, options: { seed?: number } = {}) {
  const existing = await tx.callbackSample.findUnique({ where: { batchId }, select: { id: true } });
  if (existing) return existing;
  const batch = await tx.disbursementBatch.findUniqueOrThrow({
    where: { id: batchId },
    select: { organisationId: true, organisation: { select: { regionCode: true } } },
  });
  const share = await policyValue("CALLBACK_SHARE", batch.organisation.regionCode, todayInShanghai());
  const lines = await tx.batchLine.findMany({
    where: { batchId, removed: false, paymentStatus: { in: ["PAID", "SIGNED"] } },
    select: { id: true, fileId: true, organisationId: true, organisation: { select: { name: true } } },
  });
  const seed = options.seed ?? randomInt(1, 2 ** 31);
  const population: TCallbackPopulationLine[] = lines.map((l) => ({ id: l.id, organisationId: l.organisationId }));
  const { sample, perUnion } = drawCallbackLines(population, seed, share);
  const names = new Map(lines.map((l) => [l.organisationId, l.organisation.name]));
  const unions: TPerUnion[] = perUnion.map((u) => ({ ...u, name: names.get(u.organisationId) ?? "—" }));
  const created = await tx.callbackSample.create({
    data: { batchId, seed, share, population: lines.length, sampled: sample.length, perUnion: unions },
    select: { id: true },
  });
  const byId = new Map(lines.map((l) => [l.id, l]));
  await tx.callbackCall.createMany({
    data: sample.map((lineId) => {
      const line = byId.get(lineId)!;
      return { sampleId: created.id, batchId, batchLineId: lineId, fileId: line.fileId, organisationId: line.organisationId };
    }),
  });
  await recordAudit(tx, actor, {
    action: "payments.draw-callback-sample",
    entityType: "callback_sample",
    entityId: created.id,
    organisationId: batch.organisationId,
    detail: { batchId, seed, share, population: lines.length, sampled: sample.length },
  });
  return created;
}
