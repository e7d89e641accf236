import "server-only";
import { recordPublicAudit } from "@/lib/audit/record-audit";
import { prisma } from "@/lib/db/client";
import type { AidType, FileStatus, OnlineApplicationStatus, Tier } from "@/lib/generated/prisma/enums";
import { addMonths, dateOnly, dateOnlyString, formatDate, todayInShanghai } from "@/lib/format/datetime";
import { padToFloor, PUBLIC_QUERY_LIMITS } from "./limits";
import {
  PUBLIC_PAID_WITHOUT_OUTCOME,
  PUBLIC_PAYMENT_REVERSED,
  PUBLIC_PAYMENT_STATUS_LABELS,
  PUBLIC_QUERY_BUSY,
  PUBLIC_QUERY_LIMITED,
  PUBLIC_QUERY_NOT_FOUND,
} from "./labels";
import { dummyQueryCodeHash, verifyQueryCode } from "./query-code";
import type { TPublicQuery } from "./schemas";
import { publicSubjectKey } from "./subject-key";

// The public query (本人查询, issue 24 §1). The public has no actor and no scope: a file is found
// by its holder's ID number alone and shown only when the name and the live query code match too.
// Everything a stranger could learn from the answer or its timing is the same for a wrong name, a
// wrong ID number, a wrong code and no file at all (tests/integration/public-query.test.ts).

/** Only statuses a query code is issued in (an approved file) are ever shown. */
const QUERYABLE: FileStatus[] = ["OPEN", "OBSERVATION", "CLOSED"];
const PAYMENT_MONTHS = 24;
/** More than two years of monthly payments of every aid type a household could receive. */
const PAYMENTS_SHOWN = 120;
/** A household applies once or a few times; more than this is not a worker following their own. */
const APPLICATIONS_SHOWN = 20;

export type TOwnPayment = { date: string; aidType: AidType; amountFen: number; accountLast4: string | null; outcome: string };
/** An online application by the file's holder (as 申请人): its progress and nothing of its content. */
export type TOwnApplication = {
  number: string;
  /** YYYY-MM-DD (Asia/Shanghai) it was submitted. */
  submittedOn: string;
  status: OnlineApplicationStatus;
  /** Once the draft made from it is approved: the file number. */
  fileNumber: string | null;
  declineReason: string | null;
};
export type TOwnFileView = {
  fileNumber: string;
  unionName: string;
  status: FileStatus;
  tier: Tier | null;
  cadreName: string | null;
  /** YYYY-MM-DD of the next re-check, while the file is open. */
  nextCheckDue: string | null;
  /** YYYY-MM-DD: the end of the observation period (渐退期). */
  observationUntil: string | null;
  payments: TOwnPayment[];
  /** The holder's online applications, newest first (issue 24 §1: "the status of any online application"). */
  applications: TOwnApplication[];
};
export type TPublicQueryAnswer = { found: true; file: TOwnFileView } | { found: false; limited: boolean; message: string };

// Made at load, so the first query without a file does not pay for making it.
void dummyQueryCodeHash();

type TQueryContext = { ip: string; now?: Date; floorMs?: number };

/**
 * Answers the public query; never throws for anything a stranger sends. Every answer that shows no
 * file (a wrong name, ID number or code, no file, a limit) — and an error — is padded to the floor,
 * so none of them tells another apart by its time. The answer that shows the file is not padded:
 * its content already says the name, ID number and code matched, so waiting would hide nothing
 * and only slow the household down (decision 024, "Speed").
 */
export async function queryOwnFile(input: TPublicQuery, context: TQueryContext): Promise<TPublicQueryAnswer> {
  const started = performance.now();
  const floor = () => padToFloor(started, context.floorMs);
  let fileId: Awaited<ReturnType<typeof checkAttempt>>;
  try {
    fileId = await checkAttempt(input, context);
  } catch (error) {
    await floor();
    throw error;
  }
  if (fileId === "LIMITED" || fileId === "BUSY" || fileId === null) {
    await floor();
    if (fileId === "LIMITED") return { found: false, limited: true, message: PUBLIC_QUERY_LIMITED };
    if (fileId === "BUSY") return { found: false, limited: true, message: PUBLIC_QUERY_BUSY };
    return { found: false, limited: false, message: PUBLIC_QUERY_NOT_FOUND };
  }
  return { found: true, file: await ownFileView(fileId, context.now ?? new Date()) };
}

/**
 * Counts, checks and records one attempt under a transaction advisory lock on its ID number, so
 * parallel guesses at one number cannot all pass the count: a second attempt while one is being
 * checked is refused at once (and counted) instead of waiting, so a burst cannot hold the pool's
 * connections either. The same work whatever is found: one indexed lookup, one argon2 verification
 * (against a dummy hash without a file), one attempt row; the audit row on the file of a failed
 * attempt is the only extra write. The address limit is counted without a lock: parallel requests
 * from one address may pass it by at most the connection pool's size.
 */
async function checkAttempt(input: TPublicQuery, context: TQueryContext): Promise<string | null | "LIMITED" | "BUSY"> {
  const now = context.now ?? new Date();
  const subjectKey = publicSubjectKey("QUERY", input.residentId);
  return prisma.$transaction(async (tx) => {
    const [{ locked }] = await tx.$queryRaw<[{ locked: boolean }]>`SELECT pg_try_advisory_xact_lock(hashtext(${"public-query:" + subjectKey})) AS locked`;
    const record = (succeeded: boolean) => tx.publicAttempt.create({ data: { at: now, kind: "QUERY", ip: context.ip, subjectKey, succeeded } });
    const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
    const [bySubject, byAddress] = await Promise.all([
      tx.publicAttempt.count({ where: { subjectKey, succeeded: false, at: { gt: hoursAgo(PUBLIC_QUERY_LIMITS.residentIdWindowHours) } } }),
      tx.publicAttempt.count({ where: { ip: context.ip, succeeded: false, at: { gt: hoursAgo(PUBLIC_QUERY_LIMITS.addressWindowHours) } } }),
    ]);
    if (!locked) {
      await record(false);
      return "BUSY" as const;
    }
    if (bySubject >= PUBLIC_QUERY_LIMITS.perResidentId || byAddress >= PUBLIC_QUERY_LIMITS.perAddress) {
      await record(false);
      return "LIMITED" as const;
    }

    // 一户一档 (household_file_one_file_per_holder) leaves at most one filed household per holder.
    const file = await tx.householdFile.findFirst({
      where: { holderResidentId: input.residentId, status: { in: QUERYABLE }, queryCodes: { some: { endedAt: null } } },
      select: { id: true, organisationId: true, holderName: true, queryCodes: { where: { endedAt: null }, select: { id: true, codeHash: true } } },
    });
    const live = file?.queryCodes[0];
    // The code is verified before the name is compared, and against a dummy when there is no file,
    // so every path spends the same verification.
    const codeMatches = await verifyQueryCode(live?.codeHash ?? (await dummyQueryCodeHash()), input.code);
    const matched = !!file && !!live && codeMatches && (file.holderName ?? "").replace(/\s+/g, "") === input.name;
    await record(matched);
    if (file) {
      // The household's own file keeps every query that named its holder, answered or not.
      await recordPublicAudit(tx, context.ip, {
        action: matched ? "public.query" : "public.query_failed",
        entityType: "household_file",
        entityId: file.id,
        organisationId: file.organisationId,
        detail: matched ? { queryCodeId: live!.id } : { nameMatches: (file.holderName ?? "").replace(/\s+/g, "") === input.name, codeMatches },
      });
    }
    return matched ? file!.id : null;
  });
}

/** What the household may see of its own file: no member's ID number, no note, nothing of anyone else. */
async function ownFileView(fileId: string, now: Date): Promise<TOwnFileView> {
  const since = dateOnly(addMonths(todayInShanghai(now), -PAYMENT_MONTHS));
  const file = await prisma.householdFile.findUniqueOrThrow({
    where: { id: fileId },
    select: {
      fileNumber: true,
      holderResidentId: true,
      status: true,
      tier: true,
      nextCheckDue: true,
      observationUntil: true,
      organisation: { select: { name: true } },
      responsibleCadre: { select: { name: true } },
      ledgerEntries: {
        where: { reversesEntryId: null, entryDate: { gte: since } },
        orderBy: [{ entryDate: "desc" }, { createdAt: "desc" }],
        take: PAYMENTS_SHOWN,
        select: {
          entryDate: true,
          aidType: true,
          amountFen: true,
          bankAccount: { select: { accountNumber: true } },
          batchLine: { select: { paymentStatus: true } },
          reversedBy: { select: { id: true } },
        },
      },
    },
  });
  const iso = (d: Date | null) => (d ? dateOnlyString(d) : null);
  // The query matched this holder's name, ID number and code, so the applications made under the
  // same ID number are theirs; the same fields the application query shows, no more.
  const applications = file.holderResidentId
    ? await prisma.onlineApplication.findMany({
        where: { holderResidentId: file.holderResidentId },
        orderBy: { submittedAt: "desc" },
        take: APPLICATIONS_SHOWN,
        select: { number: true, submittedAt: true, status: true, declineReason: true, file: { select: { fileNumber: true } } },
      })
    : [];
  return {
    fileNumber: file.fileNumber ?? "",
    unionName: file.organisation.name,
    status: file.status,
    tier: file.tier,
    cadreName: file.responsibleCadre?.name ?? null,
    nextCheckDue: file.status === "OPEN" ? iso(file.nextCheckDue) : null,
    observationUntil: file.status === "OBSERVATION" ? iso(file.observationUntil) : null,
    payments: file.ledgerEntries.map((e) => ({
      date: iso(e.entryDate)!,
      aidType: e.aidType,
      amountFen: e.amountFen,
      accountLast4: e.bankAccount ? e.bankAccount.accountNumber.replace(/\s+/g, "").slice(-4) : null,
      outcome: e.batchLine?.paymentStatus
        ? PUBLIC_PAYMENT_STATUS_LABELS[e.batchLine.paymentStatus]
        : e.reversedBy
          ? PUBLIC_PAYMENT_REVERSED
          : PUBLIC_PAID_WITHOUT_OUTCOME,
    })),
    applications: applications.map((a) => ({
      number: a.number,
      submittedOn: formatDate(a.submittedAt),
      status: a.status,
      // A number is given at approval; a draft or a file still under review has none yet.
      fileNumber: a.status === "CONVERTED" ? (a.file?.fileNumber ?? null) : null,
      declineReason: a.status === "DECLINED" ? a.declineReason : null,
    })),
  };
}
