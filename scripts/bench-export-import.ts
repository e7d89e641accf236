// `npm run bench:excel`: the .xlsx export of the archive (困难职工台账) at the size the database
// holds, with its time and peak memory above idle, extrapolated to 1,000,000 rows; beside it the
// same keyset reads in plain SQL through pg (what the database alone costs). Then, with
// --import <n>, a generated n-household workbook validated and imported as a caseworker would.
//
//   npm run seed -- --households 100000        fill the database first (about 40 s)
//   npm run bench:excel                        exports only: the archive, then 1,000,000 ledger rows as CSV and .xlsx
//   npm run bench:excel -- --ledger-rows 200000 --no-archive   the ledger export alone, at another size
//   npm run bench:excel -- --import 100000     and a 100,000-household import
//   npm run bench:excel -- --no-export --import 30000   the import alone
import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import type pg from "pg";
import type { TActor } from "@/lib/auth/actor";
import { assertReactServer, benchActors, runBench, showSetting } from "./bench-support";
import { generatedImportWorkbook } from "./generated-workbook";

const argNumber = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const IMPORT_HOUSEHOLDS = argNumber("--import", 0);
const MB = 1024 * 1024;

/** Samples the resident set size every 50 ms while `run` runs; returns the peak. */
async function peakRss<T>(run: () => Promise<T>): Promise<{ result: T; peak: number; seconds: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const start = performance.now();
  try {
    const result = await run();
    return { result, peak: Math.max(peak, process.memoryUsage().rss), seconds: (performance.now() - start) / 1000 };
  } finally {
    clearInterval(timer);
  }
}

/** A client that reads at network speed: discards bytes but counts them. */
function countingSink() {
  let bytes = 0;
  const sink = new Writable({
    highWaterMark: 256 * 1024,
    write(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      setImmediate(done);
    },
  });
  return { sink, bytes: () => bytes };
}

/** The resident set size of this process's children (the workbook parser), 0 when there are none or /proc cannot say. */
function childrenRss(): number {
  try {
    const children = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    let total = 0;
    for (const pid of children) {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
      total += Number(kb ?? 0) * 1024;
    }
    return total;
  } catch {
    return 0;
  }
}

async function auditorIn(sql: pg.Client, orgId: string): Promise<string> {
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO app_user (username, name, organisation_id, roles, password_hash)
     VALUES ('bench_gs_auditor', '省总审计（基准测试）', $1, '{AUDITOR}', 'x') ON CONFLICT (username) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [orgId],
  );
  return rows[0]!.id;
}

async function benchExport(sql: pg.Client) {
  assertReactServer("export-archive", "npm run bench:excel", "scripts/bench-export-import.ts");
  const { archiveExportSheet } = await import("@/lib/exports/export-archive");
  const { writeXlsx } = await import("@/lib/xlsx/write-xlsx");
  const { province, provinceOrg } = await benchActors(sql, "lz_caseworker", { username: "bench_gs_auditor", name: "省总审计（基准测试）", roles: ["AUDITOR"] });
  const auditor: TActor = { ...province, userId: await auditorIn(sql, provinceOrg.id) };
  const {
    rows: [count],
  } = await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM household_file WHERE status <> 'DRAFT'");
  if (!count?.n) {
    console.log("数据库中没有档案。请先运行：npm run seed -- --households 100000");
    return;
  }

  // Plain SQL: the same keyset pages of 2,000 the export reads, without Prisma or exceljs.
  const plainStart = performance.now();
  let afterId = "00000000-0000-0000-0000-000000000000";
  let plainRows = 0;
  for (;;) {
    const { rows } = await sql.query<{ id: string }>(
      `SELECT f.id, f.file_number, f.status, f.holder_name, f.holder_resident_id, f.household_size, f.tier, f.proposed_tier, f.file_level,
              f.worker_category, f.main_cause, f.per_capita_monthly_fen, f.opened_at, f.next_check_due, f.updated_at, o.name
         FROM household_file f JOIN organisation o ON o.id = f.organisation_id
        WHERE f.status <> 'DRAFT' AND o.path LIKE $1 AND f.id > $2 ORDER BY f.id LIMIT 2000`,
      [`${provinceOrg.path}%`, afterId],
    );
    plainRows += rows.length;
    if (rows.length < 2000) break;
    afterId = rows.at(-1)!.id;
  }
  const plainSeconds = (performance.now() - plainStart) / 1000;

  // Plain SQL: the export's own statement (archive order, through a cursor, 2,000 rows a fetch), rows
  // discarded. Measured before the export and again after it: on a shared machine the load moves in
  // the minutes a 1,000,000-row export takes, and the export is compared with both.
  const cursorFloor = async () => {
    const cursorStart = performance.now();
    await sql.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await sql.query(
      `DECLARE floor_cursor NO SCROLL CURSOR FOR
     SELECT f.id, f.file_number, f.status::text, f.holder_name, f.holder_resident_id, f.tier::text, f.proposed_tier::text, f.file_level::text,
            f.worker_category::text, f.main_cause::text, f.household_size, f.per_capita_monthly_fen,
            (extract(epoch FROM f.opened_at) * 1000)::float8, (extract(epoch FROM f.updated_at) * 1000)::float8, f.next_check_due::text, o.name
       FROM household_file f JOIN organisation o ON o.id = f.organisation_id
      WHERE f.status <> 'DRAFT' AND o.path LIKE $1 ORDER BY f.updated_at DESC, f.id DESC`,
      [`${provinceOrg.path}%`],
    );
    let cursorRows = 0;
    for (;;) {
      const { rowCount } = await sql.query("FETCH 2000 FROM floor_cursor");
      cursorRows += rowCount ?? 0;
      if ((rowCount ?? 0) < 2000) break;
    }
    await sql.query("COMMIT");
    return { cursorRows, cursorSeconds: (performance.now() - cursorStart) / 1000 };
  };
  const { cursorRows, cursorSeconds } = await cursorFloor();

  global.gc?.();
  await new Promise((r) => setTimeout(r, 500));
  const idle = process.memoryUsage().rss;
  const { sink, bytes } = countingSink();
  // RSS every second: flat memory means the last samples are no higher than the first.
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(process.memoryUsage().rss), 1000);
  const cpu0 = process.cpuUsage();
  const run = await peakRss(async () => writeXlsx(sink, [await archiveExportSheet(auditor, { status: "ALL" }, { full: false })]));
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  const rows = run.result[0]!;
  const after = await cursorFloor();
  const perMillion = (run.seconds / rows) * 1_000_000;
  console.log(`省级范围（${provinceOrg.name}）困难职工台账 .xlsx 导出：`);
  console.log(`  行数            ${rows.toLocaleString()}（文件 ${(bytes() / MB).toFixed(1)} MB）`);
  console.log(
    `  用时            ${run.seconds.toFixed(1)} s（${Math.round(rows / run.seconds).toLocaleString()} 行/秒；本进程 CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s）`,
  );
  console.log(`  同样的分页读取（纯 SQL，pg，按 id 分页）${plainSeconds.toFixed(1)} s，${plainRows.toLocaleString()} 行`);
  console.log(
    `  导出本身的语句（纯 SQL，pg，游标，台账顺序）${cursorSeconds.toFixed(1)} s，${cursorRows.toLocaleString()} 行；导出为其 ${(run.seconds / cursorSeconds).toFixed(1)} 倍`,
  );
  console.log(
    `  导出之后再测同一语句  ${after.cursorSeconds.toFixed(1)} s，${after.cursorRows.toLocaleString()} 行；导出为其 ${(run.seconds / after.cursorSeconds).toFixed(1)} 倍`,
  );
  console.log(`  空闲内存        ${(idle / MB).toFixed(0)} MB；峰值 ${(run.peak / MB).toFixed(0)} MB；高于空闲 ${((run.peak - idle) / MB).toFixed(0)} MB`);
  const step = Math.max(1, Math.floor(samples.length / 10));
  console.log(
    `  内存（RSS，每 ${step} s 一个样本，MB）：${samples
      .filter((_, i) => i % step === 0)
      .map((x) => (x / MB).toFixed(0))
      .join(" → ")}`,
  );
  console.log(`  外推 1,000,000 行：约 ${(perMillion / 60).toFixed(1)} 分钟（按本次速度线性外推；流式写出，内存不随行数增长，见上面的峰值）`);
}

/** Reads a download as a client at network speed would: takes every chunk, keeps only the count. */
async function drain(response: Response): Promise<number> {
  const reader = response.body!.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    bytes += value.byteLength;
  }
}

/**
 * The auditor's province-wide ledger download (帮扶资金发放实名制汇总表) of about `target` rows, as
 * CSV and as .xlsx, through the same Response a route returns; beside it the same keyset pages
 * in plain SQL through pg. The rows are the newest `target` entries (a 从 date filter), so any
 * database with at least that many entries measures the same size.
 */
async function benchLedgerExport(sql: pg.Client, target: number) {
  assertReactServer("export-responses", "npm run bench:excel", "scripts/bench-export-import.ts");
  const { exportLedgerResponse } = await import("@/lib/exports/export-responses");
  const { LEDGER_EXPORT_PAGE } = await import("@/lib/ledger/export-ledger");
  const { province, provinceOrg } = await benchActors(sql, "lz_caseworker", { username: "bench_gs_auditor", name: "省总审计（基准测试）", roles: ["AUDITOR"] });
  const auditor: TActor = { ...province, userId: await auditorIn(sql, provinceOrg.id) };
  const {
    rows: [edge],
  } = await sql.query<{ d: string | null }>("SELECT entry_date::text AS d FROM ledger_entry ORDER BY entry_date DESC OFFSET $1 LIMIT 1", [target - 1]);
  if (!edge?.d) {
    console.log(`\n台账不足 ${target.toLocaleString()} 条。请先运行：npm run seed -- --households 200000 --ledger-entries ${(target * 2).toLocaleString()}`);
    return;
  }
  const from = edge.d;
  const {
    rows: [load],
  } = await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger_entry WHERE entry_date >= $1::date", [from]);
  console.log(
    `\n省级范围台账导出（${provinceOrg.name}，发放日期 ${from} 起，${load!.n.toLocaleString()} 条；每页 ${LEDGER_EXPORT_PAGE.toLocaleString()} 条）：`,
  );

  // Plain SQL: the same keyset pages with the same joins, rows discarded.
  const p0 = performance.now();
  let cursor = null as { d: string; id: string } | null;
  let plainRows = 0;
  for (;;) {
    const { rows }: { rows: { id: string; d: string }[] } = await sql.query(
      `SELECT e.id::text, e.entry_date::text AS d, e.aid_type, e.fund_source, e.amount_fen, e.purpose, e.reason, e.cap_override_reason,
              o.name, f.holder_name, f.file_number, f.holder_resident_id, ba.bank_name, ba.account_number, b.name
         FROM (SELECT e.* FROM ledger_entry e WHERE e.entry_date >= $1::date AND ($2::date IS NULL OR (e.entry_date, e.id) < ($2::date, $3::uuid))
                ORDER BY e.entry_date DESC, e.id DESC LIMIT $4) e
         JOIN organisation o ON o.id = e.organisation_id JOIN household_file f ON f.id = e.file_id
         LEFT JOIN LATERAL (SELECT a.bank_name, a.account_number FROM bank_account a WHERE a.id = e.bank_account_id LIMIT 1) ba ON true LEFT JOIN batch_line bl ON bl.id = e.batch_line_id
         LEFT JOIN disbursement_batch b ON b.id = bl.batch_id
        ORDER BY e.entry_date DESC, e.id DESC`,
      [from, cursor?.d ?? null, cursor?.id ?? null, LEDGER_EXPORT_PAGE],
    );
    plainRows += rows.length;
    if (rows.length < LEDGER_EXPORT_PAGE) break;
    cursor = { d: rows.at(-1)!.d, id: rows.at(-1)!.id };
  }
  const plainSeconds = (performance.now() - p0) / 1000;
  console.log(
    `  纯 SQL（pg，同样的分页与连接）  ${plainSeconds.toFixed(1)} s，${plainRows.toLocaleString()} 行（${Math.round(plainRows / plainSeconds).toLocaleString()} 行/秒）`,
  );

  for (const format of ["csv", "xlsx"] as const) {
    global.gc?.();
    await new Promise((r) => setTimeout(r, 500));
    const idle = process.memoryUsage().rss;
    // RSS every 50 ms: the peak, and the peak of each quarter of the run — flat memory means the
    // last quarter is no higher than the first.
    const samples: number[] = [];
    const timer = setInterval(() => samples.push(process.memoryUsage().rss), 50);
    const run = await peakRss(async () => drain(await exportLedgerResponse(auditor, new URLSearchParams({ from, format }))));
    clearInterval(timer);
    const quarter = Math.max(1, Math.ceil(samples.length / 4));
    const quarters = [0, 1, 2, 3].map((q) => Math.max(idle, ...samples.slice(q * quarter, (q + 1) * quarter)));
    // The row count from the export's own audit row, written just after the last byte.
    let rows = 0;
    for (let i = 0; i < 100 && !rows; i += 1) {
      const {
        rows: [audit],
      } = await sql.query<{ rows: number }>(
        `SELECT (detail->>'rows')::int AS rows FROM audit_event WHERE action = 'export.completed' AND actor_id = $1 AND detail->>'format' = $2
            AND at >= now() - make_interval(secs => $3) ORDER BY id DESC LIMIT 1`,
        [auditor.userId, format, run.seconds + 30],
      );
      rows = audit?.rows ?? 0;
      if (!rows) await new Promise((r) => setTimeout(r, 100));
    }
    console.log(
      `  ${format.padEnd(5)} ${rows.toLocaleString()} 行，文件 ${(run.result / MB).toFixed(0)} MB，用时 ${run.seconds.toFixed(1)} s（${Math.round(rows / run.seconds).toLocaleString()} 行/秒，` +
        `为纯 SQL 的 ${(run.seconds / plainSeconds).toFixed(1)} 倍）；内存：空闲 ${(idle / MB).toFixed(0)} MB，峰值高于空闲 ${((run.peak - idle) / MB).toFixed(0)} MB` +
        `（按时间四等分的峰值高于空闲：${quarters.map((q) => ((q - idle) / MB).toFixed(0)).join(" / ")} MB）`,
    );
  }
  const os = await import("node:os");
  console.log(
    `  负载（1/5/15 分钟平均）${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" / ")}，CPU ${os.cpus().length} 核`,
  );
}

async function benchImport(sql: pg.Client, households: number) {
  const { uploadHouseholdImport } = await import("@/lib/import/upload-import");
  const { validateHouseholdImport } = await import("@/lib/import/validate-import");
  const { claimHouseholdImportCommit, commitHouseholdImport } = await import("@/lib/import/commit-import");
  const { getHouseholdImport } = await import("@/lib/import/find-imports");
  const { benchActors: actors } = await import("./bench-support");
  const { city } = await actors(sql, "lz_caseworker", { username: "x", name: "x", roles: ["CASEWORKER"] });
  const bytes = await generatedImportWorkbook(households);
  const {
    rows: [before],
  } = await sql.query<{ files: number }>("SELECT count(*)::int AS files FROM household_file");
  console.log(
    `\n导入：${households.toLocaleString()} 户、${(households * 2).toLocaleString()} 名成员（共 ${(households * 3).toLocaleString()} 行），工作簿 ${(bytes.length / MB).toFixed(1)} MB；` +
      `库中已有档案 ${before!.files.toLocaleString()} 户，shared_buffers ${await showSetting(sql, "shared_buffers")}`,
  );
  // WAL by its insert position, which moves with every record: pg_stat_wal only counts what each
  // backend has flushed to the statistics, at most once a second, and missed a short import whole.
  const walAndCheckpoints = async () =>
    (
      await sql.query<{ lsn: string; checkpoints: number }>(
        "SELECT pg_current_wal_insert_lsn()::text AS lsn, (SELECT num_timed + num_requested FROM pg_stat_checkpointer)::int AS checkpoints",
      )
    ).rows[0]!;
  global.gc?.();
  const idle = process.memoryUsage().rss;
  const t0 = performance.now();
  const fileName = `bench-${Date.now()}.xlsx`;
  const { importId } = await uploadHouseholdImport(city, { fileName, bytes });
  const t1 = performance.now();
  const walBefore = await walAndCheckpoints(); // after the upload, whose workbook bytes are not the import's work
  // RSS of this process (the server's part of the work) every 50 ms, and of the workbook parser's
  // own process (lib/xlsx/read-xlsx.ts forks it, with its own heap cap) while it lives.
  const samples: Array<{ at: number; rss: number; heap: number }> = [];
  let parserPeak = 0;
  const sampler = setInterval(() => {
    const { rss, heapUsed } = process.memoryUsage();
    samples.push({ at: performance.now(), rss, heap: heapUsed });
    parserPeak = Math.max(parserPeak, childrenRss());
  }, 50);
  const { peak } = await peakRss(() => validateHouseholdImport(city, importId));
  clearInterval(sampler);
  const t2 = performance.now();
  console.log(
    `  校验时内存（本进程 RSS）：空闲 ${(idle / MB).toFixed(0)} MB，峰值高于空闲 ${((peak - idle) / MB).toFixed(0)} MB；解析子进程峰值 ${(parserPeak / MB).toFixed(0)} MB（其堆上限另计）`,
  );
  const step = Math.max(1, Math.ceil(samples.length / 12));
  console.log(
    `  校验期间高于空闲的 RSS / 堆（MB，每 ${((step * 50) / 1000).toFixed(1)} s 一个样本）：${samples
      .filter((_, i) => i % step === 0)
      .map((x) => `${((x.rss - idle) / MB).toFixed(0)}/${(x.heap / MB).toFixed(0)}`)
      .join(" → ")}`,
  );
  const validated = await getHouseholdImport(city, importId);
  if (validated.status !== "READY") {
    console.log(`  校验未通过（${validated.problemCount} 个问题，例如：${validated.problems[0]?.message ?? validated.message}）`);
    return;
  }
  // Plain-SQL floor of the commit's main statement: the same INSERT … SELECT from the staged rows
  // into a temporary table without indexes, constraints or triggers (rolled back).
  const f0 = performance.now();
  await sql.query("BEGIN");
  await sql.query(`CREATE TEMP TABLE floor_files (LIKE household_file INCLUDING DEFAULTS) ON COMMIT DROP`);
  await sql.query(
    `INSERT INTO floor_files (id, organisation_id, status, data, holder_name, holder_resident_id, file_level, worker_category, main_cause, secondary_causes,
                              proposed_tier, created_by_id, holder_name_pinyin, holder_name_initials, holder_name_grams)
     SELECT r.file_id, r.organisation_id, 'DRAFT', r.data, r.data #>> '{members,0,name}', r.data #>> '{members,0,residentId}', (r.data ->> 'fileLevel')::file_level,
            (r.data ->> 'workerCategory')::worker_category, (r.data ->> 'mainCause')::hardship_cause,
            ARRAY(SELECT jsonb_array_elements_text(r.data -> 'secondaryCauses'))::hardship_cause[], (r.data ->> 'proposedTier')::tier, $2::uuid,
            r.name_search ->> 'pinyin', r.name_search ->> 'initials', ARRAY(SELECT jsonb_array_elements_text(coalesce(r.name_search -> 'grams', '[]')))
       FROM household_import_row r WHERE r.import_id = $1 ORDER BY r.seq`,
    [importId, city.userId],
  );
  await sql.query("ROLLBACK");
  const floorSeconds = (performance.now() - f0) / 1000;
  const t2b = performance.now();
  await claimHouseholdImportCommit(city, importId);
  const { households: created } = await commitHouseholdImport(city, importId);
  const t3 = performance.now();
  const validateSeconds = (t2 - t1) / 1000;
  const commitSeconds = (t3 - t2b) / 1000;
  console.log(`  上传 ${((t1 - t0) / 1000).toFixed(1)} s`);
  console.log(`  校验全部行      ${validateSeconds.toFixed(1)} s（读取工作簿、逐行校验、一人一档查库、暂存）`);
  console.log(`  一个事务导入    ${commitSeconds.toFixed(1)} s（${created.toLocaleString()} 户：档案、成员、办理记录及统计触发器）`);
  console.log(`  同一插入的纯 SQL 下限（临时表，无索引、约束、触发器）${floorSeconds.toFixed(1)} s（比值 ${(commitSeconds / floorSeconds).toFixed(1)}）`);
  const walAfter = await walAndCheckpoints();
  const {
    rows: [wal],
  } = await sql.query<{ bytes: string }>("SELECT pg_wal_lsn_diff($1, $2)::text AS bytes", [walAfter.lsn, walBefore.lsn]);
  console.log(
    `  校验与导入共写 WAL ${(Number(wal!.bytes) / MB).toFixed(0)} MB，其间检查点 ${walAfter.checkpoints - walBefore.checkpoints} 次（max_wal_size ${await showSetting(sql, "max_wal_size")}）`,
  );
  console.log(
    `  校验 + 导入合计 ${(validateSeconds + commitSeconds).toFixed(1)} s；含上传 ${((t1 - t0) / 1000 + validateSeconds + commitSeconds).toFixed(1)} s；机器负载 ${(
      await import("node:os")
    )
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" / ")}`,
  );
  // The drafts go again, so the next run imports into the database as seeded (their history and
  // members follow by ON DELETE CASCADE).
  const removed = await sql.query(
    "DELETE FROM household_file WHERE status = 'DRAFT' AND id IN (SELECT file_id FROM filing_event WHERE kind = 'CREATED' AND note = $1)",
    [`由 Excel 导入（${fileName}）`],
  );
  console.log(`  已删除本次导入的 ${removed.rowCount?.toLocaleString()} 份草稿档案`);
}

const LEDGER_ROWS = argNumber("--ledger-rows", 1_000_000);

await runBench(async (sql) => {
  if (!process.argv.includes("--no-export")) {
    if (!process.argv.includes("--no-archive")) await benchExport(sql);
    if (LEDGER_ROWS > 0) await benchLedgerExport(sql, LEDGER_ROWS);
  }
  if (IMPORT_HOUSEHOLDS > 0) await benchImport(sql, IMPORT_HOUSEHOLDS);
});
