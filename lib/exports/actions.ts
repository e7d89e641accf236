"use server";

import { authedAction } from "@/lib/actions/action";
import { cancelExport } from "./cancel-export";
import { requestExport } from "./request-export";
import { ZExportJobRef, ZRequestExportInput } from "./schemas";

// 后台导出 and 我的导出. Every role that can export may ask; the domain function checks the kind's
// own role (e.g. the ledger is the auditor's) exactly as the direct download does.
const EXPORTERS = ["CASEWORKER", "OFFICIAL", "AUDITOR"] as const;

export const requestExportAction = authedAction(ZRequestExportInput, [...EXPORTERS], (actor, input) => requestExport(actor, input));

export const cancelExportAction = authedAction(ZExportJobRef, [...EXPORTERS], (actor, { jobId }) => cancelExport(actor, jobId));
