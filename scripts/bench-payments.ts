// `npm run bench:payments`: times a 10,000-line bank batch end to end (issue 23: payment file ≤ 5 s;
// return file matched, shown and applied ≤ 10 s), beside the plain-SQL floor of the queries.
//
//   npm run bench:payments [-- --lines 10000]
//
// Uses DATABASE_URL, or the embedded PostgreSQL in .bangfu/pgdata (like `npm start`). It writes: a
// new grassroots union under 天水市总工会 with --lines open files and their real-name accounts, a
// batch approved for all of them (a caseworker makes it, an official approves), its payment file,
// and one return file (1 % returned) applied. The ledger is append-only: run it on a scratch database.
//
// What is timed (median of one run each; the figures are what a user waits for):
//   1. producePaymentFile, default layout (xlsx) and a GBK text layout — the lines query, the
//      writer, the SHA-256 and the audit row; beside the lines query alone in plain SQL;
//   2. previewReturnFile on a 10,000-line CSV (read, match) — what the page shows before confirming;
//   3. applyReturnFile (read, match again under the batch's lock, update 10,000 lines, write 100
//      reversals and the return row, settle); beside the two UPDATEs alone in plain SQL.
import { execSync } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import os from "node:os";
import type pg from "pg";
import { assertReactServer, runBench } from "./bench-support";
import type { TActor } from "@/lib/auth/actor";
import { todayInShanghai } from "@/lib/format/datetime";

function intArg(name: string, fallback: number, min: number, max: number): number {
  const i = process.argv.indexOf(name);
  if (i === -1) return fallback;
  const n = Number((process.argv[i + 1] ?? "").replaceAll("_", ""));
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} 应为 ${min}–${max} 之间的整数`);
  return n;
}
const LINES = intArg("--lines", 10_000, 10, 99_999);

async function actor(sql: pg.Client, username: string): Promise<TActor> {
  const {
    rows: [u],
  } = await sql.query<{ id: string; name: string; roles: string[]; org_id: string; org_name: string; path: string; depth: number }>(
    `SELECT u.id, u.name, u.roles::text[] AS roles, o.id AS org_id, o.name AS org_name, o.path, o.depth FROM app_user u JOIN organisation o ON o.id = u.organisation_id WHERE u.username = $1`,
    [username],
  );
  if (!u) throw new Error(`找不到演示用户 ${username}：这个数据库不是用演示数据初始化的。`);
  return {
    userId: u.id,
    sessionId: null,
    username,
    name: u.name,
    roles: u.roles as TActor["roles"],
    ip: "127.0.0.1",
    organisation: { id: u.org_id, name: u.org_name, path: u.path, depth: u.depth },
  };
}

const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(2);

async function timed<T>(label: string, budget: number | null, run: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await run();
  const s = (performance.now() - t0) / 1000;
  console.log(`  ${label.padEnd(44)} ${s.toFixed(2).padStart(6)} s${budget ? `（目标 ≤ ${budget} s：${s <= budget ? "达标" : "未达标"}）` : ""}`);
  return result;
}

void runBench(async (sql) => {
  assertReactServer("lib/payments", "npm run bench:payments", "scripts/bench-payments.ts");
  const { createBatch, submitBatch, approveBatch } = await import("@/lib/ledger/batches");
  const { getBatch } = await import("@/lib/ledger/find-batches");
  const { ZCreateBatchInput } = await import("@/lib/ledger/schemas");
  const { producePaymentFile, paymentFileLines } = await import("@/lib/payments/produce-payment-file");
  const { previewReturnFile, applyReturnFile } = await import("@/lib/payments/apply-return-file");
  const { saveBankLayout } = await import("@/lib/payments/layouts");
  const { ZBankLayoutInput } = await import("@/lib/payments/layout-schema");

  let model = os.cpus()[0]?.model ?? "";
  try {
    model = execSync("lscpu | grep 'Model name'", { encoding: "utf8" }).trim();
  } catch {
    /* not Linux */
  }
  console.log(
    `机器：${model}；${os.cpus().length} 核；负载（1/5/15 分钟）${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" / ")}`,
  );

  const caseworker = await actor(sql, "ts_caseworker");
  const official = await actor(sql, "ts_official");
  const admin = await actor(sql, "gs_admin");
  const tag = Date.now().toString(36).toUpperCase();

  // A union of its own, so earlier runs' files (and their annual caps) are not in this batch.
  const {
    rows: [parent],
  } = await sql.query<{ id: string; region_code: string }>("SELECT id, region_code FROM organisation WHERE code = 'GSTS'");
  const {
    rows: [org],
  } = await sql.query<{ id: string }>(
    `INSERT INTO organisation (name, code, level, region_code, parent_id, path, depth) VALUES ($1, $2, 'GRASSROOTS', $3, $4, '', 0) RETURNING id`,
    [`代发压测工会 ${tag}`, `BENCHPAY${tag}`, parent!.region_code, parent!.id],
  );
  let t0 = performance.now();
  await sql.query(
    `WITH files AS (
       INSERT INTO household_file (organisation_id, file_number, status, data, holder_name, holder_resident_id, household_size, file_level,
         worker_category, main_cause, proposed_tier, tier, created_by_id, submitted_by_id, submitted_at, approved_by_id, approved_at, opened_at, civil_check_result, next_check_due)
       SELECT $1, $5 || '-' || g, 'OPEN', '{"members":[]}', '压测' || g, '98' || lpad(g::text, 8, '0') || $6, 1, 'COUNTY', 'URBAN', 'ILLNESS', 'DEEP', 'DEEP',
              $2, $2, now(), $3, now(), now(), 'CONSISTENT', CURRENT_DATE + 90
         FROM generate_series(1, $4::int) g RETURNING id, holder_name)
     INSERT INTO bank_account (file_id, organisation_id, bank_name, account_number, account_holder, created_by_id)
     SELECT id, $1, '天水农商银行', '62284899' || lpad(row_number() OVER ()::text, 10, '0'), holder_name, $2 FROM files`,
    [
      org!.id,
      caseworker.userId,
      official.userId,
      LINES,
      `BENCHPAY-${tag}`,
      tag
        .slice(-8)
        .padStart(8, "0")
        .replace(/[^0-9]/g, "0"),
    ],
  );
  console.log(`准备：${LINES.toLocaleString("en-US")} 户及本人账户 ${seconds(t0)} s`);
  t0 = performance.now();
  const { batchId } = await createBatch(
    caseworker,
    ZCreateBatchInput.parse({
      idempotencyKey: randomUUID(),
      name: `代发压测 ${tag}`,
      aidType: "WARMTH",
      fundSource: "UNION_FUNDS",
      standardAmountFen: "500",
      entryDate: todayInShanghai(),
      purpose: "压测",
      organisationId: org!.id,
      tiers: [],
      fileLevels: [],
    }),
  );
  let batch = await getBatch(caseworker, batchId);
  await submitBatch(caseworker, { batchId, expectedVersion: batch.version });
  batch = await getBatch(official, batchId);
  await approveBatch(official, { batchId, expectedVersion: batch.version });
  console.log(`准备：生成、提交并审批 ${batch.includedLines.toLocaleString("en-US")} 行的批次 ${seconds(t0)} s`);
  const gbk = await saveBankLayout(
    admin,
    ZBankLayoutInput.parse({
      name: `压测 GBK 定长 ${tag}`,
      format: "FIXED",
      encoding: "GBK",
      headerRow: false,
      totalRow: true,
      paidResults: "成功",
      isDefault: false,
      columns: [
        { field: "REFERENCE", title: "参考号", width: 17 },
        { field: "NAME", title: "户名", width: 20 },
        { field: "ACCOUNT", title: "账号", width: 20 },
        { field: "AMOUNT", title: "金额", width: 12 },
      ],
      returnColumns: { reference: "摘要", name: "收款人姓名", account: "收款账号", amount: "金额", result: "处理结果", reason: "失败原因" },
    }),
  );

  console.log("\n代发文件（目标 ≤ 5 s）");
  const xlsx = await timed("producePaymentFile 默认格式（xlsx）", 5, () => producePaymentFile(official, { batchId }));
  await timed("producePaymentFile GBK 定长文本", 5, () => producePaymentFile(official, { batchId, layoutId: gbk.layoutId }));
  const again = await timed("再次生成默认格式（字节须相同）", 5, () => producePaymentFile(official, { batchId }));
  console.log(
    `  ${xlsx.lines} 笔，${(xlsx.bytes.length / 1024).toFixed(0)} KB，SHA-256 ${xlsx.sha256.slice(0, 16)}…；再次生成${again.bytes.equals(xlsx.bytes) ? "字节完全相同" : "字节不同（错误）"}`,
  );
  await timed("纯 SQL 下限：批次行 + 档案 + 账户", null, () =>
    sql.query(
      `SELECT l.id, l.amount_fen, l.adjusted_amount_fen, l.payment_status, f.holder_name, f.holder_resident_id, a.bank_name, a.account_number, a.account_holder, a.superseded_at
       FROM batch_line l JOIN household_file f ON f.id = l.file_id LEFT JOIN bank_account a ON a.id = l.bank_account_id
      WHERE l.batch_id = $1 AND NOT l.removed ORDER BY l.id`,
      [batchId],
    ),
  );

  // The bank's answer: every line, 1 % returned.
  const { payable } = await paymentFileLines(official, batchId);
  const csv = [
    "摘要,收款人姓名,收款账号,金额,处理结果,失败原因",
    ...payable.map((l, i) =>
      [`${l.reference} 送温暖`, l.name, l.account, (l.amountFen / 100).toFixed(2), i % 100 === 0 ? "失败" : "成功", i % 100 === 0 ? "账户不存在" : ""].join(
        ",",
      ),
    ),
  ].join("\r\n");
  const bytes = Buffer.from(csv, "utf8");
  const file = new File([new Uint8Array(bytes)], "回盘.csv");
  const sha256 = createHash("sha256").update(bytes).digest("hex");

  console.log(`\n回盘（${payable.length.toLocaleString("en-US")} 行，${(bytes.length / 1024).toFixed(0)} KB；核对、显示、导入合计目标 ≤ 10 s）`);
  const p0 = performance.now();
  const preview = await timed("previewReturnFile（读取 + 逐笔核对）", null, () => previewReturnFile(official, { batchId, file }));
  const applier = await actor(sql, "ts_official");
  // The batch's maker cannot confirm; ts_official approved it, which is allowed (maker is ts_caseworker).
  const applied = await timed("applyReturnFile（再核对 + 一个事务写入）", null, () => applyReturnFile(applier, { batchId, file, expectedSha256: sha256 }));
  const total = (performance.now() - p0) / 1000;
  console.log(
    `  合计 ${total.toFixed(2)} s（目标 ≤ 10 s：${total <= 10 ? "达标" : "未达标"}）；匹配 ${preview.matched}，到账 ${applied.paidLines}，退回 ${applied.returnedLines}`,
  );
  await timed("纯 SQL 下限：同样两条 UPDATE（回滚）", null, async () => {
    await sql.query("BEGIN");
    await sql.query(`UPDATE batch_line SET payment_status = 'WAITING' WHERE batch_id = $1 AND NOT removed`, [batchId]);
    await sql.query(`UPDATE batch_line SET payment_status = 'PAID', payment_updated_at = now() WHERE batch_id = $1 AND NOT removed`, [batchId]);
    await sql.query("ROLLBACK");
  });
  console.log(
    `\n结束时负载 ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" / ")}`,
  );
});
