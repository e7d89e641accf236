import "server-only";
import { recordPublicAudit } from "@/lib/audit/record-audit";
import { prisma } from "@/lib/db/client";
import type { OnlineApplicationStatus } from "@/lib/generated/prisma/enums";
import type { TApplicationQuery } from "./application-schemas";
import { padToFloor, PUBLIC_APPLICATION_LIMITS, PUBLIC_QUERY_LIMITS } from "./limits";
import { dummyQueryCodeHash, verifyQueryCode } from "./query-code";
import { publicSubjectKey } from "./subject-key";

// Following an online application (网上申请进度): application number and query code. The same
// rules as the self-query (query-own-file.ts): a wrong number, a wrong code and no application
// answer alike, after the same work (one indexed lookup, one argon2 verification — against a
// dummy hash when no application matches —, one attempt row) and not before the answer floor.
// The found answer is not padded (it tells by its content that both matched).
// Failures count per application number (10 a day) and per address, together with the
// self-query's (30 an hour): one address cannot sweep numbers any faster than ID numbers.

export const APPLICATION_QUERY_NOT_FOUND = "未查到与所填申请编号和查询码相符的申请。请核对提交申请后页面上显示的申请编号和查询码；如仍查不到，请致电所选工会。";
export const APPLICATION_QUERY_LIMITED = "查询失败次数过多，已暂停查询。请 24 小时后再试，或致电所选工会。";
export const APPLICATION_QUERY_BUSY = "该申请的查询正在处理，请稍候再试。";

export type TApplicationProgress = {
  number: string;
  unionName: string;
  status: OnlineApplicationStatus;
  submittedAt: string;
  /** Once the draft made from it is approved: the file number. */
  fileNumber: string | null;
  declineReason: string | null;
};
export type TApplicationQueryAnswer = { found: true; application: TApplicationProgress } | { found: false; limited: boolean; message: string };

void dummyQueryCodeHash();

/**
 * Answers the progress query; never throws for anything a stranger sends. Every answer that shows
 * no application (a wrong number or code, no application, a limit, busy) — and an error — is
 * padded to the floor, so none of them tells another apart by its time. The answer that shows the
 * application is not padded: its content already says the number and the code matched, so waiting
 * would hide nothing and only spend the p95 budget (decision 024, "Speed"), as in query-own-file.ts.
 */
export async function queryApplication(input: TApplicationQuery, context: { ip: string; now?: Date; floorMs?: number }): Promise<TApplicationQueryAnswer> {
  const started = performance.now();
  const floor = () => padToFloor(started, context.floorMs);
  let answer: TApplicationQueryAnswer;
  try {
    answer = await check(input, context.ip, context.now ?? new Date());
  } catch (error) {
    await floor();
    throw error;
  }
  if (!answer.found) await floor();
  return answer;
}

async function check(input: TApplicationQuery, ip: string, now: Date): Promise<TApplicationQueryAnswer> {
  const subjectKey = publicSubjectKey("APPLICATION_QUERY", input.number);
  return prisma.$transaction(async (tx) => {
    const [{ locked }] = await tx.$queryRaw<
      [{ locked: boolean }]
    >`SELECT pg_try_advisory_xact_lock(hashtext(${"public-application-query:" + subjectKey})) AS locked`;
    const record = (succeeded: boolean) => tx.publicAttempt.create({ data: { at: now, kind: "APPLICATION_QUERY", ip, subjectKey, succeeded } });
    const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
    const [byNumber, byAddress] = await Promise.all([
      tx.publicAttempt.count({ where: { subjectKey, succeeded: false, at: { gt: hoursAgo(PUBLIC_APPLICATION_LIMITS.numberWindowHours) } } }),
      // Every kind of failed public attempt from this address, as the self-query counts them.
      tx.publicAttempt.count({ where: { ip, succeeded: false, at: { gt: hoursAgo(PUBLIC_QUERY_LIMITS.addressWindowHours) } } }),
    ]);
    if (!locked) {
      await record(false);
      return { found: false, limited: true, message: APPLICATION_QUERY_BUSY };
    }
    if (byNumber >= PUBLIC_APPLICATION_LIMITS.queriesPerNumber || byAddress >= PUBLIC_QUERY_LIMITS.perAddress) {
      await record(false);
      return { found: false, limited: true, message: APPLICATION_QUERY_LIMITED };
    }
    const application = await tx.onlineApplication.findUnique({
      where: { number: input.number },
      select: {
        id: true,
        number: true,
        organisationId: true,
        status: true,
        submittedAt: true,
        declineReason: true,
        codeHash: true,
        organisation: { select: { name: true } },
        file: { select: { fileNumber: true, status: true } },
      },
    });
    const matched = (await verifyQueryCode(application?.codeHash ?? (await dummyQueryCodeHash()), input.code)) && !!application;
    await record(matched);
    if (application) {
      await recordPublicAudit(tx, ip, {
        action: matched ? "application.query" : "application.query_failed",
        entityType: "online_application",
        entityId: application.id,
        organisationId: application.organisationId,
      });
    }
    if (!matched || !application) return { found: false, limited: false, message: APPLICATION_QUERY_NOT_FOUND };
    return {
      found: true,
      application: {
        number: application.number,
        unionName: application.organisation.name,
        status: application.status,
        submittedAt: application.submittedAt.toISOString(),
        // A number is given at approval; a draft or a file still under review has none yet.
        fileNumber: application.status === "CONVERTED" ? (application.file?.fileNumber ?? null) : null,
        declineReason: application.status === "DECLINED" ? application.declineReason : null,
      },
    };
  });
}
