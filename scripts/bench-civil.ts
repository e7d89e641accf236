// `npm run bench:civil`: the civil-affairs comparison (民政比对) of a province-sized roster, through
// the domain function as a province caseworker would upload it (read, validate, one transaction of
// roster rows + matching), beside the same writes and the same join in plain SQL through pg in a
// transaction rolled back (what the database alone costs). The ratio is domain / floor.
//
//   npm run seed -- --households 100000      fill the database first
//   npm run bench:civil                      a 100,000-row roster (60 % members of open files)
//   npm run bench:civil -- --rows 200000
//
// Leaves the run in the database (roster rows are append-only): use a scratch database.
import ExcelJS from "exceljs";
import type pg from "pg";
import type { TActor } from "@/lib/auth/actor";
import { residentIdCheckCharacter } from "@/lib/people/resident-id";
import { assertReactServer, captureStatements, orgByCode, runBench } from "./bench-support";

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
  const { compareRoster } = await import("@/lib/civil/compare-roster");
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
  console.log(`工作簿 ${(bytes.length / 1024 / 1024).toFixed(1)} MB`);

  let start = performance.now();
  let outcome: Awaited<ReturnType<typeof compareRoster>> | undefined;
  // The statements Prisma sends are captured, so the floor replays the very matching statement.
  const statements = await captureStatements(async () => (outcome = await compareRoster(actor, { fileName: `bench-${ROWS}.xlsx`, bytes })));
  const domain = (performance.now() - start) / 1000;
  if (!outcome) throw new Error("no outcome");
  if (!outcome.ok) throw new Error(`名单被拒：${outcome.message}`);
  const runId = outcome.runId;
  console.log(`领域函数（读取 + 校验 + 一个事务写入并比对）：${domain.toFixed(2)} s，不符 ${outcome.results.toLocaleString("zh-CN")} 条`);

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
    console.log(`倍数（领域函数 / 底线）：${(domain / floorTotal).toFixed(1)}（领域函数另含读取和校验工作簿）`);
  } finally {
    await sql.query("ROLLBACK");
  }
});
