import type { OnlineApplicationStatus } from "@/lib/generated/prisma/enums";

// The caseworker's words for an online application's states.
export const APPLICATION_STATUS_LABELS: Record<OnlineApplicationStatus, string> = {
  SUBMITTED: "待受理",
  ACCEPTED: "受理中",
  CONVERTED: "已转为建档",
  DECLINED: "不予受理",
};

export const APPLICATION_STATUS_TONES: Record<OnlineApplicationStatus, "amber" | "slate" | "green" | "red"> = {
  SUBMITTED: "amber",
  ACCEPTED: "slate",
  CONVERTED: "green",
  DECLINED: "red",
};

/** What the applicant reads about each state (their progress query and their self-query). */
export const PUBLIC_APPLICATION_STATUS_LABELS: Record<OnlineApplicationStatus, string> = {
  SUBMITTED: "已提交",
  ACCEPTED: "受理中",
  CONVERTED: "已转为建档",
  DECLINED: "不予受理",
};
