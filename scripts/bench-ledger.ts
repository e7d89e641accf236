// `npm run bench:ledger`: times the organisation ledger (findOrgLedger, lib/ledger/find-ledger.ts,
// the query behind app/(app)/ledger/page.tsx) on a database with a million ledger entries.
//
//   npm run seed -- --households 100000      first: at least 20,000 open household files
//   npm run bench:ledger                     tops ledger_entry up to 1,000,000 rows, then times
//   options: --entries <n> (target row count, 1,000,000), --runs <n> (timed runs, 5),
//            --explain <n> (explain the n slowest cases, 2), --plans (also print the SQL and values)
//
// Uses DATABASE_URL, or the embedded PostgreSQL in .bangfu/pgdata (like `npm start`).
//
// WARNING: ledger_entry is append-only (triggers forbid UPDATE, DELETE and TRUNCATE): the rows this
// script adds cannot be removed except by dropping the database. Run it on a scratch database.
//
// 1. Data. If ledger_entry has fewer than --entries rows, the difference is inserted in ONE
//    transaction, directly with INSERT … SELECT over generate_series × the open household files,
//    respecting every rule of prisma/migrations/0004_ledger:
//      - each entry has exactly one source (ledger_entry_one_source): ~70% are lines of PAID
//        batches (disbursement_batch + batch_line, one batch per city × month × aid type × fund,
//        so a household is listed once per batch), ~30% are APPROVED single disbursements;
//      - recorder ≠ approver (ledger_entry_maker_checker; batches: approver ≠ creator/submitter):
//        the city's caseworker records, its official approves;
//      - organisation_id is the file's; the payee account is the file's current bank_account
//        (created for open files that have none; non-cash 就业帮扶 entries name no account);
//      - entries spread over the last 36 months (batches on one day of their month, singles on any
//        day), amounts in fen by aid type (生活 200–600 元, 医疗 500–10,000 元, 助学 by file level
//        5,000/6,000/6,300 元, 送温暖 500 元, 临时 300–3,000 元, 就业 0), funds per aid type;
//      - about 1% of single cash entries are reversed: an APPROVED reversal disbursement and an
//        entry with reverses_entry_id, the exact negative amount and a reason
//        (ledger_entry_sign, ledger_entry_check_reversal trigger).
//    Not modelled: 助学 entries carry no student_resident_id, and annual caps are not enforced
//    (the database does not check either; neither changes the ledger page's queries).
//    Then VACUUM ANALYZE of the touched tables.
// 2. Timing. For a city-scoped auditor (lz_auditor) and a province-scoped auditor (a TActor built
//    from the GS organisation, roles ["AUDITOR"]; nothing is written) each case runs findOrgLedger
//    once to warm up, then --runs times. The SQL Prisma sends is captured (bench-support.ts)
//    and the page query and the totals query (count + sum) are replayed on their own, so their
//    costs are shown separately (findOrgLedger runs them in parallel).
// 3. EXPLAIN (ANALYZE, BUFFERS) of the page and totals statements of the slowest cases.
//
// Why `tsx --conditions=react-server` (the npm script passes it): lib/ledger/find-ledger.ts starts
// with `import "server-only"`, which throws outside React Server Components; under that export
// condition it resolves to its empty module, as in Next.js's server build, so the real domain
// function runs unmodified.
import type pg from "pg";
import type { TActor } from "@/lib/auth/actor";
import type { TLedgerFilters } from "@/lib/ledger/schemas";
import {
  assertReactServer, benchActors, captureStatements, explainAnalyze, median, ms, orgByCode, padEnd, padStart, printStatement, runBench,
  showSetting, table, type TStatement,
} from "./bench-support";

// ───────────────────────────── arguments ─────────────────────────────

function intArg(name: string, fallback: number, min: number, max: number): number {
  const i = process.argv.indexOf(name);
  if (i === -1) return fallback;
  const raw = process.argv[i + 1] ?? "";
  const n = Number(raw.replaceAll("_", "").replaceAll(",", ""));
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} 应为 ${min}–${max} 之间的整数：${raw}`);
  return n;
}

const ENTRIES = intArg("--entries", 1_000_000, 0, 50_000_000);
const RUNS = intArg("--runs", 5, 1, 1000);
const EXPLAIN_COUNT = intArg("--explain", 2, 0, 100);
const SHOW_SQL = process.argv.includes("--plans");
const MIN_OPEN_FILES = 20_000;
const MONTHS = 36;
const PAGE_TARGET = 50;

// ───────────────────────────── the statements findOrgLedger sends ─────────────────────────────

type TKind = "page" | "totals" | "org" | "include";
/** What a statement sent by findOrgLedger is: the page, the totals, the organisation filter lookup, or an include. */
function kindOf(text: string): TKind {
  if (/\b(COUNT|SUM)\s*\(/i.test(text)) return "totals";
  if (/FROM\s+"public"\."ledger_entry"/i.test(text) && /ORDER BY/i.test(text) && /LIMIT/i.test(text) && !/"reverses_entry_id"\s+IN/i.test(text)) return "page";
  if (/FROM\s+"public"\."organisation"/i.test(text) && /"path"/.test(text) && !/"ledger_entry"/.test(text)) return "org";
  return "include";
}

const seconds = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

// ───────────────────────────── 1. data ─────────────────────────────

async function ensureEntries(sql: pg.Client): Promise<void> {
  const count = async () => (await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger_entry")).rows[0]!.n;
  const existing = await count();
  const need = ENTRIES - existing;
  if (need <= 0) {
    console.log(`ledger_entry 已有 ${existing.toLocaleString()} 行（目标 ${ENTRIES.toLocaleString()}），不再写入。`);
    return;
  }
  console.log(`ledger_entry 有 ${existing.toLocaleString()} 行，写入 ${need.toLocaleString()} 行（一个事务）……`);
  const started = performance.now();
  const step = async (label: string, text: string, values: unknown[] = []) => {
    const t0 = performance.now();
    const result = await sql.query(text, values);
    console.log(`  ${padEnd(label, 26)} ${padStart((result.rowCount ?? 0).toLocaleString(), 10)} 行  ${seconds(t0)}`);
    return result;
  };

  await sql.query("BEGIN");
  try {
    // The open files, their organisation's city and current account.
    await step("在档档案", `
      CREATE TEMP TABLE bench_file ON COMMIT DROP AS
      SELECT row_number() OVER (ORDER BY f.id) AS n, f.id AS file_id, f.organisation_id, f.file_level::text AS file_level,
             COALESCE(city.id, f.organisation_id) AS city_id, ba.id AS bank_account_id
        FROM household_file f
        JOIN organisation o ON o.id = f.organisation_id
        LEFT JOIN LATERAL (SELECT c.id FROM organisation c WHERE c.level = 'CITY' AND o.path LIKE c.path || '%' LIMIT 1) city ON true
        LEFT JOIN bank_account ba ON ba.file_id = f.id AND ba.superseded_at IS NULL
       WHERE f.status = 'OPEN'`);
    // Who records and who approves, per city: its own (or an ancestor's) caseworker and official.
    await step("各市经办人与审批人", `
      CREATE TEMP TABLE bench_city ON COMMIT DROP AS
      SELECT x.city_id, u.recorder, u.approver
        FROM (SELECT DISTINCT city_id FROM bench_file) x
        JOIN organisation c ON c.id = x.city_id
        CROSS JOIN LATERAL (
          SELECT (SELECT u.id FROM app_user u JOIN organisation uo ON uo.id = u.organisation_id
                   WHERE 'CASEWORKER'::role = ANY (u.roles) AND u.active
                   ORDER BY (c.path LIKE uo.path || '%') DESC, uo.depth DESC, u.username LIMIT 1) AS recorder,
                 (SELECT u.id FROM app_user u JOIN organisation uo ON uo.id = u.organisation_id
                   WHERE 'OFFICIAL'::role = ANY (u.roles) AND u.active
                   ORDER BY (c.path LIKE uo.path || '%') DESC, uo.depth DESC, u.username LIMIT 1) AS approver
        ) u`);
    const { rows: [check] } = await sql.query<{ files: number; bad: number }>(
      "SELECT (SELECT count(*)::int FROM bench_file) AS files, (SELECT count(*)::int FROM bench_city WHERE recorder IS NULL OR approver IS NULL OR recorder = approver) AS bad",
    );
    if (check!.bad > 0) throw new Error("找不到各市的经办人（CASEWORKER）和另一位审批人（OFFICIAL）：这个数据库不是用 npm run seed 初始化的。");

    await step("补建收款账户", `
      INSERT INTO bank_account (file_id, organisation_id, bank_name, account_number, account_holder, created_by_id, created_at)
      SELECT f.file_id, f.organisation_id, (ARRAY['中国农业银行', '中国工商银行', '中国建设银行', '甘肃银行', '兰州银行'])[1 + f.n % 5],
             '622848' || lpad(((f.n * 7919 + 104729) % 10000000000000)::text, 13, '0'),
             COALESCE(NULLIF(btrim(h.holder_name), ''), '户主'), c.recorder, now() - interval '37 months'
        FROM bench_file f JOIN household_file h ON h.id = f.file_id JOIN bench_city c USING (city_id)
       WHERE f.bank_account_id IS NULL`);
    await sql.query(`
      UPDATE bench_file f SET bank_account_id = ba.id FROM bank_account ba
       WHERE f.bank_account_id IS NULL AND ba.file_id = f.file_id AND ba.superseded_at IS NULL`);

    // The plan: one row per entry. A (file, month, slot) triple occurs once, so a household is
    // listed at most once in each batch (batch_line_one_per_beneficiary).
    const files = check!.files;
    const slots = Math.max(1, Math.ceil((need * 1.01) / (files * MONTHS)));
    const p = Math.min(1, (need * 1.01) / (files * MONTHS * slots));
    await step("生成计划", `
      CREATE TEMP TABLE bench_plan ON COMMIT DROP AS
      WITH cand AS (
        SELECT f.file_id, f.organisation_id, f.city_id, f.file_level, f.bank_account_id, m.m, s.slot,
               (date_trunc('month', current_date) - make_interval(months => m.m))::date AS month_start,
               random() AS r_type, random() AS r_fund, random() AS r_amount, random() AS r_kind, random() AS r_day, random() AS r_rev
          FROM bench_file f CROSS JOIN generate_series(0, ${MONTHS - 1}) m(m) CROSS JOIN generate_series(1, $2::int) s(slot)
         WHERE random() < $1::float8
         LIMIT $3::int
      ), typed AS (
        SELECT c.*,
               CASE WHEN r_type < 0.35 THEN 'LIVING' WHEN r_type < 0.50 THEN 'MEDICAL' WHEN r_type < 0.58 THEN 'EDUCATION'
                    WHEN r_type < 0.83 THEN 'WARMTH' WHEN r_type < 0.95 THEN 'EMERGENCY' ELSE 'EMPLOYMENT' END AS aid
          FROM cand c
      ), funded AS (
        SELECT t.*,
               CASE aid WHEN 'LIVING' THEN CASE WHEN r_fund < 0.6 THEN 'CENTRAL_SPECIAL' ELSE 'UNION_FUNDS' END
                        WHEN 'MEDICAL' THEN CASE WHEN r_fund < 0.4 THEN 'CENTRAL_SPECIAL' WHEN r_fund < 0.8 THEN 'UNION_FUNDS' ELSE 'DONATION' END
                        WHEN 'EDUCATION' THEN CASE WHEN r_fund < 0.7 THEN 'CENTRAL_SPECIAL' ELSE 'DONATION' END
                        WHEN 'WARMTH' THEN CASE WHEN r_fund < 0.8 THEN 'WARMTH_FUND' ELSE 'DONATION' END
                        ELSE 'UNION_FUNDS' END AS fund,
               CASE aid WHEN 'LIVING' THEN (200 + floor(r_amount * 401))::int * 100
                        WHEN 'MEDICAL' THEN (500 + floor(r_amount * 9501))::int * 100
                        WHEN 'EDUCATION' THEN CASE WHEN file_level IN ('NATIONAL', 'PROVINCE') THEN 630000 WHEN file_level = 'CITY' THEN 600000 ELSE 500000 END
                        WHEN 'WARMTH' THEN 50000
                        WHEN 'EMERGENCY' THEN (300 + floor(r_amount * 2701))::int * 100
                        ELSE 0 END AS amount,
               -- Regular payments go out in batches; medical, emergency and employment aid one by one.
               CASE WHEN aid IN ('LIVING', 'WARMTH', 'EDUCATION') THEN r_kind < 0.92 ELSE r_kind < 0.08 END AS in_batch
          FROM typed t
      )
      SELECT gen_random_uuid() AS entry_id, gen_random_uuid() AS source_id, file_id, organisation_id, city_id, m, slot,
             aid::aid_type AS aid_type, fund::fund_source AS fund_source, amount AS amount_fen, in_batch,
             CASE WHEN aid = 'EMPLOYMENT' THEN NULL ELSE bank_account_id END AS bank_account_id,
             LEAST(current_date, CASE WHEN in_batch
                   THEN month_start + 4 + abs(hashtext(city_id::text || m || '/' || slot || aid || fund)) % 20
                   ELSE month_start + floor(r_day * ((month_start + interval '1 month')::date - month_start))::int END) AS entry_date,
             NOT in_batch AND amount > 0 AND r_rev < 0.01 AS reversed,
             gen_random_uuid() AS reversal_entry_id, gen_random_uuid() AS reversal_source_id
        FROM funded`, [p, slots, need]);
    await sql.query("ANALYZE bench_plan");
    const label = `
      (extract(year FROM p.entry_date)::int || '年' || extract(month FROM p.entry_date)::int || '月' ||
       CASE p.aid_type WHEN 'LIVING' THEN '生活救助' WHEN 'MEDICAL' THEN '医疗救助' WHEN 'EDUCATION' THEN '金秋助学'
                       WHEN 'WARMTH' THEN '送温暖' WHEN 'EMERGENCY' THEN '临时救助' ELSE '就业帮扶' END)`;

    // Batches: one per city × month × slot × aid type × fund, paid on one day.
    await step("批次 disbursement_batch", `
      CREATE TEMP TABLE bench_batch ON COMMIT DROP AS
      SELECT gen_random_uuid() AS id, city_id, m, slot, aid_type, fund_source, min(entry_date) AS entry_date
        FROM bench_plan WHERE in_batch GROUP BY city_id, m, slot, aid_type, fund_source`);
    await sql.query(`
      INSERT INTO disbursement_batch (id, idempotency_key, organisation_id, name, aid_type, fund_source, entry_date, purpose, status,
                                      created_by_id, created_at, submitted_by_id, submitted_at, approved_by_id, approved_at, paid_by_id, paid_at)
      SELECT b.id, gen_random_uuid(), b.city_id, ${label.replaceAll("p.", "b.")} || '（批量）', b.aid_type, b.fund_source, b.entry_date,
             ${label.replaceAll("p.", "b.")}, 'PAID', c.recorder, b.entry_date - 5, c.recorder, b.entry_date - 4, c.approver, b.entry_date - 2,
             c.recorder, b.entry_date
        FROM bench_batch b JOIN bench_city c USING (city_id)`);
    await step("批次明细 batch_line", `
      INSERT INTO batch_line (id, batch_id, file_id, organisation_id, bank_account_id, amount_fen)
      SELECT p.source_id, b.id, p.file_id, p.organisation_id, p.bank_account_id, p.amount_fen
        FROM bench_plan p JOIN bench_batch b USING (city_id, m, slot, aid_type, fund_source)
       WHERE p.in_batch`);
    await step("单笔发放 disbursement", `
      INSERT INTO disbursement (id, idempotency_key, file_id, organisation_id, aid_type, fund_source, amount_fen, entry_date, purpose,
                                bank_account_id, status, recorded_by_id, recorded_at, decided_by_id, decided_at)
      SELECT p.source_id, gen_random_uuid(), p.file_id, p.organisation_id, p.aid_type, p.fund_source, p.amount_fen, p.entry_date, ${label},
             p.bank_account_id, 'APPROVED', c.recorder, p.entry_date - 1, c.approver, p.entry_date
        FROM bench_plan p JOIN bench_city c USING (city_id)
       WHERE NOT p.in_batch`);
    // In date order, as a ledger grows.
    await step("台账 ledger_entry", `
      INSERT INTO ledger_entry (id, organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, bank_account_id,
                                disbursement_id, batch_line_id, recorded_by_id, approved_by_id, created_at)
      SELECT p.entry_id, p.organisation_id, p.file_id, p.aid_type, p.fund_source, p.amount_fen, p.entry_date, ${label}, p.bank_account_id,
             CASE WHEN p.in_batch THEN NULL ELSE p.source_id END, CASE WHEN p.in_batch THEN p.source_id END,
             c.recorder, c.approver, p.entry_date + interval '10 hours'
        FROM bench_plan p JOIN bench_city c USING (city_id)
       ORDER BY p.entry_date, p.entry_id`);
    // Reversals: a request naming the entry, approved, and the negating entry 3–30 days later.
    const reversalDate = "LEAST(current_date, p.entry_date + 3 + abs(hashtext(p.entry_id::text)) % 28)";
    await step("冲正申请 disbursement", `
      INSERT INTO disbursement (id, idempotency_key, file_id, organisation_id, aid_type, fund_source, amount_fen, entry_date, purpose,
                                reverses_entry_id, status, recorded_by_id, recorded_at, decided_by_id, decided_at)
      SELECT p.reversal_source_id, gen_random_uuid(), p.file_id, p.organisation_id, p.aid_type, p.fund_source, -p.amount_fen, ${reversalDate},
             '冲正：' || ${label}, p.entry_id, 'APPROVED', c.recorder, ${reversalDate}, c.approver, ${reversalDate}
        FROM bench_plan p JOIN bench_city c USING (city_id)
       WHERE p.reversed`);
    await step("冲正记录 ledger_entry", `
      INSERT INTO ledger_entry (id, organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, bank_account_id,
                                disbursement_id, reverses_entry_id, reason, recorded_by_id, approved_by_id, created_at)
      SELECT p.reversal_entry_id, p.organisation_id, p.file_id, p.aid_type, p.fund_source, -p.amount_fen, ${reversalDate}, '冲正：' || ${label},
             p.bank_account_id, p.reversal_source_id, p.entry_id, '收款账户错误，资金退回', c.recorder, c.approver, ${reversalDate} + interval '10 hours'
        FROM bench_plan p JOIN bench_city c USING (city_id)
       WHERE p.reversed
       ORDER BY 7`);
    await sql.query("COMMIT");
  } catch (error) {
    await sql.query("ROLLBACK").catch(() => {});
    throw error;
  }
  console.log(`写入完成，用时 ${seconds(started)}。`);
  const t0 = performance.now();
  await sql.query("VACUUM ANALYZE ledger_entry, batch_line, disbursement, disbursement_batch, bank_account");
  console.log(`VACUUM ANALYZE 用时 ${seconds(t0)}；ledger_entry 现有 ${(await count()).toLocaleString()} 行。\n`);
}

// ───────────────────────────── 2. timing ─────────────────────────────

type TFindOrgLedger = typeof import("@/lib/ledger/find-ledger").findOrgLedger;
type TCase = { actor: TActor; scope: string; label: string; filters: TLedgerFilters; page: number };
type TResult = TCase & {
  cursor: string | undefined;
  times: number[];
  pageTimes: number[];
  totalsTimes: number[];
  rows: number;
  count: number;
  statements: Array<TStatement & { kind: TKind }>;
};

async function loadFindOrgLedger(): Promise<TFindOrgLedger> {
  assertReactServer("find-ledger", "npm run bench:ledger", "scripts/bench-ledger.ts");
  return (await import("@/lib/ledger/find-ledger")).findOrgLedger;
}

async function main(sql: pg.Client) {
  const findOrgLedger = await loadFindOrgLedger();

  const { rows: [files] } = await sql
    .query<{ open: number }>("SELECT count(*)::int AS open FROM household_file WHERE status = 'OPEN'")
    .catch(() => ({ rows: [undefined] }));
  if (!files || files.open < MIN_OPEN_FILES) {
    console.error(`在档档案只有 ${(files?.open ?? 0).toLocaleString()} 户，至少需要 ${MIN_OPEN_FILES.toLocaleString()} 户。请先运行：npm run seed -- --households 100000`);
    process.exitCode = 1;
    return;
  }
  await ensureEntries(sql);

  const setting = (name: string) => showSetting(sql, name);
  const { rows: [size] } = await sql.query<{ n: number; reversals: number; heap: string; total: string; min: string; max: string }>(
    `SELECT count(*)::int AS n, count(reverses_entry_id)::int AS reversals, min(entry_date)::text AS min, max(entry_date)::text AS max,
            pg_size_pretty(pg_relation_size('ledger_entry')) AS heap, pg_size_pretty(pg_total_relation_size('ledger_entry')) AS total FROM ledger_entry`,
  );
  console.log(`PostgreSQL ${await setting("server_version")}（shared_buffers ${await setting("shared_buffers")}，work_mem ${await setting("work_mem")}）；` +
    `ledger_entry ${size!.n.toLocaleString()} 行（冲正 ${size!.reversals.toLocaleString()}），${size!.min} – ${size!.max}，` +
    `表 ${size!.heap}（含索引 ${size!.total}）；在档档案 ${files.open.toLocaleString()} 户。每项预热 1 次后计时 ${RUNS} 次。\n`);

  // ── the actors ──
  // A province auditor: findOrgLedger only reads, so a constructed actor is enough (no user row is needed).
  const { city, cityOrg: lzOrg, province, provinceOrg: gsOrg } = await benchActors(sql, "lz_auditor", {
    username: "bench_gs_auditor", name: "省总审计（基准测试）", roles: ["AUDITOR"],
  });
  const county = await orgByCode(sql, "GSLZCG");
  const otherCity = await orgByCode(sql, "GSTS");

  // A month a year back, and the quarter around it.
  const { rows: [dates] } = await sql.query<{ from: string; to: string; qfrom: string; qto: string }>(
    `SELECT m::date::text AS from, (m + interval '1 month' - interval '1 day')::date::text AS to,
            (m - interval '1 month')::date::text AS qfrom, (m + interval '2 months' - interval '1 day')::date::text AS qto
       FROM (SELECT date_trunc('month', current_date) - interval '12 months' AS m) x`,
  );
  const casesFor = (actor: TActor, scope: string): TCase[] => [
    { actor, scope, label: "第1页（无筛选）", filters: {}, page: 1 },
    { actor, scope, label: `第${PAGE_TARGET}页（沿游标）`, filters: {}, page: PAGE_TARGET },
    { actor, scope, label: "类型+资金 医疗/捐赠", filters: { aidType: "MEDICAL", fundSource: "DONATION" }, page: 1 },
    { actor, scope, label: `一个月 ${dates!.from.slice(0, 7)}`, filters: { from: dates!.from, to: dates!.to }, page: 1 },
    { actor, scope, label: "金额 1,000–2,000 元", filters: { min: 100_000, max: 200_000 }, page: 1 },
    { actor, scope, label: `组织子树 县 ${county.code}`, filters: { organisationId: county.id }, page: 1 },
    ...(actor === province ? [{ actor, scope, label: `组织子树 市 ${otherCity.code}`, filters: { organisationId: otherCity.id }, page: 1 }] : []),
    {
      actor, scope, label: `组合 生活/工会经费/季度/${county.code}/300–500元`,
      filters: { aidType: "LIVING", fundSource: "UNION_FUNDS", from: dates!.qfrom, to: dates!.qto, organisationId: county.id, min: 30_000, max: 50_000 },
      page: 1,
    },
    {
      actor, scope, label: `组合 临时救助/季度/≥2,000元 第${PAGE_TARGET}页`,
      filters: { aidType: "EMERGENCY", from: dates!.qfrom, to: dates!.qto, min: 200_000 },
      page: PAGE_TARGET,
    },
  ];
  const cases = [...casesFor(city, `市 ${lzOrg.code}`), ...casesFor(province, `省 ${gsOrg.code}`)];

  const replay = async (s: TStatement) => {
    const t0 = performance.now();
    await sql.query(s.text, s.values);
    return performance.now() - t0;
  };

  const results: TResult[] = [];
  for (const c of cases) {
    // Follow the cursor to the wanted page (untimed), as a user clicking 下一页 would.
    let cursor: string | undefined;
    for (let p = 1; p < c.page; p++) {
      const page = await findOrgLedger(c.actor, c.filters, { after: cursor });
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    await findOrgLedger(c.actor, c.filters, { after: cursor }); // warm-up
    const times: number[] = [];
    let last: Awaited<ReturnType<TFindOrgLedger>> | undefined;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      last = await findOrgLedger(c.actor, c.filters, { after: cursor });
      times.push(performance.now() - t0);
    }
    const statements = (await captureStatements(() => findOrgLedger(c.actor, c.filters, { after: cursor })))
      .map((s) => ({ ...s, kind: kindOf(s.text) }));
    const pageTimes: number[] = [];
    const totalsTimes: number[] = [];
    for (const s of statements) {
      if (s.kind !== "page" && s.kind !== "totals") continue;
      await replay(s);
      for (let i = 0; i < RUNS; i++) (s.kind === "page" ? pageTimes : totalsTimes).push(await replay(s));
    }
    results.push({ ...c, cursor, times, pageTimes, totalsTimes, rows: last!.rows.length, count: last!.count, statements });
  }
  table(
    ["范围", "查询", "函数 中位", "函数 最大", "分页 中位", "合计 中位", "本页行数", "符合笔数"],
    results.map((r) => [
      r.scope, r.label, ms(median(r.times)), ms(Math.max(...r.times)), ms(median(r.pageTimes)), ms(median(r.totalsTimes)),
      String(r.rows), r.count.toLocaleString(),
    ]),
    new Set([2, 3, 4, 5, 6, 7]),
  );
  console.log("（ms。“函数”= findOrgLedger 全程，分页与合计两条查询并行；“分页”“合计”= 同一 SQL 单独重放。）");

  // ── 3. EXPLAIN the slowest ──
  const slowest = [...results].sort((a, b) => median(b.times) - median(a.times)).slice(0, EXPLAIN_COUNT);
  for (const r of slowest) {
    console.log(`\nEXPLAIN (ANALYZE, BUFFERS)：${r.scope} ${r.label}（函数中位 ${ms(median(r.times))} ms）`);
    for (const s of r.statements) {
      if (s.kind !== "page" && s.kind !== "totals") continue;
      const { plan, pick } = await explainAnalyze(sql, s);
      console.log(`  [${s.kind === "page" ? "分页" : "合计"}] ${pick("Planning Time")}；${pick("Execution Time")}`);
      if (SHOW_SQL) printStatement(s);
      for (const line of plan) {
        if (/^\s*(Planning|Execution)/.test(line)) continue;
        console.log(`      ${line.length > 170 ? `${line.slice(0, 170)}…` : line}`);
      }
    }
  }
}

await runBench(main);
