// Guards the online application (网上申请, issue 24 §2 and the parts of §4 about it): a stranger's
// application is written only when every part of it is good (the staff draft's schema, a base
// union, the evidence checks, the budgets), with its consent; it waits in its union's queue,
// scoped like files (another city's caseworker finds nothing); of two caseworkers acting at once
// one wins; a conversion makes a draft with every field and the uploads as evidence; and the
// applicant's query answers a wrong number and a wrong code alike, within limits.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPublicAction } from "@/lib/actions/public-action";
import { runPublicUpload } from "@/lib/actions/public-route";
import { POST } from "@/app/api/public/applications/route";
import { isPublicPath } from "@/lib/http/public-path";
import { findWorkbench } from "@/lib/workbench/find-workbench";
import type { TActionResult } from "@/lib/actions/result";
import { acceptApplication } from "@/lib/applications/accept-application";
import { convertApplication } from "@/lib/applications/convert-application";
import { declineApplication } from "@/lib/applications/decline-application";
import { findApplications, getApplication } from "@/lib/applications/find-applications";
import { readApplicationUpload } from "@/lib/applications/read-application-upload";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { listEvidence, readEvidence } from "@/lib/evidence/evidence";
import { saveDraft } from "@/lib/filing/save-filing";
import { ZSaveDraftInput } from "@/lib/filing/schemas";
import { findPublicVisits } from "@/lib/notice/find-filing-notice";
import { APPLICATION_CONSENT_VERSION } from "@/lib/public/application-consent";
import { applicationFormData, applicationFormInput } from "@/lib/public/application-form-data";
import { ZApplicationQueryInput, ZSubmitApplicationInput, ZUnionSearchInput, type TApplicationFormValues } from "@/lib/public/application-schemas";
import { queryApplication } from "@/lib/public/query-application";
import { searchUnions } from "@/lib/public/search-unions";
import { submitApplication, type TSubmittedApplication } from "@/lib/public/submit-application";
import { APPLICATION_UPLOAD_LIMIT } from "@/lib/uploads/limits";
import { applicationValues, pdfBytes, pngBytes } from "../support/application-factory";
import { actorFor, createTestUser, demoActors, orgByCode, seedDemo } from "../support/factories";
import { filingValues } from "../support/filing-factory";

let dir: string;
let lzCaseworker: TActor, lzCaseworker2: TActor, lzOfficial: TActor, lzAuditor: TActor, tsCaseworker: TActor;
let unionId: string;
let ipCounter = 0;
const freshIp = () => `10.39.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;
const NOT_FOUND = "未查到与所填申请编号和查询码相符的申请。请核对提交申请后页面上显示的申请编号和查询码；如仍查不到，请致电所选工会。";
const LIMITED = "查询失败次数过多，已暂停查询。请 24 小时后再试，或致电所选工会。";

type TUploadSpec = { kind: string; bytes: Uint8Array<ArrayBuffer>; name: string };

async function defaultUploads(): Promise<TUploadSpec[]> {
  return [
    { kind: "OTHER", bytes: await pngBytes(1), name: "身份证.png" },
    { kind: "APPLICATION", bytes: pdfBytes(), name: "申请书.pdf" },
  ];
}

/** What the browser sends, through exactly what the route runs (runPublicUpload). */
async function send(values: unknown, uploads?: TUploadSpec[], ip = freshIp()): Promise<{ status: number; body: TActionResult<TSubmittedApplication> }> {
  const files = (uploads ?? (await defaultUploads())).map((u) => ({ kind: u.kind, file: new File([u.bytes], u.name) }));
  const request = new Request("http://localhost/api/public/applications", { method: "POST", body: applicationFormData(values, files) });
  const response = await runPublicUpload(ZSubmitApplicationInput, APPLICATION_UPLOAD_LIMIT, applicationFormInput, submitApplication, request, { ip });
  return { status: response.status, body: (await response.json()) as TActionResult<TSubmittedApplication> };
}

async function apply(overrides: Partial<TApplicationFormValues> = {}, ip = freshIp()) {
  const { body } = await send(applicationValues(unionId, overrides), undefined, ip);
  if (!body.ok) throw new Error(`application refused: ${body.error} ${JSON.stringify(body.fieldErrors)}`);
  const row = await prisma.onlineApplication.findUniqueOrThrow({ where: { number: body.data.number }, select: { id: true, version: true } });
  return { ...body.data, ...row, ip };
}

const ask = (number: string, code: string, ip = freshIp(), floorMs = 0) => queryApplication(ZApplicationQueryInput.parse({ number, code }), { ip, floorMs });

async function counts() {
  const [applications, uploads] = await Promise.all([prisma.onlineApplication.count(), prisma.onlineApplicationUpload.count()]);
  const stored = await readdir(dir, { recursive: true, withFileTypes: true });
  return { applications, uploads, storedFiles: stored.filter((e) => e.isFile()).length };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "bangfu-application-"));
  process.env.EVIDENCE_DIR = dir;
  delete process.env.EVIDENCE_MAX_BYTES;
  await seedDemo();
  ({ lzCaseworker, lzOfficial, lzAuditor, tsCaseworker } = await demoActors());
  lzCaseworker2 = await actorFor((await createTestUser({ orgCode: "GSLZ", roles: ["CASEWORKER"] })).username);
  unionId = (await orgByCode("GSLZCG01")).id;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("sending an application", () => {
  it("is written with its consent, uploads, a number and a code kept only as a hash, and audited with the address", async () => {
    const ip = freshIp();
    const sent = await apply({}, ip);
    expect(sent.number).toMatch(/^SQ[0-9]{6}[2-9A-HJKMNP-Z]{6}$/);
    expect(sent.code).toMatch(/^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/);
    expect(sent.unionName).toBe("兰州市城关区环境卫生管理所工会");
    const row = await prisma.onlineApplication.findUniqueOrThrow({ where: { id: sent.id }, include: { uploads: true } });
    expect(row).toMatchObject({
      status: "SUBMITTED",
      organisationId: unionId,
      holderName: "马秀兰",
      contactPhone: "13809310000",
      consentVersion: APPLICATION_CONSENT_VERSION,
      consentIp: ip,
    });
    expect(row.codeHash).toMatch(/^\$argon2id\$/);
    expect(row.codeHash).not.toContain(sent.code.replace("-", ""));
    expect(row.uploads.map((u) => [u.kind, u.contentType, u.originalName]).sort()).toEqual([
      ["APPLICATION", "application/pdf", "申请书.pdf"],
      ["OTHER", "image/png", "身份证.png"],
    ]);
    // Birth date and sex come from the ID number; money leaves the form as fen.
    const data = row.data as { members: Array<{ birthDate?: string; sex?: string }>; incomes: Array<{ monthlyFen: number }> };
    expect(data.members[0]).toMatchObject({ birthDate: "1975-04-12", sex: "FEMALE" });
    expect(data.incomes[0]!.monthlyFen).toBe(185050);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { entityType: "online_application", entityId: sent.id } });
    expect(audit).toMatchObject({ action: "application.submit", actorId: null, ip, organisationId: unionId });
  });

  it("refuses every bad part in Chinese and writes nothing", async () => {
    const before = await counts();
    const good = applicationValues(unionId);
    const cases: Array<[string, unknown, TUploadSpec[] | undefined, string, string]> = [
      ["no consent", { ...good, consent: false }, undefined, "consent", "请阅读个人信息处理告知并勾选同意，否则不能提交申请"],
      [
        "a wrong ID check character",
        { ...good, members: [{ ...good.members[0], residentId: "62010219750412002X" }] },
        undefined,
        "data.members.0.residentId",
        "校验",
      ],
      ["no phone", { ...good, contactPhone: "" }, undefined, "data.contactPhone", "联系电话"],
      ["no main cause", { ...good, mainCause: "" }, undefined, "data.mainCause", "请选择主要致困原因"],
      [
        "a county union, which takes no files",
        { ...good, organisationId: (await orgByCode("GSLZCG")).id },
        undefined,
        "data.organisationId",
        "请通过查找选择一个基层工会",
      ],
      ["no files", good, [], "uploads", "请至少上传身份证照片和签字的申请书"],
      [
        "a text file named .png",
        good,
        [{ kind: "OTHER", bytes: new Uint8Array(Buffer.from("<html>hello</html>")), name: "身份证.png" }],
        "uploads.0.file",
        "只能上传 PDF、JPG 或 PNG",
      ],
      [
        "a PNG header over HTML",
        good,
        [
          {
            kind: "OTHER",
            bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Buffer.from("<script>alert(1)</script>")]),
            name: "a.png",
          },
        ],
        "uploads.0.file",
        "图片",
      ],
      ["nine files", good, Array.from({ length: 9 }, () => ({ kind: "OTHER", bytes: pdfBytes(), name: "x.pdf" })), "uploads", "最多上传 8 个文件"],
    ];
    for (const [what, values, uploads, field, words] of cases) {
      const { status, body } = await send(values, uploads);
      expect(body.ok, what).toBe(false);
      if (body.ok) continue;
      expect(status, what).toBe(400);
      const key = field === "consent" ? "data.consent" : field;
      expect(body.fieldErrors?.[key], what).toContain(words);
    }
    expect(await counts()).toEqual(before);
  });

  it("refuses a body over the application's budget before reading it, and a body that is not the form", async () => {
    const before = await counts();
    const huge = new Request("http://localhost/api/public/applications", {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=x", "content-length": String(APPLICATION_UPLOAD_LIMIT.maxBytes + 1024 * 1024) },
      body: "--x--",
    });
    const over = await runPublicUpload(ZSubmitApplicationInput, APPLICATION_UPLOAD_LIMIT, applicationFormInput, submitApplication, huge, { ip: freshIp() });
    expect(over.status).toBe(413);
    expect(((await over.json()) as { error: string }).error).toBe("文件超过 30 MB，请压缩照片后再提交。");
    const form = new FormData();
    form.set("data", "{not json");
    const malformed = await runPublicUpload(
      ZSubmitApplicationInput,
      APPLICATION_UPLOAD_LIMIT,
      applicationFormInput,
      submitApplication,
      new Request("http://localhost/api/public/applications", { method: "POST", body: form }),
      { ip: freshIp() },
    );
    expect(malformed.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it("is refused from another site's page (CSRF), and its path is one where proxy.ts drops every cookie", async () => {
    const before = await counts();
    const files = (await defaultUploads()).map((u) => ({ kind: u.kind, file: new File([u.bytes], u.name) }));
    const forged = new Request("http://localhost/api/public/applications", {
      method: "POST",
      headers: { origin: "https://evil.example", host: "localhost" },
      body: applicationFormData(applicationValues(unionId), files),
    });
    const response = await POST(forged);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: string }).error).toBe("请求来自其他网站，已拒绝。请在帮扶系统的页面上操作。");
    expect(await counts()).toEqual(before);
    expect(isPublicPath("/api/public/applications")).toBe(true);
  });

  it("takes at most 5 applications a day from one address and 3 naming one ID number", async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) await apply({}, ip);
    const { body } = await send(applicationValues(unionId), undefined, ip);
    expect(body).toMatchObject({ ok: false, error: "提交次数过多，已暂停网上申请。请 24 小时后再试，或到所在工会当面申请。" });
    const values = applicationValues(unionId);
    for (let i = 0; i < 3; i++) expect((await send(values)).body.ok).toBe(true);
    expect((await send(values)).body).toMatchObject({ ok: false, code: "LIMITED" });
  });
});

describe("choosing the union", () => {
  it("finds base unions only, by part of the name, and budgets the searches of one address", async () => {
    const ip = freshIp();
    const found = await searchUnions(ZUnionSearchInput.parse({ name: "城关" }), { ip });
    expect(found.map((u) => u.name)).toEqual(["兰州市城关区环境卫生管理所工会"]);
    expect(found[0]!.parentName).toBe("城关区总工会");
    // 兰州市总工会 and 城关区总工会 contain 兰州/城关 too but take no files.
    expect((await searchUnions({ name: "总工会" }, { ip })).length).toBe(0);
    expect(ZUnionSearchInput.safeParse({ name: "兰" }).success).toBe(false);
    const result = await runPublicAction(ZUnionSearchInput, searchUnions, { name: "工会" }, { ip: "10.99.0.1" });
    expect(result.ok).toBe(true);
    await prisma.publicAttempt.createMany({
      data: Array.from({ length: 120 }, () => ({ kind: "ORG_SEARCH" as const, ip: "10.99.0.2", subjectKey: "", succeeded: true })),
    });
    const limited = await runPublicAction(ZUnionSearchInput, searchUnions, { name: "工会" }, { ip: "10.99.0.2" });
    expect(limited).toMatchObject({ ok: false, error: "查找次数过多，请 1 小时后再试，或致电所在工会。" });
  });
});

describe("the caseworker's queue", () => {
  it("shows a union's applications to its caseworkers and those above, never to another city; officials and auditors read, only caseworkers act", async () => {
    const sent = await apply();
    const page = await findApplications(lzCaseworker, { tab: "open", page: 1, name: "马秀兰" });
    expect(page.rows.some((r) => r.id === sent.id)).toBe(true);
    expect((await findApplications(lzAuditor, { tab: "open", page: 1 })).rows.some((r) => r.id === sent.id)).toBe(true);
    // Tianshui: another city. The application does not exist for them.
    expect((await findApplications(tsCaseworker, { tab: "open", page: 1 })).rows.some((r) => r.id === sent.id)).toBe(false);
    await expect(getApplication(tsCaseworker, sent.id)).rejects.toThrow("申请不存在，或不在您的管辖范围内。");
    await expect(acceptApplication(tsCaseworker, { applicationId: sent.id, expectedVersion: sent.version })).rejects.toThrow("申请不存在");
    await expect(declineApplication(tsCaseworker, { applicationId: sent.id, expectedVersion: sent.version, reason: "不符合条件" })).rejects.toThrow(
      "申请不存在",
    );
    const upload = await prisma.onlineApplicationUpload.findFirstOrThrow({ where: { applicationId: sent.id } });
    await expect(readApplicationUpload(tsCaseworker, upload.id)).rejects.toThrow("材料不存在");
    await expect(acceptApplication(lzOfficial, { applicationId: sent.id, expectedVersion: sent.version })).rejects.toThrow("您没有权限");
    await expect(convertApplication(lzAuditor, { applicationId: sent.id, expectedVersion: sent.version })).rejects.toThrow("您没有权限");
    expect(await prisma.onlineApplication.findUniqueOrThrow({ where: { id: sent.id }, select: { status: true } })).toEqual({ status: "SUBMITTED" });
    // The caseworker sees the uploads, and the view is audited.
    // The workbench counts what waits (new and accepted) in scope, and nothing in another city's.
    const waiting = (await findWorkbench(lzCaseworker)).sections.flatMap((x) => x.items).find((i) => i.key === "applications");
    expect(waiting).toMatchObject({
      href: "/intake/applications",
      count: await prisma.onlineApplication.count({ where: { status: { in: ["SUBMITTED", "ACCEPTED"] } } }),
    });
    expect(waiting!.count).toBeGreaterThan(0);
    expect((await findWorkbench(tsCaseworker)).sections.flatMap((x) => x.items).find((i) => i.key === "applications")!.count).toBe(0);
    const file = await readApplicationUpload(lzCaseworker, upload.id);
    expect(file.bytes.byteLength).toBe(upload.sizeBytes);
    expect(await prisma.auditEvent.count({ where: { action: "application.upload_view", entityId: sent.id } })).toBe(1);
  });

  it("of two caseworkers accepting at once, one wins; converting before accepting is refused", async () => {
    const sent = await apply();
    await expect(convertApplication(lzCaseworker, { applicationId: sent.id, expectedVersion: sent.version })).rejects.toThrow("请先受理该申请");
    const results = await Promise.allSettled([
      acceptApplication(lzCaseworker, { applicationId: sent.id, expectedVersion: sent.version }),
      acceptApplication(lzCaseworker2, { applicationId: sent.id, expectedVersion: sent.version }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(String(lost.reason.message)).toMatch(/请刷新页面/);
    expect(await prisma.auditEvent.count({ where: { action: "application.accept", entityId: sent.id } })).toBe(1);
  });

  it("of two caseworkers converting at once, one makes the draft; a decline after it is refused", async () => {
    const sent = await apply();
    await acceptApplication(lzCaseworker, { applicationId: sent.id, expectedVersion: sent.version });
    const results = await Promise.allSettled([
      convertApplication(lzCaseworker, { applicationId: sent.id, expectedVersion: sent.version + 1 }),
      convertApplication(lzCaseworker2, { applicationId: sent.id, expectedVersion: sent.version + 1 }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await prisma.householdFile.count({ where: { idempotencyKey: sent.id } })).toBe(1);
    await expect(declineApplication(lzCaseworker, { applicationId: sent.id, expectedVersion: sent.version + 2, reason: "重复申请" })).rejects.toThrow(
      "已转为建档",
    );
    // The loser's copies of the uploads were removed: every stored file has a row.
    const keys = new Set([
      ...(await prisma.evidenceFile.findMany({ select: { storageKey: true } })).map((e) => e.storageKey),
      ...(await prisma.onlineApplicationUpload.findMany({ select: { storageKey: true } })).map((e) => e.storageKey),
    ]);
    expect((await counts()).storedFiles).toBe(keys.size);
  });
});

describe("converting and declining, as the applicant follows it", () => {
  it("已提交 → 受理中 → 已转为建档: a draft with every field, the uploads as evidence, the history on the file", async () => {
    const sent = await apply();
    expect(await ask(sent.number, sent.code)).toMatchObject({
      found: true,
      application: { status: "SUBMITTED", unionName: "兰州市城关区环境卫生管理所工会", fileNumber: null },
    });
    await acceptApplication(lzCaseworker, { applicationId: sent.id, expectedVersion: sent.version });
    expect(await ask(sent.number, sent.code.toLowerCase())).toMatchObject({ found: true, application: { status: "ACCEPTED" } });
    const { fileId, warnings } = await convertApplication(lzCaseworker, { applicationId: sent.id, expectedVersion: sent.version + 1 });
    expect(warnings).toEqual([]);
    const file = await prisma.householdFile.findUniqueOrThrow({ where: { id: fileId }, include: { persons: true } });
    expect(file).toMatchObject({
      status: "DRAFT",
      organisationId: unionId,
      holderName: "马秀兰",
      mainCause: "ILLNESS",
      contactPhone: "13809310000",
      createdById: lzCaseworker.userId,
    });
    const data = file.data as Record<string, unknown>;
    expect(data).toMatchObject({
      workerCategory: "URBAN",
      housing: "RENT",
      holderUnionMember: true,
      needs: "医疗救助",
      incomes: [{ source: "WAGES", monthlyFen: 185050 }],
      expenditures: [{ kind: "MEDICAL", annualFen: 1200000, note: "慢性病门诊自付" }],
    });
    expect((data.members as Array<Record<string, unknown>>).map((m) => [m.name, m.relation, m.birthDate, m.sex, m.health, m.education])).toEqual([
      ["马秀兰", "SELF", "1975-04-12", "FEMALE", "CHRONIC_ILLNESS", "NOT_IN_SCHOOL"],
      ["马小军", "CHILD", "2007-09-01", "MALE", "HEALTHY", "HIGH_SCHOOL"],
    ]);
    expect(file.persons).toHaveLength(2);
    const evidence = await listEvidence(lzCaseworker, fileId);
    expect(evidence.map((e) => [e.kind, e.originalName]).sort()).toEqual([
      ["APPLICATION", "申请书.pdf"],
      ["OTHER", "身份证.png"],
    ]);
    const pdf = evidence.find((e) => e.kind === "APPLICATION")!;
    expect(Buffer.from((await readEvidence(lzCaseworker, pdf.id)).bytes).toString("latin1")).toBe(Buffer.from(pdfBytes()).toString("latin1"));
    // The file's history names the application: sent (with the address), accepted, converted.
    const history = await findPublicVisits(lzCaseworker, fileId);
    expect(history.map((h) => h.action)).toEqual(
      expect.arrayContaining(["application.submit", "application.accept", "application.convert", "application.query"]),
    );
    expect(history.find((h) => h.action === "application.submit")!.ip).toBe(sent.ip);
    expect(await ask(sent.number, sent.code)).toMatchObject({ found: true, application: { status: "CONVERTED", fileNumber: null } });
    // Once approved, the file number is shown.
    await prisma.$executeRaw`UPDATE household_file SET file_number = 'GSLZCG01-2026-9001' WHERE id = ${fileId}::uuid`;
    expect(await ask(sent.number, sent.code)).toMatchObject({ found: true, application: { status: "CONVERTED", fileNumber: "GSLZCG01-2026-9001" } });
  });

  it("tells the caseworker at once when the applicant already has a file elsewhere (一人一档, as for any draft)", async () => {
    const holder = applicationValues(unionId).members[0]!;
    const other = await orgByCode("GSLZXG01");
    await saveDraft(lzCaseworker, ZSaveDraftInput.parse({ data: filingValues(other.id) })); // unrelated draft: holds nobody
    const existing = filingValues(other.id);
    existing.members[0] = { ...existing.members[0]!, name: holder.name, residentId: holder.residentId, birthDate: "1975-04-12", sex: "FEMALE" };
    const { submitNewFiling } = await import("../support/filing-factory");
    await submitNewFiling(lzCaseworker, existing);
    const sent = await apply({ members: [holder] });
    await acceptApplication(lzCaseworker, { applicationId: sent.id, expectedVersion: sent.version });
    const { warnings } = await convertApplication(lzCaseworker, { applicationId: sent.id, expectedVersion: sent.version + 1 });
    expect(warnings.join("")).toContain("马秀兰");
  });

  it("不予受理 shows the caseworker's reason to the applicant; a reason is required", async () => {
    const sent = await apply();
    await expect(declineApplication(lzCaseworker, { applicationId: sent.id, expectedVersion: sent.version, reason: "" })).rejects.toThrow();
    await declineApplication(lzCaseworker, { applicationId: sent.id, expectedVersion: sent.version, reason: "家庭人均收入高于本地困难职工标准" });
    expect(await ask(sent.number, sent.code)).toMatchObject({
      found: true,
      application: { status: "DECLINED", declineReason: "家庭人均收入高于本地困难职工标准" },
    });
    expect(await prisma.auditEvent.count({ where: { action: "application.decline", entityId: sent.id } })).toBe(1);
  });
});

describe("the applicant's query", () => {
  it("answers a wrong code, an unknown number and a right code for another number alike", async () => {
    const a = await apply();
    const b = await apply();
    const answers = [await ask(a.number, b.code), await ask(`SQ${a.number.slice(2, 8)}222222`, a.code), await ask(b.number, a.code)];
    for (const answer of answers) expect(answer).toEqual({ found: false, limited: false, message: NOT_FOUND });
    const right = await ask(a.number, a.code);
    expect(right.found).toBe(true);
    if (right.found) expect(Object.keys(right.application).sort()).toEqual(["declineReason", "fileNumber", "number", "status", "submittedAt", "unionName"]);
    // Format errors say what is wrong with what was typed, and depend on nothing stored.
    expect(ZApplicationQueryInput.safeParse({ number: "SQ1", code: a.code }).success).toBe(false);
  });

  // As tests/integration/public-query.test.ts states it: the floor (80 ms in production) hides the
  // difference in work while the work stays under it; on this shared, loaded machine the test
  // raises the floor to 300 ms to keep that condition. Tolerance: the medians of 7 interleaved
  // answers per case within 25 ms of each other, none under the floor. A refusal (a number over
  // its limit) is padded too, never quicker than the floor; the answer that shows the application is not (decision 024, "Speed"):
  // it says by its content that both matched, so it is answered as soon as it is ready.
  it("takes the same time for a wrong code, no application and a refusal (the answer floor); the found answer is not padded", async () => {
    const a = await apply();
    const refused = await apply();
    for (let i = 0; i < 10; i++) await ask(refused.number, `3333${"23456789AB"[i]}-33333`);
    const cases = {
      wrongCode: (i: number) => [a.number, `2222${"23456789"[i]}-22222`] as const,
      noApplication: (i: number) => [`SQ${a.number.slice(2, 8)}3333${"23456789"[i]}2`, a.code] as const,
      refused: () => [refused.number, refused.code] as const,
    };
    const times: Record<string, number[]> = { wrongCode: [], noApplication: [], refused: [] };
    for (let round = 0; round < 7; round++) {
      for (const [label, input] of Object.entries(cases)) {
        const [number, code] = input(round);
        const started = performance.now();
        const answer = await ask(number, code, freshIp(), 300);
        times[label]!.push(performance.now() - started);
        expect(answer).toEqual(label === "refused" ? { found: false, limited: true, message: LIMITED } : { found: false, limited: false, message: NOT_FOUND });
      }
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[3]!;
    for (const t of Object.values(times).flat()) expect(t).toBeGreaterThanOrEqual(299);
    // The refusal says so in its words (limited), so only the two answers that read alike must also take alike.
    expect(Math.abs(median(times.wrongCode!) - median(times.noApplication!)), JSON.stringify(times)).toBeLessThan(25);
    // The found answer under a floor of 2 s: answered in its own time, far under the floor.
    const started = performance.now();
    expect((await ask(a.number, a.code, freshIp(), 2_000)).found).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("stops after 10 failures on one number, even for the right code, and 30 from one address", async () => {
    const a = await apply();
    for (let i = 0; i < 10; i++) expect((await ask(a.number, "22222-22222")).found).toBe(false);
    expect(await ask(a.number, a.code)).toMatchObject({ found: false, limited: true });
    const ip = freshIp();
    for (let i = 0; i < 30; i++) await ask(`SQ${a.number.slice(2, 8)}${"23456789ABCDEFGHJKMNPQRSTUVWXYZ"[i]}22222`, "22222-22222", ip);
    const b = await apply();
    expect(await ask(b.number, b.code, ip)).toMatchObject({ found: false, limited: true });
    expect((await ask(b.number, b.code)).found).toBe(true);
  });
});
