// Guards the audit trail an auditor reads: objects by their names, IPv4 addresses, details in
// words and yuan, and the filters (person, action group, a file's whole history, organisation).
import { beforeAll, describe, expect, it } from "vitest";
import { exportAuditTrail, findAuditEvents } from "@/lib/audit/find-audit-trail";
import { execSync } from "node:child_process";
import path from "node:path";
import { auditActionLabel } from "@/lib/audit/labels";
import { recordAudit } from "@/lib/audit/record-audit";
import { ACTION_GROUP_LABELS, displayIp, ENTITY_TYPE_LABELS, formatAuditDetail } from "@/lib/audit/readable";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { reviewFiling } from "@/lib/filing/workflow";
import { todayInShanghai } from "@/lib/format/datetime";
import { recordBankAccount } from "@/lib/ledger/bank-accounts";
import { ZRecordBankAccountInput } from "@/lib/ledger/schemas";
import { createOrganisation } from "@/lib/organisations/organisations";
import { actorFor, orgByCode, seedDemo } from "../support/factories";
import { filingValues, submitNewFiling } from "../support/filing-factory";

let caseworker: TActor;
let official: TActor;
let auditor: TActor;
let fileId: string;

beforeAll(async () => {
  await seedDemo();
  caseworker = { ...(await actorFor("lz_caseworker")), ip: "::ffff:10.20.30.40" };
  official = await actorFor("lz_official");
  auditor = await actorFor("lz_auditor");
  const county = await orgByCode("GSLZQLH");
  ({ fileId } = await submitNewFiling(caseworker, filingValues(county.id)));
  const { version } = await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId }, select: { version: true } });
  await reviewFiling(official, { fileId, expectedVersion: version, homeVisitDate: todayInShanghai(), note: "属实" });
  await recordBankAccount(
    caseworker,
    ZRecordBankAccountInput.parse({ fileId, bankName: "中国农业银行兰州分行", accountNumber: "6228 4800 1234 5678 901", accountHolder: "张建华" }),
  );
  await createOrganisation(await actorFor("lz_admin"), {
    parentId: (await orgByCode("GSLZXG")).id,
    name: "西固区物流行业工会",
    code: "GSLZXG07",
    level: "GRASSROOTS",
    regionCode: "620104",
  });
});

describe("audit trail in words", () => {
  it("names each object, shows IPv4 addresses and no internal codes", async () => {
    const { rows } = await findAuditEvents(auditor, { page: 1 });
    const submitted = rows.find((r) => r.action === "filing.submit")!;
    expect(submitted).toMatchObject({
      actionLabel: "提交建档申请",
      ip: "10.20.30.40",
      subject: { type: "困难职工档案", name: "张建华家庭（草稿）", href: `/files/${fileId}`, fileId },
    });
    const account = rows.find((r) => r.action === "ledger.record-bank-account")!;
    expect(account.subject).toMatchObject({ type: "银行账户", name: expect.stringContaining("张建华家庭"), fileId });
    expect(account.detail).toMatch(/^开户行：中国农业银行兰州分行；账号：6228.*901$/);
    const org = rows.find((r) => r.action === "organisation.create")!;
    // An auditor may open organisations, not the user administration.
    expect(org.subject).toMatchObject({ type: "组织", name: "西固区物流行业工会", href: expect.stringMatching(/^\/orgs\//) });
  });

  it("filters by a file's whole history, by person, by action group and by organisation", async () => {
    const history = await findAuditEvents(auditor, { page: 1, fileId });
    expect(history.rows.map((r) => r.action).sort()).toEqual(["filing.create", "filing.reviewed", "filing.submit", "ledger.record-bank-account"].sort());
    const byOfficial = await findAuditEvents(auditor, { page: 1, actorId: official.userId });
    expect(byOfficial.rows.map((r) => r.action)).toEqual(["filing.reviewed"]);
    const ledger = await findAuditEvents(auditor, { page: 1, group: "ledger" });
    expect(ledger.rows.map((r) => r.action)).toEqual(["ledger.record-bank-account"]);
    const qilihe = await findAuditEvents(auditor, { page: 1, organisationId: (await orgByCode("GSLZQLH")).id });
    expect(new Set(qilihe.rows.map((r) => r.subject.fileId))).toEqual(new Set([fileId]));
    const xigu = await findAuditEvents(auditor, { page: 1, organisationId: (await orgByCode("GSLZXG")).id });
    expect(xigu.rows.map((r) => r.action)).toEqual(["organisation.create"]);
    // Another city's organisation matches nothing rather than being ignored.
    expect((await findAuditEvents(auditor, { page: 1, organisationId: (await orgByCode("GSTS")).id })).total).toBe(0);
    // Another city's auditor sees none of this file's history.
    expect((await findAuditEvents(await actorFor("ts_auditor"), { page: 1, fileId })).total).toBe(0);
  });

  it("exports the same words, with Chinese object types and readable details", async () => {
    const rows: unknown[][] = [];
    for await (const row of exportAuditTrail(auditor, { kind: "events", fileId })) rows.push(["", ...row.cells]);
    const submitted = rows.find((r) => r[2] === "提交建档申请")!;
    expect(submitted.slice(1)).toEqual([
      "王静（lz_caseworker，兰州市总工会）",
      "提交建档申请",
      "困难职工档案",
      "张建华家庭（草稿）",
      "七里河区总工会",
      "10.20.30.40",
      "",
    ]);
    expect(rows.find((r) => r[2] === "初审通过")![7]).toBe("说明：属实");
    expect(rows.flat().join(" ")).not.toMatch(/household_file|filing\.|::ffff:/);
  });
});

describe("who acted and on what, for every row in the reader's scope (issue 26)", () => {
  it("names a province official who acted on the city's file, with their union, and a later object by its household", async () => {
    const county = await orgByCode("GSLZQLH");
    const second = await submitNewFiling(caseworker, filingValues(county.id));
    const { version } = await prisma.householdFile.findUniqueOrThrow({ where: { id: second.fileId }, select: { version: true } });
    await reviewFiling(await actorFor("gs_official"), {
      fileId: second.fileId,
      expectedVersion: version,
      homeVisitDate: todayInShanghai(),
      note: "省总抽查属实",
    });
    const warning = await prisma.hardshipWarning.create({
      data: { fileId: second.fileId, rule: "LOW_INCOME", sourceKey: "test", reason: "收入低于预警线", facts: {}, raisedOn: new Date() },
    });
    await recordAudit(
      prisma,
      { userId: null as unknown as string, ip: null as unknown as string },
      { action: "warning.dismiss", entityType: "hardship_warning", entityId: warning.id, organisationId: county.id },
    );

    const { rows } = await findAuditEvents(auditor, { page: 1, fileId: second.fileId });
    const reviewed = rows.find((r) => r.action === "filing.reviewed")!;
    expect(reviewed.actor).toEqual({ id: expect.any(String), name: "何建军", username: "gs_official", organisationName: "甘肃省总工会" });
    const all = await findAuditEvents(auditor, { page: 1 });
    const dismissed = all.rows.find((r) => r.action === "warning.dismiss")!;
    expect(dismissed).toMatchObject({
      actionLabel: "返困预警：排除",
      actor: null,
      actorNote: "系统（定时任务）",
      subject: { type: "返困预警", name: expect.stringMatching(/^张建华家庭（.*） · 收入低于预警线$/), fileId: second.fileId },
    });
    for (const r of all.rows) {
      expect(r.subject.type, r.action).not.toBe("其他");
      expect(r.subject.name, r.action).not.toBe("（已删除或已不在管辖范围内）");
      expect(r.actionLabel, r.action).not.toBe(r.action);
    }

    const cells: string[][] = [];
    for await (const row of exportAuditTrail(auditor, { kind: "events", fileId: second.fileId })) cells.push(row.cells.map(String));
    expect(cells.find((c) => c[1] === "初审通过")![0]).toBe("何建军（gs_official，甘肃省总工会）");
  });

  it("has words for every object type and action group the code records", () => {
    const source = execSync("grep -rhoE 'entityType: \"[a-z_]+\"' lib", { cwd: path.resolve(import.meta.dirname, "../.."), encoding: "utf8" });
    const types = [...new Set([...source.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]!))];
    expect(types.length).toBeGreaterThan(20);
    expect(types.filter((t) => !(t in ENTITY_TYPE_LABELS))).toEqual([]);
    const actions = execSync("grep -rhoE 'action: \"[a-z]+\\.[a-z_.-]+\"' lib", { cwd: path.resolve(import.meta.dirname, "../.."), encoding: "utf8" });
    const groups = [...new Set([...actions.matchAll(/"([a-z]+)\./g)].map((m) => m[1]!))];
    expect(groups.filter((g) => !(g in ACTION_GROUP_LABELS))).toEqual([]);
    expect([...actions.matchAll(/"([a-z]+\.[a-z_.-]+)"/g)].map((m) => m[1]!).filter((a) => auditActionLabel(a) === a)).toEqual([]);
  });
});

describe("readable details", () => {
  it("shows amounts in yuan and labels instead of codes, and leaves ids out", () => {
    expect(formatAuditDetail({ fileId: "x", aidType: "WARMTH", fundSource: "WARMTH_FUND", amountFen: 50000 })).toBe(
      "救助类型：送温暖；资金来源：送温暖资金；金额：¥500.00",
    );
    expect(formatAuditDetail({ username: "new_worker", roles: ["CASEWORKER", "OFFICIAL"] })).toBe("用户名：new_worker；角色：帮扶干部、审批人");
    expect(displayIp("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(displayIp("2001:db8::1")).toBe("2001:db8::1");
  });
});
