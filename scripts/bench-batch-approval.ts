// `npm run bench:ledger -- --approve`: times approving a batch of 10,000 lines (approveBatch,
// lib/ledger/batches.ts, the 审批 button of a 批量发放) on a seeded database, beside the plain-SQL
// floor of the same writes.
//
//   options: --approvals <n> (batches approved, 3), --lines <n> (lines per batch, 10,000),
//            --worker (a job worker runs beside it, `npm run jobs` with the same env: step 5 then
//            measures the worker's fold and what a report read during it waits, see below)
//
// WARNING: every approval writes its entries to the append-only ledger for good. Run it on a
// scratch database (the 1,000,000-file one of docs/benchmarks).
//
// For each approval:
// 1. A real batch: createBatch as lz_caseworker (生活救助, 工会经费, ¥1.00 a household, today) over one
//    grassroots union's files of one tier and file level with at least --lines eligible files
//    (a different group each time, so the annual cap never refuses a second run); lines past
//    --lines are set aside (removed, with a reason) so every batch is exactly --lines long; then
//    submitBatch. Building is timed too (it is the caseworker's wait).
// 2. Where the time goes: the batch's INSERT … SELECT into ledger_entry and its batch_line UPDATE,
//    under EXPLAIN ANALYZE in a transaction that is rolled back — each trigger's time is listed.
// 3. The floor: the same two statements through pg with triggers and foreign-key checks off,
//    rolled back. Embedded: session_replication_role = replica, as the superuser. With
//    DATABASE_URL (no superuser): as the tables' owner (MIGRATION_DATABASE_URL), which may drop
//    the foreign keys of ledger_entry and batch_line and disable their triggers inside the
//    transaction that is rolled back. That holds ACCESS EXCLUSIVE locks on both tables (and the
//    referenced ones) for the floor's seconds: run it on a database of your own, not a shared one.
// 4. approveBatch as lz_official, timed — what the official waits for — and every statement it
//    sends, timed (the table "审批的语句": what the approval does besides the two writes).
// 5. The report of the batch's union for this month (资金发放), read right after the approval as
//    lz_official, timed: since decision 032 it first folds the approval's entries into the counts
//    (what the job worker otherwise does a moment later), so this is the fold's cost; then read
//    again, with nothing left to fold. With --worker the job worker folds after the commit: the
//    report read at once then waits for that fold (report_ledger_fold's advisory lock) and folds
//    nothing itself; the bench also prints how long after the commit the pending table was empty
//    (the worker's fold committed).
import type pg from "pg";
import { randomUUID } from "node:crypto";
import type { TDatabase } from "@/lib/db/runtime";
import { assertReactServer, benchActors, machine, median, ms, table, timeStatements } from "./bench-support";

function intArg(name: string, fallback: number, min: number, max: number): number {
  const i = process.argv.indexOf(name);
  if (i === -1) return fallback;
  const n = Number((process.argv[i + 1] ?? "").replaceAll("_", "").replaceAll(",", ""));
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} 应为 ${min}–${max} 之间的整数：${process.argv[i + 1] ?? ""}`);
  return n;
}

const APPROVALS = intArg("--approvals", 3, 1, 20);
const LINES = intArg("--lines", 10_000, 1, 100_000);
const TARGET_MS = 3_000;
const WORKER = process.argv.includes("--worker");

// The writes approveBatch makes, in plain SQL (its scope clause is the official's whole city, so
// it is left out): the entries, and each line waiting for the bank.
const INSERT_ENTRIES = `
  INSERT INTO ledger_entry (organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, student_resident_id,
                            bank_account_id, batch_line_id, recorded_by_id, approved_by_id, paying_organisation_id)
  SELECT l.organisation_id, l.file_id, b.aid_type, b.fund_source, COALESCE(l.adjusted_amount_fen, l.amount_fen), b.entry_date,
         b.name || '：' || b.purpose, l.student_resident_id, l.bank_account_id, l.id, b.submitted_by_id, $2::uuid, $3::uuid
    FROM batch_line l JOIN disbursement_batch b ON b.id = l.batch_id
   WHERE l.batch_id = $1::uuid AND NOT l.removed`;
const MARK_WAITING = `UPDATE batch_line SET payment_status = 'WAITING', payment_updated_at = now() WHERE batch_id = $1::uuid AND NOT removed`;

type TPlanNode = {
  "Execution Time": number;
  /** A foreign-key check is a trigger named RI_ConstraintTrigger_…; its constraint says which. */
  Triggers?: Array<{ "Trigger Name": string; "Constraint Name"?: string; Relation: string; Time: number; Calls: number }>;
};

/**
 * The floor without a superuser: the owner drops the foreign keys that an insert into
 * ledger_entry or an update of batch_line would check, and disables both tables' own triggers,
 * inside a transaction that is rolled back (see step 3 above).
 */
async function floorAsOwner(sql: pg.Client, values: unknown[], batchId: string): Promise<number> {
  await sql.query("BEGIN");
  try {
    // ACCESS EXCLUSIVE waits behind any long reader (a job worker's sweep over household_file) and
    // everything else then queues behind it: give up after 10 s rather than stall the database.
    await sql.query("SET LOCAL lock_timeout = '10s'");
    const { rows } = await sql.query<{ tab: string; conname: string }>(
      `SELECT conrelid::regclass::text AS tab, conname FROM pg_constraint
        WHERE contype = 'f' AND (conrelid IN ('ledger_entry'::regclass, 'batch_line'::regclass) OR confrelid IN ('ledger_entry'::regclass, 'batch_line'::regclass))`,
    );
    for (const r of rows) await sql.query(`ALTER TABLE ${r.tab} DROP CONSTRAINT ${r.conname}`);
    await sql.query("ALTER TABLE ledger_entry DISABLE TRIGGER USER");
    await sql.query("ALTER TABLE batch_line DISABLE TRIGGER USER");
    const t0 = performance.now();
    await sql.query(INSERT_ENTRIES, values);
    await sql.query(MARK_WAITING, [batchId]);
    return performance.now() - t0;
  } catch (error) {
    if ((error as { code?: string }).code !== "55P03") throw error;
    console.log("纯 SQL 下限：10 秒内未能锁定 ledger_entry / batch_line（另有长时间的读取），本批不测。");
    return NaN;
  } finally {
    await sql.query("ROLLBACK");
  }
}

/** A statement's first words, whitespace collapsed: the key of the table "审批的语句". */
const statementKey = (text: string) => {
  const flat = text
    .replace(/\/\*.*?\*\//g, "")
    .replace(/\s+/g, " ")
    .trim();
  return flat.length > 90 ? `${flat.slice(0, 90)}…` : flat;
};

async function explainRolledBack(sql: pg.Client, text: string, values: unknown[]): Promise<TPlanNode> {
  await sql.query("BEGIN");
  try {
    const { rows } = await sql.query<{ "QUERY PLAN": TPlanNode[] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values);
    return rows[0]!["QUERY PLAN"][0]!;
  } finally {
    await sql.query("ROLLBACK");
  }
}

export async function benchBatchApproval(sql: pg.Client, db: TDatabase): Promise<void> {
  assertReactServer("batches", "npm run bench:ledger -- --approve", "scripts/bench-ledger.ts --approve");
  const { createBatch, submitBatch, approveBatch } = await import("@/lib/ledger/batches");
  const { getBatch } = await import("@/lib/ledger/find-batches");
  const { ZCreateBatchInput } = await import("@/lib/ledger/schemas");
  const { todayInShanghai } = await import("@/lib/format/datetime");
  const { findReport } = await import("@/lib/reports/find-report");
  const { periodFrom, ZReportQuery } = await import("@/lib/reports/period");
  const { city: caseworker } = await benchActors(sql, "lz_caseworker", { username: "-", name: "-", roles: [] });
  const { city: official } = await benchActors(sql, "lz_official", { username: "-", name: "-", roles: [] });
  const superuser = db.superuserUrl ? new (await import("pg")).default.Client({ connectionString: db.superuserUrl }) : null;
  await superuser?.connect();

  console.log(machine());
  const {
    rows: [size],
  } = await sql.query<{ entries: string; files: string }>(
    "SELECT (SELECT reltuples::bigint FROM pg_class WHERE relname = 'ledger_entry')::text AS entries, (SELECT count(*) FROM household_file)::text AS files",
  );
  console.log(
    `ledger_entry 约 ${Number(size!.entries).toLocaleString()} 行，household_file ${Number(size!.files).toLocaleString()} 户；每批 ${LINES.toLocaleString()} 行，审批 ${APPROVALS} 批。\n`,
  );

  // Groups (a grassroots union of Lanzhou without sub-unions × tier × file level) with enough open
  // files; the smallest first (a batch lists every eligible file of its group, so it builds fastest).
  const today = todayInShanghai();
  const { rows: groups } = await sql.query<{ org_id: string; code: string; tier: string; level: string; n: number }>(
    `SELECT o.id AS org_id, o.code, f.tier::text AS tier, f.file_level::text AS level, count(*)::int AS n
       FROM household_file f JOIN organisation o ON o.id = f.organisation_id
      WHERE o.path LIKE (SELECT path FROM organisation WHERE code = 'GSLZ') || '%' AND f.status = 'OPEN'
        AND NOT EXISTS (SELECT 1 FROM organisation c WHERE c.parent_id = o.id)
      GROUP BY 1, 2, 3, 4 HAVING count(*) >= $1 * 1.1 ORDER BY n`,
    [LINES],
  );
  if (groups.length === 0) throw new Error(`兰州市没有一个基层工会的同一类别、级别的在档户数达到 ${LINES} 户，请先运行 npm run seed -- --households 1000000。`);

  type TRow = {
    group: string;
    buildMs: number;
    approveMs: number;
    floorMs: number;
    explainMs: number;
    triggers: Map<string, number>;
    pending: number;
    reportMs: number;
    againMs: number;
    byStatement: Map<string, number>;
    foldDoneMs: number;
  };
  const results: TRow[] = [];
  for (let i = 0, g = 0; i < APPROVALS && g < groups.length; g++) {
    const group = groups[g]!;
    const input = ZCreateBatchInput.parse({
      idempotencyKey: randomUUID(),
      name: `基准测试 ${group.code} ${group.tier}/${group.level}`,
      aidType: "LIVING",
      fundSource: "UNION_FUNDS",
      standardAmountFen: "1",
      entryDate: today,
      purpose: "批量审批计时",
      organisationId: group.org_id,
      tiers: [group.tier],
      fileLevels: [group.level],
    });
    let t0 = performance.now();
    const { batchId } = await createBatch(caseworker, input);
    const buildMs = performance.now() - t0;
    await sql.query(
      `UPDATE batch_line SET removed = true, removed_reason = '基准测试：名单限定为 ' || $2::text || ' 行'
        WHERE id IN (SELECT id FROM batch_line WHERE batch_id = $1::uuid AND NOT removed ORDER BY id OFFSET $2)`,
      [batchId, LINES],
    );
    const included = (await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM batch_line WHERE batch_id = $1 AND NOT removed", [batchId])).rows[0]!.n;
    if (included < LINES) {
      console.log(`${group.code} ${group.tier}/${group.level}：只有 ${included} 行可发放（其余已达年度上限），换下一组。`);
      continue;
    }
    await submitBatch(caseworker, { batchId, expectedVersion: (await getBatch(caseworker, batchId)).version });

    // 2. where the time goes (rolled back)
    const values = [batchId, official.userId, official.organisation.id];
    const insertPlan = await explainRolledBack(sql, INSERT_ENTRIES, values);
    const triggers = new Map<string, number>();
    for (const t of insertPlan.Triggers ?? []) triggers.set(`${t.Relation}.${t["Constraint Name"] ?? t["Trigger Name"]}（${t.Calls} 次）`, t.Time);
    const updatePlan = await explainRolledBack(sql, MARK_WAITING, [batchId]);
    for (const t of updatePlan.Triggers ?? []) triggers.set(`${t.Relation}.${t["Constraint Name"] ?? t["Trigger Name"]}（${t.Calls} 次）`, t.Time);
    const explainMs = insertPlan["Execution Time"] + updatePlan["Execution Time"];

    // 3. the floor (rolled back)
    let floorMs: number;
    if (superuser) {
      await superuser.query("BEGIN");
      await superuser.query("SET LOCAL session_replication_role = replica");
      t0 = performance.now();
      await superuser.query(INSERT_ENTRIES, values);
      await superuser.query(MARK_WAITING, [batchId]);
      floorMs = performance.now() - t0;
      await superuser.query("ROLLBACK");
    } else {
      floorMs = await floorAsOwner(sql, values, batchId);
    }

    // 4. the approval itself
    const batch = await getBatch(official, batchId);
    t0 = performance.now();
    const {
      result: { entries },
      statements,
    } = await timeStatements(() => approveBatch(official, { batchId, expectedVersion: batch.version }));
    const approveMs = performance.now() - t0;
    const committedAt = performance.now();
    const byStatement = new Map<string, number>();
    for (const st of statements) byStatement.set(statementKey(st.text), (byStatement.get(statementKey(st.text)) ?? 0) + st.ms);
    if (entries !== LINES) throw new Error(`审批写入 ${entries} 笔，应为 ${LINES} 笔。`);

    // 5. the month's report right after (folds what the approval left pending), then again
    const month = periodFrom(ZReportQuery.parse({ kind: "month", month: today.slice(0, 7) }), today);
    if ("error" in month) throw new Error(month.error);
    let pending = 0;
    let foldDoneMs = NaN;
    let reportMs: number;
    if (WORKER) {
      // The worker folds a moment after the commit: the report read now, beside a poll of the
      // pending table on another connection, which ends when the fold has committed.
      const poll = (async () => {
        for (;;) {
          const { rows } = await sql.query<{ any: boolean }>("SELECT EXISTS (SELECT 1 FROM report_ledger_pending) AS any");
          if (!rows[0]!.any) return performance.now() - committedAt;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      t0 = performance.now();
      await findReport(official, { organisationId: group.org_id, period: month, groups: ["money"] });
      reportMs = performance.now() - t0;
      foldDoneMs = await poll;
    } else {
      pending = (await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM report_ledger_pending")).rows[0]!.n;
      t0 = performance.now();
      await findReport(official, { organisationId: group.org_id, period: month, groups: ["money"] });
      reportMs = performance.now() - t0;
    }
    t0 = performance.now();
    await findReport(official, { organisationId: group.org_id, period: month, groups: ["money"] });
    const againMs = performance.now() - t0;
    results.push({
      group: `${group.code} ${group.tier}/${group.level}`,
      buildMs,
      approveMs,
      floorMs,
      explainMs,
      triggers,
      pending,
      reportMs,
      againMs,
      byStatement,
      foldDoneMs,
    });
    i++;
  }
  await superuser?.end();

  table(
    ["名单", "生成 ms", "审批 ms", "写入+触发器 ms", "纯 SQL 下限 ms", "审批/下限"],
    results.map((r) => [r.group, ms(r.buildMs), ms(r.approveMs), ms(r.explainMs), ms(r.floorMs), `${(r.approveMs / r.floorMs).toFixed(1)}×`]),
    new Set([1, 2, 3, 4, 5]),
  );
  const approve = median(results.map((r) => r.approveMs));
  console.log(
    `\n审批 ${LINES.toLocaleString()} 行 中位 ${ms(approve)} ms（目标 ≤ ${TARGET_MS.toLocaleString()} ms）：${approve <= TARGET_MS ? "达标" : "未达标"}`,
  );
  console.log("（“写入+触发器”= 两条写入语句在 EXPLAIN ANALYZE 下的执行时间，已回滚；“纯 SQL 下限”= 同样两条语句关闭触发器与外键检查，已回滚。）");
  const floor = median(results.map((r) => r.floorMs));
  console.log(
    `纯 SQL 下限中位 ${ms(floor)} ms，审批/下限 ${(approve / floor).toFixed(1)}×（${superuser ? "超级用户 session_replication_role = replica" : "表所有者在回滚的事务中删除外键、停用触发器"}）`,
  );
  console.log("\n审批的语句（approveBatch 发出的每条语句的墙钟时间，各批中位，ms；BEGIN/COMMIT 也在内）：");
  const keys = [...new Set(results.flatMap((r) => [...r.byStatement.keys()]))];
  table(
    ["语句", "ms"],
    keys
      .map((k) => [k, median(results.map((r) => r.byStatement.get(k) ?? 0))] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([k, t]) => [k, ms(t)]),
    new Set([1]),
  );
  if (WORKER) {
    console.log("\n作业进程（npm run jobs）在旁归并：审批提交后立即读本月报表（资金发放），再读一次；归并完成 = 提交后待归并表变空的时刻：");
    table(
      ["名单", "首次读 ms", "归并完成 ms", "再读 ms"],
      results.map((r) => [r.group, ms(r.reportMs), ms(r.foldDoneMs), ms(r.againMs)]),
      new Set([1, 2, 3]),
    );
  } else {
    console.log("\n审批后立即读本月报表（资金发放；含归并审批留下的待归并笔数），再读一次：");
    table(
      ["名单", "待归并笔数", "首次读 ms", "再读 ms"],
      results.map((r) => [r.group, r.pending.toLocaleString(), ms(r.reportMs), ms(r.againMs)]),
      new Set([1, 2, 3]),
    );
  }
  console.log("\n触发器耗时（各批中位，ms）：");
  const names = [...new Set(results.flatMap((r) => [...r.triggers.keys()]))];
  table(
    ["触发器", "ms"],
    names
      .map((n) => [n, median(results.map((r) => r.triggers.get(n) ?? 0))] as const)
      .sort((a, b) => b[1] - a[1])
      .map(([n, t]) => [n, ms(t)]),
    new Set([1]),
  );
}
