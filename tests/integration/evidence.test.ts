// Guards evidence attachments (证明材料): only PDF, JPEG and PNG by content, within the size limit,
// stored byte for byte with their SHA-256, never orphaned on disk, every read audited, deletion
// only in drafts. The "victim" is a Lanzhou county union's file; the "attacker" is Tianshui's
// caseworker, who must not learn that the file or its evidence exist.
import { createHash, randomUUID } from "node:crypto";
import { deflateSync } from "node:zlib";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { prisma } from "@/lib/db/client";
import { DomainError, ForbiddenError, NotFoundError } from "@/lib/errors/domain-error";
import { deleteEvidence, listEvidence, missingRequiredEvidence, readEvidence, uploadEvidence } from "@/lib/evidence/evidence";
import { sniffContentType } from "@/lib/evidence/storage";
import type { EvidenceKind } from "@/lib/generated/prisma/enums";
import { actorFor, orgByCode, seedDemo } from "../support/factories";

let dir: string;
let caseworker: TActor;
let official: TActor;
let auditor: TActor;
let attacker: TActor;
let organisationId: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "bangfu-evidence-"));
  // storage.ts reads these on every call.
  process.env.EVIDENCE_DIR = dir;
  delete process.env.EVIDENCE_MAX_BYTES;
  await seedDemo();
  caseworker = await actorFor("lz_caseworker");
  official = await actorFor("lz_official");
  auditor = await actorFor("lz_auditor");
  attacker = await actorFor("ts_caseworker");
  organisationId = (await orgByCode("GSLZCG")).id;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const PDF = (size = 64) => bytesWith([...Buffer.from("%PDF-1.7\n")], size);
// Real pictures (evidence images are decoded before they are accepted), a little larger with `size`.
const picture = (size: number) =>
  sharp({ create: { width: 8 + (size % 97), height: 6 + (size % 53), channels: 3, background: { r: size % 256, g: 120, b: 60 } } });
const JPEGS = new Map<number, Uint8Array<ArrayBuffer>>();
const PNGS = new Map<number, Uint8Array<ArrayBuffer>>();
for (const size of [64, 2000, 3000, 4096]) {
  JPEGS.set(size, new Uint8Array(await picture(size).jpeg().toBuffer()));
  PNGS.set(size, new Uint8Array(await picture(size).png().toBuffer()));
}
const JPEG = (size = 64) => new Uint8Array(JPEGS.get(size)!);
const PNG = (size = 64) => new Uint8Array(PNGS.get(size)!);

function bytesWith(head: number[], size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(Math.max(size, head.length));
  bytes.set(head);
  for (let i = head.length; i < bytes.length; i++) bytes[i] = (i * 31) % 251;
  return bytes;
}

const upload = (bytes: Uint8Array<ArrayBuffer>, name: string, type: string) => new File([bytes], name, { type });

async function newDraft() {
  return prisma.householdFile.create({ data: { organisationId, data: {}, createdById: caseworker.userId }, select: { id: true } });
}

let residentCounter = 0;
/** What the database requires of a submitted file (household_file_submitted_complete). */
async function markSubmitted(fileId: string) {
  residentCounter += 1;
  await prisma.householdFile.update({
    where: { id: fileId },
    data: {
      status: "SUBMITTED",
      holderName: "测试户主",
      holderResidentId: `62010219800101${String(residentCounter).padStart(4, "0")}`,
      householdSize: 3,
      fileLevel: "CITY",
      workerCategory: "URBAN",
      mainCause: "ILLNESS",
      proposedTier: "DEEP",
      submittedById: caseworker.userId,
      submittedAt: new Date(),
    },
  });
}

async function markClosed(fileId: string) {
  await markSubmitted(fileId);
  await prisma.householdFile.update({
    where: { id: fileId },
    data: {
      status: "CLOSED",
      fileNumber: `GSLZCG-2026-${String(residentCounter).padStart(5, "0")}`,
      tier: "DEEP",
      civilCheckResult: "CONSISTENT",
      approvedById: official.userId,
      approvedAt: new Date(),
    },
  });
}

/** Every file under the evidence folder, temporary ones included. */
async function storedFiles(): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("sniffContentType", () => {
  it("goes by the first bytes only", () => {
    expect(sniffContentType(PDF())).toBe("application/pdf");
    expect(sniffContentType(JPEG())).toBe("image/jpeg");
    expect(sniffContentType(PNG())).toBe("image/png");
    expect(sniffContentType(new TextEncoder().encode("hello %PDF-"))).toBeNull();
    expect(sniffContentType(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
    expect(sniffContentType(new Uint8Array())).toBeNull();
  });
});

describe("evidence upload", () => {
  it("stores PDF, JPEG and PNG byte for byte with their SHA-256 and an audit row", async () => {
    const file = await newDraft();
    const cases: [Uint8Array<ArrayBuffer>, string, string, EvidenceKind][] = [
      [PDF(5000), "申请书.pdf", "application/pdf", "APPLICATION"],
      [JPEG(3000), "授权书.jpg", "image/jpeg", "AUTHORISATION"],
      [PNG(2000), "诊断证明.png", "image/png", "DIAGNOSIS"],
    ];
    for (const [bytes, name, type, kind] of cases) {
      const { id } = await uploadEvidence(caseworker, { fileId: file.id, kind, file: upload(bytes, name, type) });
      const row = await prisma.evidenceFile.findUniqueOrThrow({ where: { id } });
      expect(row).toMatchObject({
        fileId: file.id,
        kind,
        originalName: name,
        contentType: type,
        sizeBytes: bytes.length,
        sha256: sha256(bytes),
        uploadedById: caseworker.userId,
      });
      expect(row.storageKey).toMatch(/^\d{4}\/\d{2}\/[0-9a-f-]{36}$/);
      expect(new Uint8Array(await readFile(path.join(dir, row.storageKey)))).toEqual(bytes);
      const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "evidence.upload", entityId: id } });
      expect(audit).toMatchObject({ actorId: caseworker.userId, organisationId, entityType: "evidence_file" });
    }
    const listed = await listEvidence(official, file.id);
    expect(listed.map((e) => [e.kind, e.originalName, e.uploadedBy.name])).toEqual([
      ["APPLICATION", "申请书.pdf", "王静"],
      ["AUTHORISATION", "授权书.jpg", "王静"],
      ["DIAGNOSIS", "诊断证明.png", "王静"],
    ]);
    // No temporary file is left beside the stored ones.
    expect((await storedFiles()).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("records what the bytes are, not what the name or the browser says", async () => {
    const file = await newDraft();
    const { id } = await uploadEvidence(caseworker, { fileId: file.id, kind: "OTHER", file: upload(PNG(), "扫描件.pdf", "application/pdf") });
    expect((await prisma.evidenceFile.findUniqueOrThrow({ where: { id } })).contentType).toBe("image/png");
    const read = await readEvidence(caseworker, id);
    expect(read.contentType).toBe("image/png");
    expect(read.originalName).toBe("扫描件.pdf");
  });

  it("keeps only the base name of a path-like file name", async () => {
    const file = await newDraft();
    const { id } = await uploadEvidence(caseworker, {
      fileId: file.id,
      kind: "OTHER",
      file: upload(PDF(), "C:\\fakepath\\..\\收入证明.pdf", "application/pdf"),
    });
    expect((await prisma.evidenceFile.findUniqueOrThrow({ where: { id } })).originalName).toBe("收入证明.pdf");
  });

  it("refuses a text file renamed .pdf, an empty file and one over the limit, each with its own message on the field", async () => {
    const file = await newDraft();
    const before = await storedFiles();
    const text = new TextEncoder().encode("这不是PDF文件，只是改了扩展名。");
    await expect(
      uploadEvidence(caseworker, { fileId: file.id, kind: "INCOME", file: new File([text], "收入证明.pdf", { type: "application/pdf" }) }),
    ).rejects.toMatchObject({
      code: "EVIDENCE_TYPE",
      fieldErrors: { file: expect.stringContaining("PDF、JPG 或 PNG") },
    });
    await expect(
      uploadEvidence(caseworker, { fileId: file.id, kind: "INCOME", file: new File([], "空.pdf", { type: "application/pdf" }) }),
    ).rejects.toMatchObject({
      code: "EVIDENCE_EMPTY",
      fieldErrors: { file: expect.stringContaining("空") },
    });
    process.env.EVIDENCE_MAX_BYTES = String(1024 * 1024);
    try {
      await expect(
        uploadEvidence(caseworker, { fileId: file.id, kind: "INCOME", file: upload(PDF(1024 * 1024 + 1), "大.pdf", "application/pdf") }),
      ).rejects.toMatchObject({
        code: "EVIDENCE_TOO_LARGE",
        fieldErrors: { file: expect.stringContaining("1 MB") },
      });
      // Exactly at the limit is accepted.
      await uploadEvidence(caseworker, { fileId: file.id, kind: "INCOME", file: upload(PDF(1024 * 1024), "刚好.pdf", "application/pdf") });
    } finally {
      delete process.env.EVIDENCE_MAX_BYTES;
    }
    expect(await prisma.evidenceFile.count({ where: { fileId: file.id } })).toBe(1);
    expect((await storedFiles()).length).toBe(before.length + 1);
  });

  it("accepts evidence while the file is in review, refuses it once the file is closed", async () => {
    const submitted = await newDraft();
    await markSubmitted(submitted.id);
    await uploadEvidence(caseworker, { fileId: submitted.id, kind: "OTHER", file: upload(PDF(), "补充材料.pdf", "application/pdf") });

    const closed = await newDraft();
    await markClosed(closed.id);
    const before = await storedFiles();
    await expect(uploadEvidence(caseworker, { fileId: closed.id, kind: "OTHER", file: upload(PDF(), "晚了.pdf", "application/pdf") })).rejects.toMatchObject({
      code: "FILE_CLOSED",
    });
    expect(await storedFiles()).toEqual(before);
  });

  it("leaves no file on disk when the database refuses the row", async () => {
    const file = await newDraft();
    const before = await storedFiles();
    // An invalid kind gets past the types and fails inside the transaction, after the bytes were written.
    await expect(
      uploadEvidence(caseworker, { fileId: file.id, kind: "BOGUS" as EvidenceKind, file: upload(PDF(), "a.pdf", "application/pdf") }),
    ).rejects.toThrow();
    // A file that does not exist is refused before anything is written.
    await expect(uploadEvidence(caseworker, { fileId: randomUUID(), kind: "OTHER", file: upload(PDF(), "b.pdf", "application/pdf") })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await storedFiles()).toEqual(before);
    expect(await prisma.evidenceFile.count({ where: { fileId: file.id } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { action: "evidence.upload", detail: { path: ["fileId"], equals: file.id } } })).toBe(0);
  });

  it("lets only caseworkers upload", async () => {
    const file = await newDraft();
    for (const actor of [auditor, official]) {
      await expect(uploadEvidence(actor, { fileId: file.id, kind: "OTHER", file: upload(PDF(), "a.pdf", "application/pdf") })).rejects.toBeInstanceOf(
        ForbiddenError,
      );
    }
  });
});

describe("evidence across organisations", () => {
  it("does not let another city's caseworker upload to, list, read or delete the evidence", async () => {
    const file = await newDraft();
    const { id } = await uploadEvidence(caseworker, { fileId: file.id, kind: "APPLICATION", file: upload(PDF(), "申请书.pdf", "application/pdf") });
    const before = await storedFiles();
    await expect(uploadEvidence(attacker, { fileId: file.id, kind: "OTHER", file: upload(PDF(), "植入.pdf", "application/pdf") })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(listEvidence(attacker, file.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(readEvidence(attacker, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteEvidence(attacker, { evidenceId: id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(readEvidence(await actorFor("ts_auditor"), id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await storedFiles()).toEqual(before);
    expect(await prisma.evidenceFile.count({ where: { fileId: file.id } })).toBe(1);
    expect(await prisma.auditEvent.count({ where: { entityId: id, actorId: attacker.userId } })).toBe(0);
  });
});

describe("evidence download", () => {
  it("lets an auditor read, and records every read", async () => {
    const file = await newDraft();
    const bytes = JPEG(4096);
    const { id } = await uploadEvidence(caseworker, { fileId: file.id, kind: "DISABILITY", file: upload(bytes, "残疾证.jpg", "image/jpeg") });
    const read = await readEvidence(auditor, id);
    expect(read).toMatchObject({ contentType: "image/jpeg", originalName: "残疾证.jpg" });
    expect(new Uint8Array(read.bytes)).toEqual(bytes);
    const views = await prisma.auditEvent.findMany({ where: { action: "evidence.view", entityId: id } });
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ actorId: auditor.userId, organisationId, entityType: "evidence_file" });
  });

  it("treats malformed and unknown ids as not found", async () => {
    await expect(readEvidence(caseworker, "../../etc/passwd")).rejects.toBeInstanceOf(NotFoundError);
    await expect(readEvidence(caseworker, randomUUID())).rejects.toBeInstanceOf(NotFoundError);
    await expect(listEvidence(caseworker, "not-a-uuid")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("refuses to serve bytes that no longer match their SHA-256", async () => {
    const file = await newDraft();
    const { id } = await uploadEvidence(caseworker, { fileId: file.id, kind: "OTHER", file: upload(PDF(), "a.pdf", "application/pdf") });
    await prisma.evidenceFile.update({ where: { id }, data: { sha256: "0".repeat(64) } });
    await expect(readEvidence(caseworker, id)).rejects.toMatchObject({ code: "EVIDENCE_CORRUPT" });
    expect(await prisma.auditEvent.count({ where: { action: "evidence.view", entityId: id } })).toBe(0);
  });
});

describe("evidence deletion", () => {
  it("deletes a draft's evidence, its bytes and records it", async () => {
    const file = await newDraft();
    const { id } = await uploadEvidence(caseworker, { fileId: file.id, kind: "OTHER", file: upload(PDF(), "传错了.pdf", "application/pdf") });
    const { storageKey } = await prisma.evidenceFile.findUniqueOrThrow({ where: { id } });
    await deleteEvidence(caseworker, { evidenceId: id });
    expect(await prisma.evidenceFile.count({ where: { id } })).toBe(0);
    await expect(readFile(path.join(dir, storageKey))).rejects.toMatchObject({ code: "ENOENT" });
    expect(await prisma.auditEvent.count({ where: { action: "evidence.delete", entityId: id, actorId: caseworker.userId } })).toBe(1);
  });

  it("refuses deletion once the file is submitted, and by anyone but a caseworker", async () => {
    const file = await newDraft();
    const { id } = await uploadEvidence(caseworker, { fileId: file.id, kind: "APPLICATION", file: upload(PDF(), "申请书.pdf", "application/pdf") });
    await expect(deleteEvidence(official, { evidenceId: id })).rejects.toBeInstanceOf(ForbiddenError);
    await markSubmitted(file.id);
    await expect(deleteEvidence(caseworker, { evidenceId: id })).rejects.toMatchObject({ code: "NOT_DELETABLE", message: expect.stringContaining("待初审") });
    const { storageKey } = await prisma.evidenceFile.findUniqueOrThrow({ where: { id } });
    expect((await readFile(path.join(dir, storageKey))).length).toBeGreaterThan(0);
  });

  it("lets exactly one of two simultaneous deletions succeed", async () => {
    const file = await newDraft();
    const { id } = await uploadEvidence(caseworker, { fileId: file.id, kind: "OTHER", file: upload(PDF(), "a.pdf", "application/pdf") });
    const results = await Promise.allSettled([deleteEvidence(caseworker, { evidenceId: id }), deleteEvidence(caseworker, { evidenceId: id })]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(DomainError);
    expect(await prisma.auditEvent.count({ where: { action: "evidence.delete", entityId: id } })).toBe(1);
  });
});

describe("required evidence", () => {
  it("names the required kinds a file still lacks", async () => {
    const file = await newDraft();
    const missing = () => scopedDb(caseworker).$transaction((tx) => missingRequiredEvidence(tx, file.id));
    expect(await missing()).toEqual(["APPLICATION", "AUTHORISATION"]);
    await uploadEvidence(caseworker, { fileId: file.id, kind: "AUTHORISATION", file: upload(PDF(), "授权书.pdf", "application/pdf") });
    await uploadEvidence(caseworker, { fileId: file.id, kind: "DIAGNOSIS", file: upload(PDF(), "诊断.pdf", "application/pdf") });
    expect(await missing()).toEqual(["APPLICATION"]);
    await uploadEvidence(caseworker, { fileId: file.id, kind: "APPLICATION", file: upload(PDF(), "申请书.pdf", "application/pdf") });
    expect(await missing()).toEqual([]);
  });
});

describe("what is stored is what it claims to be", () => {
  const pdfWith = (body: string) => new Uint8Array(Buffer.from(`%PDF-1.7\n1 0 obj\n${body}\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`, "latin1"));
  const refuse = async (bytes: Uint8Array<ArrayBuffer>, name: string, type: string, message: string) => {
    const file = await newDraft();
    const before = await storedFiles();
    await expect(uploadEvidence(caseworker, { fileId: file.id, kind: "OTHER", file: upload(bytes, name, type) })).rejects.toMatchObject({
      code: "EVIDENCE_CONTENT",
      fieldErrors: { file: expect.stringContaining(message) },
    });
    expect(await prisma.evidenceFile.count({ where: { fileId: file.id } })).toBe(0);
    expect(await storedFiles()).toEqual(before);
  };

  it("refuses HTML behind a PNG or JPEG header, and a real picture with HTML appended", async () => {
    const html = Buffer.from("<html><script>alert(document.cookie)</script></html>");
    await refuse(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...html]), "证明.png", "image/png", "不是真正的图片");
    await refuse(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...html]), "证明.jpg", "image/jpeg", "不是真正的图片");
    await refuse(new Uint8Array([...PNG(), ...html]), "证明.png", "image/png", "末尾附带了其他内容");
  });

  it("refuses a PDF with a JavaScript action, also behind #-escaped names or in a compressed object stream", async () => {
    await refuse(pdfWith("<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"), "申请书.pdf", "application/pdf", "JavaScript");
    await refuse(pdfWith("<< /Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> >>"), "申请书.pdf", "application/pdf", "JavaScript");
    const hidden = deflateSync(Buffer.from("<< /Type /Action /S /JavaScript /JS (this.exportDataObject()) >>", "latin1"));
    const objectStream = Buffer.concat([
      Buffer.from("%PDF-1.7\n2 0 obj\n<< /Type /ObjStm /Filter /FlateDecode /Length " + hidden.length + " >>\nstream\n", "latin1"),
      hidden,
      Buffer.from("\nendstream\nendobj\n%%EOF\n", "latin1"),
    ]);
    await refuse(new Uint8Array(objectStream), "申请书.pdf", "application/pdf", "JavaScript");
  });

  it("accepts a plain PDF that opens at its first page", async () => {
    const file = await newDraft();
    const { id } = await uploadEvidence(caseworker, {
      fileId: file.id,
      kind: "OTHER",
      file: upload(pdfWith("<< /Type /Catalog /OpenAction [3 0 R /Fit] >>"), "申请书.pdf", "application/pdf"),
    });
    expect((await prisma.evidenceFile.findUniqueOrThrow({ where: { id } })).contentType).toBe("application/pdf");
  });
});
