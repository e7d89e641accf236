// The size limit of every upload, and the words that state it: beside the file field, in the
// browser's check before sending, in the route's refusal of a body over the budget and in the
// domain function's own check. One source, so the four cannot drift apart. No "server-only": the
// forms import the type and the helpers; the evidence limit (EVIDENCE_MAX_BYTES) is read on the
// server and handed to the page.

const MiB = 1024 * 1024;

export type TUploadLimit = {
  maxBytes: number;
  /** Beside the file field: what it takes and how large it may be. */
  hint: string;
  /** The refusal, in the browser and on the server alike. */
  tooLarge: string;
};

/** "10 MB", "12.5 MB", "0.5 MB": binary megabytes, as the file managers our users have show them. */
export function megabytes(bytes: number): string {
  return `${Number((bytes / MiB).toFixed(1))} MB`;
}

function uploadLimit(formats: string, maxBytes: number, advice: string): TUploadLimit {
  return { maxBytes, hint: `${formats}，不超过 ${megabytes(maxBytes)}`, tooLarge: `文件超过 ${megabytes(maxBytes)}，${advice}` };
}

export const DEFAULT_EVIDENCE_MAX_BYTES = 10 * MiB;

/** 证明材料; maxBytes comes from evidenceMaxBytes() (EVIDENCE_MAX_BYTES). */
export function evidenceUploadLimit(maxBytes: number): TUploadLimit {
  return uploadLimit("PDF、JPG 或 PNG", maxBytes, "请压缩或拆分后再上传。");
}

/** 民政比对名单. */
export const ROSTER_UPLOAD_LIMIT = uploadLimit("Excel 工作簿（.xlsx）或 CSV 文件", 30 * MiB, "请按地区分成几个文件分别比对。");

/** 户档导入模板: 100,000 households are 19 MB (lib/xlsx/read-xlsx.ts). */
/** 银行回盘: a 10,000-line return is about 1 MB; RETURN_FILE_BUDGETS in lib/payments holds the same figure. */
export const RETURN_UPLOAD_LIMIT = uploadLimit("Excel 工作簿（.xlsx）或 CSV 文件", 30 * MiB, "请分成几个文件分批导入。");
export const IMPORT_UPLOAD_LIMIT = uploadLimit("Excel 工作簿（.xlsx）", 30 * MiB, "请分成几个工作簿分批导入。");

/**
 * What an upload's request may carry beyond the file: the other fields and the multipart headers.
 * A body over limit + this is refused before it is parsed; a file just over the limit inside it is
 * refused by the domain function, with the same words.
 */
export const UPLOAD_ENVELOPE_BYTES = 64 * 1024;

/** 网上申请 (issue 24 §2): every file of one application together; PUBLIC_APPLICATION_LIMITS holds the same figure. */
export const APPLICATION_UPLOAD_LIMIT = uploadLimit("PDF、JPG 或 PNG", 30 * MiB, "请压缩照片后再提交。");
