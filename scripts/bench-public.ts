// `npm run bench:public`: the public pages (issue 24 §4, target p95 ≤ 100 ms at 1,000,000 files)
// as a worker's phone reaches them — over HTTP to the real server (scripts/serve.ts on the built
// app) — each beside the plain-SQL floor of the same reads and writes through pg:
//   - the self-query (本人查询): right code (the file shown, not padded) and every kind of wrong
//     (wrong code, wrong name, no such ID number: one answer, padded to PUBLIC_ANSWER_FLOOR_MS);
//   - the application progress query (网上申请进度): right number and code (not padded), wrong code
//     and no such number (padded);
//   - the public notice (建档公示): a union's page and the union search;
//   - the work under the floor: the wrong answers' own time, unpadded (the same domain functions
//     called in this process with floorMs 0), which the floor has to hide.
//
//   npm run seed -- --households 1000000     (or BANGFU_DATA_DIR of a seeded copy)
//   npm run build                            the server runs the production build
//   npm run bench:public -- --files 200 --applications 20000 --port 3299 [--wrong 25] [--plans]
//
//   --plans      also prints EXPLAIN (ANALYZE, BUFFERS) of the self-query's reads and the notice's
//                list and count, for the top union and the smallest one with files in publicity.
//   --as-built   serve the build in NEXT_DIST_DIR (default .next) as it is, even if the sources
//                changed since: to measure an earlier commit's build (NEXT_DIST_DIR=.next-before)
//                back to back with the current one on the same database.
//
// Re-runnable on the same database: the limits count failed attempts per client address (30 an
// hour, public_attempt, append-only — no row is deleted), and the server takes the address from
// the socket, never from a header a client sends. So each run sends from loopback addresses
// (127.0.0.2 … 127.0.0.254: all local on Linux) that have no failed attempt in the window: one for
// the right answers, one for the wrong self-queries, one for the wrong progress queries. It prints
// which, and the budget each has left. The limit per ID number (10 a day) is keyed with the
// server's secret, new in each run, and every wrong answer here names a different number.
//
// Gives query codes to --files random open files (their live codes end), adds the applications, and
// leaves them and the attempts in the database: use a scratch database.
import { execFileSync, spawn } from "node:child_process";
import { randomInt, randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { applyMigrations } from "@/lib/db/migrate";
import { openDatabase, PROJECT_DIR } from "@/lib/db/runtime";
import { todayInShanghai } from "@/lib/format/datetime";
import { residentIdCheckCharacter } from "@/lib/people/resident-id";
import { APPLICATION_QUERY_NOT_FOUND } from "@/lib/public/query-application";
import { PUBLIC_QUERY_NOT_FOUND } from "@/lib/public/labels";
import { generateQueryCode, hashQueryCode, verifyQueryCode } from "@/lib/public/query-code";
import { PUBLIC_ANSWER_FLOOR_MS, PUBLIC_QUERY_LIMITS } from "@/lib/public/limits";
import { QUERY_CODE_ALPHABET } from "@/lib/public/query-code-format";
import { ensureBuild } from "./build-state";

const argNumber = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const FILES = argNumber("--files", 200);
const PORT = argNumber("--port", 3299);
const APPLICATION_FILLER = argNumber("--applications", 20_000);
/** Wrong answers per action, each from its own fresh address: under that address's limit, so every one is checked, none refused. */
const WRONG = Math.min(argNumber("--wrong", 25), PUBLIC_QUERY_LIMITS.perAddress - 1);
/** Unpadded wrong answers per kind, called in this process. */
const WORK = 10;
const PLANS = process.argv.includes("--plans");
const AS_BUILT = process.argv.includes("--as-built");
const DIST_DIR = process.env.NEXT_DIST_DIR ?? ".next";

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const line = (label: string, xs: number[]) =>
  console.log(
    `  ${label.padEnd(30)} n=${String(xs.length).padStart(4)}  p50 ${pct(xs, 50).toFixed(1).padStart(6)} ms  p95 ${pct(xs, 95).toFixed(1).padStart(6)} ms  max ${Math.max(
      ...xs,
    )
      .toFixed(1)
      .padStart(6)} ms`,
  );
const met = (xs: number[]) => (pct(xs, 95) <= 100 ? "达到" : "未达到");

/** The id Next.js gave a public action in this build (the browser finds it the same way, in its bundle). */
function publicActionId(exportedName: "publicQueryAction" | "queryApplicationAction"): string {
  const manifest = JSON.parse(readFileSync(path.join(PROJECT_DIR, DIST_DIR, "server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { exportedName?: string; filename?: string; workers: Record<string, unknown> }>;
  };
  // Both actions are on /public/query: only the exported name tells them apart.
  const found = Object.entries(manifest.node).find(([, v]) => v.exportedName === exportedName);
  if (!found) throw new Error(`${exportedName} not found in ${DIST_DIR}/server/server-reference-manifest.json: build first (npm run build)`);
  return found[0];
}

/** HTTP from one local address, kept alive as a phone's browser keeps its connection. */
function clientFrom(localAddress: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress });
  const request = (method: "GET" | "POST", target: string, headers: Record<string, string> = {}, body?: string) =>
    new Promise<{ status: number; text: string; ms: number }>((resolve, reject) => {
      const started = performance.now();
      const req = http.request({ host: "127.0.0.1", port: PORT, method, path: target, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), ms: performance.now() - started }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  return { address: localAddress, agent, request };
}

/** A well-formed ID number (its check character right) that names nobody in particular. */
function someResidentId(): string {
  const body = `620102${1960 + randomInt(40)}0${1 + randomInt(9)}1${randomInt(10)}${String(randomInt(1000)).padStart(3, "0")}`;
  return body + residentIdCheckCharacter(body);
}

if (AS_BUILT) {
  if (!existsSync(path.join(PROJECT_DIR, DIST_DIR, "BUILD_ID"))) throw new Error(`--as-built: no build in ${DIST_DIR}`);
} else {
  await ensureBuild();
}
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
  if (files.length < 2 * WRONG + 3 * WORK) throw new Error(`--files ${FILES}: at least ${2 * WRONG + 3 * WORK} are needed for the wrong answers`);
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
  const yymmdd = todayInShanghai(new Date()).replaceAll("-", "").slice(2);
  const applicationNumber = () => {
    let number = `SQ${yymmdd}`;
    for (let i = 0; i < 6; i++) number += QUERY_CODE_ALPHABET[randomInt(QUERY_CODE_ALPHABET.length)];
    return number;
  };
  const applications: Array<{ number: string; code: string }> = [];
  for (const f of files) {
    const number = applicationNumber();
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

  // Loopback addresses with no failed public attempt within the address window (see the header).
  const windowHours = PUBLIC_QUERY_LIMITS.addressWindowHours;
  const failedFrom = async (ips: string[]) => {
    const { rows } = await sql.query<{ ip: string; n: string }>(
      `SELECT ip, count(*) AS n FROM public_attempt WHERE ip = ANY($1) AND NOT succeeded AND at > now() - make_interval(hours => $2) GROUP BY ip`,
      [ips, windowHours],
    );
    return new Map(rows.map((r) => [r.ip, Number(r.n)]));
  };
  const candidates = Array.from({ length: 253 }, (_, i) => `127.0.0.${i + 2}`);
  const used = await failedFrom(candidates);
  const fresh = candidates.filter((ip) => !used.has(ip));
  if (fresh.length < 3) throw new Error(`fewer than 3 loopback addresses without failed attempts in the last ${windowHours} h: wait and run again`);
  const [rightClient, wrongClient, wrongProgressClient] = fresh.slice(0, 3).map(clientFrom) as [
    ReturnType<typeof clientFrom>,
    ReturnType<typeof clientFrom>,
    ReturnType<typeof clientFrom>,
  ];

  // tsx itself, not npx: npx does not pass SIGTERM on, and the server would outlive the benchmark.
  server.child = spawn(path.join(PROJECT_DIR, "node_modules/.bin/tsx"), ["scripts/serve.ts", String(PORT)], {
    cwd: PROJECT_DIR,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      NEXT_DIST_DIR: DIST_DIR,
      DATABASE_URL: db.url,
      NEXTAUTH_SECRET: randomUUID(),
      NEXTAUTH_URL: `http://127.0.0.1:${PORT}`,
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  const base = `http://127.0.0.1:${PORT}`;
  for (let i = 0; ; i++) {
    const ok = await rightClient.request("GET", "/public/query").then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (i > 240) throw new Error("the server did not start within 2 minutes");
    await new Promise((r) => setTimeout(r, 500));
  }
  const actionId = publicActionId("publicQueryAction");
  const applicationActionId = publicActionId("queryApplicationAction");
  const ask = async (
    client: ReturnType<typeof clientFrom>,
    input: { name: string; residentId: string; code: string } | { number: string; code: string },
    action: string,
  ) => {
    const r = await client.request(
      "POST",
      "/public/query",
      { "Next-Action": action, "Content-Type": "text/plain;charset=UTF-8", Accept: "text/x-component", Origin: base },
      JSON.stringify([input]),
    );
    return { ms: r.ms, found: r.text.includes('"found":true'), limited: r.text.includes('"limited":true'), text: r.text, status: r.status };
  };

  // Warm-up: the first requests compile routes and fill caches.
  for (const f of files.slice(0, 10)) await ask(rightClient, { name: f.holder_name, residentId: f.holder_resident_id, code: codes.get(f.id)! }, actionId);
  for (const a of applications.slice(0, 10)) await ask(rightClient, a, applicationActionId);

  const right: number[] = [];
  let shown = 0;
  for (const f of files) {
    const r = await ask(rightClient, { name: f.holder_name, residentId: f.holder_resident_id, code: codes.get(f.id)! }, actionId);
    right.push(r.ms);
    if (r.found) shown++;
  }
  // Every kind of wrong, interleaved, each naming a different ID number (its own limit untouched).
  const wrongKinds = {
    查询码错误: (f: (typeof files)[number]) => ({ name: f.holder_name, residentId: f.holder_resident_id, code: "AAAAA-AAAAA" }),
    姓名错误: (f: (typeof files)[number]) => ({ name: "某某某", residentId: f.holder_resident_id, code: codes.get(f.id)! }),
    无此身份证号: (f: (typeof files)[number]) => ({ name: f.holder_name, residentId: someResidentId(), code: codes.get(f.id)! }),
  };
  const wrong: number[] = [];
  const wrongByKind = new Map<string, number[]>();
  let refused = 0;
  const kindNames = Object.keys(wrongKinds) as Array<keyof typeof wrongKinds>;
  for (const [i, f] of files.slice(0, WRONG).entries()) {
    const kind = kindNames[i % kindNames.length]!;
    const r = await ask(wrongClient, wrongKinds[kind](f), actionId);
    if (r.found) throw new Error("a wrong answer showed a file");
    if (r.limited || !r.text.includes(PUBLIC_QUERY_NOT_FOUND)) refused++;
    wrong.push(r.ms);
    wrongByKind.set(kind, [...(wrongByKind.get(kind) ?? []), r.ms]);
  }

  // Following an application (网上申请进度): the second action on /public/query.
  const progress: number[] = [];
  let followed = 0;
  for (const a of applications) {
    const r = await ask(rightClient, a, applicationActionId);
    progress.push(r.ms);
    if (r.found) followed++;
  }
  const progressWrong: number[] = [];
  const progressWrongByKind = new Map<string, number[]>();
  for (const [i, a] of applications.slice(0, WRONG).entries()) {
    const kind = i % 2 === 0 ? "查询码错误" : "无此申请编号";
    const r = await ask(
      wrongProgressClient,
      kind === "查询码错误" ? { number: a.number, code: "AAAAA-AAAAA" } : { number: applicationNumber(), code: a.code },
      applicationActionId,
    );
    if (r.found) throw new Error("a wrong progress query showed an application");
    if (r.limited || !r.text.includes(APPLICATION_QUERY_NOT_FOUND)) refused++;
    progressWrong.push(r.ms);
    progressWrongByKind.set(kind, [...(progressWrongByKind.get(kind) ?? []), r.ms]);
  }

  // The public notice (公示, issue 24 §3): a union's page and the union search, as a phone GETs them,
  // for the unions with the most files in publicity (the province's at the top) and a spread of
  // grassroots ones, three rounds, beside the same reads in plain SQL.
  const { rows: unions } = await sql.query<{ id: string; name: string; path: string }>(
    `(SELECT o.id, o.name, o.path FROM organisation o ORDER BY o.depth LIMIT 3)
     UNION ALL
     (SELECT o.id, o.name, o.path FROM household_file f JOIN organisation o ON o.id = f.organisation_id
       WHERE f.status = 'PUBLICITY' GROUP BY o.id ORDER BY count(*) DESC LIMIT 37)`,
  );
  const {
    rows: [publicity],
  } = await sql.query<{ n: string }>("SELECT count(*) AS n FROM household_file WHERE status = 'PUBLICITY'");
  for (const u of unions.slice(0, 3)) await rightClient.request("GET", `/public/notice/${u.id}`);
  const noticePage: number[] = [];
  const search: number[] = [];
  let listed = 0;
  for (let round = 0; round < 3; round++) {
    for (const u of unions) {
      const page = await rightClient.request("GET", `/public/notice/${u.id}`);
      noticePage.push(page.ms);
      if (round === 0) listed += (page.text.match(/data-testid="publicity-row"/g) ?? []).length;
      search.push((await rightClient.request("GET", `/public/notice?q=${encodeURIComponent(u.name.slice(0, 3))}`)).ms);
    }
  }
  for (const c of [rightClient, wrongClient, wrongProgressClient]) c.agent.destroy();
  const left = await failedFrom([rightClient.address, wrongClient.address, wrongProgressClient.address]);

  // The same reads as lib/public/find-publicity-notice.ts sends, in plain SQL: the union, then its
  // service phone, the rows of page 1 and their count bounded ten pages ahead. Beside them the
  // reads as the notice sent them before (Prisma's relation filter, an exact count), for the ratio.
  const noticeWhere = `f.status = 'PUBLICITY' AND f.publicity_token IS NOT NULL AND f.publicity_start <= current_date
      AND (f.publicity_end - current_date) >= 0 AND o.path LIKE $1 || '%'`;
  const noticeSql = {
    rows: `SELECT f.publicity_token, f.holder_name, f.proposed_tier, f.publicity_start, f.publicity_end, o.name
             FROM household_file f JOIN organisation o ON o.id = f.organisation_id
            WHERE ${noticeWhere} ORDER BY f.publicity_start DESC, f.id LIMIT 20 OFFSET 0`,
    count: `SELECT count(*) FROM (SELECT 1 FROM household_file f JOIN organisation o ON o.id = f.organisation_id WHERE ${noticeWhere} LIMIT 201) AS bounded`,
  };
  const oldWhere = `f.status = 'PUBLICITY' AND f.publicity_token IS NOT NULL AND f.publicity_start <= current_date
      AND f.publicity_end >= current_date AND o.path LIKE $1 || '%'`;
  const oldNoticeSql = {
    rows: `SELECT f.publicity_token, f.holder_name, f.proposed_tier, f.publicity_start, f.publicity_end, o.name
             FROM household_file f JOIN organisation o ON o.id = f.organisation_id
            WHERE ${oldWhere} ORDER BY f.publicity_start DESC, f.id LIMIT 20 OFFSET 0`,
    count: `SELECT count(*) FROM household_file f JOIN organisation o ON o.id = f.organisation_id WHERE ${oldWhere}`,
  };
  const noticePlain: number[] = [];
  const oldNoticePlain: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const u of unions) {
      const p = performance.now();
      await sql.query("SELECT id, name, path FROM organisation WHERE id = $1", [u.id]);
      await sql.query("SELECT service_phone, depth FROM organisation WHERE id = ANY($1) AND service_phone IS NOT NULL", [u.path.split("/").filter(Boolean)]);
      await sql.query(noticeSql.rows, [u.path]);
      await sql.query(noticeSql.count, [u.path]);
      noticePlain.push(performance.now() - p);
      const q = performance.now();
      await sql.query("SELECT id, name, path FROM organisation WHERE id = $1", [u.id]);
      await sql.query("SELECT service_phone, depth FROM organisation WHERE id = ANY($1) AND service_phone IS NOT NULL", [u.path.split("/").filter(Boolean)]);
      await sql.query(oldNoticeSql.rows, [u.path]);
      await sql.query(oldNoticeSql.count, [u.path]);
      oldNoticePlain.push(performance.now() - q);
    }
  }

  // The work the floor hides: the wrong answers' own time, the same domain functions in this
  // process against the same database, floorMs 0 (no HTTP, no padding). Each kind from its own
  // made-up address, each naming ID numbers not used above.
  process.env.DATABASE_URL = db.url;
  process.env.NEXTAUTH_SECRET = randomUUID();
  const { queryOwnFile } = await import("@/lib/public/query-own-file");
  const { queryApplication } = await import("@/lib/public/query-application");
  const { ZPublicQueryInput } = await import("@/lib/public/schemas");
  const { ZApplicationQueryInput } = await import("@/lib/public/application-schemas");
  const run = randomUUID().slice(0, 8);
  const work = new Map<string, number[]>();
  const spare = files.slice(WRONG, WRONG + 3 * WORK);
  const timeIt = async (kind: string, call: () => Promise<{ found: boolean }>, expectFound: boolean) => {
    const started = performance.now();
    const answer = await call();
    const ms = performance.now() - started;
    if (answer.found !== expectFound) throw new Error(`${kind}: unexpected answer`);
    work.set(kind, [...(work.get(kind) ?? []), ms]);
  };
  await queryOwnFile(ZPublicQueryInput.parse(wrongKinds.无此身份证号(spare[0]!)), { ip: `bench-warm-${run}`, floorMs: 0 });
  for (let i = 0; i < WORK; i++) {
    for (const [k, kind] of kindNames.entries()) {
      const f = spare[i * kindNames.length + k]!;
      await timeIt(`本人查询 ${kind}`, () => queryOwnFile(ZPublicQueryInput.parse(wrongKinds[kind](f)), { ip: `bench-work-${run}-${k}`, floorMs: 0 }), false);
    }
    const a = applications[WRONG + i]!;
    await timeIt(
      "申请进度 查询码错误",
      () => queryApplication(ZApplicationQueryInput.parse({ number: a.number, code: "AAAAA-AAAAA" }), { ip: `bench-work-${run}-a`, floorMs: 0 }),
      false,
    );
    await timeIt(
      "申请进度 无此申请编号",
      () => queryApplication(ZApplicationQueryInput.parse({ number: applicationNumber(), code: a.code }), { ip: `bench-work-${run}-b`, floorMs: 0 }),
      false,
    );
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
    await sql.query("SELECT count(*) FROM public_attempt WHERE ip = $1 AND NOT succeeded AND at > now() - interval '1 hour'", [rightClient.address]);
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
    await sql.query(
      "SELECT number, submitted_at, status, decline_reason FROM online_application WHERE holder_resident_id = $1 ORDER BY submitted_at DESC LIMIT 20",
      [f.holder_resident_id],
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
    await sql.query("SELECT count(*) FROM public_attempt WHERE ip = $1 AND NOT succeeded AND at > now() - interval '1 hour'", [rightClient.address]);
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

  const plans: string[] = [];
  if (PLANS) {
    const explain = async (label: string, text: string, params: unknown[]) => {
      const { rows } = await sql.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${text}`, params);
      plans.push(`— ${label}`, ...rows.map((r) => `    ${r["QUERY PLAN"]}`));
    };
    const f = files[0]!;
    await explain(
      "本人查询 按身份证号查档案和查询码",
      `SELECT f.id, f.organisation_id, f.holder_name, c.id, c.code_hash FROM household_file f JOIN file_query_code c ON c.file_id = f.id AND c.ended_at IS NULL
        WHERE f.holder_resident_id = $1 AND f.status IN ('OPEN', 'OBSERVATION', 'CLOSED') LIMIT 1`,
      [f.holder_resident_id],
    );
    await explain(
      "本人查询 近 24 个月的发放",
      `SELECT e.entry_date, e.aid_type, e.amount_fen, b.account_number, l.payment_status, EXISTS (SELECT 1 FROM ledger_entry r WHERE r.reverses_entry_id = e.id)
         FROM ledger_entry e LEFT JOIN bank_account b ON b.id = e.bank_account_id LEFT JOIN batch_line l ON l.id = e.batch_line_id
        WHERE e.file_id = $1 AND e.reverses_entry_id IS NULL AND e.entry_date >= current_date - interval '24 months'
        ORDER BY e.entry_date DESC, e.created_at DESC LIMIT 120`,
      [f.id],
    );
    const top = unions[0]!;
    const smallest = unions[unions.length - 1]!;
    for (const [label, u] of [
      ["最上级工会", top],
      ["公示最少的工会", smallest],
    ] as const) {
      await explain(`公示名单 第 1 页（${label}）`, noticeSql.rows, [u.path]);
      await explain(`公示计数，至多 201（${label}）`, noticeSql.count, [u.path]);
      await explain(`原写法 公示名单 第 1 页（${label}）`, oldNoticeSql.rows, [u.path]);
      await explain(`原写法 公示精确计数（${label}）`, oldNoticeSql.count, [u.path]);
    }
  }
  await sql.end();

  let model = os.cpus()[0]?.model ?? "";
  try {
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
      .join(" / ")}；构建 ${DIST_DIR}${AS_BUILT ? "（--as-built：按原样使用）" : ""}`,
  );
  console.log(
    `档案 ${Number(size!.files).toLocaleString()} 户，台账 ${Number(size!.entries).toLocaleString()} 笔；${files.length} 户各得新查询码，逐一查询（顺序发送）。`,
  );
  console.log(
    `客户端地址（服务器按套接字地址计失败次数，不信任客户端发来的头；限额未放宽：每地址每 ${windowHours} 小时 ${PUBLIC_QUERY_LIMITS.perAddress} 次失败）：` +
      `正确查询 ${rightClient.address}，错误的本人查询 ${wrongClient.address}，错误的申请进度查询 ${wrongProgressClient.address}；` +
      `开始前这 3 个地址 ${windowHours} 小时内失败 0 次，结束后剩余额度 ` +
      [rightClient, wrongClient, wrongProgressClient].map((c) => `${c.address} ${PUBLIC_QUERY_LIMITS.perAddress - (left.get(c.address) ?? 0)}`).join("、") +
      `；还有 ${fresh.length - 3} 个未用过的地址，可再运行。`,
  );
  console.log(
    `本人查询（HTTP，服务器动作；查不到的答复补足统一下限${AS_BUILT ? "（--as-built：该构建自身的下限）" : ` ${PUBLIC_ANSWER_FLOOR_MS} ms`}，显示档案的答复不补）：`,
  );
  line("查询码正确（显示档案）", right);
  line("错误（三种轮流，统一答复）", wrong);
  for (const [kind, xs] of wrongByKind) line(`  其中 ${kind}`, xs);
  console.log("同样的读写，纯 SQL（pg，一个连接，无 HTTP、无哈希、无下限）：");
  line("纯 SQL 下限（显示档案）", plain);
  line("argon2id 校验（4 MiB × 3）", verify);
  console.log(`显示档案 ${shown}/${files.length}；p95 目标 ≤ 100 ms：正确 ${met(right)}，错误 ${met(wrong)}`);
  console.log(
    `网上申请进度（HTTP，服务器动作，申请编号 + 查询码；申请共 ${Number(applicationCount!.n).toLocaleString()} 份，查到 ${followed}/${applications.length}；查不到的答复补足下限）：`,
  );
  line("申请编号和查询码正确", progress);
  line("错误（两种轮流，统一答复）", progressWrong);
  for (const [kind, xs] of progressWrongByKind) line(`  其中 ${kind}`, xs);
  line("纯 SQL 下限（同样的读写）", progressPlain);
  console.log(`申请进度 p95 目标 ≤ 100 ms：正确 ${met(progress)}，错误 ${met(progressWrong)}`);
  console.log(`错误答复被限额拒绝（而非照常核对）的次数：${refused}${refused ? "（测到的是拒绝，数字不可用）" : ""}`);
  console.log(`下限要掩盖的工作：错误答复本身的耗时（进程内调用同一领域函数，floorMs 0，无 HTTP、无补时；下限 ${PUBLIC_ANSWER_FLOOR_MS} ms）：`);
  for (const [kind, xs] of work) line(kind, xs);
  const allWork = [...work.values()].flat();
  console.log(
    `  最慢 ${Math.max(...allWork).toFixed(1)} ms，p95 ${pct(allWork, 95).toFixed(1)} ms；下限/最慢 = ${(PUBLIC_ANSWER_FLOOR_MS / Math.max(...allWork)).toFixed(1)} 倍`,
  );
  console.log(
    `建档公示（HTTP GET 整页；公示中档案共 ${Number(publicity!.n).toLocaleString()} 户，${unions.length} 个工会 × 3 轮，第 1 轮共列出 ${listed} 行）：`,
  );
  line("工会公示名单页", noticePage);
  line("工会查找页", search);
  line("纯 SQL 现写法（20 行 + 限界计数）", noticePlain);
  line("纯 SQL 原写法（20 行 + 精确计数）", oldNoticePlain);
  console.log(`公示名单 p95 目标 ≤ 100 ms：${met(noticePage)}；工会查找 ${met(search)}`);
  if (plans.length) console.log(["查询计划（EXPLAIN ANALYZE，本次运行的数据）：", ...plans].join("\n"));
} finally {
  if (server.child && server.child.exitCode === null) {
    server.child.kill("SIGTERM");
    await new Promise((r) => server.child!.once("exit", r));
  }
  await db.stop();
}
