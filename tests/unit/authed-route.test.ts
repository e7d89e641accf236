// Every download route is made with authedRoute (lib/actions/route.ts): what a browser gets when
// nobody is signed in, when the role is wrong, when the domain refuses and when something breaks.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { ConflictError, DomainError, ForbiddenError, NotFoundError } from "@/lib/errors/domain-error";

const session = vi.hoisted(() => ({ actor: null as TActor | null }));
vi.mock("@/lib/auth/session", () => ({ getActor: async () => session.actor }));

const { authedRoute } = await import("@/lib/actions/route");

const auditor: TActor = {
  userId: "u1",
  sessionId: "s1",
  username: "auditor",
  name: "审计员",
  roles: ["AUDITOR"],
  organisation: { id: "o1", name: "兰州市总工会", path: "1", depth: 0 },
  ip: "127.0.0.1",
};
const request = new Request("http://localhost/x/export?from=2026-01-01");
const context = { params: Promise.resolve({ id: "abc" }) };

async function answer(response: Response) {
  return { status: response.status, text: await response.text(), type: response.headers.get("content-type") };
}

describe("authedRoute", () => {
  afterEach(() => {
    session.actor = null;
    vi.restoreAllMocks();
  });

  it("asks for sign-in before running anything", async () => {
    const run = vi.fn(async () => new Response("文件"));
    const got = await answer(await authedRoute(["AUDITOR"], run)(request, context));
    expect(got).toEqual({ status: 401, text: "请先登录。", type: "text/plain; charset=utf-8" });
    expect(run).not.toHaveBeenCalled();
  });

  it("refuses a role that may not download, in the route's words", async () => {
    session.actor = { ...auditor, roles: ["CASEWORKER"] };
    const run = vi.fn(async () => new Response("文件"));
    const got = await answer(await authedRoute(["AUDITOR"], run, { forbidden: "您没有权限导出台账。" })(request, context));
    expect(got.status).toBe(403);
    expect(got.text).toBe("您没有权限导出台账。");
    expect(run).not.toHaveBeenCalled();
  });

  it("lets any signed-in user through when no roles are named, with the params and the request", async () => {
    session.actor = { ...auditor, roles: ["CASEWORKER"] };
    const got = await answer(
      await authedRoute<{ id: string }>([], async (actor, req, { id }) => new Response(`${actor.name} ${id} ${new URL(req.url).searchParams.get("from")}`))(
        request,
        context,
      ),
    );
    expect(got).toMatchObject({ status: 200, text: "审计员 abc 2026-01-01" });
  });

  it("answers a domain refusal with the status its code stands for and its Chinese message", async () => {
    session.actor = auditor;
    const refuse = (error: Error, words?: { refused?: number }) =>
      authedRoute(
        ["AUDITOR"],
        async () => {
          throw error;
        },
        words,
      )(request, context).then(answer);
    expect(await refuse(new NotFoundError("批次不存在。"))).toMatchObject({ status: 404, text: "批次不存在。" });
    expect(await refuse(new ForbiddenError("只有审计人员可以导出完整身份号码。"))).toMatchObject({ status: 403, text: "只有审计人员可以导出完整身份号码。" });
    expect(await refuse(new ConflictError("文件尚未生成。"))).toMatchObject({ status: 409 });
    expect(await refuse(new DomainError("筛选条件有误。"))).toMatchObject({ status: 400, text: "筛选条件有误。" });
    expect(await refuse(new DomainError("导出已过期。"), { refused: 409 })).toMatchObject({ status: 409, text: "导出已过期。" });
  });

  it("logs an unexpected error and answers in Chinese, never with its text", async () => {
    session.actor = auditor;
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const got = await answer(
      await authedRoute(["AUDITOR"], async () => {
        throw new Error("connection refused at 10.0.0.5");
      })(request, context),
    );
    expect(got.status).toBe(500);
    expect(got.text).toContain("系统出现错误");
    expect(got.text).not.toContain("10.0.0.5");
    expect(logged).toHaveBeenCalled();
  });
});
