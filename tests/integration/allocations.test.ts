// Allocations (资金下拨与额度, issue 23 §1): who may enter them, that a union passes down and pays
// no more than it holds — enforced by the database, also when officials approve at the same moment —
// and that the report's every cell equals what was done. The tests work in a city of their own
// (测试市, under the demo province), which holds nothing until the province passes money down.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAllocationReport } from "@/lib/allocations/find-allocation-report";
import { recordAllocation } from "@/lib/allocations/record-allocation";
import { ZRecordAllocationInput } from "@/lib/allocations/schemas";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { DomainError } from "@/lib/errors/domain-error";
import { todayInShanghai } from "@/lib/format/datetime";
import type { FundSource } from "@/lib/generated/prisma/enums";
import { approveBatch, createBatch, submitBatch } from "@/lib/ledger/batches";
import { approveDisbursement, recordDisbursement } from "@/lib/ledger/disbursements";
import { getBatch } from "@/lib/ledger/find-batches";
import { ZCreateBatchInput, ZRecordDisbursementInput } from "@/lib/ledger/schemas";
import { actorFor, createTestUser, seedDemo } from "../support/factories";
import { insertApprovedPayment, insertOutcomeReversal, insertPayableFiles } from "../support/ledger-fixtures";

const today = todayInShanghai();
const year = Number(today.slice(0, 4));
let sql: pg.Client;
let gsOfficial: TActor,
  gsAdmin: TActor,
  lzOfficial: TActor,
  cityOfficial: TActor,
  cityOfficial2: TActor,
  cityCaseworker: TActor,
  cityAuditor: TActor,
  countyOfficial: TActor;
let province: string, city: string, county: string;
const grassroots: string[] = [];

async function org(name: string, code: string, level: string, parentId: string) {
  const created = await prisma.organisation.create({ data: { name, code, level: level as never, regionCode: "620600", parentId, path: "", depth: 0 } });
  return created.id;
}
async function user(orgCode: string, roles: Parameters<typeof createTestUser>[0]["roles"]) {
  return actorFor((await createTestUser({ orgCode, roles })).username);
}
const input = (values: Record<string, unknown>) =>
  ZRecordAllocationInput.parse({ idempotencyKey: randomUUID(), entryDate: today, note: "测试下拨文件", ...values });
const passDown = (actor: TActor, recipientId: string, fundSource: FundSource, yuan: string, extra: Record<string, unknown> = {}) =>
  recordAllocation(actor, input({ kind: "PASS_DOWN", recipientId, fundSource, amountFen: yuan, ...extra }));
async function balance(organisationId: string, fundSource: FundSource, y = year): Promise<number> {
  const { rows } = await sql.query<{ b: string }>(
    "SELECT balance_fen::text AS b FROM allocation_balance WHERE organisation_id = $1 AND fund_source = $2 AND year = $3",
    [organisationId, fundSource, y],
  );
  return Number(rows[0]?.b ?? 0);
}
const allocationCount = async () => Number((await sql.query<{ n: string }>("SELECT count(*)::text AS n FROM allocation")).rows[0]!.n);

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  province = (await prisma.organisation.findUniqueOrThrow({ where: { code: "GS" } })).id;
  city = await org("测试市总工会", "GSCS", "CITY", province);
  county = await org("测试县总工会", "GSCSX", "COUNTY", city);
  for (let i = 1; i <= 8; i++) grassroots.push(await org(`测试基层工会${i}`, `GSCSX${i}`, "GRASSROOTS", county));
  [gsOfficial, gsAdmin, lzOfficial] = (await Promise.all(["gs_official", "gs_admin", "lz_official"].map(actorFor))) as [TActor, TActor, TActor];
  cityOfficial = await user("GSCS", ["OFFICIAL"]);
  cityOfficial2 = await user("GSCS", ["OFFICIAL"]);
  await user("GSCS", ["ADMIN"]); // a city administrator exists, as in a real deployment
  cityCaseworker = await user("GSCS", ["CASEWORKER"]);
  cityAuditor = await user("GSCS", ["AUDITOR"]);
  countyOfficial = await user("GSCSX", ["OFFICIAL"]);
});

afterAll(async () => {
  await sql.end();
});

describe("entering allocations", () => {
  it("lets the province pass money down to a city, audited, moving both balances", async () => {
    const before = await balance(province, "DONATION");
    expect(before).toBe(5_000_000_000 - 2 * 2_000_000_000); // the demo: ¥50m received, ¥20m to each city
    const { allocationId } = await passDown(gsOfficial, city, "DONATION", "1,000.50");
    expect(await balance(province, "DONATION")).toBe(before - 100_050);
    expect(await balance(city, "DONATION")).toBe(100_050);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { entityId: allocationId } });
    expect(audit).toMatchObject({ action: "allocation.pass-down", actorId: gsOfficial.userId, organisationId: province });
  });

  it("refuses what the giver does not hold, naming the balance, and writes nothing", async () => {
    const count = await allocationCount();
    await expect(passDown(cityOfficial, county, "DONATION", "2000")).rejects.toThrow(`测试市总工会 ${year} 年“社会捐赠”剩余 ¥1,000.50，本次下拨 ¥2,000.00`);
    expect(await allocationCount()).toBe(count);
    expect(await balance(city, "DONATION")).toBe(100_050);
    expect(await balance(county, "DONATION")).toBe(0);
  });

  it("takes 拨入 only at the top of the tree and 下拨 only to a union directly below", async () => {
    await expect(
      recordAllocation(cityOfficial, input({ kind: "RECEIVED", fundSource: "DONATION", amountFen: "100", source: "市财政局" })),
    ).rejects.toMatchObject({ code: "NOT_TOP_OF_TREE" });
    const { allocationId } = await recordAllocation(gsAdmin, input({ kind: "RECEIVED", fundSource: "UNION_FUNDS", amountFen: "100", source: "全国总工会" }));
    expect(await prisma.allocation.findUniqueOrThrow({ where: { id: allocationId } })).toMatchObject({
      kind: "RECEIVED",
      organisationId: province,
      source: "全国总工会",
    });
    await expect(passDown(gsOfficial, county, "DONATION", "10")).rejects.toMatchObject({ code: "NOT_CHILD" }); // a grandchild
  });

  // Victim: 测试市 (its province's rows); attacker: Lanzhou's official, another city.
  it("keeps other cities, caseworkers and auditors out", async () => {
    const count = await allocationCount();
    await expect(passDown(lzOfficial, city, "DONATION", "10")).rejects.toMatchObject({ code: "NOT_CHILD" });
    const provinceRow = await prisma.allocation.findFirstOrThrow({ where: { organisationId: province, recipientId: city } });
    await expect(recordAllocation(lzOfficial, input({ kind: "ADJUSTMENT", adjustsId: provinceRow.id, amountFen: "-1" }))).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    // The city sees the row given to it, but corrects only its own rows.
    await expect(recordAllocation(cityOfficial, input({ kind: "ADJUSTMENT", adjustsId: provinceRow.id, amountFen: "-1" }))).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(passDown(cityCaseworker, county, "DONATION", "10")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(passDown(cityAuditor, county, "DONATION", "10")).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await allocationCount()).toBe(count);
  });

  it("explains bad input in Chinese", () => {
    const issues = (values: Record<string, unknown>) =>
      ZRecordAllocationInput.safeParse({ idempotencyKey: randomUUID(), entryDate: today, note: "说明", ...values }).error?.issues.map((i) => i.message);
    expect(issues({ kind: "PASS_DOWN", fundSource: "DONATION", amountFen: "abc" })).toEqual(
      expect.arrayContaining(["金额格式不正确，请填写数字，例如 1234.56。"]),
    );
    expect(issues({ kind: "PASS_DOWN", fundSource: "DONATION", amountFen: "0", recipientId: county })).toEqual(["金额须大于 0"]);
    expect(issues({ kind: "PASS_DOWN", fundSource: "DONATION", amountFen: "10" })).toEqual(["请选择下级工会"]);
    expect(issues({ kind: "RECEIVED", fundSource: "DONATION", amountFen: "10" })).toEqual(["请填写资金来源单位（如 省财政厅、全国总工会）"]);
    expect(issues({ kind: "ADJUSTMENT", amountFen: "0", adjustsId: county })).toEqual(["调整金额不能为 0（调减请填负数）"]);
    expect(issues({ kind: "PASS_DOWN", fundSource: "DONATION", amountFen: "-5", recipientId: county })).toEqual(["金额须大于 0"]);
  });

  it("corrects by an adjusting row only: the rows themselves cannot change", async () => {
    const { allocationId } = await passDown(cityOfficial, county, "DONATION", "600");
    expect(await balance(county, "DONATION")).toBe(60_000);
    await expect(sql.query("UPDATE allocation SET amount_fen = 1 WHERE id = $1", [allocationId])).rejects.toThrow();
    await expect(sql.query("DELETE FROM allocation WHERE id = $1", [allocationId])).rejects.toThrow();
    // Taking back part of a pass-down: the county returns ¥100 to the city.
    await recordAllocation(cityOfficial, input({ kind: "ADJUSTMENT", adjustsId: allocationId, amountFen: "-100", note: "多拨，收回" }));
    expect(await balance(county, "DONATION")).toBe(50_000);
    expect(await balance(city, "DONATION")).toBe(100_050 - 50_000);
    await expect(recordAllocation(cityOfficial, input({ kind: "ADJUSTMENT", adjustsId: allocationId, amountFen: "-600" }))).rejects.toMatchObject({
      code: "ADJUST_BELOW_ZERO",
    });
    // What the county has already spent cannot be taken back.
    const [file] = await filesIn(grassroots[5]!, 1, 7);
    await insertApprovedPayment(sql, {
      fileId: file!,
      organisationId: grassroots[5]!,
      aidType: "MEDICAL",
      fundSource: "DONATION",
      amountFen: 45_000,
      purpose: "大病医疗救助",
      recordedById: cityCaseworker.userId,
      approvedById: countyOfficial.userId,
    });
    await expect(recordAllocation(cityOfficial, input({ kind: "ADJUSTMENT", adjustsId: allocationId, amountFen: "-100" }))).rejects.toThrow("测试县总工会");
    expect(await balance(county, "DONATION")).toBe(5_000);
  });

  it("allocates once for a repeated submission", async () => {
    const same = input({ kind: "PASS_DOWN", recipientId: county, fundSource: "DONATION", amountFen: "1" });
    const results = await Promise.all([recordAllocation(cityOfficial, same), recordAllocation(cityOfficial, same)]);
    expect(new Set(results.map((r) => r.allocationId)).size).toBe(1);
    expect(await prisma.allocation.count({ where: { idempotencyKey: same.idempotencyKey } })).toBe(1);
  });
});

/** `count` payable files in a grassroots union (series keeps the resident IDs of calls apart). */
async function filesIn(organisationId: string, count: number, series: number): Promise<string[]> {
  await insertPayableFiles(sql, { organisationId, count, caseworkerId: cityCaseworker.userId, officialId: cityOfficial.userId, series });
  return (await prisma.householdFile.findMany({ where: { organisationId, fileNumber: { startsWith: `BULK${series}-` } }, select: { id: true } })).map(
    (f) => f.id,
  );
}

describe("approvals within the allocation", () => {
  it("approves, of five batches approved at the same moment by two officials, exactly the three that fit", async () => {
    // Four households in each of five grassroots unions: five batches of 4 × ¥500 = ¥2,000.
    const batches: Array<{ batchId: string; version: number }> = [];
    for (let i = 0; i < 5; i++) {
      await filesIn(grassroots[i]!, 4, i + 1);
      const { batchId, lineCount } = await createBatch(
        cityCaseworker,
        ZCreateBatchInput.parse({
          idempotencyKey: randomUUID(),
          name: `测试送温暖 ${i + 1}`,
          aidType: "WARMTH",
          fundSource: "WARMTH_FUND",
          standardAmountFen: "500",
          entryDate: today,
          purpose: "元旦春节慰问",
          organisationId: grassroots[i]!,
          tiers: [],
          fileLevels: [],
        }),
      );
      expect(lineCount).toBe(4);
      const { version } = await getBatch(cityCaseworker, batchId);
      await submitBatch(cityCaseworker, { batchId, expectedVersion: version });
      batches.push({ batchId, version: version + 1 });
    }
    await passDown(gsOfficial, city, "WARMTH_FUND", "7000");
    const results = await Promise.allSettled(
      batches.map((b, i) => approveBatch(i % 2 ? cityOfficial2 : cityOfficial, { batchId: b.batchId, expectedVersion: b.version })),
    );
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect(refused).toHaveLength(2);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(DomainError);
      expect(r.reason.message).toBe(
        `超出可用额度：测试市总工会 ${year} 年“送温暖资金”剩余 ¥1,000.00，本批次合计 ¥2,000.00。请先由上级下拨资金，或减少金额后再办理。`,
      );
    }
    expect(await balance(city, "WARMTH_FUND")).toBe(100_000);
    const statuses = await prisma.disbursementBatch.groupBy({ by: ["status"], where: { id: { in: batches.map((b) => b.batchId) } }, _count: true });
    expect(Object.fromEntries(statuses.map((s) => [s.status, s._count]))).toEqual({ APPROVED: 3, SUBMITTED: 2 });
    const { rows } = await sql.query<{ n: number; total: string }>(
      "SELECT count(*)::int AS n, sum(amount_fen)::text AS total FROM ledger_entry WHERE paying_organisation_id = $1 AND fund_source = 'WARMTH_FUND'",
      [city],
    );
    expect(rows[0]).toEqual({ n: 12, total: "600000" });
  });

  it("approves, of five single requests approved at once, exactly those that fit; a reversal gives the money back", async () => {
    const files = await filesIn(grassroots[6]!, 5, 8);
    await passDown(gsOfficial, city, "UNION_FUNDS", "1000");
    const ids: string[] = [];
    for (const fileId of files) {
      ids.push(
        (
          await recordDisbursement(
            cityCaseworker,
            ZRecordDisbursementInput.parse({
              idempotencyKey: randomUUID(),
              fileId,
              aidType: "EMERGENCY",
              fundSource: "UNION_FUNDS",
              amountFen: "300",
              entryDate: today,
              purpose: "临时救助",
              evidence: "",
              studentIndex: "",
              overCapNote: "",
              confirmNotDuplicate: true,
            }),
          )
        ).disbursementId,
      );
    }
    const results = await Promise.allSettled(ids.map((disbursementId, i) => approveDisbursement(i % 2 ? cityOfficial2 : cityOfficial, { disbursementId })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    for (const r of results) if (r.status === "rejected") expect(r.reason.message).toContain(`测试市总工会 ${year} 年“工会经费”剩余 ¥100.00，本次发放 ¥300.00`);
    expect(await balance(city, "UNION_FUNDS")).toBe(10_000);
    // A bank return (written as §3 writes it) gives the amount back to the union that paid.
    const paid = await prisma.ledgerEntry.findFirstOrThrow({ where: { disbursementId: { in: ids } } });
    await bankReturn(paid.id);
    expect(await balance(city, "UNION_FUNDS")).toBe(40_000);
  });

  it("refuses a ledger entry written past the allocation even without the application", async () => {
    const [file] = await filesIn(grassroots[7]!, 1, 9);
    await expect(
      insertApprovedPayment(sql, {
        fileId: file!,
        organisationId: grassroots[7]!,
        aidType: "LIVING",
        fundSource: "CENTRAL_SPECIAL",
        amountFen: 1,
        purpose: "生活救助",
        recordedById: cityCaseworker.userId,
        approvedById: cityOfficial.userId,
      }),
    ).rejects.toThrow(/allocation_exceeded/);
    const { rows } = await sql.query("SELECT 1 FROM allocation_balance WHERE balance_fen < 0");
    expect(rows).toEqual([]);
  });
});

/** A reversal of `entryId` with the bank's reason, as the return-file reconciliation writes it. */
const bankReturn = (entryId: string, kind: "BANK_RETURN" | "UNCLAIMED" = "BANK_RETURN", entryDate?: string) =>
  insertOutcomeReversal(sql, entryId, kind, entryDate);

describe("the allocation report's 支出 on the edges of a period", () => {
  // 2030 in 测试市, written out by hand (fen). The province passes ¥10,000 of 工会经费 and ¥100 of
  // 社会捐赠 to the city on January 1st, the city ¥1,000 of 工会经费 to the county. Entries (payer):
  //   A 02-28 city 10,000 · B 03-01 city 20,000 · C 03-15 county 40,000 · D 03-31 city 80,000
  //   E 04-01 city 160,000 · F 03-10 city 5,000 (社会捐赠) · P 03-10 the province 1,000,000 (a
  //   测试市 household, paid by another union: never in 测试市's figures)
  //   G 03-20 B returned by the bank −20,000 · H 03-31 C not collected −40,000 · I 04-02 E corrected −160,000
  const Y = 2030;
  const rowsOf = async (from: string, to: string, kind: "month" | "range" | "year" = "range") => {
    const report = await findAllocationReport(cityAuditor, { organisationId: city, period: { kind, from, to, label: `${from}–${to}` } });
    const pick = (organisationId: string, fund: FundSource) => {
      const r = report.rows.find((x) => x.organisationId === organisationId && x.fundSource === fund);
      return (
        r && { spent: r.spentFen, bank: r.bankReturnedFen, unclaimed: r.unclaimedFen, received: r.receivedFen, own: r.ownBalanceFen, balance: r.balanceFen }
      );
    };
    return { city: pick(city, "UNION_FUNDS"), county: pick(county, "UNION_FUNDS"), donation: pick(city, "DONATION") };
  };

  beforeAll(async () => {
    await passDown(gsOfficial, city, "UNION_FUNDS", "10000", { entryDate: `${Y}-01-01` });
    await passDown(gsOfficial, city, "DONATION", "100", { entryDate: `${Y}-01-01` });
    await passDown(cityOfficial, county, "UNION_FUNDS", "1000", { entryDate: `${Y}-01-01` });
    const [file] = await filesIn(grassroots[3]!, 1, 0); // series 0: no other test here uses it
    const pay = (approver: TActor, amountFen: number, entryDate: string, fundSource: FundSource = "UNION_FUNDS") =>
      insertApprovedPayment(sql, {
        fileId: file!,
        organisationId: grassroots[3]!,
        aidType: fundSource === "DONATION" ? "MEDICAL" : "LIVING",
        fundSource,
        amountFen,
        entryDate,
        purpose: "边界测试",
        recordedById: cityCaseworker.userId,
        approvedById: approver.userId,
      });
    await pay(cityOfficial, 10_000, `${Y}-02-28`);
    const b = await pay(cityOfficial, 20_000, `${Y}-03-01`);
    const c = await pay(countyOfficial, 40_000, `${Y}-03-15`);
    await pay(cityOfficial, 80_000, `${Y}-03-31`);
    const e = await pay(cityOfficial, 160_000, `${Y}-04-01`);
    await pay(cityOfficial, 5_000, `${Y}-03-10`, "DONATION");
    await pay(gsOfficial, 1_000_000, `${Y}-03-10`);
    await bankReturn(b.entryId, "BANK_RETURN", `${Y}-03-20`);
    await bankReturn(c.entryId, "UNCLAIMED", `${Y}-03-31`);
    const original = await prisma.ledgerEntry.findUniqueOrThrow({ where: { id: e.entryId } });
    await insertApprovedPayment(sql, {
      fileId: original.fileId,
      organisationId: original.organisationId,
      aidType: original.aidType,
      fundSource: original.fundSource,
      amountFen: -160_000,
      entryDate: `${Y}-04-02`,
      purpose: "冲正",
      recordedById: cityCaseworker.userId,
      approvedById: cityOfficial2.userId,
      reverses: { entryId: e.entryId, reason: "金额录错" },
    });
  });

  it("counts a month's first and last day, nets the bank return and the uncollected cash, and leaves out another union's payment", async () => {
    // B + D − G (A, E: the days around March); county C − H; the province's P nowhere.
    expect(await rowsOf(`${Y}-03-01`, `${Y}-03-31`, "month")).toEqual({
      city: { spent: 80_000, bank: 20_000, unclaimed: 40_000, received: 0, own: -80_000, balance: -80_000 },
      county: { spent: 0, bank: 0, unclaimed: 40_000, received: 0, own: 0, balance: 0 },
      donation: { spent: 5_000, bank: 0, unclaimed: 0, received: 0, own: -5_000, balance: -5_000 },
    });
  });

  it("reads a range with partial months at both ends day by day", async () => {
    // 03-15 … 04-10: C, D, E, G, H, I (not A, B, F).
    expect(await rowsOf(`${Y}-03-15`, `${Y}-04-10`)).toEqual({
      city: { spent: 60_000, bank: 20_000, unclaimed: 40_000, received: 0, own: -60_000, balance: -60_000 },
      county: { spent: 0, bank: 0, unclaimed: 40_000, received: 0, own: 0, balance: 0 },
      donation: { spent: 0, bank: 0, unclaimed: 0, received: 0, own: 0, balance: 0 },
    });
    // 02-28 … 04-01: the whole of March and one day on each side: A, B, C, D, E, F, G, H (not I).
    expect(await rowsOf(`${Y}-02-28`, `${Y}-04-01`)).toEqual({
      city: { spent: 250_000, bank: 20_000, unclaimed: 40_000, received: 0, own: -250_000, balance: -250_000 },
      county: { spent: 0, bank: 0, unclaimed: 40_000, received: 0, own: 0, balance: 0 },
      donation: { spent: 5_000, bank: 0, unclaimed: 0, received: 0, own: -5_000, balance: -5_000 },
    });
    // 03-02 … 03-30: inside one month, without its first and last day: C, F, G (not B, D, H). The
    // city itself only gave back (G), so its own balance grows.
    expect(await rowsOf(`${Y}-03-02`, `${Y}-03-30`)).toEqual({
      city: { spent: 20_000, bank: 20_000, unclaimed: 0, received: 0, own: 20_000, balance: -20_000 },
      county: { spent: 40_000, bank: 0, unclaimed: 0, received: 0, own: -40_000, balance: -40_000 },
      donation: { spent: 5_000, bank: 0, unclaimed: 0, received: 0, own: -5_000, balance: -5_000 },
    });
  });

  it("gives the year what was passed down beside what was spent", async () => {
    expect(await rowsOf(`${Y}-01-01`, `${Y}-12-31`, "year")).toEqual({
      // ¥10,000 in, ¥1,000 down; spent A + B + D + E − G − I = 90,000.
      city: { spent: 90_000, bank: 20_000, unclaimed: 40_000, received: 1_000_000, own: 810_000, balance: 910_000 },
      county: { spent: 0, bank: 0, unclaimed: 40_000, received: 100_000, own: 100_000, balance: 100_000 },
      donation: { spent: 5_000, bank: 0, unclaimed: 0, received: 10_000, own: 5_000, balance: 5_000 },
    });
  });
});

describe("the allocation report", () => {
  // A seeded random mix in a fresh year (2031: the demo gave the cities money that year, but not 测试市):
  // pass-downs province → city → county with adjustments, payments by the city's and the county's
  // officials (each succeeding exactly when the tally below says it fits), corrections, bank returns
  // and uncollected cash. The tally is plain arithmetic kept beside the actions; the report and
  // plain SQL over the ledger must agree with it cell by cell.
  it("equals, cell by cell, what was done; no union ever holds less than nothing", async () => {
    const Y = 2031;
    let seed = 20261206;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const funds = ["CENTRAL_SPECIAL", "UNION_FUNDS", "DONATION"] as const;
    const aidFor: Record<(typeof funds)[number], "LIVING" | "MEDICAL"> = { CENTRAL_SPECIAL: "LIVING", UNION_FUNDS: "LIVING", DONATION: "MEDICAL" };
    type TTally = { received: number; passedDown: number; spent: number; bank: number; unclaimed: number; ownSpent: number; held: number };
    const zero = (): TTally => ({ received: 0, passedDown: 0, spent: 0, bank: 0, unclaimed: 0, ownSpent: 0, held: 0 });
    const tally = new Map<string, TTally>(); // `${org}:${fund}:${half}` — half 1 is Jan–Jun, 2 is Jul–Dec
    const t = (o: string, f: string, half: number) =>
      tally.get(`${o}:${f}:${half}`) ?? (tally.set(`${o}:${f}:${half}`, zero()), tally.get(`${o}:${f}:${half}`)!);
    const held = new Map<string, number>(); // what each union holds per fund for the year
    const h = (o: string, f: string) => held.get(`${o}:${f}`) ?? 0;
    const move = (o: string, f: string, d: number) => held.set(`${o}:${f}`, h(o, f) + d);
    const files = await filesIn(grassroots[7]!, 12, 6);
    const dateIn = (half: number) =>
      `${Y}-${String(half === 1 ? 1 + Math.floor(rand() * 6) : 7 + Math.floor(rand() * 6)).padStart(2, "0")}-${String(1 + Math.floor(rand() * 28)).padStart(2, "0")}`;
    const entries: Array<{ id: string; payer: string; fund: string; amount: number; reversed: boolean }> = [];
    let refusedAsExpected = 0;
    const adjustable: Array<{ id: string; giver: string; recipient: string; fund: string; net: number; half: number }> = [];

    for (let step = 0; step < 120; step++) {
      const half = rand() < 0.5 ? 1 : 2;
      const fund = pick(funds);
      const roll = rand();
      if (roll < 0.3) {
        const [giverActor, giver, recipient] = rand() < 0.6 ? [gsOfficial, province, city] : [cityOfficial, city, county];
        const amount = 100 * (1 + Math.floor(rand() * 5000));
        const fits = giver === province || h(giver, fund) >= amount;
        const attempt = passDown(giverActor, recipient, fund, (amount / 100).toFixed(2), { entryDate: dateIn(half) });
        if (!fits) {
          await expect(attempt).rejects.toMatchObject({ code: "ALLOCATION_EXCEEDED" });
          refusedAsExpected++;
          continue;
        }
        const { allocationId } = await attempt;
        move(giver, fund, -amount);
        move(recipient, fund, amount);
        t(giver, fund, half).passedDown += amount;
        t(recipient, fund, half).received += amount;
        if (giver !== province) t(giver, fund, half).held -= amount; // the city's own share
        t(recipient, fund, half).held += amount;
        adjustable.push({ id: allocationId, giver, recipient, fund, net: amount, half });
      } else if (roll < 0.4 && adjustable.length > 0) {
        const row = pick(adjustable);
        const delta = -100 * (1 + Math.floor(rand() * 500));
        const fits = row.net + delta >= 0 && h(row.recipient, row.fund) >= -delta;
        const giverActor = row.giver === province ? gsOfficial : cityOfficial;
        const attempt = recordAllocation(
          giverActor,
          input({ kind: "ADJUSTMENT", adjustsId: row.id, amountFen: (delta / 100).toFixed(2), entryDate: dateIn(half), note: "调整" }),
        );
        if (!fits) {
          await expect(attempt).rejects.toBeInstanceOf(DomainError);
          refusedAsExpected++;
          continue;
        }
        await attempt;
        row.net += delta;
        move(row.giver, row.fund, -delta);
        move(row.recipient, row.fund, delta);
        t(row.giver, row.fund, half).passedDown += delta;
        t(row.recipient, row.fund, half).received += delta;
        if (row.giver !== province) t(row.giver, row.fund, half).held -= delta;
        t(row.recipient, row.fund, half).held += delta;
      } else if (roll < 0.85) {
        const [approver, payer] = rand() < 0.5 ? [cityOfficial, city] : [countyOfficial, county];
        const amount = 100 * (1 + Math.floor(rand() * 800));
        const attempt = insertApprovedPayment(sql, {
          fileId: pick(files),
          organisationId: grassroots[7]!,
          aidType: aidFor[fund],
          fundSource: fund,
          amountFen: amount,
          entryDate: dateIn(half),
          purpose: "随机发放",
          recordedById: cityCaseworker.userId,
          approvedById: approver.userId,
        });
        if (h(payer, fund) < amount) {
          await expect(attempt).rejects.toThrow(/allocation_exceeded/);
          refusedAsExpected++;
          continue;
        }
        const { entryId } = await attempt;
        move(payer, fund, -amount);
        t(payer, fund, half).spent += amount;
        t(payer, fund, half).ownSpent += amount;
        entries.push({ id: entryId, payer, fund, amount, reversed: false });
      } else if (entries.some((e) => !e.reversed)) {
        const entry = pick(entries.filter((e) => !e.reversed));
        entry.reversed = true;
        const kind = pick(["BANK_RETURN", "UNCLAIMED", null] as const);
        const date = dateIn(half);
        if (kind) await bankReturn(entry.id, kind, date);
        else {
          const original = await prisma.ledgerEntry.findUniqueOrThrow({ where: { id: entry.id } });
          await insertApprovedPayment(sql, {
            fileId: original.fileId,
            organisationId: original.organisationId,
            aidType: original.aidType,
            fundSource: original.fundSource,
            amountFen: -original.amountFen,
            entryDate: date,
            purpose: "冲正",
            recordedById: cityCaseworker.userId,
            approvedById: gsOfficial.userId,
            reverses: { entryId: entry.id, reason: "金额录错" },
          });
        }
        move(entry.payer, entry.fund, entry.amount);
        const x = t(entry.payer, entry.fund, half);
        x.spent -= entry.amount;
        x.ownSpent -= entry.amount;
        if (kind === "BANK_RETURN") x.bank += entry.amount;
        if (kind === "UNCLAIMED") x.unclaimed += entry.amount;
      }
    }
    expect(refusedAsExpected).toBeGreaterThan(0);
    expect(entries.length).toBeGreaterThan(10);

    // The balances the database keeps, and plain SQL over the ledger, against the tally.
    for (const o of [city, county]) {
      for (const f of funds) {
        expect(await balance(o, f, Y)).toBe(h(o, f));
        const { rows } = await sql.query<{ s: string | null }>(
          "SELECT sum(amount_fen)::text AS s FROM ledger_entry WHERE paying_organisation_id = $1 AND fund_source = $2 AND entry_date BETWEEN $3 AND $4",
          [o, f, `${Y}-01-01`, `${Y}-12-31`],
        );
        expect(Number(rows[0]!.s ?? 0)).toBe(t(o, f, 1).spent + t(o, f, 2).spent);
      }
    }
    expect((await sql.query("SELECT 1 FROM allocation_balance WHERE balance_fen < 0")).rows).toEqual([]);

    // The report for each half and for the year, rooted at the city (rows: the city with its county, the county).
    for (const [label, halves, from, to] of [
      ["上半年", [1], `${Y}-01-01`, `${Y}-06-30`],
      ["下半年", [2], `${Y}-07-01`, `${Y}-12-31`],
      ["全年", [1, 2], `${Y}-01-01`, `${Y}-12-31`],
    ] as const) {
      const report = await findAllocationReport(cityAuditor, { organisationId: city, period: { kind: "range", from, to, label } });
      for (const f of funds) {
        const sum = (o: string, k: keyof TTally) => halves.reduce((s, hh) => s + t(o, f, hh)[k], 0);
        const cityRow = report.rows.find((r) => r.organisationId === city && r.fundSource === f)!;
        const countyRow = report.rows.find((r) => r.organisationId === county && r.fundSource === f);
        const subtreeSpent = sum(city, "spent") + sum(county, "spent");
        expect(cityRow).toMatchObject({
          receivedFen: sum(city, "received"),
          passedDownFen: sum(city, "passedDown"),
          spentFen: subtreeSpent,
          bankReturnedFen: sum(city, "bank") + sum(county, "bank"),
          unclaimedFen: sum(city, "unclaimed") + sum(county, "unclaimed"),
          ownBalanceFen: sum(city, "held") - sum(city, "ownSpent"),
          balanceFen: sum(city, "received") - subtreeSpent,
        });
        expect(cityRow.usageRate).toBe(sum(city, "received") > 0 ? subtreeSpent / sum(city, "received") : null);
        const countyExpected = {
          receivedFen: sum(county, "received"),
          passedDownFen: 0,
          spentFen: sum(county, "spent"),
          bankReturnedFen: sum(county, "bank"),
          unclaimedFen: sum(county, "unclaimed"),
          ownBalanceFen: sum(county, "held") - sum(county, "ownSpent"),
          balanceFen: sum(county, "received") - sum(county, "spent"),
        };
        if (countyRow) expect(countyRow).toMatchObject(countyExpected);
        else expect(Object.values(countyExpected).every((v) => v === 0)).toBe(true);
      }
    }
    // A province sees the city among its rows; the city's auditor cannot open the province.
    const provinceReport = await findAllocationReport(gsOfficial, { period: { kind: "year", from: `${Y}-01-01`, to: `${Y}-12-31`, label: `${Y}年` } });
    expect(provinceReport.rows.filter((r) => r.organisationId === city).map((r) => r.drillDown)).toEqual(expect.arrayContaining([true]));
    await expect(
      findAllocationReport(cityAuditor, { organisationId: province, period: { kind: "year", from: `${Y}-01-01`, to: `${Y}-12-31`, label: "" } }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
