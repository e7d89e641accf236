// Guards the upload routes (issue 22 §3) against real PostgreSQL: a body over an upload's limit is
// refused with the limit's Chinese words before it is read (declared) or as soon as it passes the
// budget (chunked); a file just over the limit inside the envelope gets the same words from the
// domain function; a multipart body cut short or with a NUL in a file name is a 400 in Chinese;
// none of them writes a row or a byte to disk; and a good upload still lands. runUploadAs is what
// app/api/uploads/*/route.ts run once authedUploadRoute has found the user.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActionResult } from "@/lib/actions/result";
import { runUploadAs } from "@/lib/actions/run-route";
import type { TActor } from "@/lib/auth/actor";
import { uploadRosterFile } from "@/lib/civil/upload-roster";
import { ZUploadRosterInput } from "@/lib/civil/schemas";
import { prisma } from "@/lib/db/client";
import { uploadEvidence } from "@/lib/evidence/evidence";
import { ZUploadEvidenceInput } from "@/lib/evidence/schemas";
import { currentEvidenceUploadLimit } from "@/lib/evidence/storage";
import { startHouseholdImportUpload } from "@/lib/import/run-import";
import { ZUploadHouseholdImportInput } from "@/lib/import/schemas";
import { IMPORT_UPLOAD_LIMIT, ROSTER_UPLOAD_LIMIT } from "@/lib/uploads/limits";
import { actorFor, orgByCode, seedDemo } from "../support/factories";

const MiB = 1024 * 1024;
const MALFORMED = "上传的内容不完整或格式有误，文件未能上传。请重新选择文件后再试；如多次出现，请换一个文件名。";
let dir: string;
let caseworker: TActor;
let fileId: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "bangfu-upload-routes-"));
  process.env.EVIDENCE_DIR = dir;
  delete process.env.EVIDENCE_MAX_BYTES;
  await seedDemo();
  caseworker = await actorFor("lz_caseworker");
  const organisationId = (await orgByCode("GSLZCG")).id;
  fileId = (await prisma.householdFile.create({ data: { organisationId, data: {}, createdById: caseworker.userId }, select: { id: true } })).id;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const URL_ = "http://localhost/api/uploads/evidence";
const BOUNDARY = "----bangfu-route-test";

function pdf(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size).fill(0x20);
  bytes.set(Buffer.from("%PDF-1.7\n"));
  return bytes;
}

function evidenceForm(file: File): FormData {
  const form = new FormData();
  form.set("fileId", fileId);
  form.set("kind", "INCOME");
  form.set("file", file);
  return form;
}

function rawMultipart(fileName: string): Buffer<ArrayBuffer> {
  return Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="fileId"\r\n\r\n${fileId}\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nINCOME\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n    \r\n` +
      `--${BOUNDARY}--\r\n`,
  );
}

/** A body that streams `total` bytes without saying how many (chunked), counting what was read. */
function undeclared(total: number) {
  const counter = { sent: 0 };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (counter.sent >= total) return controller.close();
        const chunk = new Uint8Array(Math.min(64 * 1024, total - counter.sent));
        counter.sent += chunk.length;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { body, counter };
}

async function postEvidence(init: RequestInit) {
  const response = await runUploadAs(
    ZUploadEvidenceInput,
    uploadEvidence,
    caseworker,
    new Request(URL_, { method: "POST", ...init }),
    currentEvidenceUploadLimit(),
  );
  return { status: response.status, result: (await response.json()) as TActionResult<{ id: string }> };
}

async function nothingStored() {
  expect(await prisma.evidenceFile.count({ where: { fileId } })).toBe(0);
  expect((await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile())).toEqual([]);
}

describe("evidence uploads", () => {
  it("refuses a 20 MB body in Chinese, naming the limit", async () => {
    const { status, result } = await postEvidence({ body: evidenceForm(new File([pdf(20 * MiB)], "扫描件.pdf", { type: "application/pdf" })) });
    expect(status).toBe(413);
    expect(result).toMatchObject({
      ok: false,
      error: "文件超过 10 MB，请压缩或拆分后再上传。",
      fieldErrors: { file: "文件超过 10 MB，请压缩或拆分后再上传。" },
    });
    await nothingStored();
  });

  it("stops reading a 13 MB body that does not declare its length soon after 10 MB", async () => {
    const { body, counter } = undeclared(13 * MiB);
    const { status, result } = await postEvidence({
      body,
      headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
      duplex: "half",
    } as RequestInit);
    expect(status).toBe(413);
    expect(result).toMatchObject({ ok: false, error: "文件超过 10 MB，请压缩或拆分后再上传。" });
    expect(counter.sent).toBeLessThan(10 * MiB + 256 * 1024);
    await nothingStored();
  });

  it("refuses a file one byte over the limit inside the envelope with the same words", async () => {
    const { status, result } = await postEvidence({ body: evidenceForm(new File([pdf(10 * MiB + 1)], "大.pdf", { type: "application/pdf" })) });
    expect(status).toBe(400);
    expect(result).toMatchObject({ ok: false, code: "EVIDENCE_TOO_LARGE", fieldErrors: { file: "文件超过 10 MB，请压缩或拆分后再上传。" } });
    await nothingStored();
  });

  it("answers a NUL in the file name, a body cut short, a wrong boundary and a non-multipart body with a 400 in Chinese", async () => {
    const headers = { "content-type": `multipart/form-data; boundary=${BOUNDARY}` };
    for (const init of [
      { body: rawMultipart("收入\u0000证明.pdf"), headers },
      { body: rawMultipart("收入证明.pdf").subarray(0, 200), headers },
      { body: rawMultipart("收入证明.pdf"), headers: { "content-type": "multipart/form-data; boundary=wrong" } },
      { body: "[", headers: { "content-type": "text/plain;charset=UTF-8" } },
    ]) {
      const { status, result } = await postEvidence(init);
      expect(status).toBe(400);
      expect(result).toMatchObject({ ok: false, error: MALFORMED });
    }
    await nothingStored();
  });

  it("stores a good upload, byte for byte, as before", async () => {
    const { status, result } = await postEvidence({
      body: rawMultipart("收入证明.pdf"),
      headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
    });
    expect(status).toBe(200);
    expect(result.ok).toBe(true);
    const row = await prisma.evidenceFile.findFirstOrThrow({ where: { fileId }, select: { originalName: true, sizeBytes: true } });
    expect(row).toEqual({ originalName: "收入证明.pdf", sizeBytes: 13 });
    await prisma.evidenceFile.deleteMany({ where: { fileId } });
  });
});

describe("roster and import uploads", () => {
  it("refuses a body over 30 MB with each upload's own words, writing nothing", async () => {
    const big = () => {
      const form = new FormData();
      form.set("file", new File([new Uint8Array(31 * MiB)], "名单.xlsx"));
      return form;
    };
    const roster = await runUploadAs(ZUploadRosterInput, uploadRosterFile, caseworker, new Request(URL_, { method: "POST", body: big() }), ROSTER_UPLOAD_LIMIT);
    expect(roster.status).toBe(413);
    expect(await roster.json()).toMatchObject({ ok: false, error: "文件超过 30 MB，请按地区分成几个文件分别比对。" });
    const imported = await runUploadAs(
      ZUploadHouseholdImportInput,
      startHouseholdImportUpload,
      caseworker,
      new Request(URL_, { method: "POST", body: big() }),
      IMPORT_UPLOAD_LIMIT,
    );
    expect(imported.status).toBe(413);
    expect(await imported.json()).toMatchObject({ ok: false, error: "文件超过 30 MB，请分成几个工作簿分批导入。" });
    expect(await prisma.civilRosterRun.count()).toBe(0);
    expect(await prisma.householdImport.count()).toBe(0);
  });
});
