// `npm run seed -- --households 100000`: bulk demo data for trying the archive at a realistic
// scale (a province had 71,000 open files at its peak; see DOMAIN.md).
//
//   npm run seed                           demo tree and users on an empty database, nothing else
//   npm run seed -- --demo                 the same, said explicitly
//   npm run seed -- --households 100000    demo data if empty, then 100,000 filed households
//   npm run seed -- --ledger-entries 10000000   tops the ledger up to 10M entries (scripts/seed-ledger.ts)
//   options: --seed <n> (PRNG seed, printed on every run), --batch <n> (households per INSERT, 2000)
//
// Uses DATABASE_URL, or the embedded PostgreSQL in .bangfu/pgdata (like `npm start`), and applies
// pending migrations first. Households go to the county and grassroots unions (a few to the city
// unions) of every city that has a caseworker and an official in scope; those users submit,
// review and approve them, so the maker–checker CHECKs hold. Every `data` document is a complete
// submission (the sample re-checked with ZSubmitFilingData proves it), the search columns are
// derived from it as submitFiling derives them, and suggested_tier/per_capita_monthly_fen come
// from the real suggestTier with the policy rows in force on the submission date.
//
// Safe to run again: resident ID numbers are checked against every number already in
// file_person, file numbers are reserved from file_number_counter inside the load's one
// transaction (so they continue after, and never collide with, numbers already issued), and
// runs are serialised with an advisory lock.
//
// On a superuser connection (the embedded database's, or SEED_SUPERUSER_URL with DATABASE_URL) the
// households load, like the ledger's, skips the per-row foreign-key probes and the BEFORE-row
// triggers whose values it writes itself (publicity token, file_person.holds and .name) or whose
// rule it checks set-based before COMMIT (maker–checker), and the five report/tally statement
// triggers, whose grouped upserts it runs once over all its files (UPKEEP); any other INSERT
// trigger runs as for any insert (skipRowChecks, checkSkippedRules). It prints the machine and its load average at the
// start and the end, and the time of each phase (docs/benchmarks/2026-12-07-seed.md).
import { randomInt, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { cpus, loadavg } from "node:os";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { FileLevel, FileStatus, HardshipCause, Tier, WorkerCategory } from "@/lib/generated/prisma/enums";
import { applyMigrations } from "@/lib/db/migrate";
import { openDatabase } from "@/lib/db/runtime";
import { seedDemoIfEmpty } from "@/lib/demo/seed-demo";
import { householdFigures } from "@/lib/filing/figures";
import type { EXPENDITURE_KIND_LABELS, HOUSING_LABELS, INCOME_SOURCE_LABELS } from "@/lib/filing/labels";
import { ZSubmitFilingData, type TFilingData, type TFilingFormValues, type TMemberData } from "@/lib/filing/schemas";
import { suggestTier, type TTierPolicy } from "@/lib/filing/suggest-tier";
import { uuidv7 } from "@/lib/db/uuidv7";
import { residentIdCheckCharacter } from "@/lib/people/resident-id";
import { nameSearchColumns, type TNameSearchColumns } from "@/lib/filing/name-search";
import { dateOnlyString, todayInShanghai } from "@/lib/format/datetime";
import { pickDibao, pickParameter } from "@/lib/policy/pick-policy";
import { TZDate } from "@date-fns/tz";
import { loadLedger } from "./seed-ledger";
import { vacuumLoadedTables } from "./vacuum-loaded";

// ───────────────────────────── arguments ─────────────────────────────

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i === -1) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`${name} 需要一个数值`);
  return value;
}

function intArg(name: string, fallback: number, min: number, max: number): number {
  const raw = argValue(name);
  if (raw === undefined) return fallback;
  const n = Number(raw.replaceAll("_", "").replaceAll(",", ""));
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} 应为 ${min}–${max} 之间的整数：${raw}`);
  return n;
}

const HOUSEHOLDS = intArg("--households", 0, 0, 5_000_000);
const BATCH = intArg("--batch", 2000, 1, 20_000);
const LEDGER_ENTRIES = intArg("--ledger-entries", 0, 0, 100_000_000);
const SEED = intArg("--seed", randomInt(1, 2 ** 31 - 1), 0, 2 ** 32 - 1);

// ───────────────────────────── seeded randomness ─────────────────────────────

type TRng = () => number;

/** sfc32, seeded through splitmix32: fast, good enough for test data, reproducible per seed. */
function makeRng(seed: number): TRng {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix(),
    b = splitmix(),
    c = splitmix(),
    d = splitmix();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
}

const rng = makeRng(SEED);
const chance = (p: number) => rng() < p;
const between = (min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

/** Draws keys in proportion to their weights (cumulative table, binary search). */
class Weighted<T> {
  private readonly items: T[];
  private readonly cumulative: number[];
  private readonly total: number;
  constructor(table: ReadonlyArray<readonly [T, number]>) {
    this.items = table.map(([item]) => item);
    let sum = 0;
    this.cumulative = table.map(([, weight]) => (sum += weight));
    this.total = sum;
  }
  draw(): T {
    const x = rng() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

// ───────────────────────────── calendar (China Standard Time) ─────────────────────────────

// Calendar days are numbered from 1970-01-01 (date arithmetic only); instants are made with the
// Asia/Shanghai zone from @date-fns/tz, and "today" is lib/format's todayInShanghai.
const DAY_MS = 86_400_000;
const TIME_ZONE = "Asia/Shanghai";
/** Days since 1970-01-01 of today's date in Shanghai. */
const TODAY = Math.floor(Date.parse(`${todayInShanghai()}T00:00:00Z`) / DAY_MS);
const dayOf = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
/** YYYY-MM-DD of a day number, once per day: through date-fns with a zone it cost ~10 µs a call, some ten calls a household. */
const isoDays = new Map<number, string>();
const isoOf = (day: number) => {
  let iso = isoDays.get(day);
  if (iso === undefined) isoDays.set(day, (iso = dateOnlyString(new Date(day * DAY_MS))));
  return iso;
};
/** The Shanghai calendar year of an instant, once per UTC hour (Shanghai's offset is whole hours, so the hour decides it). */
const shanghaiYears = new Map<number, number>();
function shanghaiYearOf(iso: string): number {
  const hour = Math.floor(Date.parse(iso) / 3_600_000);
  let year = shanghaiYears.get(hour);
  if (year === undefined) shanghaiYears.set(hour, (year = Number(todayInShanghai(new Date(hour * 3_600_000)).slice(0, 4))));
  return year;
}
const yearOf = (day: number) => new Date(day * DAY_MS).getUTCFullYear();
const ageAt = (birthDay: number, day: number) => Math.floor((day - birthDay) / 365.25);

/** The instant a day begins in Shanghai, from the zone once per day (a TZDate per instant was a fifth of the generation's time). */
const midnights = new Map<number, number>();
function midnightOf(day: number): number {
  let ms = midnights.get(day);
  if (ms === undefined) {
    const [y, m, d] = isoOf(day).split("-").map(Number) as [number, number, number];
    ms = new TZDate(y, m - 1, d, 0, 0, TIME_ZONE).getTime();
    midnights.set(day, ms);
  }
  return ms;
}

/** Office-hours instants on given days, strictly increasing within one file and never in the future. */
class Clock {
  private last = 0;
  at(day: number): string {
    const localMinute = between(8 * 60 + 30, 17 * 60 + 30);
    let ms = midnightOf(day) + localMinute * 60_000;
    if (ms <= this.last) ms = this.last + between(5, 90) * 60_000;
    ms = Math.min(ms, Date.now() - 60_000);
    this.last = ms;
    return new Date(ms).toISOString();
  }
}

// ───────────────────────────── names ─────────────────────────────

// Frequency-weighted common surnames, with Gansu's larger share of 马, 魏, 何 and 牛.
const SURNAMES = new Weighted<string>([
  ["王", 80],
  ["李", 75],
  ["张", 70],
  ["刘", 55],
  ["陈", 45],
  ["杨", 42],
  ["马", 35],
  ["赵", 25],
  ["黄", 18],
  ["周", 17],
  ["吴", 16],
  ["徐", 14],
  ["孙", 14],
  ["胡", 13],
  ["朱", 12],
  ["高", 12],
  ["何", 11],
  ["郭", 11],
  ["魏", 10],
  ["罗", 9],
  ["梁", 8],
  ["宋", 8],
  ["郑", 8],
  ["谢", 7],
  ["韩", 7],
  ["唐", 7],
  ["冯", 6],
  ["于", 6],
  ["董", 6],
  ["萧", 2],
  ["程", 6],
  ["曹", 6],
  ["袁", 5],
  ["邓", 5],
  ["许", 5],
  ["傅", 4],
  ["沈", 4],
  ["曾", 4],
  ["彭", 4],
  ["吕", 4],
  ["苏", 4],
  ["卢", 4],
  ["蒋", 4],
  ["蔡", 4],
  ["贾", 4],
  ["丁", 3],
  ["牛", 4],
  ["闫", 4],
  ["田", 4],
  ["任", 4],
  ["姚", 3],
  ["段", 3],
  ["雷", 3],
  ["汪", 3],
  ["石", 3],
  ["金", 3],
  ["白", 3],
  ["康", 3],
  ["武", 3],
  ["安", 3],
]);

const GIVEN = {
  MALE: {
    old: [
      "德明",
      "建华",
      "国庆",
      "志明",
      "福祥",
      "永福",
      "文斌",
      "长海",
      "兴旺",
      "学军",
      "振国",
      "保平",
      "树林",
      "满仓",
      "有才",
      "玉林",
      "根生",
      "世杰",
      "万福",
      "占奎",
    ],
    mid: [
      "伟",
      "强",
      "磊",
      "军",
      "勇",
      "杰",
      "涛",
      "明",
      "超",
      "斌",
      "辉",
      "刚",
      "平",
      "波",
      "鹏",
      "华",
      "飞",
      "建",
      "国",
      "志",
      "宏",
      "文",
      "龙",
      "海",
      "俊",
      "峰",
      "林",
      "亮",
      "成",
      "东",
      "武",
      "忠",
      "福",
      "兵",
      "新",
      "春",
      "永",
      "学",
      "红",
      "生",
    ],
    young: [
      "浩然",
      "子轩",
      "宇航",
      "俊杰",
      "梓豪",
      "一鸣",
      "思远",
      "晨阳",
      "博文",
      "皓轩",
      "子墨",
      "明哲",
      "宇泽",
      "天佑",
      "嘉诚",
      "锦程",
      "睿",
      "浩",
      "轩",
      "航",
      "宇",
      "博",
      "晨",
      "阳",
      "鑫",
      "磊",
      "凯",
      "昊",
      "泽",
      "杰",
    ],
  },
  FEMALE: {
    old: [
      "桂兰",
      "秀英",
      "玉兰",
      "凤英",
      "淑珍",
      "桂英",
      "秀兰",
      "玉梅",
      "翠花",
      "金花",
      "兰英",
      "秀珍",
      "素芳",
      "彩霞",
      "月娥",
      "春梅",
      "桂芝",
      "巧云",
      "玉琴",
      "引弟",
    ],
    mid: [
      "芳",
      "娟",
      "敏",
      "静",
      "丽",
      "艳",
      "娜",
      "秀",
      "英",
      "霞",
      "燕",
      "玲",
      "红",
      "梅",
      "琴",
      "兰",
      "萍",
      "洁",
      "婷",
      "雪",
      "慧",
      "莉",
      "颖",
      "倩",
      "丹",
      "蓉",
      "云",
      "凤",
      "珍",
      "春",
      "小",
      "晓",
      "海",
      "彩",
      "淑",
      "金",
      "玉",
      "亚",
      "宁",
      "艳",
    ],
    young: [
      "欣怡",
      "梓涵",
      "雨桐",
      "诗涵",
      "梓萱",
      "一诺",
      "思琪",
      "佳怡",
      "可馨",
      "雨萱",
      "子涵",
      "若曦",
      "语嫣",
      "心怡",
      "梦瑶",
      "婉清",
      "怡",
      "萱",
      "琳",
      "瑶",
      "悦",
      "妍",
      "婷",
      "彤",
      "琪",
      "涵",
      "馨",
      "洁",
      "月",
      "颖",
    ],
  },
} as const;

type TSex = "MALE" | "FEMALE";

function givenName(sex: TSex, birthYear: number): string {
  const pools = GIVEN[sex];
  if (birthYear < 1956) return pick(pools.old);
  if (birthYear > 1995) return chance(0.85) ? pick(pools.young) : pick(pools.mid) + pick(pools.young).slice(-1);
  // One character in about a quarter of names; two otherwise, never the same character twice.
  if (chance(0.25)) return pick(pools.mid);
  const first = pick(pools.mid);
  let second = pick(pools.mid);
  while (second === first) second = pick(pools.mid);
  return first + second;
}

// ───────────────────────────── resident ID numbers ─────────────────────────────

const usedIds = new Set<string>();

/** A new, valid GB 11643 number for this region, birth date and sex, unused anywhere in the database. */
function newResidentId(regionCode: string, birthDay: number, sex: TSex): string {
  const birth = isoOf(birthDay).replaceAll("-", "");
  for (;;) {
    // Sequence 001–999; its last digit is odd for men and even for women.
    const sequence = sex === "MALE" ? 2 * between(0, 499) + 1 : 2 * between(1, 499);
    const body = `${regionCode}${birth}${String(sequence).padStart(3, "0")}`;
    const id = body + residentIdCheckCharacter(body);
    if (!usedIds.has(id)) {
      usedIds.add(id);
      return id;
    }
  }
}

// ───────────────────────────── the database's own reference data ─────────────────────────────

type TOrg = { id: string; code: string; name: string; level: string; regionCode: string; path: string };
type TUser = { id: string; username: string; roles: string[]; path: string };
type TTarget = TOrg & { cityRegionCode: string; caseworkerId: string; officialId: string; migrantUnion: boolean };

type TPolicyRows = {
  dibao: { regionCode: string; monthlyFen: number; effectiveFrom: string; effectiveTo: string | null }[];
  params: { key: string; regionCode: string; value: number; effectiveFrom: string; effectiveTo: string | null }[];
};

/** The tier policy in force for a region on a day, chosen by lib/policy's own rule (pick-policy.ts). */
function makePolicyLookup(rows: TPolicyRows) {
  const cache = new Map<string, TTierPolicy>();
  const param = (key: string, regionCode: string, onDate: string) => {
    const found = pickParameter(rows.params, key, regionCode, onDate);
    if (!found) throw new Error(`缺少政策参数 ${key}（${onDate}）`);
    return found.value;
  };
  return (regionCode: string, day: number): TTierPolicy => {
    const cacheKey = `${regionCode}:${day}`;
    const cached = cache.get(cacheKey);
    if (cached) return cached;
    const onDate = isoOf(day);
    const dibao = pickDibao(rows.dibao, regionCode, onDate);
    if (!dibao) throw new Error(`没有适用于地区 ${regionCode} 在 ${onDate} 的低保标准`);
    const policy = {
      dibaoMonthlyFen: dibao.monthlyFen,
      relativeMultiplier: param("TIER_RELATIVE_MULTIPLIER", regionCode, onDate),
      accidentRatio: param("TIER_ACCIDENT_RATIO", regionCode, onDate),
    };
    cache.set(cacheKey, policy);
    return policy;
  };
}

// ───────────────────────────── one household ─────────────────────────────

type THousing = keyof typeof HOUSING_LABELS;
type TIncomeSource = keyof typeof INCOME_SOURCE_LABELS;
type TExpenditureKind = keyof typeof EXPENDITURE_KIND_LABELS;

const STATUS_IN_FLIGHT = new Weighted<FileStatus>([
  ["SUBMITTED", 40],
  ["REVIEWED", 30],
  ["PUBLICITY", 30],
]);
// Aimed so that the decided tiers come out near the sources' 14 % deep, 74 % relative, 12 % accident
// after the occasional neighbouring-tier proposals below.
const TARGET_TIER = new Weighted<Tier>([
  ["DEEP", 12.5],
  ["RELATIVE", 75],
  ["ACCIDENT", 12.5],
]);
const FILE_LEVEL = new Weighted<FileLevel>([
  ["NATIONAL", 12],
  ["PROVINCE", 20],
  ["CITY", 30],
  ["COUNTY", 38],
]);
const INCOME_CAUSE = new Weighted<HardshipCause>([
  ["ILLNESS", 34],
  ["DISABILITY", 12],
  ["EDUCATION", 14],
  ["UNEMPLOYMENT", 10],
  ["SINGLE_PARENT", 8],
  ["LOW_INCOME", 14],
  ["DISASTER", 2],
  ["ACCIDENT", 3],
  ["OTHER", 3],
]);
const ACCIDENT_CAUSE = new Weighted<HardshipCause>([
  ["ACCIDENT", 45],
  ["ILLNESS", 35],
  ["DISASTER", 20],
]);
const SECONDARY_COUNT = new Weighted<number>([
  [0, 35],
  [1, 35],
  [2, 20],
  [3, 10],
]);
const HOUSEHOLD_SIZE = new Weighted<number>([
  [1, 10],
  [2, 22],
  [3, 38],
  [4, 20],
  [5, 10],
]);
const HOUSING_URBAN = new Weighted<THousing>([
  ["OWN", 45],
  ["RENT", 18],
  ["WITH_PARENTS", 10],
  ["PUBLIC_RENTAL", 22],
  ["OTHER", 5],
]);
const HOUSING_MIGRANT = new Weighted<THousing>([
  ["OWN", 10],
  ["RENT", 62],
  ["WITH_PARENTS", 5],
  ["PUBLIC_RENTAL", 15],
  ["OTHER", 8],
]);
const KIDS = new Weighted<number>([
  [1, 50],
  [2, 35],
  [3, 15],
]);
const OTHER_ADULT_WORK = new Weighted<NonNullable<TMemberData["employment"]>>([
  ["EMPLOYED", 40],
  ["FLEXIBLE", 35],
  ["UNEMPLOYED", 25],
]);

const NEEDS: Record<HardshipCause, string[]> = {
  ILLNESS: ["医疗费用负担重，申请医疗救助", "家庭成员长期服药，希望减轻医疗费用负担", "住院费用自付部分较高，申请大病救助"],
  DISABILITY: ["残疾家庭成员需长期康复护理，申请生活救助", "希望协助办理残疾人护理补贴"],
  EDUCATION: ["子女上学费用困难，申请金秋助学", "子女考入大学，学费无力承担，申请助学救助"],
  DISASTER: ["房屋受灾需修缮，申请临时救助", "家庭财产受灾损失，申请生活救助"],
  ACCIDENT: ["家庭成员意外受伤，医疗及生活费用困难，申请临时救助", "事故后暂时无法工作，申请生活救助"],
  UNEMPLOYMENT: ["希望提供就业岗位信息和技能培训", "失业后收入减少，申请生活救助并推荐就业"],
  SINGLE_PARENT: ["单亲抚养子女，生活困难，申请生活救助", "希望在子女教育方面获得帮扶"],
  LOW_INCOME: ["家庭收入低，申请送温暖和生活救助", "工资收入偏低，希望获得技能培训提升收入"],
  OTHER: ["家庭生活困难，申请生活救助"],
};

const SUDDEN_EVENTS: Partial<Record<HardshipCause, string[]>> = {
  ACCIDENT: ["家庭成员遭遇交通事故，住院手术治疗", "建档职工在工作中意外受伤，住院治疗数月", "子女意外烧伤，住院治疗"],
  ILLNESS: ["家庭成员突发脑出血住院治疗", "家庭成员确诊恶性肿瘤，住院化疗", "家庭成员突发心肌梗死，住院行支架手术"],
  DISASTER: ["住房因暴雨洪涝严重受损", "住房因泥石流受损，需重建", "家中突发火灾，财物损毁"],
};

type THousehold = {
  id: string;
  target: TTarget;
  status: FileStatus;
  data: TFilingData;
  householdSize: number;
  perCapitaMonthlyFen: number;
  suggestedTier: Tier | null;
  proposedTier: Tier;
  tier: Tier | null;
  createdAt: string;
  updatedAt: string;
  submittedAt: string;
  reviewedAt: string | null;
  homeVisitDate: string | null;
  publicityStart: string | null;
  publicityEnd: string | null;
  civilCheckDate: string | null;
  approvedAt: string | null;
  version: number;
  /** Year of approval (Shanghai), for the file number; null until approved. */
  approvalYear: number | null;
  events: { kind: string; from: FileStatus | null; to: FileStatus; actorId: string; at: string; note: string | null }[];
  search: TNameSearchColumns;
};

type TContext = {
  targets: Weighted<TTarget>;
  policy: (regionCode: string, day: number) => TTierPolicy;
  publicityDays: number;
};

/** Round to whole yuan. */
const yuan = (fen: number) => Math.round(fen / 100) * 100;

/** nameSearchColumns (pinyin-pro) once per distinct name: the names come from small pools, and a call cost ~25 µs. */
const searchColumns = new Map<string, TNameSearchColumns>();
function searchColumnsOf(name: string): TNameSearchColumns {
  let columns = searchColumns.get(name);
  if (columns === undefined) searchColumns.set(name, (columns = nameSearchColumns(name)));
  return columns;
}

function makeMember(relation: NonNullable<TMemberData["relation"]>, surname: string, sex: TSex, birthDay: number, regionCode: string): TMemberData {
  const year = yearOf(birthDay);
  return {
    name: surname + givenName(sex, year),
    relation,
    residentId: newResidentId(regionCode, birthDay, sex),
    birthDate: isoOf(birthDay),
    sex,
    health: "HEALTHY",
    education: "NOT_IN_SCHOOL",
    employment: "EMPLOYED",
    livesInHousehold: true,
  };
}

function makeHousehold(ctx: TContext, anchorDay: number): THousehold {
  const target = ctx.targets.draw();
  const clock = new Clock();

  // ── workflow dates: approvals follow the sorted anchors, filings in progress are recent ──
  let status: FileStatus;
  let submittedDay: number;
  let reviewedDay: number | null = null;
  let publicityStartDay: number | null = null;
  let approvedDay: number | null = null;
  let closedDay: number | null = null;
  let civilCheckDay: number | null = null;
  if (chance(0.05)) {
    status = STATUS_IN_FLIGHT.draw();
    if (status === "SUBMITTED") submittedDay = TODAY - between(1, 25);
    else if (status === "REVIEWED") {
      reviewedDay = TODAY - between(1, 12);
      submittedDay = reviewedDay - between(2, 12);
      if (chance(0.3)) civilCheckDay = reviewedDay;
    } else {
      publicityStartDay = TODAY - between(1, 8);
      reviewedDay = publicityStartDay - between(1, 4);
      submittedDay = reviewedDay - between(2, 12);
      if (chance(0.6)) civilCheckDay = publicityStartDay + between(0, Math.min(4, TODAY - 1 - publicityStartDay));
    }
  } else {
    status = "OPEN";
    approvedDay = anchorDay;
    const publicityEndDay = approvedDay - between(0, 6);
    publicityStartDay = publicityEndDay - ctx.publicityDays;
    reviewedDay = publicityStartDay - between(1, 5);
    submittedDay = reviewedDay - between(2, 14);
    civilCheckDay = publicityStartDay + between(0, approvedDay - publicityStartDay);
    // About one file in twelve of those approved over a year ago has since been closed (退档).
    if (approvedDay < TODAY - 400 && chance(0.08)) {
      const day = approvedDay + between(180, 900);
      if (day < TODAY) {
        status = "CLOSED";
        closedDay = day;
      }
    }
  }
  const createdDay = submittedDay - between(0, 20);
  const homeVisitDay = reviewedDay === null ? null : reviewedDay - between(0, 3);

  // ── what the household is: tier, causes, category ──
  const targetTier = TARGET_TIER.draw();
  const mainCause = targetTier === "ACCIDENT" ? ACCIDENT_CAUSE.draw() : INCOME_CAUSE.draw();
  const secondaryCauses: HardshipCause[] = [];
  const wanted = SECONDARY_COUNT.draw();
  while (secondaryCauses.length < wanted) {
    const cause = INCOME_CAUSE.draw();
    if (cause !== mainCause && !secondaryCauses.includes(cause)) secondaryCauses.push(cause);
  }
  const causes = new Set([mainCause, ...secondaryCauses]);
  const category: WorkerCategory = chance(target.migrantUnion ? 0.9 : 0.15) ? "MIGRANT" : "URBAN";
  const region = target.regionCode;
  const filedYear = yearOf(submittedDay);

  // ── members: holder, spouse, children, parents ──
  const singleParent = causes.has("SINGLE_PARENT");
  const needsStudent = causes.has("EDUCATION");
  const holderSex: TSex = chance(category === "MIGRANT" ? 0.7 : 0.55) ? "MALE" : "FEMALE";
  // Holders are workers: 21–58 at filing; a household filed for a child's schooling has a parent of 37+.
  const earliest = Math.max(1960, filedYear - 58);
  const latest = needsStudent ? Math.min(1984, filedYear - 37) : singleParent ? Math.min(1990, filedYear - 25) : Math.min(2000, filedYear - 21);
  const holderBirth = dayOf(`${between(earliest, latest)}-01-01`) + between(0, 364);
  const holderSurname = SURNAMES.draw();
  const holder = makeMember("SELF", holderSurname, holderSex, holderBirth, region);
  const members: TMemberData[] = [holder];
  const birthOf = (m: TMemberData) => dayOf(m.birthDate!);

  let size = HOUSEHOLD_SIZE.draw();
  if ((singleParent || needsStudent) && size < 2) size = 2;
  const married = !singleParent && size >= 2 && chance(0.88);
  let spouse: TMemberData | undefined;
  if (married) {
    const spouseSex: TSex = holderSex === "MALE" ? "FEMALE" : "MALE";
    const offset = (holderSex === "MALE" ? between(-1, 5) : between(-5, 1)) * 365 + between(-180, 180);
    spouse = makeMember("SPOUSE", SURNAMES.draw(), spouseSex, Math.min(holderBirth + offset, submittedDay - 20 * 365), region);
    members.push(spouse);
  }
  const fatherSurname = holderSex === "MALE" ? holderSurname : spouse ? spouse.name!.slice(0, 1) : chance(0.5) ? holderSurname : SURNAMES.draw();
  const kidFrom = holderBirth + 20 * 365;
  const kidTo = Math.min(holderBirth + 42 * 365, submittedDay - 60);
  let slots = size - members.length;
  let kids = kidTo > kidFrom ? Math.min(slots, married && size === 2 ? 0 : KIDS.draw()) : 0;
  if ((singleParent || needsStudent) && kids === 0 && kidTo > kidFrom) kids = 1;
  for (let k = 0; k < kids; k++) {
    let birth = between(kidFrom, kidTo);
    // The first child of a household filed for schooling is 15–21: high school or university.
    if (k === 0 && needsStudent) birth = Math.max(kidFrom, submittedDay - between(15 * 365 + 30, 21 * 365 + 300));
    members.push(makeMember("CHILD", fatherSurname, chance(0.52) ? "MALE" : "FEMALE", birth, region));
  }
  slots = size - members.length;
  const parents: [TSex, number][] = [
    ["MALE", holderBirth - between(23, 35) * 365],
    ["FEMALE", holderBirth - between(21, 32) * 365],
  ];
  for (const [sex, birth] of parents) {
    if (slots <= 0) break;
    if (ageAt(birth, submittedDay) > 90 || chance(0.25)) continue;
    members.push(makeMember("PARENT", sex === "MALE" ? holderSurname : SURNAMES.draw(), sex, birth, region));
    slots--;
  }

  // ── schooling, health, work ──
  for (const m of members) {
    const age = ageAt(birthOf(m), submittedDay);
    if (m.relation === "CHILD") {
      m.education =
        age < 3
          ? "NOT_IN_SCHOOL"
          : age < 6
            ? "PRESCHOOL"
            : age < 15
              ? "COMPULSORY"
              : age < 18
                ? "HIGH_SCHOOL"
                : age < 22 && (needsStudent || chance(0.55))
                  ? "UNIVERSITY"
                  : "NOT_IN_SCHOOL";
      if (m.education === "UNIVERSITY" && chance(0.2)) m.livesInHousehold = false;
    }
    if (m.relation === "PARENT" && chance(0.35)) m.health = "CHRONIC_ILLNESS";
    if (m.relation !== "PARENT" && age >= 40 && chance(0.08)) m.health = "CHRONIC_ILLNESS";
  }
  const someone = (preferred: TMemberData["relation"][]) => {
    const candidates = members.filter((m) => preferred.includes(m.relation));
    return candidates.length ? pick(candidates) : holder;
  };
  if (causes.has("ILLNESS")) someone(["SELF", "SPOUSE", "CHILD", "PARENT"]).health = chance(0.6) ? "SERIOUS_ILLNESS" : "CHRONIC_ILLNESS";
  if (causes.has("DISABILITY")) {
    const disabled = someone(["SELF", "SPOUSE", "CHILD", "PARENT"]);
    disabled.health = "DISABLED";
    disabled.disabilityGrade = between(1, 4);
  }
  for (const m of members) {
    const age = ageAt(birthOf(m), submittedDay);
    const unable = m.health === "SERIOUS_ILLNESS" || (m.health === "DISABLED" && (m.disabilityGrade ?? 4) <= 2);
    const retirementAge = m.sex === "MALE" ? 60 : 50;
    if (m.relation === "SELF") {
      m.employment =
        causes.has("UNEMPLOYMENT") && chance(0.5)
          ? "UNEMPLOYED"
          : unable && chance(0.5)
            ? "UNABLE"
            : chance(category === "MIGRANT" ? 0.35 : 0.15)
              ? "FLEXIBLE"
              : "EMPLOYED";
    } else if (age < 16 || (m.education !== "NOT_IN_SCHOOL" && m.education !== undefined)) {
      m.employment = "NOT_WORKING_AGE";
    } else if (unable) {
      m.employment = "UNABLE";
    } else if (age >= retirementAge && (m.relation === "PARENT" || m.relation === "SPOUSE")) {
      m.employment = category === "URBAN" && chance(0.7) ? "RETIRED" : "NOT_WORKING_AGE";
    } else {
      m.employment = causes.has("UNEMPLOYMENT") && m.relation === "SPOUSE" ? "UNEMPLOYED" : OTHER_ADULT_WORK.draw();
    }
  }

  // ── sudden event (意外致困, and some disaster or accident households whose income also qualifies) ──
  const suddenEvent = targetTier === "ACCIDENT" || ((mainCause === "ACCIDENT" || mainCause === "DISASTER") && chance(0.6));
  if (suddenEvent && mainCause === "ILLNESS" && !members.some((m) => m.health === "SERIOUS_ILLNESS")) {
    const candidates = members.filter((m) => m.health !== "DISABLED");
    if (candidates.length) pick(candidates).health = "SERIOUS_ILLNESS";
  }

  // ── rigid expenditure (annual) ──
  const expenditures: { kind: TExpenditureKind; annualFen: number; note?: string }[] = [];
  const serious = members.filter((m) => m.health === "SERIOUS_ILLNESS").length;
  const chronic = members.filter((m) => m.health === "CHRONIC_ILLNESS").length;
  if (serious || chronic) {
    expenditures.push({
      kind: "MEDICAL",
      annualFen: yuan(serious * between(15_000, 80_000) * 100 + chronic * between(2_000, 12_000) * 100),
      note: serious ? "住院及门诊自付费用" : "慢性病门诊自付费用",
    });
  }
  const tuition = members.reduce(
    (sum, m) => sum + (m.education === "UNIVERSITY" ? between(5_000, 12_000) : m.education === "HIGH_SCHOOL" ? between(1_500, 4_000) : 0) * 100,
    0,
  );
  if (tuition) expenditures.push({ kind: "TUITION", annualFen: yuan(tuition), note: "学费、住宿费" });
  for (const m of members) {
    if (m.health === "DISABLED" && ((m.disabilityGrade ?? 4) <= 2 || chance(0.5))) {
      expenditures.push({ kind: "DISABILITY_CARE", annualFen: yuan(((m.disabilityGrade ?? 4) <= 2 ? between(3_000, 15_000) : between(500, 4_000)) * 100) });
    }
  }
  if (causes.has("DISASTER") && targetTier !== "ACCIDENT")
    expenditures.push({ kind: "DISASTER", annualFen: yuan(between(5_000, 30_000) * 100), note: "房屋修缮" });
  if (chance(0.05)) expenditures.push({ kind: "OTHER", annualFen: yuan(between(1_000, 5_000) * 100), note: "赡养老人费用" });
  const rigidFen = expenditures.reduce((sum, e) => sum + e.annualFen, 0);

  // ── income: chosen so the per-capita figure lands inside the target tier's band ──
  const policy = ctx.policy(region, submittedDay);
  const living = members.filter((m) => m.livesInHousehold).length;
  const band =
    targetTier === "DEEP"
      ? [0.25, 0.97]
      : targetTier === "RELATIVE"
        ? [1.03, 0.97 * policy.relativeMultiplier]
        : [policy.relativeMultiplier * 1.05, policy.relativeMultiplier * 1.6];
  const perCapitaTarget = policy.dibaoMonthlyFen * (band[0]! + rng() * (band[1]! - band[0]!));
  const monthlyTotal = Math.max(10_000, yuan(perCapitaTarget * living + rigidFen / 12));

  const incomes: { source: TIncomeSource; monthlyFen: number }[] = [];
  for (const m of members) if (m.employment === "RETIRED") incomes.push({ source: "PENSION", monthlyFen: yuan(between(1_200, 3_200) * 100) });
  if (targetTier === "DEEP" && chance(0.45)) incomes.push({ source: "DIBAO", monthlyFen: yuan(living * between(150, 450) * 100) });
  let fixed = incomes.reduce((sum, i) => sum + i.monthlyFen, 0);
  if (fixed > monthlyTotal * 0.8) {
    // Pensions and 低保 cannot exceed what the household lives on: scale them to about half.
    const scale = (monthlyTotal * 0.5) / fixed;
    for (const i of incomes) i.monthlyFen = Math.max(100, yuan(i.monthlyFen * scale));
    fixed = incomes.reduce((sum, i) => sum + i.monthlyFen, 0);
  }
  let rest = monthlyTotal - fixed;
  const earners = members.filter((m) => m.employment === "EMPLOYED" || m.employment === "FLEXIBLE");
  if (rest > 0 && earners.length) {
    const weights = earners.map((m) => (m.employment === "EMPLOYED" ? 1 : 0.55) * (0.7 + rng() * 0.6));
    const sum = weights.reduce((a, b) => a + b, 0);
    earners.forEach((m, i) => {
      const last = i === earners.length - 1;
      const amount = last ? rest : yuan((monthlyTotal - fixed) * (weights[i]! / sum));
      if (amount <= 0) return;
      incomes.push({ source: m.employment === "FLEXIBLE" && chance(0.4) ? "BUSINESS" : "WAGES", monthlyFen: amount });
      rest -= amount;
    });
  }
  if (rest > 0) incomes.push({ source: chance(0.8) ? "OTHER_TRANSFER" : "OTHER", monthlyFen: rest });
  else if (rest < 0) {
    // Rounding left the sum a little high: take it off the largest item.
    const largest = incomes.reduce((a, b) => (b.monthlyFen > a.monthlyFen ? b : a));
    largest.monthlyFen += rest;
  }

  // ── the sudden event's loss (意外致困 and some disaster/accident households) ──
  const annualIncome = incomes.reduce((sum, i) => sum + i.monthlyFen, 0) * 12;
  const suddenEventLossFen = suddenEvent
    ? yuan(targetTier === "ACCIDENT" ? annualIncome * (0.9 + rng() * 1.6) : annualIncome * (0.1 + rng() * 0.5))
    : undefined;
  const suddenEventNote = suddenEvent ? pick(SUDDEN_EVENTS[mainCause] ?? SUDDEN_EVENTS.ACCIDENT!) : undefined;

  const data: TFilingData = {
    organisationId: target.id,
    fileLevel: FILE_LEVEL.draw(),
    workerCategory: category,
    housing: (category === "MIGRANT" ? HOUSING_MIGRANT : HOUSING_URBAN).draw(),
    holderUnionMember: true,
    members,
    incomes,
    expenditures,
    suddenEvent,
    suddenEventNote,
    suddenEventLossFen,
    mainCause,
    secondaryCauses,
    needs: pick(NEEDS[mainCause]),
    proposedTier: undefined,
  };

  // ── the figures and suggestion exactly as submitFiling records them ──
  const figures = householdFigures(data);
  const suggestion = suggestTier({ ...figures, hasSuddenEvent: data.suddenEvent, policy });
  const suggestedTier: Tier | null = suggestion.tier;
  // Now and then the caseworker proposes, and the official decides, the neighbouring tier.
  const neighbour: Record<Tier, Tier> = { DEEP: "RELATIVE", RELATIVE: "DEEP", ACCIDENT: "RELATIVE" };
  const proposedTier: Tier = suggestedTier === null ? targetTier : chance(0.97) ? suggestedTier : neighbour[suggestedTier];
  data.proposedTier = proposedTier;
  const decided = status === "OPEN" || status === "CLOSED";
  const tier: Tier | null = decided ? (chance(0.97) || suggestedTier === null ? proposedTier : suggestedTier) : null;

  // ── workflow history (filing_event) and timestamps ──
  const { caseworkerId, officialId } = target;
  const events: THousehold["events"] = [];
  const createdAt = clock.at(createdDay);
  events.push({ kind: "CREATED", from: null, to: "DRAFT", actorId: caseworkerId, at: createdAt, note: null });
  const submittedAt = clock.at(submittedDay);
  events.push({ kind: "SUBMITTED", from: "DRAFT", to: "SUBMITTED", actorId: caseworkerId, at: submittedAt, note: null });
  let current: FileStatus = "SUBMITTED";
  let reviewedAt: string | null = null;
  if (reviewedDay !== null) {
    reviewedAt = clock.at(reviewedDay);
    events.push({ kind: "REVIEWED", from: "SUBMITTED", to: "REVIEWED", actorId: officialId, at: reviewedAt, note: "已入户核查，情况属实" });
    current = "REVIEWED";
  }
  if (civilCheckDay !== null && current === "REVIEWED" && publicityStartDay === null) {
    events.push({ kind: "CIVIL_CHECK_RECORDED", from: current, to: current, actorId: officialId, at: clock.at(civilCheckDay), note: null });
  }
  if (publicityStartDay !== null) {
    events.push({ kind: "PUBLICITY_STARTED", from: "REVIEWED", to: "PUBLICITY", actorId: officialId, at: clock.at(publicityStartDay), note: null });
    current = "PUBLICITY";
    if (civilCheckDay !== null) {
      events.push({ kind: "CIVIL_CHECK_RECORDED", from: current, to: current, actorId: officialId, at: clock.at(civilCheckDay), note: null });
    }
  }
  let approvedAt: string | null = null;
  if (approvedDay !== null) {
    approvedAt = clock.at(approvedDay);
    events.push({ kind: "APPROVED", from: "PUBLICITY", to: "OPEN", actorId: officialId, at: approvedAt, note: null });
  }
  // Exits have no workflow event yet (dynamic management comes later); the file just records when it changed.
  const updatedAt = closedDay !== null ? clock.at(closedDay) : events[events.length - 1]!.at;

  return {
    id: uuidv7(),
    target,
    status,
    data,
    householdSize: figures.householdSize,
    perCapitaMonthlyFen: suggestion.perCapitaMonthlyFen,
    suggestedTier,
    proposedTier,
    tier,
    createdAt,
    updatedAt,
    submittedAt,
    reviewedAt,
    homeVisitDate: homeVisitDay === null ? null : isoOf(homeVisitDay),
    publicityStart: publicityStartDay === null ? null : isoOf(publicityStartDay),
    publicityEnd: publicityStartDay === null ? null : isoOf(publicityStartDay + ctx.publicityDays - 1),
    civilCheckDate: civilCheckDay === null ? null : isoOf(civilCheckDay),
    approvedAt,
    version: events.length + (closedDay === null ? 0 : 1),
    approvalYear: approvedAt === null ? null : shanghaiYearOf(approvedAt),
    search: searchColumnsOf(holder.name!),
    events,
  };
}

/** The filing form's values for a household: what a caseworker would have typed (yuan as text). */
function asFormValues(data: TFilingData): TFilingFormValues {
  const y = (fen: number | undefined) => (fen === undefined ? undefined : (fen / 100).toFixed(2));
  return {
    ...data,
    members: data.members.map((m) => ({ ...m, disabilityGrade: m.disabilityGrade })),
    incomes: data.incomes.map((i) => ({ source: i.source, monthlyFen: y(i.monthlyFen) })),
    expenditures: data.expenditures.map((e) => ({ kind: e.kind, annualFen: y(e.annualFen), note: e.note })),
    suddenEventLossFen: y(data.suddenEventLossFen),
  };
}

/** JSON with sorted keys and without undefined members, for comparing documents. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/** Throws unless the document passes the same validation as a real submission and round-trips. */
function assertValidSubmission(h: THousehold) {
  const parsed = ZSubmitFilingData.safeParse(asFormValues(h.data));
  if (!parsed.success) {
    throw new Error(`生成的档案数据未通过提交校验：${JSON.stringify(parsed.error.issues.slice(0, 3))}\n${JSON.stringify(h.data)}`);
  }
  if (canonical(parsed.data) !== canonical(h.data)) {
    throw new Error(`生成的档案数据经校验后发生变化：\n${JSON.stringify(h.data)}\n${JSON.stringify(parsed.data)}`);
  }
}

// ───────────────────────────── writing a batch ─────────────────────────────

// The batch's rows go in by COPY … FROM STDIN in text format (pg-copy-streams): PostgreSQL parses
// each row once, where INSERT … SELECT FROM unnest($1::uuid[], …) parsed 32 array parameters,
// unnested and cast them, and the one backend doing that was the load's bottleneck (≈270 s of the
// households' 383 s at 1M, docs/benchmarks/2026-12-07-seed-5.md). COPY fires the same triggers
// as INSERT: BEFORE-row triggers per row and AFTER-statement triggers with their transition tables
// once per COPY, so as the owner every trigger and foreign key still runs per row.
const COPY_FILES = `COPY household_file (
  id, organisation_id, file_number, status, version, data, holder_name, holder_resident_id, household_size,
  file_level, worker_category, main_cause, secondary_causes, per_capita_monthly_fen, suggested_tier, proposed_tier, tier,
  created_by_id, created_at, updated_at, submitted_by_id, submitted_at, reviewed_by_id, reviewed_at, home_visit_date,
  publicity_start, publicity_end, civil_check_date, civil_check_result, approved_by_id, approved_at, opened_at,
  next_check_due, holder_name_pinyin, holder_name_initials, holder_name_grams, publicity_token
) FROM STDIN`;
const COPY_TIER_DECISIONS = "COPY tier_decision (id, file_id, tier, source, decided_by_id, decided_at) FROM STDIN";
// `holds` and `name` are what the BEFORE-row triggers file_person_set_holds and file_person_set_name
// give them (as the owner the triggers run anyway and set the same values); on the superuser path
// those triggers are skipped, and the load checks the result against them before it commits.
const COPY_PEOPLE = "COPY file_person (file_id, resident_id, is_holder, holds, name) FROM STDIN";
const COPY_EVENTS = "COPY filing_event (file_id, episode, kind, from_status, to_status, actor_id, at, note) FROM STDIN";
const COPY_LOADED = "COPY seed_loaded_file (id) FROM STDIN";

type TCopyValue = string | number | boolean | null | undefined;
const COPY_ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };
/** One value in COPY's text format: \N for NULL; backslash, newline, carriage return and tab escaped. */
function copyValue(value: TCopyValue): string {
  if (value === null || value === undefined) return "\\N";
  if (typeof value === "boolean") return value ? "t" : "f";
  if (typeof value === "number") return String(value);
  return /[\\\n\r\t]/.test(value) ? value.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c]!) : value;
}
const copyLine = (values: readonly TCopyValue[]) => values.map(copyValue).join("\t") + "\n";

/** Sends rows (COPY text lines) into `copy`'s table; resolves once PostgreSQL has taken them all. */
async function copyRows(client: pg.Client, copy: string, lines: string[]): Promise<void> {
  if (!lines.length) return;
  await pipeline(Readable.from([lines.join("")]), client.query(copyFrom(copy)));
}

/** Whether a file's members hold their resident ids (file_status_holds, migration 0008). */
const HOLDING = new Set<FileStatus>(["SUBMITTED", "REVIEWED", "PUBLICITY", "OPEN", "OBSERVATION"]);
// Reserves a block of numbers per organisation and year, exactly as approveFiling advances the
// counter one at a time; the row lock is held until the load commits.
const RESERVE_NUMBERS = `
INSERT INTO file_number_counter (organisation_id, year, last_value)
SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[])
ON CONFLICT (organisation_id, year) DO UPDATE SET last_value = file_number_counter.last_value + EXCLUDED.last_value
RETURNING organisation_id, year, last_value`;

const pgArray = (values: readonly string[]) => `{${values.join(",")}}`;

async function writeBatch(client: pg.Client, batch: THousehold[], tracked: boolean): Promise<{ people: number; events: number }> {
  // File numbers in approval order within each organisation and year.
  const numbered = batch.filter((h) => h.approvalYear !== null).sort((a, b) => a.approvedAt!.localeCompare(b.approvedAt!));
  const groups = new Map<string, THousehold[]>();
  for (const h of numbered) {
    const key = `${h.target.id}|${h.approvalYear}`;
    const group = groups.get(key);
    if (group) group.push(h);
    else groups.set(key, [h]);
  }
  const fileNumbers = new Map<string, string>();
  if (groups.size) {
    const keys = [...groups.keys()].sort(); // a fixed lock order
    const { rows } = await client.query<{ organisation_id: string; year: number; last_value: number }>(RESERVE_NUMBERS, [
      keys.map((k) => k.split("|")[0]),
      keys.map((k) => Number(k.split("|")[1])),
      keys.map((k) => groups.get(k)!.length),
    ]);
    for (const row of rows) {
      const group = groups.get(`${row.organisation_id}|${row.year}`)!;
      const first = row.last_value - group.length + 1;
      group.forEach((h, i) => fileNumbers.set(h.id, `${h.target.code}-${row.year}-${String(first + i).padStart(5, "0")}`));
    }
  }

  const files: string[] = [];
  const decisions: string[] = [];
  const people: string[] = [];
  const events: string[] = [];
  for (const h of batch) {
    const holder = h.data.members[0]!;
    const reviewer = h.reviewedAt ? h.target.officialId : null;
    const approver = h.approvedAt ? h.target.officialId : null;
    files.push(
      copyLine([
        h.id,
        h.target.id,
        fileNumbers.get(h.id) ?? null,
        h.status,
        h.version,
        JSON.stringify(h.data),
        holder.name,
        holder.residentId,
        h.householdSize,
        h.data.fileLevel,
        h.data.workerCategory,
        h.data.mainCause,
        pgArray(h.data.secondaryCauses),
        h.perCapitaMonthlyFen,
        h.suggestedTier,
        h.proposedTier,
        h.tier,
        h.target.caseworkerId,
        h.createdAt,
        h.updatedAt,
        h.target.caseworkerId,
        h.submittedAt,
        reviewer,
        h.reviewedAt,
        h.homeVisitDate,
        h.publicityStart,
        h.publicityEnd,
        h.civilCheckDate,
        h.civilCheckDate === null ? null : "CONSISTENT",
        approver,
        h.approvedAt,
        h.approvedAt,
        // The next re-check spread over the coming quarter, about one in ten already overdue: 100
        // days drawn from the id's random last bits (uuidv7 ends in random bits).
        h.status === "OPEN" ? isoOf(TODAY + (parseInt(h.id.slice(-8), 16) % 100) - 10) : null,
        h.search.holderNamePinyin,
        h.search.holderNameInitials,
        pgArray(h.search.holderNameGrams),
        // What household_file_publicity_token_on_insert gives a file inserted in publicity (it overrides this as the owner).
        h.status === "PUBLICITY" ? randomUUID() : null,
      ]),
    );
    // A time-ordered id (tier_decision's default is gen_random_uuid()): its primary key then grows at the right edge.
    if (h.tier !== null && approver !== null) decisions.push(copyLine([uuidv7(), h.id, h.tier, "FILING", approver, h.approvedAt]));
    const holds = HOLDING.has(h.status);
    h.data.members.forEach((m, i) => people.push(copyLine([h.id, m.residentId, i === 0, holds, (m.name ?? "").replace(/^ +| +$/g, "") || null])));
    for (const e of h.events) events.push(copyLine([h.id, 1, e.kind, e.from, e.to, e.actorId, e.at, e.note]));
  }
  await copyRows(client, COPY_FILES, files);
  await copyRows(client, COPY_TIER_DECISIONS, decisions);
  if (tracked)
    await copyRows(
      client,
      COPY_LOADED,
      batch.map((h) => `${h.id}\n`),
    );
  await copyRows(client, COPY_PEOPLE, people);
  await copyRows(client, COPY_EVENTS, events);
  return { people: people.length, events: events.length };
}

// ───────────────────────────── the superuser path ─────────────────────────────

// The tables the household load writes.
const LOADED_TABLES = ["household_file", "file_person", "filing_event", "tier_decision", "file_number_counter", "audit_event"];
// BEFORE-row triggers whose work the load does itself (COPY_FILES and COPY_PEOPLE write the
// values they would set) or checks set-based after the last batch (the maker–checker rule). As
// the owner they run per row and set the same values.
const DONE_BY_LOADER = new Set(["household_file_publicity_token_on_insert", "file_person_set_holds", "file_person_set_name", "filing_event_not_by_submitter"]);
// AFTER-statement INSERT triggers that keep the report and tally tables: each adds its statement's
// rows to grouped counts, so the same grouped upsert once over all the load's rows leaves the same
// counts (UPKEEP below). At 1M households they cost 500 × (5 upserts over a transition table).
const REDONE_AFTER = new Set([
  "household_file_tally_insert",
  "household_file_report_insert",
  "household_file_report_now_insert",
  "household_file_report_due_insert",
  "filing_event_report_approval",
]);

/**
 * On a superuser connection, the load's transaction runs with `session_replication_role = replica`:
 * no per-row foreign-key probes and no triggers. The INSERT triggers of the loaded tables are
 * either done by the loader (DONE_BY_LOADER, REDONE_AFTER) or, if a later migration adds one the
 * loader does not know, switched to ENABLE ALWAYS for the transaction so it keeps its table as for
 * any insert. Triggers on UPDATE, DELETE or TRUNCATE never fire on this insert-only load. Returns
 * what to undo before COMMIT, or null as the owner (every trigger and check per row, as before).
 */
async function skipRowChecks(load: pg.Client): Promise<{ kept: { tbl: string; name: string }[] } | null> {
  await load.query("SAVEPOINT replica");
  const bypass = await load.query("SET LOCAL session_replication_role = replica").then(
    () => true,
    async () => (await load.query("ROLLBACK TO SAVEPOINT replica"), false),
  );
  if (!bypass) return null;
  const { rows } = await load.query<{ tbl: string; name: string }>(
    `SELECT t.tgrelid::regclass::text AS tbl, t.tgname AS name FROM pg_trigger t
      WHERE t.tgrelid = ANY ($1::regclass[]) AND NOT t.tgisinternal AND t.tgenabled = 'O' AND (t.tgtype & 4) <> 0 ORDER BY 1, 2`,
    [LOADED_TABLES],
  );
  const kept = rows.filter((t) => !DONE_BY_LOADER.has(t.name) && !REDONE_AFTER.has(t.name));
  for (const t of kept) await load.query(`ALTER TABLE ${t.tbl} ENABLE ALWAYS TRIGGER ${t.name}`);
  // The load's files, for the set-based upkeep: exactly these rows, whatever else commits meanwhile.
  await load.query("CREATE TEMP TABLE seed_loaded_file (id uuid NOT NULL) ON COMMIT DROP");
  return { kept };
}

// The REDONE_AFTER triggers' own statements (migrations 0010, 0013, 0018, 0049), with their transition
// tables new_files / new_events as the load's files and those files' events: the same grouped
// upserts, once. The load's files are read once, by a hash join (a lookup per file, as a plan over
// an unanalysed temporary table does, took 50 s at 100,000 files under load), into a narrow
// temporary table the statements then group.
const LOADED_FILES = "seed_new_files";
const UPKEEP_INPUT = [
  "ANALYZE seed_loaded_file",
  `CREATE TEMP TABLE seed_new_files ON COMMIT DROP AS
   SELECT f.id, f.organisation_id, f.status, f.tier, f.file_level, f.worker_category, f.main_cause, f.opened_at, f.approved_at, f.updated_at,
          f.exited_at, f.exit_reason, f.cancel_reason, f.responsible_cadre_id, f.next_check_due
     FROM household_file f WHERE f.id IN (SELECT id FROM seed_loaded_file)`,
  "ANALYZE seed_new_files",
];
const UPKEEP: string[] = [
  // household_file_tally
  `INSERT INTO household_file_tally AS t (organisation_id, status, tier, file_level, worker_category, main_cause, files)
     SELECT organisation_id, status, tier, file_level, worker_category, main_cause, count(*) FROM ${LOADED_FILES} new_files GROUP BY 1, 2, 3, 4, 5, 6
     ON CONFLICT (organisation_id, status, tier, file_level, worker_category, main_cause) DO UPDATE SET files = t.files + EXCLUDED.files`,
  // report_open_delta
  `INSERT INTO report_open_delta (organisation_id, day, tier, file_level, worker_category, main_cause, delta)
     SELECT organisation_id, day, tier, file_level, worker_category, main_cause, sum(delta)::int FROM (
       SELECT organisation_id, report_day(coalesce(opened_at, approved_at, updated_at)) AS day, tier, file_level, worker_category, main_cause, 1 AS delta
         FROM ${LOADED_FILES} new_files WHERE status IN ('OPEN', 'OBSERVATION', 'CLOSED')
       UNION ALL
       SELECT organisation_id, report_day(coalesce(exited_at, updated_at)), tier, file_level, worker_category, main_cause, -1
         FROM ${LOADED_FILES} new_files WHERE status IN ('OBSERVATION', 'CLOSED')
     ) d GROUP BY 1, 2, 3, 4, 5, 6
     ON CONFLICT (organisation_id, day, tier, file_level, worker_category, main_cause) DO UPDATE SET delta = report_open_delta.delta + EXCLUDED.delta`,
  // report_open_month (0062): the months kept so far, again with the deltas above
  "SELECT report_open_month_rebuild()",
  // report_file_event
  `INSERT INTO report_file_event (organisation_id, day, kind, detail, files)
     SELECT organisation_id, day, kind, detail, count(*)::int FROM (
       SELECT organisation_id, report_day(coalesce(opened_at, approved_at, updated_at)) AS day, 'NEW' AS kind, '' AS detail
         FROM ${LOADED_FILES} new_files WHERE status IN ('OPEN', 'OBSERVATION', 'CLOSED')
       UNION ALL
       SELECT organisation_id, report_day(coalesce(exited_at, updated_at)), CASE exit_reason WHEN 'RESOLVED' THEN 'EXIT_RESOLVED' ELSE 'EXIT_CANCELLED' END,
              CASE WHEN exit_reason = 'CANCELLED' THEN coalesce(cancel_reason::text, 'OTHER') ELSE '' END
         FROM ${LOADED_FILES} new_files WHERE exit_reason IS NOT NULL AND status IN ('OBSERVATION', 'CLOSED')
     ) e GROUP BY 1, 2, 3, 4
     ON CONFLICT (organisation_id, day, kind, detail) DO UPDATE SET files = report_file_event.files + EXCLUDED.files`,
  // report_open_now
  `INSERT INTO report_open_now (organisation_id, tier, file_level, worker_category, main_cause, paired, files)
     SELECT organisation_id, tier, file_level, worker_category, main_cause, responsible_cadre_id IS NOT NULL, count(*)::int
       FROM ${LOADED_FILES} new_files WHERE status = 'OPEN' GROUP BY 1, 2, 3, 4, 5, 6
     ON CONFLICT (organisation_id, tier, file_level, worker_category, main_cause, paired) DO UPDATE SET files = report_open_now.files + EXCLUDED.files`,
  // report_recheck_due
  `INSERT INTO report_recheck_due AS r (organisation_id, due, files)
     SELECT organisation_id, next_check_due, count(*)::int FROM ${LOADED_FILES} new_files
      WHERE status = 'OPEN' AND next_check_due IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2
     ON CONFLICT (organisation_id, due) DO UPDATE SET files = r.files + EXCLUDED.files`,
  // report_approval_daily
  `INSERT INTO report_approval_daily AS t (organisation_id, day, approvals, timed, days_sum, after_return)
     SELECT f.organisation_id, a.day, count(*)::int, count(a.days)::int, coalesce(sum(a.days), 0), count(*) FILTER (WHERE a.returned)::int
       FROM report_approval_facts(ARRAY(SELECT DISTINCT e.file_id FROM filing_event e JOIN seed_new_files n ON n.id = e.file_id WHERE e.kind = 'APPROVED')) a
       JOIN seed_new_files f ON f.id = a.file_id
      GROUP BY 1, 2 ORDER BY 1, 2
     ON CONFLICT (organisation_id, day) DO UPDATE
       SET approvals = t.approvals + EXCLUDED.approvals, timed = t.timed + EXCLUDED.timed,
           days_sum = t.days_sum + EXCLUDED.days_sum, after_return = t.after_return + EXCLUDED.after_return`,
];

/**
 * What the skipped per-row checks enforce, checked set-based over the load's files (ids from
 * `firstId` on: uuidv7 keys of this process grow) before COMMIT; any failure rolls all of it back.
 * `sampleIds` (the files re-validated against the submission schema) get the costlier check of
 * file_person.name against the document, as file_person_set_name reads it.
 */
async function checkSkippedRules(load: pg.Client, firstId: string, sampleIds: string[]): Promise<void> {
  // Every foreign key of the loaded tables, as its constraint defines it (MATCH SIMPLE: a NULL
  // column is no reference).
  const { rows: fks } = await load.query<{ tbl: string; name: string; cols: string[]; ref: string; refcols: string[] }>(
    `SELECT c.conrelid::regclass::text AS tbl, c.conname AS name, c.confrelid::regclass::text AS ref,
            ARRAY(SELECT quote_ident(a.attname) FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS cols,
            ARRAY(SELECT quote_ident(a.attname) FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) AS refcols
       FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = ANY ($1::regclass[]) ORDER BY 1, 2`,
    [LOADED_TABLES.filter((t) => t !== "audit_event" && t !== "file_number_counter")],
  );
  for (const fk of fks) {
    const fileKey = fk.tbl === "household_file" ? "id" : "file_id";
    const {
      rows: [bad],
    } = await load.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${fk.tbl} c WHERE c.${fileKey} >= $1::uuid AND ${fk.cols.map((col) => `c.${col} IS NOT NULL`).join(" AND ")}
          AND NOT EXISTS (SELECT 1 FROM ${fk.ref} r WHERE ${fk.cols.map((col, i) => `r.${fk.refcols[i]} = c.${col}`).join(" AND ")})`,
      [firstId],
    );
    if (bad!.n) throw new Error(`校验失败：${bad!.n} 行违反外键 ${fk.name}，已全部回滚。`);
  }
  // filing_event_not_by_submitter: no later step by the file's submitter or the episode's last submitter.
  const {
    rows: [rules],
  } = await load.query<{ submitter: number; holds: number; tokens: number; names: number }>(
    `SELECT
       (SELECT count(*)::int FROM filing_event e
          JOIN household_file f ON f.id = e.file_id
          LEFT JOIN (SELECT DISTINCT ON (file_id, episode) file_id, episode, actor_id FROM filing_event
                      WHERE kind = 'SUBMITTED' AND file_id >= $1::uuid ORDER BY file_id, episode, id DESC) s
            ON s.file_id = e.file_id AND s.episode = e.episode
         WHERE e.file_id >= $1::uuid
           AND e.kind::text IN ('REVIEWED', 'PUBLICITY_STARTED', 'CIVIL_CHECK_RECORDED', 'OBJECTION_RESOLVED', 'APPROVED', 'REJECTED', 'IMPORTED')
           AND (e.actor_id = f.submitted_by_id OR e.actor_id = s.actor_id)) AS submitter,
       (SELECT count(*)::int FROM file_person p JOIN household_file f ON f.id = p.file_id
         WHERE p.file_id >= $1::uuid AND p.holds IS DISTINCT FROM file_status_holds(f.status)) AS holds,
       (SELECT count(*)::int FROM household_file f
         WHERE f.id >= $1::uuid AND (f.status = 'PUBLICITY') IS DISTINCT FROM (f.publicity_token IS NOT NULL)) AS tokens,
       (SELECT count(*)::int FROM file_person p JOIN household_file f ON f.id = p.file_id
         WHERE p.file_id = ANY ($2::uuid[]) AND p.name IS DISTINCT FROM (
           SELECT nullif(btrim(m ->> 'name'), '') FROM jsonb_array_elements(f.data -> 'members') m WHERE m ->> 'residentId' = p.resident_id LIMIT 1)) AS names`,
    [firstId, sampleIds],
  );
  if (rules!.submitter) throw new Error(`校验失败：${rules!.submitter} 条流程记录由提交人本人办理（违反审核分离），已全部回滚。`);
  if (rules!.holds || rules!.tokens || rules!.names) {
    throw new Error(`校验失败：家庭成员 holds ${rules!.holds} 行、公示码 ${rules!.tokens} 户、成员姓名 ${rules!.names} 行与触发器的结果不同，已全部回滚。`);
  }
}

// ───────────────────────────── main ─────────────────────────────

async function loadTargets(client: pg.Client): Promise<(TTarget & { weight: number })[]> {
  const { rows: orgs } = await client.query<TOrg>(
    'SELECT id, code, name, level::text AS level, region_code AS "regionCode", path FROM organisation ORDER BY path',
  );
  const { rows: users } = await client.query<TUser>(
    `SELECT u.id, u.username, u.roles::text[] AS roles, o.path FROM app_user u JOIN organisation o ON o.id = u.organisation_id
     WHERE u.active ORDER BY u.username`,
  );
  // Weights by level; per-union size varies (fixed per code, so reruns keep the same shape).
  const levelWeight: Record<string, number> = { CITY: 0.6, COUNTY: 3, GRASSROOTS: 12 };
  const targets: (TTarget & { weight: number })[] = [];
  for (const org of orgs) {
    const base = levelWeight[org.level];
    if (!base) continue;
    // The nearest caseworker and official whose scope includes this union (ancestor or self).
    const inScope = users.filter((u) => org.path.startsWith(u.path)).sort((a, b) => b.path.length - a.path.length);
    const caseworker = inScope.find((u) => u.roles.includes("CASEWORKER"));
    const official = inScope.find((u) => u.roles.includes("OFFICIAL") && u.id !== caseworker?.id);
    if (!caseworker || !official) continue;
    const city = orgs.find((o) => o.level === "CITY" && org.path.startsWith(o.path));
    const codeRng = makeRng([...org.code].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0, 2166136261));
    targets.push({
      ...org,
      cityRegionCode: city?.regionCode ?? org.regionCode,
      caseworkerId: caseworker.id,
      officialId: official.id,
      migrantUnion: org.name.includes("农民工"),
      // Division codes xx01xx are provincial capitals, which have the most member unions and files.
      weight: base * (0.4 + 1.2 * codeRng()) * (org.regionCode.slice(2, 4) === "01" ? 1.6 : 1),
    });
  }
  return targets;
}

/**
 * The ledger load on a superuser connection, where the loader may skip the per-row foreign-key
 * probes and rule triggers and check them set-based instead (see scripts/seed-ledger.ts): the
 * embedded database's, or SEED_SUPERUSER_URL's for a database given by DATABASE_URL. Without one,
 * as the owner: every check and trigger per row, slower, same rows. `lockHolder` keeps the
 * advisory lock of the load.
 */
async function loadLedgerAsSuperuser(db: Awaited<ReturnType<typeof openDatabase>>, lockHolder: pg.Client) {
  const superuserUrl = db.superuserUrl ?? process.env.SEED_SUPERUSER_URL;
  if (!superuserUrl) return loadLedger(lockHolder, LEDGER_ENTRIES);
  const superuser = new pg.Client({ connectionString: superuserUrl });
  await superuser.connect();
  try {
    await loadLedger(superuser, LEDGER_ENTRIES);
  } finally {
    await superuser.end().catch(() => {});
  }
}

/** The machine and its load average (1, 5, 15 min): timings are only comparable on the same machine at a similar load. */
const machine = () =>
  `${cpus()[0]?.model ?? "?"}，${cpus().length} 核，负载 ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ")}`;

async function main() {
  const started = Date.now();
  console.log(`随机种子：${SEED}（用 --seed ${SEED} 可重现同样的数据）`);
  console.log(`机器：${machine()}`);
  const db = await openDatabase();
  console.log(db.embedded ? `已启动内置 PostgreSQL（${db.dataDir}）。` : "使用 DATABASE_URL 指定的 PostgreSQL。");
  // The bulk seed writes history rows with COPY and runs VACUUM: a maintenance job, as the owner.
  const client = new pg.Client({ connectionString: db.migrationUrl });
  let superuser: pg.Client | null = null;
  try {
    const applied = await applyMigrations(db.migrationUrl);
    if (applied.length) console.log(`已执行数据库迁移：${applied.join("、")}`);
    if (await seedDemoIfEmpty(db.url)) console.log("数据库为空，已填充演示组织和用户。");
    if (HOUSEHOLDS === 0 && LEDGER_ENTRIES === 0) {
      console.log("未指定 --households，不生成档案。示例：npm run seed -- --households 100000 --ledger-entries 1000000");
      return;
    }

    await client.connect();
    if (HOUSEHOLDS === 0) {
      // Ledger loads are serialised among themselves; they may run beside a household seed (they
      // only read household_file, and take the open files as they are when they start).
      await client.query("SELECT pg_advisory_lock(4206014)");
      await loadLedgerAsSuperuser(db, client);
      return;
    }
    // One bulk seed at a time on a database.
    await client.query("SELECT pg_advisory_lock(4206013)");

    const targets = await loadTargets(client);
    if (!targets.length) throw new Error("没有可建档的工会：需要县级或基层工会，且其上级有帮扶干部和另一位审批人。");
    const { rows: dibao } = await client.query<{ region_code: string; monthly_fen: number; effective_from: string; effective_to: string | null }>(
      "SELECT region_code, monthly_fen, effective_from::text, effective_to::text FROM dibao_standard",
    );
    const { rows: params } = await client.query<{ key: string; region_code: string; value: string; effective_from: string; effective_to: string | null }>(
      "SELECT key, region_code, value::text, effective_from::text, effective_to::text FROM policy_parameter",
    );
    const policyRows: TPolicyRows = {
      dibao: dibao.map((d) => ({ regionCode: d.region_code, monthlyFen: d.monthly_fen, effectiveFrom: d.effective_from, effectiveTo: d.effective_to })),
      params: params.map((p) => ({
        key: p.key,
        regionCode: p.region_code,
        value: Number(p.value),
        effectiveFrom: p.effective_from,
        effectiveTo: p.effective_to,
      })),
    };
    const publicityDays = pickParameter(policyRows.params, "PUBLICITY_DAYS", "", todayInShanghai())?.value;
    if (publicityDays === undefined) throw new Error("缺少政策参数 PUBLICITY_DAYS");
    const ctx: TContext = {
      targets: new Weighted(targets.map((t) => [t, t.weight] as const)),
      policy: makePolicyLookup(policyRows),
      publicityDays,
    };

    const loadStarted = Date.now();
    const existing = await client.query<{ resident_id: string }>("SELECT resident_id FROM file_person");
    for (const row of existing.rows) usedIds.add(row.resident_id);
    const {
      rows: [before],
    } = await client.query<{ files: number }>("SELECT count(*)::int AS files FROM household_file");
    console.log(
      `已有档案 ${before!.files.toLocaleString()} 户、身份号码 ${usedIds.size.toLocaleString()} 个（读取 ${Date.now() - loadStarted} ms）。` +
        `建档单位 ${targets.length} 个：${targets.map((t) => t.code).join("、")}`,
    );

    // The whole load is one transaction: all of it or, after a failure or Ctrl-C, none of it.
    // When it at least doubles the files, household_file's non-unique secondary indexes (the
    // archive's keyset and filter indexes, the name-search GIN indexes, …) are dropped inside it
    // and built once at the end: a sort each instead of a random insert per index per file. As the
    // owner the unique indexes stay, and so do file_person's and filing_event's, which the rule
    // triggers look up. On the superuser path no rule trigger looks anything up, so file_person's,
    // filing_event's and tier_decision's go too, and so do the unique indexes that back no
    // constraint (一人一档's file_person_one_active_file and household_file_one_file_per_holder,
    // keyed by random resident ids): DROP INDEX locks the table until COMMIT, so nothing else
    // writes meanwhile, and CREATE UNIQUE INDEX at the end refuses any duplicate, which rolls the
    // whole load back. Primary keys and constraints stay. DDL is transactional: a ROLLBACK brings
    // them back untouched.
    // On a superuser connection (the embedded database's, or SEED_SUPERUSER_URL) the per-row
    // foreign-key probes and four BEFORE-row triggers are skipped and checked set-based at the end
    // (skipRowChecks, checkSkippedRules); as the owner every check runs per row, as before.
    const superuserUrl = db.superuserUrl ?? process.env.SEED_SUPERUSER_URL;
    if (superuserUrl) {
      superuser = new pg.Client({ connectionString: superuserUrl });
      await superuser.connect();
    }
    const load = superuser ?? client;
    // seed_loaded_file (the load's ids, 40 MB at 1M) in memory: only takes before the session's first temporary table.
    await load.query("SET temp_buffers = '256MB'");
    await load.query("BEGIN");
    await load.query("SET LOCAL synchronous_commit = off");
    await load.query("SET LOCAL maintenance_work_mem = '256MB'");
    await load.query("SET LOCAL work_mem = '64MB'");
    const bypass = await skipRowChecks(load);
    console.log(
      bypass
        ? `超级用户连接：跳过逐行外键检查与 ${[...DONE_BY_LOADER].join("、")}（写入时直接给出其结果，提交前整体校验）；` +
            `${[...REDONE_AFTER].join("、")} 不逐批执行，写完后按全部新档案整体更新统计表；照常执行的触发器 ${bypass.kept.length} 个。`
        : "非超级用户连接：外键与触发器逐行执行。",
    );
    const { rows: secondary } =
      HOUSEHOLDS >= before!.files
        ? await load.query<{ name: string; def: string }>(
            `SELECT c.relname AS name, pg_get_indexdef(c.oid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = ANY ($1::regclass[]) AND NOT i.indisprimary AND (NOT i.indisunique OR $2)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid) ORDER BY 1`,
            [bypass ? ["household_file", "file_person", "filing_event", "tier_decision"] : ["household_file"], bypass !== null],
          )
        : { rows: [] as { name: string; def: string }[] };
    for (const index of secondary) await load.query(`DROP INDEX ${index.name}`);
    if (secondary.length)
      console.log(`暂时移除${bypass ? "档案、成员、流程与梯度表" : " household_file "}的二级索引 ${secondary.length} 个（事务内，结束时重建）。`);

    // Approval dates from 2021 to a week ago, sorted so file numbers follow approval order.
    const firstDay = dayOf("2021-01-04");
    const lastDay = TODAY - 7;
    const anchors = Float64Array.from({ length: HOUSEHOLDS }, () => between(firstDay, lastDay)).sort();

    const tally = { status: new Map<string, number>(), tier: new Map<string, number>(), people: 0, events: 0, validated: 0, tierMiss: 0 };
    const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
    let done = 0;
    let generateMs = 0;
    let writeMs = 0;
    let analyzeMs = 0;
    let nextAnalyze = Math.min(BATCH * 2, 10_000);
    // Generating a batch (JavaScript, this process) and writing the previous one (PostgreSQL, its
    // own process) overlap: the generator yields to the event loop every 100 households, so the
    // write's statements go out meanwhile and the two cores work at once. Same order of random
    // draws as one after the other, so a seed still gives the same data.
    let generated = 0;
    let firstId: string | undefined;
    const sampleIds: string[] = [];
    const generate = async (): Promise<THousehold[]> => {
      const size = Math.min(BATCH, HOUSEHOLDS - generated);
      const g0 = Date.now();
      const batch: THousehold[] = [];
      for (let i = 0; i < size; i++) {
        const n = generated + i;
        const h = makeHousehold(ctx, anchors[n]!);
        // Every household of the first batch and one in 500 afterwards goes through the real schema.
        if (n < 200 || n % 500 === 0) {
          assertValidSubmission(h);
          tally.validated++;
          sampleIds.push(h.id);
        }
        firstId ??= h.id;
        batch.push(h);
        if (i % 100 === 99) await new Promise<void>((resolve) => setImmediate(resolve));
      }
      generated += size;
      generateMs += Date.now() - g0;
      return batch;
    };
    const write = async (batch: THousehold[]) => {
      const written = await writeBatch(load, batch, bypass !== null);
      tally.people += written.people;
      tally.events += written.events;
      for (const h of batch) {
        bump(tally.status, h.status);
        if (h.tier) bump(tally.tier, h.tier);
        if (h.suggestedTier !== h.proposedTier) tally.tierMiss++;
      }
      done += batch.length;
    };
    let writing: Promise<void> | null = null;
    while (generated < HOUSEHOLDS || writing) {
      const next = generated < HOUSEHOLDS ? await generate() : null;
      if (writing) {
        const w0 = Date.now();
        await writing;
        writeMs += Date.now() - w0; // time spent waiting for PostgreSQL beyond the generation
        writing = null;
        const seconds = (Date.now() - started) / 1000;
        console.log(
          `  已写入 ${done.toLocaleString()} / ${HOUSEHOLDS.toLocaleString()} 户（${Math.round(done / Math.max(seconds, 0.001)).toLocaleString()} 户/秒）`,
        );
        if (done >= nextAnalyze && done < HOUSEHOLDS) {
          // Fresh statistics each time the tables double: with the counts of an emptier table the
          // planner picks plans for the triggers' lookups that read far too much (a BitmapAnd over
          // every SUBMITTED event per insert slowed this loop to 200 files/s at 40,000 files).
          // ANALYZE reads a fixed sample, so this costs well under a second each time.
          const a = Date.now();
          await load.query("ANALYZE household_file, file_person, filing_event, tier_decision");
          analyzeMs += Date.now() - a;
          nextAnalyze = Math.max(done * 2, nextAnalyze * 2);
        }
      }
      if (next) {
        writing = write(next);
        writing.catch(() => {}); // awaited above; this only keeps a failure from being "unhandled" meanwhile
      }
    }

    await load.query(`INSERT INTO audit_event (action, entity_type, detail) VALUES ('seed.households', 'household_file', $1::jsonb)`, [
      JSON.stringify({ households: HOUSEHOLDS, seed: SEED, people: tally.people }),
    ]);
    const i0 = Date.now();
    const indexTimes: [string, number][] = [];
    for (const index of secondary) {
      const t0 = Date.now();
      await load.query(index.def);
      indexTimes.push([index.name, Date.now() - t0]);
    }
    const indexMs = Date.now() - i0;
    if (indexTimes.length) {
      const slowest = indexTimes.sort((a, b) => b[1] - a[1]).slice(0, 5);
      console.log(`  重建索引 ${indexTimes.length} 个，用时最长的：${slowest.map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} 秒`).join("、")}`);
    }
    const u0 = Date.now();
    if (bypass) for (const text of [...UPKEEP_INPUT, ...UPKEEP]) await load.query(text);
    const upkeepMs = Date.now() - u0;
    const c0 = Date.now();
    if (bypass) {
      await checkSkippedRules(load, firstId!, sampleIds);
      for (const t of bypass.kept) await load.query(`ALTER TABLE ${t.tbl} ENABLE TRIGGER ${t.name}`);
    }
    const checkMs = Date.now() - c0;
    await load.query("COMMIT");
    await superuser?.end();
    superuser = null;
    const a0 = Date.now();
    // What autovacuum would do soon anyway: statistics for the planner, and the visibility map
    // that lets counts run as index-only scans. Without it the first benchmarks after a bulk
    // load measure heap fetches, not the queries.
    await client.query("VACUUM (ANALYZE) organisation, household_file, file_person, filing_event, file_number_counter");
    analyzeMs += Date.now() - a0;

    const {
      rows: [after],
    } = await client.query<{ files: number; people: number; holding: number; counters: number }>(
      `SELECT (SELECT count(*)::int FROM household_file) AS files, (SELECT count(*)::int FROM file_person) AS people,
              (SELECT count(*)::int FROM file_person WHERE holds) AS holding, (SELECT count(*)::int FROM file_number_counter) AS counters`,
    );
    const { rows: sample } = await client.query<{ file_number: string }>(
      "SELECT file_number FROM household_file WHERE file_number IS NOT NULL ORDER BY approved_at DESC LIMIT 3",
    );
    const pct = (m: Map<string, number>, total: number) =>
      [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v.toLocaleString()}（${((100 * v) / total).toFixed(1)}%）`)
        .join("，");
    const decided = [...tally.tier.values()].reduce((a, b) => a + b, 0);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `\n完成：本次新增 ${HOUSEHOLDS.toLocaleString()} 户、家庭成员 ${tally.people.toLocaleString()} 人、流程记录 ${tally.events.toLocaleString()} 条，用时 ${seconds} 秒` +
        `（生成 ${(generateMs / 1000).toFixed(1)} 秒，其后等待写入 ${(writeMs / 1000).toFixed(1)} 秒，` +
        `${secondary.length ? `重建索引 ${(indexMs / 1000).toFixed(1)} 秒，` : ""}${bypass ? `整体更新统计表 ${(upkeepMs / 1000).toFixed(1)} 秒，整体校验 ${(checkMs / 1000).toFixed(1)} 秒，` : ""}` +
        `VACUUM ANALYZE ${(analyzeMs / 1000).toFixed(1)} 秒）。`,
    );
    console.log(`  状态：${pct(tally.status, HOUSEHOLDS)}`);
    console.log(`  审定梯度：${pct(tally.tier, decided)}`);
    console.log(`  建议梯度与申报梯度不同：${tally.tierMiss.toLocaleString()} 户；按提交校验抽查 ${tally.validated.toLocaleString()} 户，全部通过。`);
    console.log(
      `  数据库合计：档案 ${after!.files.toLocaleString()} 户，file_person ${after!.people.toLocaleString()} 行（其中 holds ${after!.holding.toLocaleString()}），档案编号计数器 ${after!.counters} 行。`,
    );
    console.log(`  最近的档案编号：${sample.map((s) => s.file_number).join("、")}`);
    if (LEDGER_ENTRIES > 0) {
      console.log("");
      await client.query("SELECT pg_advisory_lock(4206014)");
      const l0 = Date.now();
      await loadLedgerAsSuperuser(db, client);
      console.log(`\n分段用时：档案 ${(l0 - started) / 1000} 秒，资金台账 ${(Date.now() - l0) / 1000} 秒，合计 ${(Date.now() - started) / 1000} 秒。`);
    }
    const v0 = Date.now();
    const vacuumed = await vacuumLoadedTables(client);
    console.log(`其余写过的表 VACUUM ANALYZE ${vacuumed.length} 张，用时 ${((Date.now() - v0) / 1000).toFixed(1)} 秒。`);
    console.log(`机器：${machine()}`);
  } finally {
    await superuser?.end().catch(() => {});
    await client.end().catch(() => {});
    await db.stop();
  }
}

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
}
