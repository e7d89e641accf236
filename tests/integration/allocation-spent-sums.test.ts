// Guards the sums 资金额度使用情况 reads its 实际支出, 银行退回 and 未领取退回 from (migration 0065):
// kept per paying union, fund and day and per month by a statement trigger on the ledger. Random
// ledgers are written as the application writes them — one entry per statement (a single
// disbursement), several per statement (a batch approval, a payment run's returns) of several
// paying unions, days, months and funds at once, payments and reversals of every kind in the same
// statement — and after each, the kept sums must equal the same sums counted from the entries, and
// the report of random ranges (whole months and partial ones, with and without a fund) must equal a
// plain sum over the entries of each union's subtree.
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAllocationReport } from "@/lib/allocations/find-allocation-report";
import type { TActor } from "@/lib/auth/actor";
import type { AidType, FundSource } from "@/lib/generated/prisma/enums";
import { actorFor, orgByCode, seedDemo } from "../support/factories";
import { insertPayableFiles, spentSumDifferences } from "../support/ledger-fixtures";

let sql: pg.Client;
let gsOfficial: TActor;
const payers: Array<{ official: TActor; recorder: TActor; file: string; organisationId: string }> = [];
const KINDS: ReadonlyArray<[AidType, FundSource]> = [
  ["LIVING", "UNION_FUNDS"],
  ["LIVING", "CENTRAL_SPECIAL"],
  ["MEDICAL", "DONATION"],
  ["WARMTH", "WARMTH_FUND"],
];
const REVERSALS = ["BANK_RETURN", "UNCLAIMED", null] as const;
// 2029: the demo gives every union money that year and pays nothing in it.
const dayOf = (n: number) => new Date(Date.UTC(2029, 0, 1 + n)).toISOString().slice(0, 10);

type TWrite = { payer: number; kind: number; amountFen: number; day: number; reverses?: { entryId: string; kind: (typeof REVERSALS)[number] } };
type TOriginal = TWrite & { entryId: string; reversed: boolean };

/** One INSERT … SELECT of every entry given (with their approved disbursements), as one approval writes a batch. */
async function writeStatement(writes: TWrite[]): Promise<string[]> {
  const input = writes.map((w, i) => {
    const p = payers[w.payer]!;
    const [aidType, fundSource] = KINDS[w.kind]!;
    return {
      i,
      file_id: p.file,
      organisation_id: p.organisationId,
      aid_type: aidType,
      fund_source: fundSource,
      amount_fen: w.reverses ? -w.amountFen : w.amountFen,
      entry_date: dayOf(w.day),
      recorded_by_id: p.recorder.userId,
      // A reversal is approved by the province here: it still gives back to its original's payer.
      approved_by_id: w.reverses ? gsOfficial.userId : p.official.userId,
      reverses_entry_id: w.reverses?.entryId ?? null,
      reversal_kind: w.reverses?.kind ?? null,
    };
  });
  const { rows } = await sql.query<{ id: string }>(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(i int, file_id uuid, organisation_id uuid, aid_type aid_type, fund_source fund_source,
                                                        amount_fen bigint, entry_date date, recorded_by_id uuid, approved_by_id uuid,
                                                        reverses_entry_id uuid, reversal_kind reversal_kind)),
     d AS (
       INSERT INTO disbursement (idempotency_key, file_id, organisation_id, aid_type, fund_source, amount_fen, entry_date, purpose, reverses_entry_id,
                                 status, recorded_by_id, decided_by_id, decided_at)
       SELECT gen_random_uuid(), file_id, organisation_id, aid_type, fund_source, amount_fen, entry_date, '随机 ' || i, reverses_entry_id,
              'APPROVED', recorded_by_id, approved_by_id, now() FROM input
       RETURNING id, purpose)
     INSERT INTO ledger_entry (organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, reverses_entry_id, reason, reversal_kind,
                               recorded_by_id, approved_by_id, disbursement_id)
     SELECT x.organisation_id, x.file_id, x.aid_type, x.fund_source, x.amount_fen, x.entry_date, d.purpose, x.reverses_entry_id,
            CASE WHEN x.reverses_entry_id IS NOT NULL THEN '随机冲正' END, x.reversal_kind, x.recorded_by_id, x.approved_by_id, d.id
       FROM input x JOIN d ON d.purpose = '随机 ' || x.i
     RETURNING id, purpose`,
    [JSON.stringify(input)],
  );
  const byPurpose = new Map(rows.map((r) => [(r as unknown as { purpose: string }).purpose, r.id]));
  return writes.map((_, i) => byPurpose.get(`随机 ${i}`)!);
}

/** 支出, 银行退回, 未领取退回 of a union's subtree over [from, to], summed from the entries themselves. */
async function plainSums(organisationId: string, from: string, to: string, fund: FundSource | null) {
  const { rows } = await sql.query<{ fund: FundSource; spent: string; bank: string; unclaimed: string }>(
    `SELECT e.fund_source::text AS fund, sum(e.amount_fen)::text AS spent,
            coalesce(-sum(e.amount_fen) FILTER (WHERE e.reversal_kind = 'BANK_RETURN'), 0)::text AS bank,
            coalesce(-sum(e.amount_fen) FILTER (WHERE e.reversal_kind = 'UNCLAIMED'), 0)::text AS unclaimed
       FROM ledger_entry e JOIN organisation p ON p.id = e.paying_organisation_id
      WHERE p.path LIKE (SELECT path FROM organisation WHERE id = $1) || '%' AND e.entry_date BETWEEN $2 AND $3
        AND ($4::fund_source IS NULL OR e.fund_source = $4::fund_source)
      GROUP BY 1`,
    [organisationId, from, to, fund],
  );
  return Object.fromEntries(rows.map((r) => [r.fund, { spent: Number(r.spent), bank: Number(r.bank), unclaimed: Number(r.unclaimed) }]));
}

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  gsOfficial = await actorFor("gs_official");
  // Three paying unions: Lanzhou's and Tianshui's officials, and the province's (for a Lanzhou household).
  for (const [official, recorder, orgCode, series] of [
    ["lz_official", "lz_caseworker", "GSLZCG01", 1],
    ["ts_official", "ts_caseworker", "GSTSQZ01", 2],
    ["gs_official", "lz_caseworker", "GSLZQLH01", 3],
  ] as const) {
    const organisationId = (await orgByCode(orgCode)).id;
    const [officialActor, recorderActor] = [await actorFor(official), await actorFor(recorder)];
    await insertPayableFiles(sql, { organisationId, count: 1, caseworkerId: recorderActor.userId, officialId: officialActor.userId, series });
    const { rows } = await sql.query<{ id: string }>("SELECT id FROM household_file WHERE file_number = $1", [`BULK${series}-1`]);
    payers.push({ official: officialActor, recorder: recorderActor, file: rows[0]!.id, organisationId });
  }
  const { rows } = await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger_entry WHERE entry_date BETWEEN '2029-01-01' AND '2029-12-31'");
  expect(rows[0]!.n, "the demo pays nothing in 2029, so the ranges below sum only these entries").toBe(0);
}, 120_000);

afterAll(async () => {
  await sql.end();
});

describe("allocation_spent_daily and allocation_spent_monthly", () => {
  it("equal the entries' sums after random statements, and give the report a plain sum's figures for random ranges", async () => {
    const originals: TOriginal[] = [];
    const write = fc.record({
      payer: fc.integer({ min: 0, max: 2 }),
      kind: fc.integer({ min: 0, max: KINDS.length - 1 }),
      amountFen: fc.integer({ min: 1, max: 100_000 }),
      day: fc.integer({ min: 0, max: 150 }),
    });
    const reversal = fc.record({ pick: fc.nat(), kind: fc.constantFrom(...REVERSALS), after: fc.integer({ min: 0, max: 40 }) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ payments: fc.array(write, { minLength: 0, maxLength: 5 }), reversals: fc.array(reversal, { maxLength: 3 }) }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.array(
          fc.record({
            start: fc.integer({ min: 0, max: 170 }),
            length: fc.integer({ min: 0, max: 130 }),
            fund: fc.option(fc.constantFrom(...KINDS.map((k) => k[1]))),
          }),
          { minLength: 2, maxLength: 4 },
        ),
        async (statements, ranges) => {
          for (const s of statements) {
            const writes: TWrite[] = [...s.payments];
            // Reversals of earlier entries in the same statement as the new payments (a payment run's returns beside a batch).
            const open = originals.filter((o) => !o.reversed);
            const taken = new Set<TOriginal>();
            for (const r of s.reversals) {
              const o = open.length ? open[r.pick % open.length]! : undefined;
              if (!o || taken.has(o)) continue;
              taken.add(o);
              writes.push({ payer: o.payer, kind: o.kind, amountFen: o.amountFen, day: o.day + r.after, reverses: { entryId: o.entryId, kind: r.kind } });
            }
            if (!writes.length) continue;
            const ids = await writeStatement(writes);
            writes.forEach((w, i) => {
              if (w.reverses) originals.find((o) => o.entryId === w.reverses!.entryId)!.reversed = true;
              else originals.push({ ...w, entryId: ids[i]!, reversed: false });
            });
          }
          expect(await spentSumDifferences(sql)).toEqual([]);

          for (const { start, length, fund } of ranges) {
            const [from, to] = [dayOf(start), dayOf(start + length)];
            const report = await findAllocationReport(gsOfficial, { period: { kind: "range", from, to, label: "" }, fundSource: fund ?? undefined });
            for (const node of new Set(report.rows.map((r) => r.organisationId))) {
              const plain = await plainSums(node, from, to, fund);
              for (const r of report.rows.filter((x) => x.organisationId === node)) {
                const p = plain[r.fundSource] ?? { spent: 0, bank: 0, unclaimed: 0 };
                expect({ spent: r.spentFen, bank: r.bankReturnedFen, unclaimed: r.unclaimedFen }, `${r.name} ${r.fundSource} ${from}–${to}`).toEqual(p);
              }
            }
          }
        },
      ),
      { numRuns: 12 },
    );
    // The runs wrote reversals of both kinds, some of them beside payments in one statement.
    const { rows } = await sql.query<{ kind: string | null; n: number }>(
      "SELECT reversal_kind::text AS kind, count(*)::int AS n FROM ledger_entry WHERE entry_date >= '2029-01-01' AND reverses_entry_id IS NOT NULL GROUP BY 1",
    );
    expect(Object.fromEntries(rows.map((r) => [r.kind ?? "冲正", r.n > 0]))).toEqual({ BANK_RETURN: true, UNCLAIMED: true, 冲正: true });
  }, 600_000);
});
