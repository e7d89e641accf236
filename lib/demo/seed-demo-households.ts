import "server-only";
// Demo households for a first login: a few dozen per demo city union, in every state a file can
// be in, with visits, plans, payments and a batch. Every record is made by the domain functions a
// user's click would call, as the demo users, so each invariant (一人一档, maker–checker, caps,
// evidence, the append-only ledger, audit rows) holds exactly as in real use.
//
// Runs in a process with the react-server condition (domain code is server-only):
// scripts/seed-demo-households.ts, started by `npm start` after the demo tree is seeded.
import { randomUUID } from "node:crypto";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { isPoolTimeout } from "@/lib/db/contention";
import { decideChange, proposeExit, proposeTransfer, receiveTransfer } from "@/lib/dynamic/changes";
import { addMeasure, recordVisit, setPairing, updateMeasure } from "@/lib/dynamic/pairing";
import { requiredEvidenceKinds, uploadEvidence } from "@/lib/evidence/evidence";
import { EVIDENCE_KIND_LABELS } from "@/lib/filing/labels";
import { saveDraft, submitFiling } from "@/lib/filing/save-filing";
import type { TFilingFormValues } from "@/lib/filing/schemas";
import type { EvidenceKind } from "@/lib/generated/prisma/enums";
import { ZSaveDraftInput, ZSubmitFilingInput } from "@/lib/filing/schemas";
import { approveFiling, recordCivilCheck, reviewFiling, startPublicity } from "@/lib/filing/workflow";
import { addDays, todayInShanghai } from "@/lib/format/datetime";
import { recordBankAccount } from "@/lib/ledger/bank-accounts";
import { approveBatch, createBatch, submitBatch } from "@/lib/ledger/batches";
import { approveDisbursement, recordDisbursement } from "@/lib/ledger/disbursements";
import { ZCreateBatchInput, ZRecordBankAccountInput, ZRecordDisbursementInput } from "@/lib/ledger/schemas";
import { residentIdCheckCharacter } from "@/lib/people/resident-id";

type TState = "DRAFT" | "SUBMITTED" | "REVIEWED" | "PUBLICITY" | "OPEN_DEEP" | "OPEN_RELATIVE" | "OPEN_ACCIDENT" | "OBSERVATION" | "CLOSED" | "TRANSFERRED";

/** How many households of each state per city: 24 each, open files the largest group, as in practice. */
const PLAN: Array<[TState, number]> = [
  ["DRAFT", 2],
  ["SUBMITTED", 2],
  ["REVIEWED", 1],
  ["PUBLICITY", 2],
  ["OPEN_DEEP", 6],
  ["OPEN_RELATIVE", 5],
  ["OPEN_ACCIDENT", 2],
  ["OBSERVATION", 2],
  ["CLOSED", 1],
  ["TRANSFERRED", 1],
];

type TCity = { caseworker: string; official: string; county: string[]; transferTo: string; region: string };

const CITIES: TCity[] = [
  {
    caseworker: "lz_caseworker",
    official: "lz_official",
    county: ["GSLZCG01", "GSLZCG02", "GSLZQLH01", "GSLZXG01", "GSLZXG02"],
    transferTo: "GSTSQZ",
    region: "620102",
  },
  { caseworker: "ts_caseworker", official: "ts_official", county: ["GSTSQZ01", "GSTSQZ02", "GSTSMJ01", "GSTSMJ02"], transferTo: "GSLZCG", region: "620502" },
];

const SURNAMES =
  "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤".split(
    "",
  );
const MALE = ["建国", "志强", "永福", "春生", "国庆", "德明", "海军", "文斌", "振华", "宏伟", "学军", "玉林", "长青", "兴旺", "保平"];
const FEMALE = ["秀英", "桂兰", "玉梅", "春花", "淑珍", "丽娟", "红霞", "海燕", "翠萍", "小芳", "慧敏", "雪梅"];
const CHILD = ["子涵", "浩然", "雨轩", "欣怡", "梓萱", "一诺", "思远", "佳琪"];
const NEEDS = [
  "医疗救助，减轻透析自付费用",
  "子女助学，申请金秋助学金",
  "就业帮扶，推荐公益性岗位",
  "住房困难，协助申请公租房",
  "冬季取暖补助",
  "康复器具与护理补贴",
];
const MEASURES: Array<[string, string, string]> = [
  ["子女上学费用高", "申请金秋助学，联系学校减免住宿费", "区总工会帮扶中心"],
  ["本人失业", "推荐社区公益性岗位，参加技能培训", "社区工会联系人"],
  ["配偶长期治疗", "办理大病医疗互助，协调慈善医疗救助", "市总工会帮扶中心"],
  ["住房漏雨", "联系街道协助维修，申请临时救助", "街道办事处"],
];

/**
 * A one-page PDF naming the document it stands for: a real, well-formed PDF (objects, page,
 * cross-reference table) with no script, as a scanner would produce, so the evidence check and
 * any PDF viewer accept it. The page text is ASCII (built-in Helvetica has no Chinese glyphs).
 */
function demoPdf(title: string): Buffer<ArrayBuffer> {
  const text = `Bangfu demo evidence: ${title}`.replace(/[()\\]/g, "");
  const content = `BT /F1 14 Tf 56 780 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let pdf = "%PDF-1.4\n";
  const offsets = objects.map((body, i) => {
    const at = pdf.length;
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, "latin1");
}

/** What a caseworker would name each scanned document. */
const EVIDENCE_FILE_NAMES: Partial<Record<EvidenceKind, string>> = { APPLICATION: "困难职工建档申请书", AUTHORISATION: "家庭经济状况核对授权书" };

async function actor(username: string): Promise<TActor> {
  const user = await prisma.user.findUniqueOrThrow({ where: { username }, include: { organisation: true } });
  return {
    userId: user.id,
    sessionId: null,
    username: user.username,
    name: user.name,
    roles: user.roles,
    ip: "127.0.0.1",
    organisation: { id: user.organisation.id, name: user.organisation.name, path: user.organisation.path, depth: user.organisation.depth },
  };
}

/** A second official per city for maker–checker (the demo tree has one official per city union). */
async function secondOfficial(cityCode: string, username: string, name: string): Promise<TActor> {
  const org = await prisma.organisation.findUniqueOrThrow({ where: { code: cityCode } });
  const existing = await prisma.user.findUnique({ where: { username } });
  if (!existing) {
    const reference = await prisma.user.findFirstOrThrow({ where: { organisationId: org.id, roles: { has: "OFFICIAL" } } });
    // Same password hash as the other demo users, so the README's password works for this one too.
    await prisma.user.create({ data: { username, name, roles: ["OFFICIAL"], passwordHash: reference.passwordHash, organisationId: org.id } });
  }
  return actor(username);
}

let sequence = 0;
function residentIdFor(region: string, birthDate: string, sex: "MALE" | "FEMALE"): string {
  sequence += 1;
  // The third digit of the sequence code is odd for men, even for women (GB 11643).
  const seq = String((sequence % 49) * 2 + (sex === "MALE" ? 1 : 0) + 100 * Math.floor(sequence / 49))
    .padStart(3, "0")
    .slice(-3);
  const body = `${region}${birthDate.replaceAll("-", "")}${seq}`;
  return body + residentIdCheckCharacter(body);
}

type TFigures = { wage: number; other: number; medical: number; size: 2 | 3 | 4; sudden?: number };

/** Monthly income and yearly costs that land a household in the tier the state asks for (低保 ~715–780 元). */
function figuresFor(state: TState, n: number): TFigures {
  if (state === "OPEN_ACCIDENT") return { wage: 6200 + 100 * (n % 5), other: 0, medical: 3000, size: 3, sudden: 86000 + 1000 * n };
  if (state === "OPEN_RELATIVE" || state === "OBSERVATION" || state === "TRANSFERRED") return { wage: 3100 + 60 * (n % 7), other: 300, medical: 4000, size: 3 };
  return { wage: 1200 + 80 * (n % 6), other: 400, medical: 15000 + 1000 * (n % 4), size: n % 3 === 0 ? 4 : 3 };
}

function householdValues(organisationId: string, city: TCity, state: TState, n: number): TFilingFormValues {
  const surname = SURNAMES[(n * 7 + (city.region === "620102" ? 0 : 3)) % SURNAMES.length]!;
  const spouseSurname = SURNAMES[(n * 11 + 5) % SURNAMES.length]!;
  const holderMale = n % 3 !== 1;
  const holderBirth = `${1968 + (n % 17)}-0${1 + (n % 9)}-${String(10 + (n % 18)).padStart(2, "0")}`;
  const spouseBirth = `${1970 + (n % 15)}-1${n % 3}-0${1 + (n % 8)}`;
  const childBirth = `${2005 + (n % 12)}-0${2 + (n % 7)}-1${n % 9}`;
  const f = figuresFor(state, n);
  const member = (name: string, relation: string, birthDate: string, sex: "MALE" | "FEMALE", extra: Record<string, unknown>) => ({
    name,
    relation,
    residentId: residentIdFor(city.region, birthDate, sex),
    birthDate,
    sex,
    disabilityGrade: "",
    livesInHousehold: true,
    health: "HEALTHY",
    education: "NOT_IN_SCHOOL",
    employment: "EMPLOYED",
    ...extra,
  });
  const members = [
    member(`${surname}${holderMale ? MALE[n % MALE.length] : FEMALE[n % FEMALE.length]}`, "SELF", holderBirth, holderMale ? "MALE" : "FEMALE", {
      health: n % 4 === 0 ? "CHRONIC_ILLNESS" : "HEALTHY",
      employment: n % 5 === 0 ? "UNEMPLOYED" : "EMPLOYED",
    }),
    member(
      `${spouseSurname}${holderMale ? FEMALE[(n + 3) % FEMALE.length] : MALE[(n + 2) % MALE.length]}`,
      "SPOUSE",
      spouseBirth,
      holderMale ? "FEMALE" : "MALE",
      { health: "SERIOUS_ILLNESS", employment: "UNABLE" },
    ),
    member(`${surname}${CHILD[n % CHILD.length]}`, "CHILD", childBirth, n % 2 ? "FEMALE" : "MALE", {
      education: Number(childBirth.slice(0, 4)) > 2012 ? "COMPULSORY" : "HIGH_SCHOOL",
      employment: "NOT_WORKING_AGE",
    }),
  ];
  if (f.size === 4)
    members.push(
      member(`${surname}${MALE[(n + 5) % MALE.length]}`, "PARENT", `${1948 + (n % 8)}-05-2${n % 8}`, "MALE", {
        health: "DISABLED",
        disabilityGrade: String(1 + (n % 4)),
        employment: "RETIRED",
      }),
    );
  return {
    organisationId,
    fileLevel: n % 4 === 0 ? "PROVINCE" : n % 4 === 1 ? "COUNTY" : "CITY",
    workerCategory: n % 3 === 2 ? "MIGRANT" : "URBAN",
    housing: (["RENT", "OWN", "WITH_PARENTS", "PUBLIC_RENTAL"] as const)[n % 4],
    holderUnionMember: true,
    members: members as never,
    incomes: [{ source: "WAGES", monthlyFen: String(f.wage) }, ...(f.other ? [{ source: "OTHER_TRANSFER", monthlyFen: String(f.other) }] : [])] as never,
    expenditures: [{ kind: "MEDICAL", annualFen: String(f.medical), note: "配偶住院及门诊自付" }] as never,
    suddenEvent: !!f.sudden,
    suddenEventNote: f.sudden ? "本人工伤住院手术" : "",
    suddenEventLossFen: f.sudden ? String(f.sudden) : "",
    mainCause: f.sudden ? "ACCIDENT" : n % 3 === 0 ? "EDUCATION" : "ILLNESS",
    secondaryCauses: f.sudden ? [] : n % 3 === 0 ? ["ILLNESS"] : ["EDUCATION"],
    needs: NEEDS[n % NEEDS.length]!,
    proposedTier:
      state === "OPEN_ACCIDENT" ? "ACCIDENT" : state === "OPEN_RELATIVE" || state === "OBSERVATION" || state === "TRANSFERRED" ? "RELATIVE" : "DEEP",
  } as TFilingFormValues;
}

async function version(fileId: string) {
  return (await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId }, select: { version: true } })).version;
}

async function pendingChange(fileId: string) {
  return prisma.changeRequest.findFirstOrThrow({ where: { fileId, status: { in: ["PENDING", "AWAITING_RECEIVER"] } }, select: { id: true, version: true } });
}

/**
 * A step of the workflow retried while the database is too busy to begin its transaction in time
 * (P2028: nothing was written). `npm start` on a loaded machine seeds six households at once, and
 * one such step used to stop the start with 演示家庭档案填充失败.
 */
async function step<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isPoolTimeout(error) || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

/** One household taken through the workflow to `state`. Returns the file id. */
async function household(city: TCity, people: { cw: TActor; official: TActor; official2: TActor; receiver: TActor }, state: TState, n: number, today: string) {
  const { cw, official, official2 } = people;
  const org = await prisma.organisation.findUniqueOrThrow({ where: { code: city.county[n % city.county.length]! }, select: { id: true } });
  const values = householdValues(org.id, city, state, n);
  const draft = await step(async () =>
    saveDraft(cw, ZSaveDraftInput.parse({ data: state === "DRAFT" && n % 2 ? { ...values, proposedTier: "", mainCause: "" } : values })),
  );
  const fileId = draft.fileId;
  if (state === "DRAFT") return fileId;
  // The documents the domain requires for this household (application, authorisation, and what
  // each of its causes of hardship needs under the policy in force), as the evidence panel lists them.
  for (const kind of await requiredEvidenceKinds(cw, fileId)) {
    const name = EVIDENCE_FILE_NAMES[kind] ?? EVIDENCE_KIND_LABELS[kind];
    await step(async () => uploadEvidence(cw, { fileId, kind, file: new File([demoPdf(kind)], `${name}.pdf`, { type: "application/pdf" }) }));
  }
  await step(async () => submitFiling(cw, ZSubmitFilingInput.parse({ fileId, expectedVersion: await version(fileId), data: values })));
  if (state === "SUBMITTED") return fileId;
  // Officials alternate, so both appear in the trail; neither decides a file they submitted.
  const reviewer = n % 2 ? official : official2;
  await step(async () =>
    reviewFiling(reviewer, { fileId, expectedVersion: await version(fileId), homeVisitDate: addDays(today, -20), note: "已入户核查，家庭情况属实" }),
  );
  // The demo shows households filed over the past weeks, but the review is recorded now; publicity
  // may not start before the review's day (CHECK household_file_publicity_after_review), so the
  // review is dated back to when the home visit's paperwork was done, as if entered then.
  await prisma.householdFile.update({ where: { id: fileId }, data: { reviewedAt: new Date(Date.now() - 13 * 86_400_000) } });
  if (state === "REVIEWED") return fileId;
  // Files still in publicity started it yesterday; the others' publicity has run its 5 days.
  await step(async () =>
    startPublicity(reviewer, { fileId, expectedVersion: await version(fileId), startDate: addDays(today, state === "PUBLICITY" ? -1 : -12) }),
  );
  await step(async () =>
    recordCivilCheck(reviewer, {
      fileId,
      expectedVersion: await version(fileId),
      checkDate: addDays(today, -3),
      result: "CONSISTENT",
      note: "民政核对无异常",
    }),
  );
  if (state === "PUBLICITY") return fileId;
  const tier = state === "OPEN_ACCIDENT" ? "ACCIDENT" : state === "OPEN_DEEP" || state === "CLOSED" ? "DEEP" : "RELATIVE";
  await step(async () => approveFiling(n % 2 ? official2 : official, { fileId, expectedVersion: await version(fileId), tier, note: "同意建档" }));

  const file = await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId }, select: { holderName: true } });
  await step(async () =>
    setPairing(cw, {
      fileId,
      expectedVersion: await version(fileId),
      responsibleCadreId: cw.userId,
      contactName: `${file.holderName!.slice(0, 1)}社区主任`,
      contactPhone: `0931-86${String(1000 + n).slice(-4)}`,
    }),
  );
  await step(async () =>
    recordVisit(cw, {
      fileId,
      visitDate: addDays(today, -10 - (n % 7)),
      visitors: `${cw.name}、社区工会主席`,
      findings: "家中生活困难，配偶需长期治疗，子女在校就读，已告知可申请的帮扶政策。",
    }),
  );
  const [need, measure, responsible] = MEASURES[n % MEASURES.length]!;
  const planned = await step(async () => addMeasure(cw, { fileId, need, measure, responsible, dueDate: addDays(today, 30 + n) }));
  if (n % 3 === 0)
    await step(async () => updateMeasure(cw, { measureId: planned.id, expectedVersion: 1, status: "DONE", outcome: "已落实，家庭反映良好" } as never));
  await step(async () =>
    recordBankAccount(
      cw,
      ZRecordBankAccountInput.parse({
        fileId,
        bankName: "中国农业银行兰州分行",
        accountNumber: `6228 4800 ${String(1000 + n).padStart(4, "0")} 5678 90${n % 10}`,
        accountHolder: file.holderName!,
      }),
    ),
  );
  if (n % 2 === 0) {
    const { disbursementId } = (await step(async () =>
      recordDisbursement(
        cw,
        ZRecordDisbursementInput.parse({
          idempotencyKey: randomUUID(),
          fileId,
          aidType: "LIVING",
          fundSource: "CENTRAL_SPECIAL",
          amountFen: "800",
          entryDate: addDays(today, -5),
          purpose: "季度生活救助",
          evidence: "发放签收单",
          studentIndex: "",
          overCapNote: "",
        }),
      ),
    )) as { disbursementId: string };
    await step(async () => approveDisbursement(n % 4 ? official : official2, { disbursementId }));
  }

  if (state === "OBSERVATION" || state === "CLOSED") {
    await step(async () =>
      proposeExit(cw, {
        fileId,
        expectedVersion: await version(fileId),
        exitReason: state === "CLOSED" ? "CANCELLED" : "RESOLVED",
        cancelReason: state === "CLOSED" ? "RETIREMENT" : undefined,
        reason: state === "CLOSED" ? "本人已办理退休，不再符合建档条件" : "连续六个月人均收入高于低保标准两倍",
      } as never),
    );
    const request = await pendingChange(fileId);
    await step(async () => decideChange(official, { requestId: request.id, expectedVersion: request.version, approve: true, comment: "同意" }));
  }
  if (state === "TRANSFERRED") {
    const target = await prisma.organisation.findUniqueOrThrow({ where: { code: city.transferTo }, select: { code: true } });
    await step(async () =>
      proposeTransfer(cw, { fileId, expectedVersion: await version(fileId), targetOrganisationCode: target.code, reason: "本人工作调动，随迁至新单位" }),
    );
    const request = await pendingChange(fileId);
    await step(async () => decideChange(official, { requestId: request.id, expectedVersion: request.version, approve: true, comment: "同意转出" }));
    const awaiting = await pendingChange(fileId);
    await step(async () => receiveTransfer(people.receiver, { requestId: awaiting.id, expectedVersion: awaiting.version, approve: true, comment: "同意接收" }));
  }
  return fileId;
}

/**
 * Fills the demo cities with households; returns how many were made. Does nothing if the demo
 * caseworkers have filed anything yet (so a restart, or a database in use, is left alone).
 */
export async function seedDemoHouseholds(options: { evenIfFiled?: boolean } = {}): Promise<number> {
  // The second officials are made by this seeding alone: their presence means it already ran.
  if (await prisma.user.findUnique({ where: { username: "lz_official2" } })) return 0;
  if (!options.evenIfFiled && (await prisma.householdFile.count({ where: { createdBy: { username: { in: CITIES.map((c) => c.caseworker) } } } })) > 0) return 0;
  const today = todayInShanghai();
  const officials2 = [await secondOfficial("GSLZ", "lz_official2", "孙立华"), await secondOfficial("GSTS", "ts_official2", "何雪松")];
  let made = 0;
  for (const [index, city] of CITIES.entries()) {
    const cw = await actor(city.caseworker);
    const official = await actor(city.official);
    const receiver = await actor(CITIES[(index + 1) % CITIES.length]!.official);
    // Households are independent, so a few go through the workflow at once (each step is its own
    // transaction, as when several caseworkers work side by side).
    const jobs = PLAN.flatMap(([state, count]) => Array.from({ length: count }, () => state)).map((state, i) => ({ state, n: index * 100 + i }));
    for (let i = 0; i < jobs.length; i += 6) {
      await Promise.all(jobs.slice(i, i + 6).map((job) => household(city, { cw, official, official2: officials2[index]!, receiver }, job.state, job.n, today)));
    }
    made += jobs.length;
    // 元旦春节送温暖: a batch over the city's open files, approved by the second official.
    const city_ = await prisma.organisation.findUniqueOrThrow({ where: { id: cw.organisation.id }, select: { id: true } });
    const { batchId } = await createBatch(
      cw,
      ZCreateBatchInput.parse({
        idempotencyKey: randomUUID(),
        name: `${Number(today.slice(0, 4)) + 1} 年元旦春节送温暖`,
        aidType: "WARMTH",
        fundSource: "WARMTH_FUND",
        standardAmountFen: "500",
        entryDate: today,
        purpose: "元旦春节慰问困难职工家庭",
        organisationId: city_.id,
        tiers: [],
        fileLevels: [],
      }),
    );
    const batch = await prisma.disbursementBatch.findUniqueOrThrow({ where: { id: batchId }, select: { version: true } });
    await submitBatch(cw, { batchId, expectedVersion: batch.version });
    if (index === 0) await approveBatch(officials2[index]!, { batchId, expectedVersion: batch.version + 1 });
  }
  return made;
}
