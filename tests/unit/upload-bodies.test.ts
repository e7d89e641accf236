// Guards what a stranger's body can do before any of our code acts on it (issue 22 §3 and §7):
// a body over its budget is refused before it is read or as soon as it passes the budget; a
// multipart body that is cut short, has the wrong boundary or a NUL in a file name is refused;
// a server-action body React's encodeReply would never send ([, {"a":, null, a __proto__
// reference) is refused with a Chinese message; and each upload states its limit in Chinese.
import { describe, expect, it } from "vitest";
import { MALFORMED_UPLOAD, parseMultipart } from "@/lib/http/multipart";
import { readBodyWithin } from "@/lib/http/read-body";
import { ACTION_BODY_TOO_LARGE, actionBodyProblem, isPossibleServerAction, MALFORMED_ACTION_BODY } from "@/lib/http/screen-action-request";
import { evidenceUploadLimit, IMPORT_UPLOAD_LIMIT, ROSTER_UPLOAD_LIMIT } from "@/lib/uploads/limits";

const BOUNDARY = "----bangfu-test";
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;

function multipart(fileName: string, content = "%PDF-1.7\n"): Buffer<ArrayBuffer> {
  return Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nINCOME\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/pdf\r\n\r\n${content}\r\n` +
      `--${BOUNDARY}--\r\n`,
  );
}

/** A body of `chunks` chunks of `size` bytes that counts how many were pulled. */
function countingStream(chunks: number, size: number) {
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (counter.pulled === chunks) return controller.close();
        counter.pulled += 1;
        controller.enqueue(new Uint8Array(size));
      },
    },
    { highWaterMark: 0 },
  ); // pulled only when read, so `pulled` counts what was read
  return { stream, counter };
}

describe("a body read within its budget", () => {
  it("refuses a declared length over the budget without reading a byte", async () => {
    const { stream, counter } = countingStream(100, 1024);
    expect(await readBodyWithin(stream, String(20 * 1024 * 1024), 10 * 1024 * 1024)).toEqual({ ok: false, reason: "too-large" });
    expect(counter.pulled).toBe(0);
  });

  it("stops reading an undeclared body at the first chunk over the budget", async () => {
    const { stream, counter } = countingStream(1000, 1024);
    expect(await readBodyWithin(stream, null, 10 * 1024)).toEqual({ ok: false, reason: "too-large" });
    expect(counter.pulled).toBe(11);
  });

  it("returns a body within the budget whole, the budget itself included", async () => {
    const { stream } = countingStream(10, 1024);
    const read = await readBodyWithin(stream, "10240", 10 * 1024);
    expect(read.ok && read.bytes.length).toBe(10240);
  });
});

describe("a multipart body", () => {
  it("is parsed when it is complete", async () => {
    const form = await parseMultipart(multipart("收入证明.pdf"), MULTIPART);
    expect(form?.get("kind")).toBe("INCOME");
    expect((form?.get("file") as File).name).toBe("收入证明.pdf");
  });

  it("is refused with a NUL in a file name, cut short, with the wrong or no boundary", async () => {
    expect(await parseMultipart(multipart("a\u0000b.pdf"), MULTIPART)).toBeNull();
    expect(await parseMultipart(multipart("a.pdf").subarray(0, 120), MULTIPART)).toBeNull();
    expect(await parseMultipart(multipart("a.pdf"), "multipart/form-data; boundary=other")).toBeNull();
    expect(await parseMultipart(multipart("a.pdf"), "multipart/form-data")).toBeNull();
    expect(await parseMultipart(Buffer.from("[1]"), "text/plain;charset=UTF-8")).toBeNull();
  });
});

describe("a server-action body", () => {
  const json = { "content-type": "text/plain;charset=UTF-8", "next-action": "7f00" };

  it("is refused when encodeReply could not have sent it", async () => {
    for (const body of ["[", '{"a":', "null", '{"a":1}', '["$1:__proto__:then"]', '[{"__proto__":{"polluted":true}}]', '["$1:constructor:constructor"]']) {
      expect(await actionBodyProblem(json, Buffer.from(body)), body).toBe(MALFORMED_ACTION_BODY);
    }
    expect(MALFORMED_ACTION_BODY).toBe("提交的内容格式有误，未能处理。请刷新页面后重试。");
    expect(ACTION_BODY_TOO_LARGE).toBe("提交的内容太大（超过 4 MB），未能处理。上传文件请使用页面上的上传按钮。");
  });

  it("passes what the app's forms send, a user's text starting with $ included", async () => {
    expect(await actionBodyProblem(json, Buffer.from('[{"fileId":"a","note":"$$100 元"}]'))).toBeNull();
    expect(await actionBodyProblem(json, Buffer.from("[]"))).toBeNull();
    expect(await actionBodyProblem(json, Buffer.from('["$K1"]'))).toBeNull();
  });

  it("refuses a malformed multipart body, passes a good one", async () => {
    const headers = { "content-type": MULTIPART, "next-action": "7f00" };
    expect(await actionBodyProblem(headers, multipart("a\u0000b.pdf"))).toBe(MALFORMED_UPLOAD);
    expect(await actionBodyProblem(headers, multipart("a.pdf").subarray(0, 120))).toBe(MALFORMED_UPLOAD);
    expect(await actionBodyProblem(headers, multipart("a.pdf"))).toBeNull();
  });

  it("is screened when Next.js would run it as an action, never for routes under /api", () => {
    expect(isPossibleServerAction("POST", "/files/1/edit", { "next-action": "7f00", "content-type": "text/plain;charset=UTF-8" })).toBe(true);
    expect(isPossibleServerAction("POST", "/", { "content-type": MULTIPART })).toBe(true);
    expect(isPossibleServerAction("POST", "/", { "content-type": "application/x-www-form-urlencoded" })).toBe(true);
    expect(isPossibleServerAction("GET", "/", { "next-action": "7f00" })).toBe(false);
    expect(isPossibleServerAction("POST", "/api/uploads/evidence", { "content-type": MULTIPART })).toBe(false);
    expect(isPossibleServerAction("POST", "/api/auth/callback/credentials", { "content-type": "application/x-www-form-urlencoded" })).toBe(false);
  });
});

describe("the upload limits, in Chinese", () => {
  it("states each upload's limit beside its field and in its refusal", () => {
    expect(evidenceUploadLimit(10 * 1024 * 1024)).toEqual({
      maxBytes: 10485760,
      hint: "PDF、JPG 或 PNG，不超过 10 MB",
      tooLarge: "文件超过 10 MB，请压缩或拆分后再上传。",
    });
    expect(evidenceUploadLimit(1536 * 1024).hint).toBe("PDF、JPG 或 PNG，不超过 1.5 MB");
    expect(ROSTER_UPLOAD_LIMIT).toEqual({
      maxBytes: 31457280,
      hint: "Excel 工作簿（.xlsx）或 CSV 文件，不超过 30 MB",
      tooLarge: "文件超过 30 MB，请按地区分成几个文件分别比对。",
    });
    expect(IMPORT_UPLOAD_LIMIT).toEqual({
      maxBytes: 31457280,
      hint: "Excel 工作簿（.xlsx），不超过 30 MB",
      tooLarge: "文件超过 30 MB，请分成几个工作簿分批导入。",
    });
  });
});
