// The bulk ledger loader behind `npm run seed -- --ledger-entries 10000000` (and `npm run bench:ledger`):
// tops ledger_entry up to a target count in ONE transaction, month by month, with INSERT … SELECT
// inside PostgreSQL (no rows cross the wire), respecting every rule of prisma/migrations/0004_ledger:
//   - each entry has exactly one source (ledger_entry_one_source): ~70% are lines of PAID batches
//     (disbursement_batch + batch_line, one batch per city × month × slot × aid type × fund, so a
//     household is listed once per batch), ~30% are APPROVED single disbursements;
//   - recorder ≠ approver (maker–checker): the city's caseworker records, its official approves;
//   - organisation_id is the file's; the payee account is the file's current bank_account (created
//     for open files that have none; non-cash 就业帮扶 entries name no account);
//   - entries spread over the last 36 months, amounts in fen by aid type, funds per aid type;
//   - the approving official's union pays (paying_organisation_id, which the skipped BEFORE trigger
//     would derive the same way) within OPENING allocations written before the first month;
//   - about 1% of single cash entries are reversed: an APPROVED reversal request and an entry with
//     reverses_entry_id, the exact negative amount and a reason.
//
// Why it is fast (10M entries in minutes, not hours):
//   - keys are uuidv7() (PostgreSQL 18): time-ordered, so every unique index grows at its right edge
//     instead of touching a random page per row;
//   - when the load at least doubles the table, the non-unique secondary indexes of the four tables
//     are dropped inside the transaction and rebuilt at the end (a sort instead of 10M random
//     inserts). DDL is transactional: if anything fails, ROLLBACK brings them back untouched;
//   - on a superuser connection (npm run seed uses the embedded database's) `session_replication_role
//     = replica` skips the per-row foreign-key probes and the BEFORE-row rule triggers; every
//     reference is built from a join of existing rows, and the loader then CHECKS set-based what
//     those skipped triggers enforce (reversals are exact negatives of unreversed originals, every
//     source row exists, 专款专用 per distinct fund/type/city/day of the batches, whose row trigger is
//     skipped; the entries' is a kept statement trigger since 0051). The AFTER triggers of the
//     loaded tables keep the `bangfu:derived` tables. One whose migration names a set-based rebuild
//     in its comment (`bangfu:rebuild f()`, migration 0025: all four of ledger_entry's today) stays
//     off, and f() recomputes its tables once from the finished ledger; any other is switched to
//     ENABLE ALWAYS for the load's transaction and runs as for any insert. So no derived table,
//     present or added by a later migration, is left behind, and none has a copy of its logic
//     here. As the owner (DATABASE_URL) every check and trigger runs per row: slower, same result.
//     Measured on a quiet 2-core AMD EPYC, 10,000,000 entries on 1,000,000 households: 13,300 rows/s
//     for the months (750 s), 117 s of index builds, then 582 s for the rebuilds, 555 s of it
//     report_ledger_people_rebuild() (docs/architecture.md, "Seeding").
//   - no COPY: the rows are generated inside PostgreSQL by INSERT … SELECT, so none cross the wire
//     and COPY (pg-copy-streams) would add a round trip through Node, not remove one.
// WARNING: ledger_entry is append-only: rows added here cannot be removed except by dropping the
// database. Use a scratch database.
import type pg from "pg";

const MONTHS = 36;
const seconds = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

export async function loadLedger(sql: pg.Client, target: number, log: (line: string) => void = console.log): Promise<void> {
  const count = async () => (await sql.query<{ n: string }>("SELECT count(*) AS n FROM ledger_entry")).rows[0]!.n;
  const existing = Number(await count());
  const need = target - existing;
  if (need <= 0) {
    log(`ledger_entry 已有 ${existing.toLocaleString()} 行（目标 ${target.toLocaleString()}），不再写入。`);
    return;
  }
  log(`ledger_entry 有 ${existing.toLocaleString()} 行，写入 ${need.toLocaleString()} 行（一个事务，按月分批）……`);
  const started = performance.now();
  const step = async (label: string, text: string, values: unknown[] = []) => {
    const t0 = performance.now();
    const result = await sql.query(text, values);
    log(`  ${label.padEnd(24)} ${(result.rowCount ?? 0).toLocaleString().padStart(10)} 行  ${seconds(t0)}`);
    return result;
  };

  // Temporary tables (the load's plans, and report_range_rebuild()'s cells: ~6M rows at 10M
  // entries) live in the session's own buffers, 8 MB by default, so the rebuilds wrote and
  // re-read them through the disk. (report_ledger_people_rebuild()'s per-file periods are
  // unlogged tables since 0060, which parallel workers can read.) The setting only takes before
  // the session's first temporary table, hence here, outside the transaction.
  await sql.query("SET temp_buffers = '1GB'");
  await sql.query("BEGIN");
  try {
    await sql.query("SET LOCAL synchronous_commit = off");
    await sql.query("SET LOCAL maintenance_work_mem = '256MB'");
    await sql.query("SET LOCAL work_mem = '64MB'");
    await sql.query("SAVEPOINT replica");
    const bypass = await sql.query("SET LOCAL session_replication_role = replica").then(
      () => true,
      async () => (await sql.query("ROLLBACK TO SAVEPOINT replica"), false),
    );
    log(
      bypass
        ? "  超级用户连接：跳过逐行外键检查与 BEFORE 规则触发器（写入后整体校验），AFTER 触发器照常维护派生表。"
        : "  非超级用户连接：外键与触发器照常执行。",
    );
    // Replica mode skips every trigger, also the AFTER triggers that keep the derived tables
    // (ledger_daily_total, report_ledger_daily, and whatever aggregate a later migration adds).
    // Each of those is switched to ENABLE ALWAYS for this transaction only (DDL is transactional:
    // COMMIT restores them below, ROLLBACK by itself), so the derived tables are kept by their own
    // triggers, the way the application's writes keep them, and no copy of their logic lives here.
    // Skipped stay only the foreign-key checks and the BEFORE-row rule triggers (reversal exactness,
    // 专款专用), whose rules are checked set-based after the load.
    // A trigger whose migration names a set-based rebuild in its comment (`bangfu:rebuild f()`)
    // stays off instead: f() runs once after the last month, one pass over the ledger in place of
    // a per-statement upsert for every month (0018's, 2/3 of the load's time when it ran).
    const { rows: afterTriggers } = bypass
      ? await sql.query<{ tbl: string; name: string; rebuild: string | null }>(
          `SELECT t.tgrelid::regclass::text AS tbl, t.tgname AS name,
                  substring(obj_description(t.oid, 'pg_trigger') FROM '^bangfu:rebuild ([a-z_]+)\\(\\)') AS rebuild
             FROM pg_trigger t
            WHERE t.tgrelid IN ('ledger_entry'::regclass, 'batch_line'::regclass, 'disbursement'::regclass, 'disbursement_batch'::regclass, 'bank_account'::regclass)
              AND NOT t.tgisinternal AND t.tgenabled = 'O' AND (t.tgtype & 2) = 0 AND (t.tgtype & 64) = 0
            ORDER BY 1, 2`,
        )
      : { rows: [] as { tbl: string; name: string; rebuild: string | null }[] };
    const kept = afterTriggers.filter((t) => !t.rebuild);
    const rebuilds = [...new Set(afterTriggers.flatMap((t) => (t.rebuild ? [t.rebuild] : [])))];
    // The month's entries are checked for 专款专用 by this trigger alone (see the month's checks below).
    if (bypass && !kept.some((t) => t.name === "ledger_entry_fund_aid_rule"))
      throw new Error("找不到专款专用的语句触发器 ledger_entry_fund_aid_rule（迁移 0051）：批量写入不能跳过这项校验。");
    for (const t of kept) await sql.query(`ALTER TABLE ${t.tbl} ENABLE ALWAYS TRIGGER ${t.name}`);
    if (kept.length) log(`  照常执行的 AFTER 触发器 ${kept.length} 个：${kept.map((t) => t.name).join("、")}`);
    if (rebuilds.length) log(`  写入后整体重建的派生表：${rebuilds.map((f) => `${f}()`).join("、")}`);

    // Secondary indexes: rebuilt once at the end when the load is large.
    const { rows: secondary } =
      need >= existing
        ? await sql.query<{ name: string; def: string }>(
            `SELECT c.relname AS name, pg_get_indexdef(c.oid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid IN ('ledger_entry'::regclass, 'batch_line'::regclass, 'disbursement'::regclass, 'disbursement_batch'::regclass)
              AND NOT i.indisunique AND NOT i.indisprimary`,
          )
        : { rows: [] as { name: string; def: string }[] };
    for (const index of secondary) await sql.query(`DROP INDEX ${index.name}`);
    if (secondary.length) log(`  暂时移除二级索引 ${secondary.length} 个（事务内，结束时重建）。`);

    await step(
      "在档档案",
      `
      CREATE TEMP TABLE load_file ON COMMIT DROP AS
      SELECT f.id AS file_id, f.organisation_id, f.file_level::text AS file_level,
             COALESCE(city.id, f.organisation_id) AS city_id, ba.id AS bank_account_id
        FROM household_file f
        JOIN organisation o ON o.id = f.organisation_id
        LEFT JOIN LATERAL (SELECT c.id FROM organisation c WHERE c.level = 'CITY' AND o.path LIKE c.path || '%' LIMIT 1) city ON true
        LEFT JOIN bank_account ba ON ba.file_id = f.id AND ba.superseded_at IS NULL
       WHERE f.status = 'OPEN'`,
    );
    await step(
      "各市经办人与审批人",
      `
      CREATE TEMP TABLE load_city ON COMMIT DROP AS
      SELECT x.city_id, u.recorder, u.approver
        FROM (SELECT DISTINCT city_id FROM load_file) x
        JOIN organisation c ON c.id = x.city_id
        CROSS JOIN LATERAL (
          SELECT (SELECT u.id FROM app_user u JOIN organisation uo ON uo.id = u.organisation_id
                   WHERE 'CASEWORKER'::role = ANY (u.roles) AND u.active
                   ORDER BY (c.path LIKE uo.path || '%') DESC, uo.depth DESC, u.username LIMIT 1) AS recorder,
                 (SELECT u.id FROM app_user u JOIN organisation uo ON uo.id = u.organisation_id
                   WHERE 'OFFICIAL'::role = ANY (u.roles) AND u.active
                   ORDER BY (c.path LIKE uo.path || '%') DESC, uo.depth DESC, u.username LIMIT 1) AS approver
        ) u`,
    );
    await sql.query("ALTER TABLE load_city ADD COLUMN approver_org uuid");
    await sql.query("UPDATE load_city c SET approver_org = u.organisation_id FROM app_user u WHERE u.id = c.approver");
    const {
      rows: [check],
    } = await sql.query<{ files: number; bad: number }>(
      "SELECT (SELECT count(*)::int FROM load_file) AS files, (SELECT count(*)::int FROM load_city WHERE recorder IS NULL OR approver IS NULL OR recorder = approver) AS bad",
    );
    if (!check!.files) throw new Error("没有在档档案：请先运行 npm run seed -- --households 100000");
    if (check!.bad > 0) throw new Error("找不到各市的经办人（CASEWORKER）和另一位审批人（OFFICIAL）：这个数据库不是用 npm run seed 初始化的。");

    await step(
      "补建收款账户",
      `
      INSERT INTO bank_account (id, file_id, organisation_id, bank_name, account_number, account_holder, created_by_id, created_at)
      SELECT uuidv7(), f.file_id, f.organisation_id, (ARRAY['中国农业银行', '中国工商银行', '中国建设银行', '甘肃银行', '兰州银行'])[1 + abs(hashtext(f.file_id::text)) % 5],
             '622848' || lpad((abs(hashtext(f.file_id::text || 'acct'))::bigint * 4099 % 10000000000000)::text, 13, '0'),
             COALESCE(NULLIF(btrim(h.holder_name), ''), '户主'), c.recorder, now() - interval '37 months'
        FROM load_file f JOIN household_file h ON h.id = f.file_id JOIN load_city c USING (city_id)
       WHERE f.bank_account_id IS NULL`,
    );
    await sql.query(`
      UPDATE load_file f SET bank_account_id = ba.id FROM bank_account ba
       WHERE f.bank_account_id IS NULL AND ba.file_id = f.file_id AND ba.superseded_at IS NULL`);
    await sql.query("ANALYZE load_file");

    // 额度 (0031_allocations): the union of the approving official pays, within its allocation per
    // fund and year. A generated history gets, per paying union, fund and year of the load's span
    // (and the next, for new approvals), an OPENING row — as a database from before allocations
    // gets at migration — of ¥20,000 per open file it pays for: more than any file is paid in a
    // year, so the load never runs out and benchmarks can still approve new batches.
    await step(
      "各单位年度额度",
      `
      INSERT INTO allocation (organisation_id, kind, fund_source, amount_fen, entry_date, note)
      SELECT x.approver_org, 'OPENING', fund, x.files * 2000000, make_date(y, 1, 1), '批量生成数据的期初额度'
        FROM (SELECT c.approver_org, count(*) AS files FROM load_file f JOIN load_city c USING (city_id) GROUP BY 1) x
        CROSS JOIN unnest(enum_range(NULL::fund_source)) fund
        CROSS JOIN generate_series(extract(year FROM current_date)::int - 3, extract(year FROM current_date)::int + 1) y
       WHERE NOT EXISTS (SELECT 1 FROM allocation a WHERE a.organisation_id = x.approver_org AND a.fund_source = fund AND a.kind = 'OPENING'
                           AND a.entry_date = make_date(y, 1, 1) AND a.note = '批量生成数据的期初额度')`,
    );

    const files = check!.files;
    const slots = Math.max(1, Math.ceil((need * 1.01) / (files * MONTHS)));
    const p = Math.min(1, (need * 1.01) / (files * MONTHS * slots));
    const label = (a: string) => `
      (extract(year FROM ${a}.entry_date)::int || '年' || extract(month FROM ${a}.entry_date)::int || '月' ||
       CASE ${a}.aid_type WHEN 'LIVING' THEN '生活救助' WHEN 'MEDICAL' THEN '医疗救助' WHEN 'EDUCATION' THEN '金秋助学'
                          WHEN 'WARMTH' THEN '送温暖' WHEN 'EMERGENCY' THEN '临时救助' ELSE '就业帮扶' END)`;
    const reversalDate = "LEAST(current_date, p.entry_date + 3 + abs(hashtext(p.entry_id::text)) % 28)";
    let written = 0;
    // Oldest month first, as a ledger grows; the last month takes whatever is left of the target.
    for (let m = MONTHS - 1; m >= 0 && written < need; m--) {
      const t0 = performance.now();
      const quota = m === 0 ? need - written : Math.min(need - written, Math.round(need / MONTHS));
      await sql.query(
        `
        CREATE TEMP TABLE load_plan ON COMMIT DROP AS
        WITH cand AS (
          SELECT f.file_id, f.organisation_id, f.city_id, f.file_level, f.bank_account_id, s.slot,
                 (date_trunc('month', current_date) - make_interval(months => $4::int))::date AS month_start,
                 random() AS r_type, random() AS r_fund, random() AS r_amount, random() AS r_kind, random() AS r_day, random() AS r_rev
            FROM load_file f CROSS JOIN generate_series(1, $2::int) s(slot)
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
        SELECT file_id, organisation_id, city_id, slot, aid::aid_type AS aid_type, fund::fund_source AS fund_source, amount AS amount_fen, in_batch,
               CASE WHEN aid = 'EMPLOYMENT' THEN NULL ELSE bank_account_id END AS bank_account_id,
               LEAST(current_date, CASE WHEN in_batch
                     THEN month_start + 4 + abs(hashtext(city_id::text || $4::int || '/' || slot || aid || fund)) % 20
                     ELSE month_start + floor(r_day * ((month_start + interval '1 month')::date - month_start))::int END) AS entry_date,
               NOT in_batch AND amount > 0 AND r_rev < 0.01 AS reversed
          FROM funded`,
        [Math.min(1, p * 1.02), slots, quota, m],
      );
      // Keys in date order, so the ledger's unique indexes grow at their right edge.
      await sql.query(`
        CREATE TEMP TABLE load_entry ON COMMIT DROP AS
        SELECT uuidv7() AS entry_id, uuidv7() AS source_id, p.*, c.recorder, c.approver, c.approver_org
          FROM (SELECT * FROM load_plan ORDER BY entry_date, file_id) p JOIN load_city c USING (city_id)`);
      await sql.query(`
        CREATE TEMP TABLE load_batch ON COMMIT DROP AS
        SELECT uuidv7() AS id, city_id, slot, aid_type, fund_source, min(entry_date) AS entry_date, min(recorder::text)::uuid AS recorder,
               min(approver::text)::uuid AS approver
          FROM load_entry WHERE in_batch GROUP BY city_id, slot, aid_type, fund_source`);
      await sql.query(`
        INSERT INTO disbursement_batch (id, idempotency_key, organisation_id, name, aid_type, fund_source, entry_date, purpose, status,
                                        created_by_id, created_at, submitted_by_id, submitted_at, approved_by_id, approved_at, paid_by_id, paid_at)
        SELECT b.id, uuidv7(), b.city_id, ${label("b")} || '（批量）', b.aid_type, b.fund_source, b.entry_date, ${label("b")}, 'PAID',
               b.recorder, b.entry_date - 5, b.recorder, b.entry_date - 4, b.approver, b.entry_date - 2, b.approver, b.entry_date
          FROM load_batch b`);
      const lines = await sql.query(`
        INSERT INTO batch_line (id, batch_id, file_id, organisation_id, bank_account_id, amount_fen)
        SELECT p.source_id, b.id, p.file_id, p.organisation_id, p.bank_account_id, p.amount_fen
          FROM load_entry p JOIN load_batch b USING (city_id, slot, aid_type, fund_source)
         WHERE p.in_batch ORDER BY p.source_id`);
      const singles = await sql.query(`
        INSERT INTO disbursement (id, idempotency_key, file_id, organisation_id, aid_type, fund_source, amount_fen, entry_date, purpose,
                                  bank_account_id, status, recorded_by_id, recorded_at, decided_by_id, decided_at)
        SELECT p.source_id, uuidv7(), p.file_id, p.organisation_id, p.aid_type, p.fund_source, p.amount_fen, p.entry_date, ${label("p")},
               p.bank_account_id, 'APPROVED', p.recorder, p.entry_date - 1, p.approver, p.entry_date
          FROM load_entry p WHERE NOT p.in_batch ORDER BY p.source_id`);
      const entries = await sql.query(`
        INSERT INTO ledger_entry (id, organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, bank_account_id,
                                  disbursement_id, batch_line_id, recorded_by_id, approved_by_id, created_at, paying_organisation_id)
        SELECT p.entry_id, p.organisation_id, p.file_id, p.aid_type, p.fund_source, p.amount_fen, p.entry_date, ${label("p")}, p.bank_account_id,
               CASE WHEN p.in_batch THEN NULL ELSE p.source_id END, CASE WHEN p.in_batch THEN p.source_id END,
               p.recorder, p.approver, p.entry_date + interval '10 hours', p.approver_org
          FROM load_entry p ORDER BY p.entry_id`);
      // Reversals: a request naming the entry, approved, and the negating entry 3–30 days later.
      await sql.query(`
        CREATE TEMP TABLE load_reversal ON COMMIT DROP AS
        SELECT uuidv7() AS entry_id, uuidv7() AS source_id, p.entry_id AS original_id, p.file_id, p.organisation_id, p.aid_type, p.fund_source,
               -p.amount_fen AS amount_fen, ${reversalDate} AS entry_date, p.bank_account_id, p.recorder, p.approver, p.approver_org, ${label("p")} AS label
          FROM load_entry p WHERE p.reversed`);
      const requests = await sql.query(`
        INSERT INTO disbursement (id, idempotency_key, file_id, organisation_id, aid_type, fund_source, amount_fen, entry_date, purpose,
                                  reverses_entry_id, status, recorded_by_id, recorded_at, decided_by_id, decided_at)
        SELECT r.source_id, uuidv7(), r.file_id, r.organisation_id, r.aid_type, r.fund_source, r.amount_fen, r.entry_date, '冲正：' || r.label,
               r.original_id, 'APPROVED', r.recorder, r.entry_date, r.approver, r.entry_date
          FROM load_reversal r ORDER BY r.source_id`);
      const reversals = await sql.query(`
        INSERT INTO ledger_entry (id, organisation_id, file_id, aid_type, fund_source, amount_fen, entry_date, purpose, bank_account_id,
                                  disbursement_id, reverses_entry_id, reason, recorded_by_id, approved_by_id, created_at, paying_organisation_id)
        SELECT r.entry_id, r.organisation_id, r.file_id, r.aid_type, r.fund_source, r.amount_fen, r.entry_date, '冲正：' || r.label,
               r.bank_account_id, r.source_id, r.original_id, '收款账户错误，资金退回', r.recorder, r.approver, r.entry_date + interval '10 hours', r.approver_org
          FROM load_reversal r ORDER BY r.entry_id`);
      if (bypass) {
        // What the skipped per-row checks enforce, checked on this month's rows (not the whole ledger,
        // which at 10M entries took longer than the load itself):
        // - every source exists: each entry's batch line or request was inserted from the same row
        //   with its source_id as id, so the counts must match exactly;
        // - reversals negate an original of this load that is not itself a reversal (by construction
        //   from load_entry; the counts prove each was written);
        // - 专款专用 for the month's batches, once per distinct fund, aid type, city and day: their
        //   BEFORE-row trigger (enforce_fund_aid_rule) is skipped. The entries are checked by
        //   ledger_entry_fund_aid_rule, a statement trigger kept on above (0051), and each single
        //   request has its entry's fund, type, organisation and day; checking them here too
        //   called fund_may_pay for the same ~5,000 combinations a month twice.
        const {
          rows: [c],
        } = await sql.query<{ in_batch: number; single: number; reversed: number; fund: number }>(`
          SELECT count(*) FILTER (WHERE in_batch)::int AS in_batch, count(*) FILTER (WHERE NOT in_batch)::int AS single,
                 count(*) FILTER (WHERE reversed)::int AS reversed,
                 (SELECT count(*)::int FROM (SELECT DISTINCT fund_source, aid_type, city_id, entry_date FROM load_batch) x
                   WHERE NOT fund_may_pay(fund_source, aid_type, city_id, entry_date)) AS fund
            FROM load_entry`);
        if (c!.in_batch !== lines.rowCount || c!.single !== singles.rowCount || c!.reversed !== requests.rowCount || c!.reversed !== reversals.rowCount) {
          throw new Error(`校验失败：第 ${MONTHS - m} 月的发放来源与冲正条数不一致，已全部回滚。`);
        }
        if (c!.fund) throw new Error(`校验失败：${c!.fund} 组发放违反专款专用规则，已全部回滚。`);
      }
      await sql.query("DROP TABLE load_plan, load_entry, load_batch, load_reversal");
      written += (entries.rowCount ?? 0) + (reversals.rowCount ?? 0);
      const rate = Math.round(written / ((performance.now() - started) / 1000));
      log(
        `  ${String(MONTHS - m).padStart(2)}/${MONTHS} 月：+${((entries.rowCount ?? 0) + (reversals.rowCount ?? 0)).toLocaleString()} 行，${seconds(t0)}；累计 ${written.toLocaleString()}（${rate.toLocaleString()} 行/秒）`,
      );
    }

    for (const t of kept) await sql.query(`ALTER TABLE ${t.tbl} ENABLE TRIGGER ${t.name}`);
    for (const index of secondary) await step(`重建索引 ${index.name.slice(0, 30)}`, index.def);
    // The rebuilds group the whole ledger (report_ledger_people_rebuild: millions of file-months):
    // with more memory per sort and hash they stay in memory instead of spilling to disk.
    await sql.query("SET LOCAL work_mem = '512MB'");
    for (const f of rebuilds) await step(`重建 ${f}`, `SELECT ${f}()`);
    // The custom-range points (migration 0053) are kept inside report_ledger_apply, which the
    // rebuild of report_ledger_people_rebuild() stands in for: recomputed from the finished ledger.
    if (rebuilds.includes("report_ledger_people_rebuild")) {
      await step("重建 report_range_rebuild", "SELECT report_range_rebuild()");
      await step("重建 report_range_reversal_rebuild", "SELECT report_range_reversal_rebuild()");
    }
    // As the owner the report trigger ran for each month's statement, and a statement of more than
    // 1,000 entries leaves its report upkeep pending (migration 0046): folded here, in the load's
    // transaction, so the load ends with the counts complete. (A rebuild above clears what is pending.)
    if (!bypass) await step("报表计数归并", "SELECT report_ledger_fold()");
    // A kept trigger kept its table as for any insert; a rebuilt one was recomputed from the
    // finished ledger by its migration's own function, which tests/integration/derived-rebuild.test.ts
    // proves equal to what the trigger keeps.
    await sql.query("COMMIT");
  } catch (error) {
    await sql.query("ROLLBACK").catch(() => {});
    throw error;
  }
  log(`写入完成，用时 ${seconds(started)}。`);
  const t0 = performance.now();
  await sql.query("VACUUM ANALYZE ledger_entry, batch_line, disbursement, disbursement_batch, bank_account, ledger_daily_total");
  log(`VACUUM ANALYZE 用时 ${seconds(t0)}；ledger_entry 现有 ${Number(await count()).toLocaleString()} 行。`);
}
