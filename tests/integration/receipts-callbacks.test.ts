// Guards signed receipts and call-backs (issue 23 §4–§5): cash and goods batches keep households
// without a bank account; lines are marked 已签收 / 未领取 only after the signed scan is attached
// (same upload checks as evidence) and not by the batch's maker; 未领取 — by hand or by the daily
// job after UNCLAIMED_DAYS — reverses the ledger entry exactly (reversal_kind UNCLAIMED) and the
// batch settles; a paid batch draws a seeded sample, at least one line per base union; a call is
// recorded once, never by someone involved in the batch (also in the database), and 未收到 lands on
// the auditor's workbench; the coverage report equals counts written here in plain SQL. The victim
// is Lanzhou's 城关区; the attacker Tianshui's caseworker and auditor.
import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { reverseOverdueReceipts } from "@/lib/calendar/run-daily-calendar";
import { findWorkItems } from "@/lib/calendar/find-work-items";
import { addDays, todayInShanghai } from "@/lib/format/datetime";
import { approveBatch, createBatch, submitBatch } from "@/lib/ledger/batches";
import { getBatch } from "@/lib/ledger/find-batches";
import { ZCreateBatchInput, type TCreateBatchFormValues } from "@/lib/ledger/schemas";
import { applyReturnFile } from "@/lib/payments/apply-return-file";
import { findCallbackCoverage } from "@/lib/payments/callback-coverage";
import { drawCallbackLines } from "@/lib/payments/draw-callback-lines";
import { findCallbackProblems, findCallbacks, findCallbackSample } from "@/lib/payments/find-callbacks";
import { markReceipts } from "@/lib/payments/mark-receipts";
import { recordCallback } from "@/lib/payments/record-callback";
import { resolveCallbackProblem } from "@/lib/payments/resolve-callback-problem";
import { ZMarkReceiptsInput, ZRecordCallbackInput } from "@/lib/payments/schemas";
import { paymentFileLines } from "@/lib/payments/produce-payment-file";
import { uploadReceiptScan } from "@/lib/payments/upload-receipt-scan";
import { findWorkbench } from "@/lib/workbench/find-workbench";
import { bankAnswers, returnCsvFile } from "../support/bank-files";
import { actorFor, createTestUser, demoActors, orgByCode, seedDemo } from "../support/factories";

let sql: pg.Client;
let evidenceDir: string;
let lzCaseworker: TActor;
let lzOfficial: TActor;
let lzAuditor: TActor;
let tsCaseworker: TActor;
let tsAuditor: TActor;
/** A second caseworker and official in Lanzhou: not involved in the batches below. */
let cw2: TActor;
let official2: TActor;
const today = todayInShanghai();
const orgs: Record<string, string> = {};
let png: Uint8Array<ArrayBuffer>;

let seq = 0;
/** `count` open files in the union, with the holder's own bank account only when `account`. */
async function files(orgCode: string, count: number, account = false): Promise<string[]> {
  seq += 1;
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO household_file (organisation_id, file_number, status, data, holder_name, holder_resident_id, household_size, file_level,
       worker_category, main_cause, proposed_tier, tier, created_by_id, submitted_by_id, submitted_at, approved_by_id, approved_at, opened_at,
       civil_check_result, next_check_due)
     SELECT $1, 'RC-' || $2::int || '-' || g, 'OPEN', '{"members":[]}', '签收' || $2::int || '-' || g, '98' || lpad(($2::int * 1000 + g)::text, 16, '0'), 1, 'COUNTY',
            'URBAN', 'ILLNESS', 'DEEP', 'DEEP', $3, $3, now(), $4, now(), now(), 'CONSISTENT', CURRENT_DATE + 90
       FROM generate_series(1, $5::int) g RETURNING id`,
    [orgs[orgCode], seq, lzCaseworker.userId, lzOfficial.userId, count],
  );
  if (account) {
    await sql.query(
      `INSERT INTO bank_account (file_id, organisation_id, bank_name, account_number, account_holder, created_by_id)
       SELECT f.id, f.organisation_id, '兰州银行', '62284800' || lpad((row_number() OVER ())::text, 8, '0') || $2, f.holder_name, $3
         FROM household_file f WHERE f.id = ANY($1::uuid[])`,
      [rows.map((r) => r.id), String(seq).padStart(2, "0"), lzCaseworker.userId],
    );
  }
  return rows.map((r) => r.id);
}

function batchForm(orgCode: string, overrides: Partial<TCreateBatchFormValues> = {}): TCreateBatchFormValues {
  return {
    idempotencyKey: randomUUID(),
    name: "春节送温暖（现金）",
    aidType: "WARMTH",
    fundSource: "WARMTH_FUND",
    standardAmountFen: "500",
    entryDate: today,
    purpose: "元旦春节慰问",
    organisationId: orgs[orgCode]!,
    tiers: [],
    fileLevels: [],
    paymentMethod: "CASH",
    goodsDescription: "",
    ...overrides,
  };
}

const batchInput = (orgCode: string, overrides: Partial<TCreateBatchFormValues> = {}) => ZCreateBatchInput.parse(batchForm(orgCode, overrides));

/** Built by lzCaseworker, approved by lzOfficial. */
async function approvedBatch(orgCode: string, overrides: Partial<TCreateBatchFormValues> = {}) {
  const { batchId } = await createBatch(lzCaseworker, batchInput(orgCode, overrides));
  await submitBatch(lzCaseworker, { batchId, expectedVersion: (await getBatch(lzCaseworker, batchId)).version });
  await approveBatch(lzOfficial, { batchId, expectedVersion: (await getBatch(lzOfficial, batchId)).version });
  return batchId;
}

async function linesOf(batchId: string) {
  const { rows } = await sql.query<{
    id: string;
    file_id: string;
    organisation_id: string;
    payment_status: string | null;
    removed: boolean;
    removed_reason: string | null;
  }>("SELECT id, file_id, organisation_id, payment_status, removed, removed_reason FROM batch_line WHERE batch_id = $1 ORDER BY id", [batchId]);
  return rows;
}

const scan = (batchId: string, bytes: Uint8Array<ArrayBuffer> = png, name = "签收表.png") => ({ batchId, file: new File([bytes], name) });
const mark = (batchId: string, lineIds: string[], outcome: "SIGNED" | "UNCLAIMED", reason = "") =>
  ZMarkReceiptsInput.parse({ batchId, lineIds, outcome, reason });

beforeAll(async () => {
  evidenceDir = await mkdtemp(path.join(tmpdir(), "bangfu-receipts-"));
  process.env.EVIDENCE_DIR = evidenceDir;
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  ({ lzCaseworker, lzOfficial, lzAuditor, tsCaseworker, tsAuditor } = await demoActors());
  cw2 = await actorFor((await createTestUser({ orgCode: "GSLZ", roles: ["CASEWORKER"] })).username);
  official2 = await actorFor((await createTestUser({ orgCode: "GSLZ", roles: ["OFFICIAL"] })).username);
  for (const code of ["GSLZCG", "GSLZCG01", "GSLZCG02", "GSLZQLH", "GSLZQLH01", "GSLZXG", "GSLZXG01", "GSLZXG02"]) orgs[code] = (await orgByCode(code)).id;
  png = new Uint8Array(
    await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 200, b: 200 } } })
      .png()
      .toBuffer(),
  );
});

afterAll(async () => {
  await sql.end();
  await rm(evidenceDir, { recursive: true, force: true });
});

describe("how a batch pays (发放方式)", () => {
  it("keeps households without a bank account in a cash batch, removes them from a bank batch, and needs goods named for 实物", async () => {
    const noAccount = await files("GSLZQLH01", 2);
    const withAccount = await files("GSLZQLH01", 1, true);
    const bank = await createBatch(lzCaseworker, batchInput("GSLZQLH", { paymentMethod: "BANK", name: "银行代发" }));
    const bankLines = await linesOf(bank.batchId);
    expect(
      bankLines
        .filter((l) => l.removed)
        .map((l) => l.file_id)
        .sort(),
    ).toEqual([...noAccount].sort());
    expect(bankLines.filter((l) => l.removed).map((l) => l.removed_reason)).toEqual(["未登记本人银行账户（实名制）", "未登记本人银行账户（实名制）"]);
    expect(bankLines.filter((l) => !l.removed).map((l) => l.file_id)).toEqual(withAccount);

    const goods = await createBatch(lzCaseworker, batchInput("GSLZQLH", { paymentMethod: "IN_KIND", goodsDescription: "米、面、油各一份", name: "实物慰问" }));
    expect((await linesOf(goods.batchId)).every((l) => !l.removed)).toBe(true);
    const { rows } = await sql.query("SELECT payment_method, goods_description FROM disbursement_batch WHERE id = $1", [goods.batchId]);
    expect(rows[0]).toEqual({ payment_method: "IN_KIND", goods_description: "米、面、油各一份" });

    const missing = ZCreateBatchInput.safeParse(batchForm("GSLZQLH", { paymentMethod: "IN_KIND", goodsDescription: "" }));
    expect(missing.error?.issues.map((i) => i.message)).toEqual(["实物发放请填写实物名称（如 米面油、慰问品）"]);
    const stray = ZCreateBatchInput.safeParse(batchForm("GSLZQLH", { paymentMethod: "CASH", goodsDescription: "大米" }));
    expect(stray.error?.issues.map((i) => i.message)).toEqual(["只有实物发放需要填写实物名称"]);
  });
});

describe("signed receipts (签收)", () => {
  let batchId: string;
  let lines: Awaited<ReturnType<typeof linesOf>>;

  beforeAll(async () => {
    await files("GSLZCG01", 3);
    await files("GSLZCG02", 2);
    batchId = await approvedBatch("GSLZCG");
    // 城关01's three lines first, then 城关02's two.
    lines = (await linesOf(batchId)).sort((a, b) => Number(b.organisation_id === orgs.GSLZCG01) - Number(a.organisation_id === orgs.GSLZCG01));
  });

  /** The lines' outcomes now, in the order of `lines`. */
  const statuses = async () => {
    const now = new Map((await linesOf(batchId)).map((l) => [l.id, l.payment_status]));
    return lines.map((l) => now.get(l.id));
  };

  it("puts every line of an approved cash batch in 待签收 and refuses to mark before the signed scan is attached", async () => {
    expect(lines.map((l) => l.payment_status)).toEqual(["WAITING", "WAITING", "WAITING", "WAITING", "WAITING"]);
    await expect(markReceipts(cw2, mark(batchId, [lines[0]!.id], "SIGNED"))).rejects.toThrow("请先上传签字后的签收表扫描件，再标记签收。");
  });

  it("checks the scan like evidence and writes nothing for a bad one; another city cannot attach one", async () => {
    await expect(uploadReceiptScan(cw2, scan(batchId, new Uint8Array(Buffer.from("not a picture at all")), "签收表.png"))).rejects.toThrow(
      "只能上传 PDF、JPG 或 PNG 格式的文件",
    );
    await expect(uploadReceiptScan(cw2, scan(batchId, new Uint8Array(0)))).rejects.toThrow("文件是空的");
    await expect(uploadReceiptScan(tsCaseworker, scan(batchId))).rejects.toThrow("批次不存在，或不在您的管辖范围内。");
    expect((await sql.query("SELECT count(*)::int AS n FROM batch_receipt_scan")).rows[0].n).toBe(0);
    await uploadReceiptScan(cw2, scan(batchId));
    const { rows } = await sql.query("SELECT original_name, content_type, size_bytes FROM batch_receipt_scan WHERE batch_id = $1", [batchId]);
    expect(rows).toEqual([{ original_name: "签收表.png", content_type: "image/png", size_bytes: png.byteLength }]);
    // The record of a signed list is never rewritten (append-only, enforced by PostgreSQL).
    await expect(sql.query("UPDATE batch_receipt_scan SET original_name = 'x' WHERE batch_id = $1", [batchId])).rejects.toThrow();
  });

  it("is not confirmed by the batch's maker, nor by another city", async () => {
    await expect(markReceipts(lzCaseworker, mark(batchId, [lines[0]!.id], "SIGNED"))).rejects.toThrow("不能确认自己编制或提交的批次的签收");
    await expect(markReceipts(tsCaseworker, mark(batchId, [lines[0]!.id], "SIGNED"))).rejects.toThrow("批次不存在，或不在您的管辖范围内。");
    expect(ZMarkReceiptsInput.safeParse({ batchId, lineIds: [lines[0]!.id], outcome: "UNCLAIMED", reason: "" }).error?.issues[0]?.message).toBe(
      "请填写未领取原因（至少 2 个字）",
    );
  });

  it("marks lines 已签收 in bulk and 未领取 with a reversal that negates the entry exactly", async () => {
    const signed = await markReceipts(cw2, mark(batchId, [lines[0]!.id, lines[1]!.id, lines[2]!.id], "SIGNED"));
    expect(signed).toMatchObject({ marked: 3, settled: false });
    await expect(markReceipts(cw2, mark(batchId, [lines[0]!.id, lines[3]!.id], "SIGNED"))).rejects.toThrow("勾选的名单中有 1 户已标记过");
    expect((await statuses())[3]).toBe("WAITING"); // nothing of the refused request was written

    await markReceipts(cw2, mark(batchId, [lines[3]!.id], "UNCLAIMED", "外出务工，春节未返乡"));
    const { rows } = await sql.query(
      `SELECT r.amount_fen, o.amount_fen AS original, r.reversal_kind, r.reason, r.batch_line_id, r.recorded_by_id, r.approved_by_id
         FROM ledger_entry o JOIN ledger_entry r ON r.reverses_entry_id = o.id WHERE o.batch_line_id = $1`,
      [lines[3]!.id],
    );
    expect(rows).toEqual([
      {
        amount_fen: -50000,
        original: 50000,
        reversal_kind: "UNCLAIMED",
        reason: "未领取：外出务工，春节未返乡",
        batch_line_id: null,
        recorded_by_id: lzCaseworker.userId,
        approved_by_id: lzOfficial.userId,
      },
    ]);
    expect(await statuses()).toEqual(["SIGNED", "SIGNED", "SIGNED", "UNCLAIMED", "WAITING"]);
    expect((await getBatch(lzOfficial, batchId)).status).toBe("APPROVED");
  });

  it("leaves a line unsigned within UNCLAIMED_DAYS alone; after them the daily job reverses it and the batch becomes paid with its sample", async () => {
    await reverseOverdueReceipts(addDays(today, 30));
    expect((await statuses())[4]).toBe("WAITING");
    const summary = await reverseOverdueReceipts(addDays(today, 31));
    expect(summary).toEqual({ 现金实物逾期未领取: { created: 1, closed: 1 } });
    expect((await statuses())[4]).toBe("UNCLAIMED");
    const { rows } = await sql.query(
      `SELECT r.amount_fen, r.reversal_kind, r.reason FROM ledger_entry o JOIN ledger_entry r ON r.reverses_entry_id = o.id WHERE o.batch_line_id = $1`,
      [lines[4]!.id],
    );
    expect(rows).toEqual([{ amount_fen: -50000, reversal_kind: "UNCLAIMED", reason: "未领取：超过签收期限仍未签收（每日日历任务）" }]);
    const batch = await getBatch(lzOfficial, batchId);
    expect(batch.status).toBe("PAID");
    // The sum of the batch's entries is what was handed over: three signed lines of 500 yuan.
    const sum = await sql.query(
      "SELECT sum(e.amount_fen)::int AS s FROM ledger_entry e WHERE e.batch_line_id IN (SELECT id FROM batch_line WHERE batch_id = $1) OR e.reverses_entry_id IN (SELECT id FROM ledger_entry WHERE batch_line_id IN (SELECT id FROM batch_line WHERE batch_id = $1))",
      [batchId],
    );
    expect(sum.rows[0].s).toBe(150000);
    // Sampled: the signed lines only; one per base union at least (3 signed in 城关01, 0 signed in 城关02).
    const sample = await findCallbackSample(lzOfficial, batchId);
    expect(sample).toMatchObject({ population: 3, sampled: 1, share: 0.1 });
    expect(sample!.perUnion).toEqual([{ organisationId: orgs.GSLZCG01, name: "兰州市城关区环境卫生管理所工会", population: 3, sampled: 1 }]);
    const drawn = await sql.query(
      "SELECT c.batch_line_id, l.payment_status FROM callback_call c JOIN batch_line l ON l.id = c.batch_line_id WHERE c.batch_id = $1",
      [batchId],
    );
    expect(drawn.rows.map((r) => r.payment_status)).toEqual(["SIGNED"]);
    // Running the job again changes nothing.
    expect(await reverseOverdueReceipts(addDays(today, 60))).toEqual({ 现金实物逾期未领取: { created: 0, closed: 0 } });
  });
});

describe("the call-back sample (抽样)", () => {
  const population = [
    ...["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10", "a11", "a12"].map((id) => ({ id, organisationId: "u1" })),
    { id: "b1", organisationId: "u2" },
    ...["c1", "c2", "c3"].map((id) => ({ id, organisationId: "u3" })),
  ];

  it("draws at least the share in each union, at least one per union, only from the lines given", () => {
    const { sample, perUnion } = drawCallbackLines(population, 20261206, 0.1);
    // u1: ceil(12 × 0.1) = 2; u2: 1; u3: ceil(0.3) = 1.
    expect(perUnion).toEqual([
      { organisationId: "u1", population: 12, sampled: 2 },
      { organisationId: "u2", population: 1, sampled: 1 },
      { organisationId: "u3", population: 3, sampled: 1 },
    ]);
    expect(sample).toHaveLength(4);
    expect(new Set(sample).size).toBe(4);
    expect(sample.filter((id) => id.startsWith("a"))).toHaveLength(2);
    expect(sample).toContain("b1");
    expect(drawCallbackLines(population, 20261206, 0.5).perUnion.map((u) => u.sampled)).toEqual([6, 1, 2]);
  });

  it("is the same for the same seed whatever the order of the lines, and differs across seeds", () => {
    const first = drawCallbackLines(population, 7, 0.25).sample;
    expect(drawCallbackLines([...population].reverse(), 7, 0.25).sample).toEqual(first);
    const others = [8, 9, 10, 11, 12].map((seed) => drawCallbackLines(population, seed, 0.25).sample.join());
    expect(others.some((s) => s !== first.join())).toBe(true);
  });
});

/** The bank pays every line: its return file, applied by an official who did not make the batch, settles it. */
async function paidByTheBank(official: TActor, batchId: string) {
  const file = returnCsvFile(bankAnswers((await paymentFileLines(official, batchId)).payable));
  const expectedSha256 = createHash("sha256")
    .update(Buffer.from(await file.arrayBuffer()))
    .digest("hex");
  await applyReturnFile(official, { batchId, file, expectedSha256 });
}

describe("call-backs (回访核实)", () => {
  let batchId: string;
  let callIds: string[];

  beforeAll(async () => {
    // A bank batch over three base unions, settled by the bank's return file: its sample is drawn then.
    await files("GSLZXG01", 4, true);
    await files("GSLZXG02", 2, true);
    batchId = await approvedBatch("GSLZXG", { paymentMethod: "BANK", name: "银行代发送温暖" });
    await paidByTheBank(official2, batchId);
    callIds = (await sql.query<{ id: string }>("SELECT id FROM callback_call WHERE batch_id = $1 ORDER BY id", [batchId])).rows.map((r) => r.id);
  });

  it("samples one line per base union of a paid bank batch, and shows how it was drawn", async () => {
    expect(callIds).toHaveLength(2);
    const { rows } = await sql.query("SELECT seed::text, share::float, population, sampled FROM callback_sample WHERE batch_id = $1", [batchId]);
    expect(rows[0]).toMatchObject({ share: 0.1, population: 6, sampled: 2 });
    const lines = (await linesOf(batchId)).map((l) => ({ id: l.id, organisationId: l.organisation_id }));
    // Reproducible from the stored seed: the same lines come out again.
    const again = drawCallbackLines(lines, Number(rows[0].seed), 0.1).sample.sort();
    expect(again).toEqual(
      (await sql.query("SELECT batch_line_id FROM callback_call WHERE batch_id = $1 ORDER BY batch_line_id", [batchId])).rows.map((r) => r.batch_line_id),
    );
    const list = await findCallbacks(cw2, { status: "open", batchId }, 1);
    expect(list.total).toBe(2);
    expect((await findCallbacks(tsCaseworker, { status: "all", batchId }, 1)).total).toBe(0);
  });

  it("refuses a caller who made, approved or paid the batch — in the domain and in the database", async () => {
    const input = ZRecordCallbackInput.parse({ callId: callIds[0], outcome: "RECEIVED", note: "" });
    await expect(recordCallback(lzCaseworker, input)).rejects.toThrow("您参与了该批次的编制、提交、审批或发放确认");
    await expect(recordCallback(lzOfficial, input)).rejects.toThrow("您参与了该批次");
    await expect(recordCallback(official2, input)).rejects.toThrow("您参与了该批次");
    await expect(recordCallback(tsCaseworker, input)).rejects.toThrow("回访记录不存在，或不在您的管辖范围内。");
    await expect(
      sql.query("UPDATE callback_call SET outcome = 'RECEIVED', called_by_id = $2, called_at = now() WHERE id = $1", [callIds[0], lzOfficial.userId]),
    ).rejects.toThrow("callback_call_not_involved");
    expect(ZRecordCallbackInput.safeParse({ callId: callIds[0], outcome: "NOT_RECEIVED", note: "" }).error?.issues[0]?.message).toBe(
      "未收到或金额不符时，请记录对方的说法（至少 2 个字）",
    );
  });

  it("records a call once when two people record it at the same moment", async () => {
    const other = await actorFor((await createTestUser({ orgCode: "GSLZ", roles: ["CASEWORKER"] })).username);
    const results = await Promise.allSettled([
      recordCallback(cw2, ZRecordCallbackInput.parse({ callId: callIds[0], outcome: "RECEIVED", note: "" })),
      recordCallback(other, ZRecordCallbackInput.parse({ callId: callIds[0], outcome: "UNREACHABLE", note: "" })),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(String((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason.message)).toMatch(/已由他人登记|已被他人处理|刷新/);
    await expect(sql.query("UPDATE callback_call SET note = 'x' WHERE id = $1", [callIds[0]])).rejects.toThrow("callback_call_once");
  });

  it("puts 未收到 on the auditor's workbench with the call and who called, and the auditor resolves it with a note", async () => {
    const { workItemId } = await recordCallback(
      cw2,
      ZRecordCallbackInput.parse({ callId: callIds[1], outcome: "NOT_RECEIVED", note: "户主称春节前未收到任何款项" }),
    );
    expect(workItemId).toBeTruthy();
    const bench = await findWorkbench(lzAuditor, { today });
    expect(bench.sections.find((s) => s.key === "auditor")!.items.find((i) => i.key === "callback-problems")).toMatchObject({
      count: 1,
      href: "/callbacks/problems",
    });
    expect((await findWorkbench(tsAuditor, { today })).sections.find((s) => s.key === "auditor")!.items.find((i) => i.key === "callback-problems")!.count).toBe(
      0,
    );
    // Not a file-management task of the caseworkers.
    expect((await findWorkItems(lzCaseworker, { today })).map((s) => s.kind)).not.toContain("CALLBACK_PROBLEM");
    const problems = await findCallbackProblems(lzAuditor, 1);
    expect(problems.rows).toEqual([
      expect.objectContaining({
        itemId: workItemId,
        outcome: "NOT_RECEIVED",
        note: "户主称春节前未收到任何款项",
        calledBy: { name: cw2.name },
        amountFen: 50000,
      }),
    ]);

    await expect(resolveCallbackProblem(lzCaseworker, { itemId: workItemId!, note: "已核实" })).rejects.toThrow("没有权限");
    await expect(resolveCallbackProblem(tsAuditor, { itemId: workItemId!, note: "已核实" })).rejects.toThrow("待核查事项不存在");
    await resolveCallbackProblem(lzAuditor, { itemId: workItemId!, note: "经查银行流水已到账，户主记错" });
    await expect(resolveCallbackProblem(lzAuditor, { itemId: workItemId!, note: "再次" })).rejects.toThrow("已由他人办结");
    const { rows } = await sql.query("SELECT status, note, completed_by_id FROM work_item WHERE id = $1", [workItemId]);
    expect(rows[0]).toEqual({ status: "DONE", note: "经查银行流水已到账，户主记错", completed_by_id: lzAuditor.userId });
    const audit = await sql.query("SELECT count(*)::int AS n FROM audit_event WHERE action = 'payments.resolve-callback-problem' AND entity_id = $1", [
      workItemId,
    ]);
    expect(audit.rows[0].n).toBe(1);
  });
});

describe("call-back coverage report (回访覆盖率与问题率)", () => {
  it("equals, cell by cell, direct counts in plain SQL", async () => {
    // More batches, paid, sampled and partly called, so the report has several unions and outcomes.
    await files("GSLZCG02", 3, true);
    const extra = await approvedBatch("GSLZCG02", { paymentMethod: "BANK", name: "追加发放" });
    await paidByTheBank(official2, extra);
    const open = await sql.query<{ id: string }>("SELECT id FROM callback_call WHERE batch_id = $1", [extra]);
    await recordCallback(cw2, ZRecordCallbackInput.parse({ callId: open.rows[0]!.id, outcome: "AMOUNT_MISMATCH", note: "称只收到 300 元" }));

    const report = await findCallbackCoverage(lzAuditor, { from: addDays(today, -1), to: addDays(today, 1) });
    const { rows: expected } = await sql.query(
      `WITH paid AS (SELECT id FROM disbursement_batch WHERE status = 'PAID'
                       AND paid_at >= ($1::date - 1)::timestamp AT TIME ZONE 'Asia/Shanghai' AND paid_at < ($1::date + 2)::timestamp AT TIME ZONE 'Asia/Shanghai'),
            lines AS (SELECT organisation_id, count(*)::int AS n FROM batch_line WHERE batch_id IN (SELECT id FROM paid) AND NOT removed AND payment_status IN ('PAID', 'SIGNED') GROUP BY 1),
            calls AS (SELECT organisation_id, count(*)::int AS sampled, count(outcome)::int AS called,
                             count(*) FILTER (WHERE outcome = 'RECEIVED')::int AS received, count(*) FILTER (WHERE outcome = 'NOT_RECEIVED')::int AS not_received,
                             count(*) FILTER (WHERE outcome = 'AMOUNT_MISMATCH')::int AS mismatch, count(*) FILTER (WHERE outcome = 'UNREACHABLE')::int AS unreachable
                        FROM callback_call WHERE batch_id IN (SELECT id FROM paid) GROUP BY 1)
       SELECT o.id, o.name, coalesce(l.n, 0) AS paid_lines, coalesce(c.sampled, 0) AS sampled, coalesce(c.called, 0) AS called,
              coalesce(c.received, 0) AS received, coalesce(c.not_received, 0) AS not_received, coalesce(c.mismatch, 0) AS mismatch, coalesce(c.unreachable, 0) AS unreachable
         FROM organisation o LEFT JOIN lines l ON l.organisation_id = o.id LEFT JOIN calls c ON c.organisation_id = o.id
        WHERE (l.n IS NOT NULL OR c.sampled IS NOT NULL) AND o.path LIKE (SELECT path FROM organisation WHERE code = 'GSLZ') || '%'
        ORDER BY o.path`,
      [today],
    );
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(
      report.rows.map((r) => [r.organisationId, r.name, r.paidLines, r.sampled, r.called, r.received, r.notReceived, r.amountMismatch, r.unreachable]),
    ).toEqual(expected.map((e) => [e.id, e.name, e.paid_lines, e.sampled, e.called, e.received, e.not_received, e.mismatch, e.unreachable]));
    for (const [r, e] of report.rows.map((r, i) => [r, expected[i]] as const)) {
      expect(r.coverage).toBe(e.paid_lines > 0 ? e.called / e.paid_lines : null);
      expect(r.problemRate).toBe(e.called > 0 ? (e.not_received + e.mismatch) / e.called : null);
    }
    expect(report.total).toMatchObject({
      paidLines: expected.reduce((n, e) => n + e.paid_lines, 0),
      called: expected.reduce((n, e) => n + e.called, 0),
      notReceived: expected.reduce((n, e) => n + e.not_received, 0),
      amountMismatch: expected.reduce((n, e) => n + e.mismatch, 0),
    });
    // Tianshui sees none of Lanzhou's unions; a caseworker may not read the report.
    expect((await findCallbackCoverage(tsAuditor, { from: addDays(today, -1), to: addDays(today, 1) })).rows).toEqual([]);
    await expect(findCallbackCoverage(lzCaseworker, { from: today, to: today })).rejects.toThrow("没有权限");
  });
});
