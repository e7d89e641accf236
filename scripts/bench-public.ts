// `npm run bench:public`: the public query (本人查询, issue 24) as a worker's phone reaches it —
// a server action POSTed over HTTP to the real server (scripts/serve.ts on the built app) — with
// its p50/p95 beside the plain-SQL floor of the same reads and writes through pg. Target: p95 ≤
// 100 ms at 1,000,000 files, of which 80 ms is the uniform answer floor (PUBLIC_ANSWER_FLOOR_MS).
//
//   npm run seed -- --households 1000000     (or BANGFU_DATA_DIR of a seeded copy)
//   npm run build                            the server runs the production build
//   npm run bench:public -- --files 200 --port 3299 [--applications 20000]
//
// Also follows one online application per sampled holder (网上申请进度, the second action on
// /public/query), among --applications filler rows, beside its plain-SQL floor.
//
// Gives query codes to --files random open files (their live codes end), adds the applications, and
// leaves them and the attempts in the database: use a scratch database.
import { spawn } from "node:child_process";
import { randomInt, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { applyMigrations } from "@/lib/db/migrate";
import { openDatabase, PROJECT_DIR } from "@/lib/db/runtime";
import { todayInShanghai } from "@/lib/format/datetime";
import { generateQueryCode, hashQueryCode, verifyQueryCode } from "@/lib/public/query-code";
import { PUBLIC_ANSWER_FLOOR_MS } from "@/lib/public/limits";
import { QUERY_CODE_ALPHABET } from "@/lib/public/query-code-format";
import { ensureBuild } from "./build-state";

const argNumber = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const FILES = argNumber("--files", 200);
const PORT = argNumber("--port", 3299);
const APPLICATION_FILLER = argNumber("--applications", 20_000);
const WRONG = 25; // under the address limit (30 an hour), so every wrong answer is a checked one

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const line = (label: string, xs: number[]) =>
  console.log(
    `  ${label.padEnd(28)} n=${String(xs.length).padStart(4)}  p50 ${pct(xs, 50).toFixed(1).padStart(6)} ms  p95 ${pct(xs, 95).toFixed(1).padStart(6)} ms  max ${Math.max(
      ...xs,
    )
      .toFixed(1)
      .padStart(6)} ms`,
  );

/** The id Next.js gave a public action in this build (the browser finds it the same way, in its bundle). */
function publicActionId(exportedName: "publicQueryAction" | "queryApplicationAction"): string {
  const manifest = JSON.parse(readFileSync(path.join(PROJECT_DIR, ".next/server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { exportedName?: string; filename?: string; workers: Record<string, unknown> }>;
  };
  // Both actions are on /public/query: only the exported name tells them apart.
  const found = Object.entries(manifest.node).find(([, v]) => v.exportedName === exportedName);
  if (!found) throw new Error(`${exportedName} not found in .next/server/server-reference-manifest.json: build first (npm run build)`);
  return found[0];
}

await ensureBuild();
const db = await openDatabase();
const server = { child: null as ReturnType<typeof spawn> | null };
try {
  await applyMigrations(db.migrationUrl);
  const sql = new pg.Client({ connectionString: db.migrationUrl });
  await sql.connect();
  const {
    rows: [size],
  } = await sql.query<{ files: string; entries: string }>(
    "SELECT (SELECT count(*) FROM household_file) AS files, (SELECT count(*) FROM ledger_entry) AS entries",
  );
  // Random open files across the whole table, each given a fresh code.
  const { rows: files } = await sql.query<{ id: string; holder_name: string; holder_resident_id: string }>(
    `SELECT id, holder_name, holder_resident_id FROM household_file TABLESAMPLE SYSTEM (1)
      WHERE status = 'OPEN' AND holder_resident_id IS NOT NULL AND holder_name IS NOT NULL ORDER BY random() LIMIT $1`,
    [FILES],
  );
  const {
    rows: [issuer],
  } = await sql.query<{ id: string }>("SELECT id FROM app_user ORDER BY username LIMIT 1");
  const codes = new Map<string, string>();
  for (const f of files) {
    const code = generateQueryCode();
    codes.set(f.id, code);
    await sql.query("UPDATE file_query_code SET ended_at = now() WHERE file_id = $1 AND ended_at IS NULL", [f.id]);
    await sql.query("INSERT INTO file_query_code (file_id, code_hash, issued_by_id) VALUES ($1, $2, $3)", [f.id, await hashQueryCode(code), issuer!.id]);
  }
  await sql.query("ANALYZE file_query_code");

  // Online applications to follow (网上申请进度, issue 24 §2): APPLICATION_FILLER rows so the
  // table has a size (their hash is one real hash, the lookup never reaches it), then one per
  // sampled holder with its own number and query code, at random base unions.
  const fillerHash = await hashQueryCode(generateQueryCode());
  await sql.query(
    `WITH unions AS (SELECT array_agg(id) AS ids FROM organisation WHERE depth = (SELECT max(depth) FROM organisation))
     INSERT INTO online_application (number, organisation_id, data, holder_name, holder_resident_id, contact_phone, code_hash, consent_version, consented_at, consent_ip)
     SELECT 'BENCH' || md5(random()::text), ids[1 + floor(random() * cardinality(ids))::int], '{}'::jsonb, '基准申请', '620102198001010011',
            '13800000000', $2, 'bench', now(), 'bench'
       FROM unions, generate_series(1, $1::int)`,
    [APPLICATION_FILLER, fillerHash],
  );
  const applications: Array<{ number: string; code: string }> = [];
  const yymmdd = todayInShanghai(new Date()).replaceAll("-", "").slice(2);
  for (const f of files) {
    let number = `SQ${yymmdd}`;
    for (let i = 0; i < 6; i++) number += QUERY_CODE_ALPHABET[randomInt(QUERY_CODE_ALPHABET.length)];
    const code = generateQueryCode();
    await sql.query(
      `INSERT INTO online_application (number, organisation_id, data, holder_name, holder_resident_id, contact_phone, code_hash, consent_version, consented_at, consent_ip)
       SELECT $1, id, '{}'::jsonb, $2, $3, '13800000000', $4, 'bench', now(), 'bench' FROM organisation WHERE depth = (SELECT max(depth) FROM organisation)
        ORDER BY random() LIMIT 1`,
      [number, f.holder_name, f.holder_resident_id, await hashQueryCode(code)],
    );
    applications.push({ number, code });
  }
  await sql.query("ANALYZE online_application");
  const {
    rows: [applicationCount],
  } = await sql.query<{ n: string }>("SELECT count(*) AS n FROM online_application");

  // tsx itself, not npx: npx does not pass SIGTERM on, and the server would outlive the benchmark.
  server.child = spawn(path.join(PROJECT_DIR, "node_modules/.bin/tsx"), ["scripts/serve.ts", String(PORT)], {
    cwd: PROJECT_DIR,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DATABASE_URL: db.url, NEXTAUTH_SECRET: randomUUID(), NEXTAUTH_URL: `http://127.0.0.1:${PORT}`, NEXT_TELEMETRY_DISABLED: "1" },
  });
  const base = `http://127.0.0.1:${PORT}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`${base}/public/query`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 240) throw new Error("the server did not start within 2 minutes");
    await new Promise((r) => setTimeout(r, 500));
  }
  const actionId = publicActionId("publicQueryAction");
  const ask = async (input: { name: string; residentId: string; code: string } | { number: string; code: string }, action = actionId) => {
    const started = performance.now();
    const response = await fetch(`${base}/public/query`, {
      method: "POST",
      headers: { "Next-Action": action, "Content-Type": "text/plain;charset=UTF-8", Accept: "text/x-component", Origin: base },
      body: JSON.stringify([input]),
    });
    const text = await response.text();
    return { ms: performance.now() - started, found: text.includes('"found":true'), status: response.status };
  };

  // Warm-up: the first requests compile routes and fill caches.
  for (const f of files.slice(0, 10)) await ask({ name: f.holder_name, residentId: f.holder_resident_id, code: codes.get(f.id)! });

  const right: number[] = [];
  let shown = 0;
  for (const f of files) {
    const r = await ask({ name: f.holder_name, residentId: f.holder_resident_id, code: codes.get(f.id)! });
    right.push(r.ms);
    if (r.found) shown++;
  }
  const wrong: number[] = [];
  for (const f of files.slice(0, WRONG)) {
    const r = await ask({ name: f.holder_name, residentId: f.holder_resident_id, code: "AAAAA-AAAAA" });
    if (r.found) throw new Error("a wrong code was answered");
    wrong.push(r.ms);
  }

  // Following an application (网上申请进度): the second action on /public/query, right number and code.
  const applicationActionId = publicActionId("queryApplicationAction");
  for (const a of applications.slice(0, 10)) await ask(a, applicationActionId);
  const progress: number[] = [];
  let followed = 0;
  for (const a of applications) {
    const r = await ask(a, applicationActionId);
    progress.push(r.ms);
    if (r.found) followed++;
  }

  // The public notice (公示, issue 24 §3): a union's page and the union search, as a phone GETs them,
  // for the unions with the most files in publicity (the province's at the top) and a spread of
  // grassroots ones, beside the same read in plain SQL.
  const { rows: unions } = await sql.query<{ id: string; name: string; path: string }>(
    `(SELECT o.id, o.name, o.path FROM organisation o ORDER BY o.depth LIMIT 3)
     UNION ALL
     (SELECT o.id, o.name, o.path FROM household_file f JOIN organisation o ON o.id = f.organisation_id
       WHERE f.status = 'PUBLICITY' GROUP BY o.id ORDER BY count(*) DESC LIMIT 37)`,
  );
  const {
    rows: [publicity],
  } = await sql.query<{ n: string }>("SELECT count(*) AS n FROM household_file WHERE status = 'PUBLICITY'");
  for (const u of unions.slice(0, 3)) await fetch(`${base}/public/notice/${u.id}`).then((r) => r.text());
  const noticePage: number[] = [];
  const noticePlain: number[] = [];
  const search: number[] = [];
  let listed = 0;
  for (const u of unions) {
    const started = performance.now();
    const html = await fetch(`${base}/public/notice/${u.id}`).then((r) => r.text());
    noticePage.push(performance.now() - started);
    listed += (html.match(/data-testid="publicity-row"/g) ?? []).length;
    const p = performance.now();
    await sql.query(
      `SELECT f.publicity_token, f.holder_name, f.proposed_tier, f.publicity_start, f.publicity_end, o.name
         FROM household_file f JOIN organisation o ON o.id = f.organisation_id
        WHERE f.status = 'PUBLICITY' AND f.publicity_token IS NOT NULL AND o.path LIKE $1 || '%'
          AND f.publicity_start <= current_date AND f.publicity_end >= current_date
        ORDER BY f.publicity_start DESC, f.id LIMIT 20`,
      [u.path],
    );
    await sql.query(
      `SELECT count(*) FROM household_file f JOIN organisation o ON o.id = f.organisation_id
        WHERE f.status = 'PUBLICITY' AND f.publicity_token IS NOT NULL AND o.path LIKE $1 || '%'
          AND f.publicity_start <= current_date AND f.publicity_end >= current_date`,
      [u.path],
    );
    noticePlain.push(performance.now() - p);
    const q = performance.now();
    await fetch(`${base}/public/notice?q=${encodeURIComponent(u.name.slice(0, 3))}`).then((r) => r.text());
    search.push(performance.now() - q);
  }

  // The floor: the same reads and writes in plain SQL, one client, no HTTP, no hash, no padding.
  const plain: number[] = [];
  const verify: number[] = [];
  for (const f of files) {
    const started = performance.now();
    await sql.query("BEGIN");
    await sql.query("SELECT pg_try_advisory_xact_lock(hashtext($1))", [`public-query:${f.holder_resident_id}`]);
    await sql.query("SELECT count(*) FROM public_attempt WHERE subject_key = $1 AND NOT succeeded AND at > now() - interval '24 hours'", [
      f.holder_resident_id,
    ]);
    await sql.query("SELECT count(*) FROM public_attempt WHERE ip = '127.0.0.1' AND NOT succeeded AND at > now() - interval '1 hour'");
    const {
      rows: [row],
    } = await sql.query<{ id: string; code_hash: string }>(
      `SELECT f.id, c.code_hash FROM household_file f JOIN file_query_code c ON c.file_id = f.id AND c.ended_at IS NULL
        WHERE f.holder_resident_id = $1 AND f.status IN ('OPEN', 'OBSERVATION', 'CLOSED') LIMIT 1`,
      [f.holder_resident_id],
    );
    await sql.query("INSERT INTO public_attempt (kind, ip, subject_key, succeeded) VALUES ('QUERY', 'bench-plain', $1, true)", [`plain:${f.id}`]);
    await sql.query("INSERT INTO audit_event (action, entity_type, entity_id, ip) VALUES ('public.query', 'household_file', $1, 'bench-plain')", [row!.id]);
    await sql.query("COMMIT");
    await sql.query(
      `SELECT f.file_number, f.status, f.tier, f.next_check_due, o.name, u.name
         FROM household_file f JOIN organisation o ON o.id = f.organisation_id LEFT JOIN app_user u ON u.id = f.responsible_cadre_id WHERE f.id = $1`,
      [row!.id],
    );
    await sql.query(
      `SELECT e.entry_date, e.aid_type, e.amount_fen, b.account_number, l.payment_status, EXISTS (SELECT 1 FROM ledger_entry r WHERE r.reverses_entry_id = e.id)
         FROM ledger_entry e LEFT JOIN bank_account b ON b.id = e.bank_account_id LEFT JOIN batch_line l ON l.id = e.batch_line_id
        WHERE e.file_id = $1 AND e.reverses_entry_id IS NULL AND e.entry_date >= current_date - interval '24 months'
        ORDER BY e.entry_date DESC, e.created_at DESC LIMIT 120`,
      [row!.id],
    );
    plain.push(performance.now() - started);
    const v = performance.now();
    await verifyQueryCode(row!.code_hash, codes.get(f.id)!);
    verify.push(performance.now() - v);
  }
  // The progress query's floor: the same reads and writes in plain SQL.
  const progressPlain: number[] = [];
  for (const a of applications) {
    const started = performance.now();
    await sql.query("BEGIN");
    await sql.query("SELECT pg_try_advisory_xact_lock(hashtext($1))", [`public-application-query:${a.number}`]);
    await sql.query("SELECT count(*) FROM public_attempt WHERE subject_key = $1 AND NOT succeeded AND at > now() - interval '24 hours'", [a.number]);
    await sql.query("SELECT count(*) FROM public_attempt WHERE ip = '127.0.0.1' AND NOT succeeded AND at > now() - interval '1 hour'");
    const {
      rows: [row],
    } = await sql.query<{ id: string }>(
      `SELECT a.id, a.number, a.organisation_id, a.status, a.submitted_at, a.decline_reason, a.code_hash, o.name, f.file_number, f.status AS file_status
         FROM online_application a JOIN organisation o ON o.id = a.organisation_id LEFT JOIN household_file f ON f.id = a.file_id WHERE a.number = $1`,
      [a.number],
    );
    await sql.query("INSERT INTO public_attempt (kind, ip, subject_key, succeeded) VALUES ('APPLICATION_QUERY', 'bench-plain', $1, true)", [
      `plain:${a.number}`,
    ]);
    await sql.query("INSERT INTO audit_event (action, entity_type, entity_id, ip) VALUES ('application.query', 'online_application', $1, 'bench-plain')", [
      row!.id,
    ]);
    await sql.query("COMMIT");
    progressPlain.push(performance.now() - started);
  }
  await sql.end();

  let model = os.cpus()[0]?.model ?? "";
  try {
    const { execFileSync } = await import("node:child_process");
    model =
      execFileSync("lscpu", { encoding: "utf8" })
        .split("\n")
        .find((l) => l.startsWith("Model name"))
        ?.replace(/^Model name:\s*/, "") ?? model;
  } catch {
    // lscpu is missing on some systems: Node's own model name stands in.
  }
  console.log(
    `机器：${os.cpus().length} 核 ${model}，负载 ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" / ")}`,
  );
  console.log(
    `档案 ${Number(size!.files).toLocaleString()} 户，台账 ${Number(size!.entries).toLocaleString()} 笔；${files.length} 户各得新查询码，逐一查询（同一地址，顺序发送）。`,
  );
  console.log(`本人查询（HTTP，服务器动作，含 ${PUBLIC_ANSWER_FLOOR_MS} ms 统一应答下限）：`);
  line("查询码正确（显示档案）", right);
  line("查询码错误（统一答复）", wrong);
  console.log("同样的读写，纯 SQL（pg，一个连接，无 HTTP、无哈希、无下限）：");
  line("纯 SQL 下限", plain);
  line("argon2id 校验（4 MiB × 3）", verify);
  console.log(`显示档案 ${shown}/${files.length}；p95 目标 ≤ 100 ms：${pct(right, 95) <= 100 ? "达到" : "未达到"}`);
  console.log(
    `网上申请进度（HTTP，服务器动作，申请编号 + 查询码；申请共 ${Number(applicationCount!.n).toLocaleString()} 份，查到 ${followed}/${applications.length}）：`,
  );
  line("申请进度查询", progress);
  line("纯 SQL 下限（同样的读写）", progressPlain);
  console.log(`申请进度 p95 目标 ≤ 100 ms：${pct(progress, 95) <= 100 ? "达到" : "未达到"}`);
  console.log(`建档公示（HTTP GET 整页；公示中档案共 ${Number(publicity!.n).toLocaleString()} 户，${unions.length} 个工会，共列出 ${listed} 行）：`);
  line("工会公示名单页", noticePage);
  line("工会查找页", search);
  line("纯 SQL（名单 20 行 + 计数）", noticePlain);
  console.log(`公示名单 p95 目标 ≤ 100 ms：${pct(noticePage, 95) <= 100 ? "达到" : "未达到"}`);
} finally {
  if (server.child && server.child.exitCode === null) {
    server.child.kill("SIGTERM");
    await new Promise((r) => server.child!.once("exit", r));
  }
  await db.stop();
}
