// Guards uploads and malformed bodies end to end (issue 22 §3 and §7), against the built app behind
// scripts/serve.ts: every upload field states its limit in Chinese; a file over it is refused in the
// browser as soon as it is chosen, nothing is sent and "正在上传……" never shows beside the error;
// the server refuses the same bytes sent around the browser with the same words; a multipart body
// with a NUL in a file name or cut short, and the four raw bodies `[`, `{"a":`, `null` and a
// __proto__ reference sent to a server action, get a 400 in Chinese, never a 500; the server keeps
// answering and an ordinary action still works; and a failed page is shown in Chinese.
import { writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import type { Page, Request } from "@playwright/test";
import { createUser, expect, loginAs, screenshot, sql, test } from "./support/fixtures";

const MiB = 1024 * 1024;
const MALFORMED_UPLOAD = "上传的内容不完整或格式有误，文件未能上传。请重新选择文件后再试；如多次出现，请换一个文件名。";
const MALFORMED_ACTION = "提交的内容格式有误，未能处理。请刷新页面后重试。";

/** A file of `bytes` bytes on disk (setInputFiles streams it), starting with `head`. */
async function fileOf(name: string, bytes: number, head = "%PDF-1.7\n"): Promise<string> {
  const content = Buffer.alloc(bytes, 0x20);
  content.write(head);
  const path = test.info().outputPath(name);
  await writeFile(path, content);
  return path;
}

/** Every upload POST the page sends from now on. */
function uploadsSent(page: Page): Request[] {
  const sent: Request[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && r.url().includes("/api/uploads/")) sent.push(r);
  });
  return sent;
}

async function newCaseworkerPage(browser: import("@playwright/test").Browser) {
  const user = await createUser({ orgCode: "GSLZCG", roles: ["CASEWORKER"] });
  const context = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  await loginAs(context, user.username);
  return { user, page: await context.newPage() };
}

/** Saves a draft through the intake form, capturing the server action's request on the way. */
async function draftWithCapturedAction(page: Page, holderName: string) {
  await page.goto("/intake/new");
  await page.getByTestId("member-0").getByLabel("姓名").fill(holderName);
  const requestPromise = page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]);
  await page.getByRole("button", { name: "保存草稿" }).click();
  const request = await requestPromise;
  // The action went through serve.ts's screening and did its work.
  await expect(page).toHaveURL(/\/files\/[0-9a-f-]+\/edit\?saved=1/);
  return { fileId: page.url().match(/files\/([0-9a-f-]+)\//)![1]!, action: request };
}

test("evidence over 10 MB is refused in the browser before sending, and by the server around it", async ({ browser }) => {
  test.slow();
  const { page } = await newCaseworkerPage(browser);
  const { fileId } = await draftWithCapturedAction(page, `上传测试${Date.now() % 10000}`);
  const field = page.getByLabel("文件", { exact: true });
  await expect(page.getByText("PDF、JPG 或 PNG，不超过 10 MB")).toBeVisible();
  await screenshot(page, "uploads-evidence-hint");
  const sent = uploadsSent(page);

  await page.getByLabel("材料类别").selectOption({ label: "申请书" });
  for (const size of [20, 13]) {
    await field.setInputFiles(await fileOf(`扫描件-${size}MB.pdf`, size * MiB));
    await expect(page.getByText("文件超过 10 MB，请压缩或拆分后再上传。")).toBeVisible();
    await page.getByRole("button", { name: "上传" }).click();
    await expect(page.getByText("文件超过 10 MB，请压缩或拆分后再上传。")).toBeVisible();
    await expect(page.getByText("正在上传……")).toHaveCount(0);
    await expect(page.getByText("请选择要上传的文件")).toHaveCount(0);
  }
  await screenshot(page, "uploads-evidence-too-large");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "uploads-evidence-too-large-390");
  await page.setViewportSize({ width: 1280, height: 800 });
  expect(sent).toEqual([]);

  // The page still works: a file within the limit goes up.
  await field.setInputFiles({ name: "申请书.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.7\n% bangfu\n") });
  await expect(page.getByText("文件超过 10 MB")).toHaveCount(0);
  await page.getByRole("button", { name: "上传" }).click();
  await expect(page.getByRole("link", { name: "申请书.pdf" })).toBeVisible();
  expect(sent).toHaveLength(1);

  // The same bytes sent around the browser: refused with the same words, nothing written.
  for (const size of [20, 13]) {
    const response = await page.request.post("/api/uploads/evidence", {
      multipart: { fileId, kind: "INCOME", file: { name: `绕过-${size}MB.pdf`, mimeType: "application/pdf", buffer: Buffer.alloc(size * MiB, 0x25) } },
    });
    expect(response.status()).toBe(413);
    expect(await response.json()).toMatchObject({ ok: false, error: "文件超过 10 MB，请压缩或拆分后再上传。" });
  }
  expect(await sql("SELECT original_name FROM evidence_file WHERE file_id = $1", [fileId])).toEqual([{ original_name: "申请书.pdf" }]);
});

test("a malformed upload body gets a 400 in Chinese, never a 500, and the server keeps answering", async ({ browser }) => {
  const { page } = await newCaseworkerPage(browser);
  const { fileId } = await draftWithCapturedAction(page, `畸形测试${Date.now() % 10000}`);
  const boundary = "----bangfu-e2e";
  const body = (fileName: string) =>
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="fileId"\r\n\r\n${fileId}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nINCOME\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n\r\n--${boundary}--\r\n`,
    );
  const headers = { "content-type": `multipart/form-data; boundary=${boundary}` };
  for (const data of [body("收入\u0000证明.pdf"), body("收入证明.pdf").subarray(0, 150)]) {
    const response = await page.request.post("/api/uploads/evidence", { headers, data });
    expect(response.status()).toBe(400);
    expect(await response.json()).toMatchObject({ ok: false, error: MALFORMED_UPLOAD });
  }
  expect(await sql("SELECT 1 FROM evidence_file WHERE file_id = $1", [fileId])).toEqual([]);
  expect((await page.request.get("/login")).status()).toBe(200);
});

test("malformed server-action bodies get a 400 in Chinese, and an ordinary action still works", async ({ browser }) => {
  const { page } = await newCaseworkerPage(browser);
  const { action } = await draftWithCapturedAction(page, `动作测试${Date.now() % 10000}`);
  const headers = { "next-action": action.headers()["next-action"]!, "content-type": action.headers()["content-type"]!, accept: "text/x-component" };
  for (const data of ["[", '{"a":', "null", '["$1:__proto__:then"]']) {
    const response = await page.request.post(action.url(), { headers, data });
    expect(response.status(), data).toBe(400);
    expect(await response.text()).toBe(MALFORMED_ACTION);
  }
  const boundary = "----bangfu-e2e-action";
  const multipart = (fileName: string) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="1"; filename="${fileName}"\r\n\r\nx\r\n--${boundary}--\r\n`);
  for (const data of [multipart("a\u0000b.pdf"), multipart("a.pdf").subarray(0, 60)]) {
    const response = await page.request.post(action.url(), { headers: { ...headers, "content-type": `multipart/form-data; boundary=${boundary}` }, data });
    expect(response.status()).toBe(400);
    expect(await response.text()).toBe(MALFORMED_UPLOAD);
  }
  // Over the action budget: refused by its declared length, in Chinese.
  const huge = await page.request.post(action.url(), { headers, data: `["${"x".repeat(5 * MiB)}"]` });
  expect(huge.status()).toBe(413);
  expect(await huge.text()).toContain("超过 4 MB");
  // The same without a declared length (chunked): refused once 4 MB have arrived, still with an answer.
  const chunked = await new Promise<{ status: number; text: string }>((resolve) => {
    const request = httpRequest(action.url(), { method: "POST", headers }, (response) => {
      let text = "";
      response
        .setEncoding("utf8")
        .on("data", (c: string) => (text += c))
        .on("end", () => resolve({ status: response.statusCode!, text }));
    });
    // Writing may fail once the server has answered and closed: the answer is what counts.
    request.on("error", () => undefined);
    request.write('["');
    const chunk = "x".repeat(64 * 1024);
    const pump = (left: number): void => {
      if (left === 0) return void request.end('"]');
      if (request.write(chunk)) pump(left - 1);
      else request.once("drain", () => pump(left - 1));
    };
    pump(80); // 5 MB
  });
  expect(chunked.status).toBe(413);
  expect(chunked.text).toContain("超过 4 MB");
  // The server keeps answering, and the same action with a well-formed body still runs.
  await page.goto("/intake/new");
  await page.getByTestId("member-0").getByLabel("姓名").fill("动作之后");
  await page.getByRole("button", { name: "保存草稿" }).click();
  await expect(page).toHaveURL(/\/files\/[0-9a-f-]+\/edit\?saved=1/);
});

test("roster and import state their limits, refuse 31 MB before sending, and answer 20 MB and 13 MB in Chinese", async ({ browser }) => {
  test.slow();
  const context = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  await loginAs(context, "lz_caseworker");
  const page = await context.newPage();
  const [runsBefore, importsBefore] = await Promise.all([
    sql<{ n: number }>("SELECT count(*)::int AS n FROM civil_roster_run"),
    sql<{ n: number }>("SELECT count(*)::int AS n FROM household_import"),
  ]);
  const cases = [
    {
      path: "/civil",
      label: "民政比对名单（.xlsx 或 .csv）",
      button: "上传并比对",
      hint: "Excel 工作簿（.xlsx）或 CSV 文件，不超过 30 MB",
      tooLarge: "文件超过 30 MB，请按地区分成几个文件分别比对。",
      notWorkbook: "这不是 Excel 工作簿（.xlsx）或 CSV 文件",
      api: "/api/uploads/roster",
    },
    {
      path: "/import",
      label: "填写好的导入模板（.xlsx）",
      button: "上传并校验",
      hint: "Excel 工作簿（.xlsx），不超过 30 MB",
      tooLarge: "文件超过 30 MB，请分成几个工作簿分批导入。",
      notWorkbook: "这不是 Excel 工作簿（.xlsx）",
      api: "/api/uploads/import",
    },
  ];
  for (const c of cases) {
    await page.goto(c.path);
    await expect(page.getByText(c.hint)).toBeVisible();
    const sent = uploadsSent(page);
    const field = page.getByLabel(c.label);
    await field.setInputFiles(await fileOf("名单-31MB.xlsx", 31 * MiB, "PK"));
    await expect(page.getByText(c.tooLarge)).toBeVisible();
    await page.getByRole("button", { name: c.button }).click();
    await expect(page.getByText(c.tooLarge)).toBeVisible();
    await screenshot(page, `uploads${c.path.replace("/", "-")}-too-large`);
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, `uploads${c.path.replace("/", "-")}-too-large-390`);
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(sent).toEqual([]);
    // Within the limit, 20 MB and 13 MB of something that is no workbook: sent, and answered in Chinese.
    for (const size of [20, 13]) {
      await field.setInputFiles(await fileOf(`名单-${size}MB.xlsx`, size * MiB, "not a workbook"));
      await expect(page.getByText(c.tooLarge)).toHaveCount(0);
      await page.getByRole("button", { name: c.button }).click();
      await expect(page.getByText(c.notWorkbook)).toBeVisible({ timeout: 30_000 });
    }
    expect(sent).toHaveLength(2);
    // The server's own refusal of 31 MB sent around the browser.
    const response = await page.request.post(c.api, {
      multipart: { file: { name: "绕过.xlsx", mimeType: "application/octet-stream", buffer: Buffer.alloc(31 * MiB) } },
    });
    expect(response.status()).toBe(413);
    expect(await response.json()).toMatchObject({ ok: false, error: c.tooLarge });
  }
  expect(await sql("SELECT count(*)::int AS n FROM civil_roster_run")).toEqual(runsBefore);
  expect(await sql("SELECT count(*)::int AS n FROM household_import")).toEqual(importsBefore);
  await context.close();
});

test("a page that fails is shown in Chinese, never Next's English page", async ({ browser }) => {
  const { page } = await newCaseworkerPage(browser);
  await page.goto("/intake/new");
  await page.getByTestId("member-0").getByLabel("姓名").fill("出错测试");
  // The action's answer is lost on the way (a proxy's error page): the client cannot read it.
  await page.route("**/*", (route) =>
    route.request().method() === "POST" && route.request().headers()["next-action"] ? route.fulfill({ status: 502, body: "Bad Gateway" }) : route.continue(),
  );
  await page.getByRole("button", { name: "保存草稿" }).click();
  await expect(page.getByRole("heading", { name: "页面未能打开" })).toBeVisible();
  await expect(page.getByText("This page couldn")).toHaveCount(0);
  await screenshot(page, "uploads-error-page");
  await page.unroute("**/*");
  await page.getByRole("link", { name: "返回首页" }).click();
  await expect(page.getByTestId("current-user")).toBeVisible();
});
