import "server-only";
// The archive's URL parameters as a query, read the same way by the archive page, its export and
// the print of selected files, so a link keeps meaning the same households.
import { isUuid } from "@/lib/data/ids";
import { CAUSE_LABELS, FILE_LEVEL_LABELS, FILE_STATUS_LABELS, TIER_LABELS, WORKER_CATEGORY_LABELS } from "@/lib/labels/household-file";
import type { TArchiveQuery } from "./find-files";

export type TArchiveParams = Record<string, string | undefined>;

/** A URL parameter that must be one of the labels' keys, or nothing. */
function oneOf<T extends Record<string, string>>(labels: T, value: string | undefined) {
  return value && value in labels ? (value as keyof T & string) : undefined;
}

/** Each status once; the default (no parameter) is ACTIVE, the files people work on. */
export const ARCHIVE_STATUS_LABELS = { ...FILE_STATUS_LABELS, DRAFT: "草稿（本人）", ALL: "全部（不含草稿）" } as const;
export const ARCHIVE_DEFAULT_STATUS_LABEL = "在办（本人草稿、审核、公示、在档、渐退期）";

export function archiveQueryFromParams(params: TArchiveParams): TArchiveQuery {
  return {
    q: params.q?.trim().slice(0, 40) || undefined,
    status: oneOf(ARCHIVE_STATUS_LABELS, params.status) ?? "ACTIVE",
    tier: oneOf(TIER_LABELS, params.tier),
    fileLevel: oneOf(FILE_LEVEL_LABELS, params.level),
    workerCategory: oneOf(WORKER_CATEGORY_LABELS, params.category),
    cause: oneOf(CAUSE_LABELS, params.cause),
    organisationId: params.org && isUuid(params.org) ? params.org : undefined,
    overdue: params.overdue === "1",
  };
}

/** The query back as URL parameters (for links that keep the filters). */
export function archiveParamsOf(query: TArchiveQuery, rawStatus?: string): Record<string, string> {
  const entries: Array<[string, string | undefined]> = [
    ["q", query.q],
    ["status", rawStatus],
    ["tier", query.tier],
    ["level", query.fileLevel],
    ["category", query.workerCategory],
    ["cause", query.cause],
    ["org", query.organisationId],
    ["overdue", query.overdue ? "1" : undefined],
  ];
  return Object.fromEntries(entries.filter((e): e is [string, string] => !!e[1]));
}

/** The filters in words, for the note line of an export. */
export function describeArchiveQuery(query: TArchiveQuery, organisationName?: string): string {
  const parts = [
    `状态：${!query.status || query.status === "ACTIVE" ? ARCHIVE_DEFAULT_STATUS_LABEL : ARCHIVE_STATUS_LABELS[query.status]}`,
    query.tier && `困难类别：${TIER_LABELS[query.tier]}`,
    query.fileLevel && `档案级别：${FILE_LEVEL_LABELS[query.fileLevel]}`,
    query.workerCategory && `职工类别：${WORKER_CATEGORY_LABELS[query.workerCategory]}`,
    query.cause && `致困原因：${CAUSE_LABELS[query.cause]}`,
    organisationName && `建档单位：${organisationName}（含下级）`,
    query.q && `查询：${query.q}`,
    query.overdue && "仅核查逾期",
  ];
  return `筛选条件 ${parts.filter(Boolean).join("；")}`;
}
