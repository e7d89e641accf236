import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { isUuid } from "@/lib/data/ids";
import { PAGE_SIZE, toPage } from "@/lib/data/pagination";
import { scopedDb } from "@/lib/data/scope";
import { NotFoundError } from "@/lib/errors/domain-error";
import type { TFilingData } from "@/lib/filing/schemas";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { OnlineApplicationStatus } from "@/lib/generated/prisma/enums";

// The caseworker's queue of online applications (网上申请), scoped like files: a union sees the
// applications to itself and to the unions below it.

export const APPLICATION_READERS = ["CASEWORKER", "OFFICIAL", "AUDITOR"] as const;
export const APPLICATION_NOT_FOUND = "申请不存在，或不在您的管辖范围内。";

/** The tabs of the queue: what waits (new and accepted) first, then what was decided. */
export const APPLICATION_TABS = { open: ["SUBMITTED", "ACCEPTED"], converted: ["CONVERTED"], declined: ["DECLINED"] } as const satisfies Record<
  string,
  OnlineApplicationStatus[]
>;
export type TApplicationTab = keyof typeof APPLICATION_TABS;

export async function findApplications(actor: TActor, query: { tab: TApplicationTab; name?: string; page: number }) {
  assertRole(actor, ...APPLICATION_READERS);
  const db = scopedDb(actor);
  const where: Prisma.OnlineApplicationWhereInput = {
    status: { in: [...APPLICATION_TABS[query.tab]] },
    ...(query.name ? { OR: [{ holderName: { contains: query.name } }, { number: query.name.toUpperCase() }] } : {}),
  };
  const [rows, total] = await Promise.all([
    db.onlineApplication.findMany({
      where,
      // What waits longest first; decisions newest first.
      orderBy: query.tab === "open" ? [{ submittedAt: "asc" }, { id: "asc" }] : [{ decidedAt: "desc" }, { id: "asc" }],
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        number: true,
        status: true,
        holderName: true,
        submittedAt: true,
        decidedAt: true,
        fileId: true,
        organisation: { select: { name: true } },
        acceptedBy: { select: { name: true } },
        _count: { select: { uploads: true } },
      },
    }),
    db.onlineApplication.count({ where }),
  ]);
  return toPage(rows, total, query.page);
}

/** Applications waiting for a caseworker (new and accepted), for the workbench. */
export async function countWaitingApplications(actor: TActor) {
  const db = scopedDb(actor);
  const [count, oldest] = await Promise.all([
    db.onlineApplication.count({ where: { status: { in: ["SUBMITTED", "ACCEPTED"] } } }),
    db.onlineApplication.findFirst({ where: { status: "SUBMITTED" }, orderBy: { submittedAt: "asc" }, select: { submittedAt: true } }),
  ]);
  return { count, oldestSubmittedAt: oldest?.submittedAt ?? null };
}

export async function getApplication(actor: TActor, applicationId: string) {
  assertRole(actor, ...APPLICATION_READERS);
  if (!isUuid(applicationId)) throw new NotFoundError(APPLICATION_NOT_FOUND);
  const application = await scopedDb(actor).onlineApplication.findUnique({
    where: { id: applicationId },
    select: {
      id: true,
      number: true,
      status: true,
      version: true,
      data: true,
      holderName: true,
      contactPhone: true,
      consentVersion: true,
      consentedAt: true,
      consentIp: true,
      submittedAt: true,
      acceptedAt: true,
      decidedAt: true,
      declineReason: true,
      fileId: true,
      organisation: { select: { id: true, name: true } },
      acceptedBy: { select: { name: true } },
      decidedBy: { select: { name: true } },
      file: { select: { id: true, status: true, fileNumber: true } },
      uploads: { orderBy: [{ uploadedAt: "asc" }, { id: "asc" }], select: { id: true, kind: true, originalName: true, contentType: true, sizeBytes: true } },
    },
  });
  if (!application) throw new NotFoundError(APPLICATION_NOT_FOUND);
  return { ...application, data: application.data as unknown as TFilingData };
}
export type TApplicationDetail = Awaited<ReturnType<typeof getApplication>>;
