// `npm run bench`: every page issue 12 names, at the current database's size, through the app's
// own code path (the domain functions under lib/, called with a real actor, exactly as the pages
// call them), each beside its plain-SQL floor and the ratio; then 20 closed-loop users.
//
//   npm run seed -- --households 1000000 --ledger-entries 10000000   first (a scratch database)
//   npm run bench                      options: --runs <n> (timed runs per case, 20), --seconds <n>
//                                      (concurrency run, 30), --users <n> (20), --no-intake,
//                                      --only <text> (only the cases whose label contains it, both
//                                      scopes), --skip-load (no closed-loop users)
//   e.g. npm run bench -- --only 首字母 --skip-load   one page again, before and after a change
//
// The floor: while a case runs once more, the SELECTs it sends are captured at the pg driver
// (bench-support.ts) and replayed on their own through a plain pg client, one after the other.
// That is the same SQL without Prisma, the scope lookup or the mapping; ratio = app p50 / floor p50.
// (The app runs independent statements in parallel, so a ratio below 1 is possible.)
//
// WRITES: "intake submit" files new households (a draft, two evidence rows, the submission) as
// lz_caseworker, so run it on a scratch database, or pass --no-intake.
//
// Why `tsx --conditions=react-server` (the npm script passes it): the domain modules start with
// `import "server-only"`, which resolves to its empty module under that condition, as in Next.js's
// server build, so the real domain functions run unmodified.
import { randomInt, randomUUID } from "node:crypto";
import os from "node:os";
import type pg from "pg";
import type { TActor } from "@/lib/auth/actor";
import type { TFilingFormValues } from "@/lib/filing/schemas";
import { residentIdCheckCharacter } from "@/lib/people/resident-id";
import { filterCases, onlyArg } from "./bench-only";
import { assertReactServer, benchActors, captureStatements, ms, orgByCode, runBench, showSetting, table, type TStatement } from "./bench-support";

function intArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const n = i === -1 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} 应为正整数`);
  return n;
}
const RUNS = intArg("--runs", 20);
const SECONDS = intArg("--seconds", 30);
const USERS = intArg("--users", 20);
const INTAKE = !process.argv.includes("--no-intake");
const ONLY = onlyArg(process.argv);
const SKIP_LOAD = process.argv.includes("--skip-load");

const quantile = (xs: number[], q: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};

type TCase = { scope: string; label: string; target: number; run: () => Promise<unknown>; floor?: boolean };

async function main(sql: pg.Client) {
  assertReactServer("lib/*", "npm run bench", "scripts/bench.ts");
  const { decodeArchiveKey, findFiles, findReviewQueue, getFile } = await import("@/lib/filing/find-files");
  const decodeKey = (value: string | null) => decodeArchiveKey(value ?? undefined);
  const { findDueRechecks, followUpFigures, getFileFollowUp } = await import("@/lib/dynamic/find");
  const { findOrgLedger } = await import("@/lib/ledger/find-org-ledger");
  const { listEvidence } = await import("@/lib/evidence/evidence");
  const { saveDraft, submitFiling } = await import("@/lib/filing/save-filing");
  const { ZSaveDraftInput, ZSubmitFilingInput } = await import("@/lib/filing/schemas");

  const {
    rows: [size],
  } = await sql.query<{ files: string; open: string; entries: string; people: string }>(
    `SELECT (SELECT count(*) FROM household_file) AS files, (SELECT sum(files) FROM household_file_tally WHERE status = 'OPEN') AS open,
            (SELECT sum(entries) FROM ledger_daily_total) AS entries, (SELECT count(*) FROM file_person) AS people`,
  );
  console.log(
    `机器：${os.cpus().length} 核 ${os.cpus()[0]?.model ?? ""}，内存 ${Math.round(os.totalmem() / 2 ** 30)} GB，负载 ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" / ")}`,
  );
  console.log(
    `PostgreSQL ${await showSetting(sql, "server_version")}（shared_buffers ${await showSetting(sql, "shared_buffers")}）；` +
      `档案 ${Number(size!.files).toLocaleString()} 户（在档 ${Number(size!.open).toLocaleString()}），家庭成员 ${Number(size!.people).toLocaleString()}，` +
      `台账 ${Number(size!.entries).toLocaleString()} 笔。每项预热 1 次后计时 ${RUNS} 次。\n`,
  );

  // ── actors: the demo users of 兰州 (city) and constructed province users on 甘肃省总工会 ──
  const roles = async (username: string, province: { username: string; name: string; roles: TActor["roles"] }) => benchActors(sql, username, province);
  const auditors = await roles("lz_auditor", { username: "bench_gs_auditor", name: "省总审计（基准）", roles: ["AUDITOR"] });
  const officials = await roles("lz_official", { username: "bench_gs_official", name: "省总审批（基准）", roles: ["OFFICIAL"] });
  const caseworkers = await roles("lz_caseworker", { username: "bench_gs_caseworker", name: "省总经办（基准）", roles: ["CASEWORKER"] });
  const county = await orgByCode(sql, "GSLZCG");

  // Real values to look for: a holder's ID number and file number, an open file, a cursor 18 months back.
  const {
    rows: [sample],
  } = await sql.query<{ id: string; rid: string; fno: string }>(
    "SELECT id, holder_resident_id AS rid, file_number AS fno FROM household_file WHERE status = 'OPEN' AND organisation_id = $1 ORDER BY updated_at DESC LIMIT 1 OFFSET 100",
    [county.id],
  );
  const { rows: openFiles } = await sql.query<{ id: string }>(
    "SELECT id FROM household_file TABLESAMPLE SYSTEM (1) WHERE status = 'OPEN' AND organisation_id = $1 LIMIT 500",
    [county.id],
  );
  const {
    rows: [old],
  } = await sql.query<{ d: string; id: string }>(
    "SELECT entry_date::text AS d, id FROM ledger_entry WHERE entry_date <= (current_date - interval '18 months') ORDER BY entry_date DESC, id DESC LIMIT 1",
  );
  if (!sample || !openFiles.length) throw new Error("数据库里没有 城关区 的在档档案：请先运行 npm run seed -- --households 1000000");
  const oldCursor = old ? `${old.d}_${old.id}` : undefined;

  const filePage = (actor: TActor, id: string) => getFile(actor, id).then((f) => Promise.all([listEvidence(actor, f.id), getFileFollowUp(actor, f.id)]));

  const allCases: TCase[] = [];
  for (const [scope, auditor, official, caseworker] of [
    ["市", auditors.city, officials.city, caseworkers.city],
    ["省", auditors.province, officials.province, caseworkers.province],
  ] as const) {
    const first = await findFiles(auditor, {});
    const add = (label: string, target: number, run: () => Promise<unknown>) => allCases.push({ scope, label, target, run });
    add("档案 第1页", 100, () => findFiles(auditor, {}));
    add("档案 下一页", 100, () => findFiles(auditor, {}, { after: decodeKey(first.next) }));
    add("档案 跳到第6页", 100, () => findFiles(auditor, {}, { after: decodeKey(first.next), skip: 4 }));
    add("档案 末页", 100, () => findFiles(auditor, {}, { last: true }));
    add("档案 筛选 类别+级别+县", 100, () => findFiles(auditor, { tier: "RELATIVE", fileLevel: "COUNTY", organisationId: county.id }));
    add("档案 筛选 致困原因 因灾", 100, () => findFiles(auditor, { cause: "DISASTER" }));
    add("档案 全部状态 末页", 100, () => findFiles(auditor, { status: "ALL" }, { last: true }));
    add("搜索 单字 王", 100, () => findFiles(auditor, { q: "王" }));
    add("搜索 名中一字 静", 100, () => findFiles(auditor, { q: "静" }));
    add("搜索 王静", 100, () => findFiles(auditor, { q: "王静" }));
    add("搜索 全拼 wangjing", 100, () => findFiles(auditor, { q: "wangjing" }));
    add("搜索 首字母 wj", 100, () => findFiles(auditor, { q: "wj" }));
    add("搜索 身份号码", 10, () => findFiles(auditor, { q: sample.rid }));
    add("搜索 档案编号", 10, () => findFiles(auditor, { q: sample.fno }));
    add("审核队列", 100, () => findReviewQueue(official, { page: 1 }));
    add("动态管理 逾期", 100, () => findDueRechecks(official, { which: "overdue", page: 1 }));
    add("动态管理 全部待核查", 100, () => findDueRechecks(caseworker, { page: 1 }));
    add("报表 结对覆盖率", 100, () => followUpFigures(auditor));
    add("户页面", 50, () => filePage(auditor, openFiles[randomInt(openFiles.length)]!.id));
    add("台账 第1页", 100, () => findOrgLedger(auditor, {}));
    if (oldCursor) add("台账 18个月前（游标）", 100, () => findOrgLedger(auditor, {}, { after: oldCursor }));
    add("台账 金额 1,000–2,000 元", 100, () => findOrgLedger(auditor, { min: 100_000, max: 200_000 }));
  }

  // ── intake submit: a new household, saved, documents attached, submitted ──
  let seq = randomInt(1, 400);
  const newId = (birth: string, female: boolean) => {
    seq = (seq % 499) + 1;
    const body = `620102${birth.replaceAll("-", "")}${String(seq * 2 + (female ? 0 : 1)).padStart(3, "0")}`;
    return body + residentIdCheckCharacter(body);
  };
  // A number nobody holds yet: at a million files the seed has used many of these.
  const freshPerson = async () => {
    for (;;) {
      const y = 1965 + randomInt(30);
      const birth = `${y}-${String(1 + randomInt(12)).padStart(2, "0")}-${String(1 + randomInt(28)).padStart(2, "0")}`;
      const residentId = newId(birth, false);
      const { rowCount } = await sql.query("SELECT 1 FROM file_person WHERE resident_id = $1", [residentId]);
      if (!rowCount) return { birth, residentId };
    }
  };
  const intakeValues = async (): Promise<TFilingFormValues> => {
    const { birth, residentId } = await freshPerson();
    return {
      organisationId: county.id,
      fileLevel: "COUNTY",
      workerCategory: "URBAN",
      housing: "RENT",
      holderUnionMember: true,
      members: [
        {
          name: "基准测试",
          relation: "SELF",
          residentId,
          birthDate: birth,
          sex: "MALE",
          health: "CHRONIC_ILLNESS",
          disabilityGrade: "",
          education: "NOT_IN_SCHOOL",
          employment: "FLEXIBLE",
          livesInHousehold: true,
        },
      ],
      incomes: [{ source: "WAGES", monthlyFen: "900" }],
      expenditures: [{ kind: "MEDICAL", annualFen: "6000", note: "门诊自付" }],
      suddenEvent: false,
      suddenEventNote: "",
      suddenEventLossFen: "",
      mainCause: "ILLNESS",
      secondaryCauses: [],
      needs: "医疗救助",
      proposedTier: "DEEP",
    } as unknown as TFilingFormValues;
  };
  if (INTAKE) {
    allCases.push({
      scope: "市",
      label: "建档提交（草稿+材料+提交）",
      target: 100,
      floor: false,
      run: async () => {
        const values = await intakeValues();
        const draft = await saveDraft(caseworkers.city, ZSaveDraftInput.parse({ data: values }));
        // The two forms every filing needs and what the cause (因病) requires (cause_evidence_rule).
        for (const kind of ["APPLICATION", "AUTHORISATION", "DIAGNOSIS"]) {
          await sql.query(
            `INSERT INTO evidence_file (file_id, kind, original_name, content_type, size_bytes, sha256, storage_key, uploaded_by_id)
             VALUES ($1, $2::evidence_kind, $3, 'application/pdf', 100, $4, $5, $6)`,
            [draft.fileId, kind, `${kind}.pdf`, "0".repeat(64), `bench/${randomUUID()}`, caseworkers.city.userId],
          );
        }
        await submitFiling(caseworkers.city, ZSubmitFilingInput.parse({ fileId: draft.fileId, expectedVersion: draft.version, data: values }));
      },
    });
  }

  const { cases, note } = filterCases(allCases, ONLY);
  if (note) console.log(`${note}\n`);

  const replay = async (statements: TStatement[]) => {
    const t0 = performance.now();
    for (const s of statements) await sql.query(s.text, s.values);
    return performance.now() - t0;
  };
  const results: string[][] = [];
  let met = 0;
  for (const c of cases) {
    await c.run();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await c.run();
      times.push(performance.now() - t0);
    }
    let floor = NaN;
    if (c.floor !== false) {
      const statements = await captureStatements(c.run);
      const floors: number[] = [];
      await replay(statements);
      for (let i = 0; i < Math.min(RUNS, 10); i++) floors.push(await replay(statements));
      floor = quantile(floors, 0.5);
    }
    const p50 = quantile(times, 0.5);
    const p95 = quantile(times, 0.95);
    const ratio = p50 / floor;
    const ok = p95 <= c.target && (!Number.isFinite(ratio) || ratio <= 3);
    if (ok) met++;
    results.push([c.scope, c.label, ms(p50), ms(p95), ms(floor), Number.isFinite(ratio) ? ratio.toFixed(1) : "—", `≤${c.target}`, ok ? "达标" : "未达标"]);
    console.log(`  ${results.at(-1)!.join("  ")}`);
  }
  table(["范围", "页面", "p50", "p95", "SQL 底线", "倍数", "目标 p95", ""], results, new Set([2, 3, 4, 5, 6]));
  console.log(`（ms。“SQL 底线”= 同一次调用发出的 SELECT 用 pg 逐条重放；倍数 = p50 / 底线。${met}/${cases.length} 项达标。）\n`);

  // ── 20 closed-loop users: search, then a household page, for SECONDS ──
  if (SKIP_LOAD) {
    console.log(`并发：已按 --skip-load 跳过 ${USERS} 个闭环用户的 ${SECONDS} 秒运行。`);
    return;
  }
  const surnames = ["王", "李", "张", "刘", "陈", "杨", "马", "赵", "wang", "li", "zh", "wj"];
  const latencies: number[] = [];
  let errors = 0;
  const stopAt = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: USERS }, async (_, u) => {
      const actor = u % 2 ? auditors.city : auditors.province;
      for (let i = 0; performance.now() < stopAt; i++) {
        const t0 = performance.now();
        try {
          if (i % 2 === 0) await findFiles(actor, { q: surnames[randomInt(surnames.length)] });
          else await filePage(actor, openFiles[randomInt(openFiles.length)]!.id);
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors++;
          if (errors <= 3) console.error(error);
        }
      }
    }),
  );
  const rate = latencies.length / SECONDS;
  const p95 = quantile(latencies, 0.95);
  console.log(
    `并发：${USERS} 个闭环用户（搜索 + 户页面交替，市/省各半）${SECONDS} 秒：${latencies.length.toLocaleString()} 次，` +
      `${rate.toFixed(1)} 次/秒，p50 ${ms(quantile(latencies, 0.5))} ms，p95 ${ms(p95)} ms，错误 ${errors}` +
      `（目标 ≥ 50 次/秒、p95 ≤ 500 ms、0 错误：${rate >= 50 && p95 <= 500 && errors === 0 ? "达标" : "未达标"}）。`,
  );
}

await runBench(main);
