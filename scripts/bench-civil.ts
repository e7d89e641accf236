// `npm run bench:civil`: the civil-affairs comparison (民政比对) of a province-sized roster, as a
// province caseworker uploads it. Since issue 28 the request only stores the roster (uploadRoster)
// and the comparison runs after the answer (compareRosterRun: read, validate, one transaction of
// roster rows + matching); both are timed, the job's phases read from its progress row, beside the
// comparison as it ran inside the request before (compare-roster.ts of commit ca5b21f, run from a
// temporary copy, on a second roster of the same rows) and the same writes and join in plain SQL
// through pg in a transaction rolled back (what the database alone costs). All in one run.
//
//   npm run seed -- --households 100000      fill the database first
//   npm run bench:civil                      a 100,000-row roster (60 % members of open files)
//   npm run bench:civil -- --rows 200000
//
// Leaves the run in the database (roster rows are append-only): use a scratch database.
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import type pg from "pg";
import type { TActor } from "@/lib/auth/actor";
import { residentIdCheckCharacter } from "@/lib/people/resident-id";
import { assertReactServer, captureStatements, machine, orgByCode, runBench } from "./bench-support";

const argNumber = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const ROWS = argNumber("--rows", 100_000);
const seconds = (start: number) => ((performance.now() - start) / 1000).toFixed(2);

function randomResidentId(n: number): string {
  // Mixed radix over year, month, day and sequence: 16.8 million distinct numbers.
  const body = `620102${1950 + (n % 50)}${String(1 + (Math.floor(n / 50) % 12)).padStart(2, "0")}${String(1 + (Math.floor(n / 600) % 28)).padStart(2, "0")}${String(Math.floor(n / 16_800) % 1000).padStart(3, "0")}`;
  return body + residentIdCheckCharacter(body);
}

await runBench(async (sql: pg.Client) => {
  assertReactServer("compare-roster", "npm run bench:civil", "scripts/bench-civil.ts");
  const { uploadRoster } = await import("@/lib/civil/upload-roster");
  const { compareRosterRun } = await import("@/lib/civil/compare-roster");
  console.log(machine());
  const province = await orgByCode(sql, "GS");
  const {
    rows: [user],
  } = await sql.query<{ id: string }>(
    `INSERT INTO app_user (username, name, organisation_id, roles, password_hash)
     VALUES ('bench_gs_caseworker', '省总经办（基准测试）', $1, '{CASEWORKER}', 'x') ON CONFLICT (username) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [province.id],
  );
  const actor: TActor = {
    userId: user!.id,
    sessionId: null,
    username: "bench_gs_caseworker",
    name: "省总经办（基准测试）",
    roles: ["CASEWORKER"],
    ip: "127.0.0.1",
    organisation: { id: province.id, name: "甘肃省总工会", path: province.path, depth: province.depth },
  };

  const {
    rows: [stats],
  } = await sql.query<{ files: number; people: number }>(
    "SELECT count(DISTINCT f.id)::int AS files, count(*)::int AS people FROM household_file f JOIN file_person p ON p.file_id = f.id WHERE f.status IN ('OPEN', 'OBSERVATION')",
  );
  const matched = Math.min(Math.floor(ROWS * 0.6), stats!.people);
  const { rows: members } = await sql.query<{ resident_id: string }>(
    "SELECT p.resident_id FROM household_file f JOIN file_person p ON p.file_id = f.id WHERE f.status IN ('OPEN', 'OBSERVATION') ORDER BY random() LIMIT $1",
    [matched],
  );
  const taken = new Set(members.map((m) => m.resident_id));
  const ids = members.map((m) => m.resident_id);
  for (let n = Date.now() % 1_000_000; ids.length < ROWS; n++) {
    const id = randomResidentId(n);
    if (!taken.has(id)) {
      taken.add(id);
      ids.push(id);
    }
  }
  console.log(
    `数据库：${stats!.files.toLocaleString("zh-CN")} 个在档/渐退期档案，${stats!.people.toLocaleString("zh-CN")} 名成员；名单 ${ROWS.toLocaleString("zh-CN")} 行，其中 ${matched.toLocaleString("zh-CN")} 行是档案成员。`,
  );

  // The roster as the bureau's workbook: flags spread so every reason occurs.
  const rows = ids.map((id, i) => [
    id,
    `名单${i}`,
    i % 7 === 0 ? "是" : "否",
    i % 7 === 0 ? "600" : "",
    i % 3 === 0 ? String(12_000 + (i % 50) * 1_000) : "",
    i % 3 === 0 ? String(1 + (i % 5)) : "",
    i % 29 === 0 ? "是" : "否",
    i % 31 === 0 ? "是" : "否",
    i % 97 === 0 ? "是" : "否",
    i % 5 === 0 ? "是" : "否",
    "",
  ]);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("民政比对名单");
  sheet.addRow([
    "公民身份号码*",
    "姓名*",
    "是否享受低保*",
    "低保金额（元/月）",
    "家庭年收入（元）",
    "家庭人口数",
    "是否有车辆*",
    "是否有房产*",
    "是否死亡*",
    "是否工会会员",
    "工作单位",
  ]);
  for (const r of rows) sheet.addRow(r);
  workbook.creator = `bench-${Date.now()}`;
  const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
  // The same rows again, other bytes (the same roster is compared once): for the comparison as it ran before.
  workbook.creator = `bench-before-${Date.now()}`;
  const bytesBefore = Buffer.from(await workbook.xlsx.writeBuffer());
  console.log(`工作簿 ${(bytes.length / 1024 / 1024).toFixed(1)} MB`);

  // 1. Before issue 28: everything inside the request, the code of commit ca5b21f from a temporary copy.
  const copy = path.join(process.cwd(), "lib/civil/compare-roster-before-28.bench.ts");
  writeFileSync(copy, execFileSync("git", ["show", "ca5b21f:lib/civil/compare-roster.ts"], { encoding: "utf8" }));
  let before: number;
  try {
    const old = (await import(copy)) as { compareRoster: (a: TActor, i: { fileName: string; bytes: Buffer }) => Promise<{ ok: boolean }> };
    const start = performance.now();
    const outcome = await old.compareRoster(actor, { fileName: `bench-before-${ROWS}.xlsx`, bytes: bytesBefore });
    before = (performance.now() - start) / 1000;
    if (!outcome.ok) throw new Error("名单被拒（旧代码）");
    console.log(`改动前：请求内完成（读取 + 校验 + 一个事务写入并比对，ca5b21f 的 compareRoster）：${before.toFixed(2)} s`);
  } finally {
    rmSync(copy, { force: true });
  }

  // 2. Now: the request stores the roster and answers; the job compares it. Its phases are read
  // from the run row every 100 ms, as the page polls it (every 1.5 s).
  let start = performance.now();
  const { runId } = await uploadRoster(actor, { fileName: `bench-${ROWS}.xlsx`, bytes });
  const request = (performance.now() - start) / 1000;
  console.log(`现在：请求（只检查并存储名单，然后回答）：${request.toFixed(2)} s`);
  const phases = new Map<string, number>();
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const { rows: polled } = await sql.query<{ status: string; progress_done: number; progress_total: number }>(
        "SELECT status, progress_done, progress_total FROM civil_roster_run WHERE id = $1",
        [runId],
      );
      const r = polled[0]!;
      const phase = r.status === "COMPARING" && r.progress_total > 0 && r.progress_done >= r.progress_total ? "MATCHING" : r.status;
      if (!phases.has(phase)) phases.set(phase, performance.now());
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  start = performance.now();
  let status = "";
  // The statements Prisma sends are captured, so the floor replays the very matching statement.
  const statements = await captureStatements(async () => (status = await compareRosterRun(actor, runId)));
  const domain = (performance.now() - start) / 1000;
  polling = false;
  await poller;
  if (status !== "DONE") throw new Error(`比对未完成：${status}`);
  const {
    rows: [done],
  } = await sql.query<{ result_count: number }>("SELECT result_count FROM civil_roster_run WHERE id = $1", [runId]);
  const at = (phase: string) => (phases.has(phase) ? ((phases.get(phase)! - start) / 1000).toFixed(2) : "—");
  console.log(
    `现在：后台比对 ${domain.toFixed(2)} s，不符 ${done!.result_count.toLocaleString("zh-CN")} 条（进入“写入名单并比对” ${at("COMPARING")} s，名单行写完、开始匹配 ${at("MATCHING")} s）`,
  );
  console.log(`请求 + 后台比对：${(request + domain).toFixed(2)} s，改动前请求内 ${before.toFixed(2)} s`);

  // The floor: the same roster rows and the same matching join in plain SQL, rolled back.
  const payload = rows.map((r, i) => ({
    residentId: r[0],
    sheetRow: i + 2,
    name: r[1],
    onDibao: r[2] === "是",
    dibaoMonthlyFen: r[3] ? Number(r[3]) * 100 : null,
    householdIncomeFen: r[4] ? Number(r[4]) * 100 : null,
    householdSize: r[5] ? Number(r[5]) : null,
    hasVehicle: r[6] === "是",
    hasProperty: r[7] === "是",
    deceased: r[8] === "是",
    unionMember: r[9] === "是",
  }));
  start = performance.now();
  await sql.query("BEGIN");
  try {
    const {
      rows: [run],
    } = await sql.query<{ id: string }>(
      `INSERT INTO civil_roster_run (organisation_id, created_by_id, file_name, size_bytes, sha256, workbook, policy_date, row_count)
       VALUES ($1, $2, 'floor', 1, repeat('0', 64), '\\x00', current_date, $3) RETURNING id`,
      [province.id, user!.id, ROWS],
    );
    for (let i = 0; i < payload.length; i += 5_000) {
      await sql.query(
        `INSERT INTO civil_roster_row (run_id, resident_id, sheet_row, name, on_dibao, dibao_monthly_fen, household_income_fen, household_size, has_vehicle, has_property, deceased, union_member)
         SELECT $1, r."residentId", r."sheetRow", r.name, r."onDibao", r."dibaoMonthlyFen", r."householdIncomeFen", r."householdSize", r."hasVehicle", r."hasProperty", r.deceased, r."unionMember"
           FROM jsonb_to_recordset($2::jsonb) AS r("residentId" text, "sheetRow" int, name text, "onDibao" boolean, "dibaoMonthlyFen" int, "householdIncomeFen" bigint, "householdSize" int, "hasVehicle" boolean, "hasProperty" boolean, deceased boolean, "unionMember" boolean)`,
        [run!.id, JSON.stringify(payload.slice(i, i + 5_000))],
      );
    }
    const inserted = seconds(start);
    const joinStart = performance.now();
    const matching = statements.find((st) => st.text.includes("INSERT INTO civil_comparison_result"));
    if (!matching) throw new Error("the matching statement was not captured");
    const replayed = await sql.query(
      matching.text,
      matching.values.map((v) => (v === runId ? run!.id : v)),
    );
    const floor = { n: replayed.rowCount ?? 0 };
    const floorTotal = (performance.now() - start) / 1000;
    console.log(
      `纯 SQL 底线（同样写入名单行 ${inserted} s + 同一比对语句经 pg 重放 ${seconds(joinStart)} s，${floor.n.toLocaleString("zh-CN")} 条）：${floorTotal.toFixed(2)} s`,
    );
    console.log(`倍数（后台比对 / 底线）：${(domain / floorTotal).toFixed(1)}（后台比对另含读取和校验工作簿）`);
    console.log(machine());
  } finally {
    await sql.query("ROLLBACK");
  }
});
