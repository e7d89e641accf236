import "server-only";
import { randomInt } from "node:crypto";
import { recordPublicAudit } from "@/lib/audit/record-audit";
import { prisma } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { DomainError } from "@/lib/errors/domain-error";
import { checkedBytes, displayName } from "@/lib/evidence/evidence";
import { currentEvidenceUploadLimit, removeEvidenceBytes, sha256Hex, writeEvidenceBytes } from "@/lib/evidence/storage";
import { todayInShanghai } from "@/lib/format/datetime";
import type { Prisma } from "@/lib/generated/prisma/client";
import { megabytes } from "@/lib/uploads/limits";
import { APPLICATION_CONSENT_VERSION } from "./application-consent";
import type { TSubmitApplicationInput } from "./application-schemas";
import { PUBLIC_APPLICATION_LIMITS } from "./limits";
import { formatQueryCode, QUERY_CODE_ALPHABET } from "./query-code-format";
import { generateQueryCode, hashQueryCode } from "./query-code";
import { publicSubjectKey } from "./subject-key";

// 网上申请 (issue 24 §2): a stranger's application, written only when every part of it is good —
// the form (the staff draft's schema), the union (a base union), the files (the evidence checks:
// real PDF, JPEG or PNG, decoded, within the size limit) and the budgets (files and bytes per
// application, applications per address and per ID number). The applicant gets a number and a
// query code, shown once; only the code's hash is kept.

export const APPLICATION_LIMITED = "提交次数过多，已暂停网上申请。请 24 小时后再试，或到所在工会当面申请。";
const UNION_MISSING = "请通过查找选择一个基层工会";

export type TSubmittedApplication = { number: string; code: string; unionName: string };

function uploadError(index: number, message: string, code: string): DomainError {
  return new DomainError(message, code, { [`uploads.${index}.file`]: message, uploads: message });
}

/** SQ, the Shanghai date as yymmdd, 6 random characters: says nothing of how many there are. */
function applicationNumber(now: Date): string {
  const date = todayInShanghai(now).replaceAll("-", "").slice(2);
  let tail = "";
  for (let i = 0; i < 6; i++) tail += QUERY_CODE_ALPHABET[randomInt(QUERY_CODE_ALPHABET.length)];
  return `SQ${date}${tail}`;
}

async function countsOver(db: Prisma.TransactionClient | typeof prisma, ip: string, subjectKey: string, now: Date): Promise<boolean> {
  const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
  const [byAddress, bySubject] = await Promise.all([
    db.publicAttempt.count({ where: { kind: "APPLY", ip, at: { gt: hoursAgo(PUBLIC_APPLICATION_LIMITS.addressWindowHours) } } }),
    db.publicAttempt.count({ where: { kind: "APPLY", subjectKey, at: { gt: hoursAgo(PUBLIC_APPLICATION_LIMITS.residentIdWindowHours) } } }),
  ]);
  return byAddress >= PUBLIC_APPLICATION_LIMITS.perAddress || bySubject >= PUBLIC_APPLICATION_LIMITS.perResidentId;
}

export async function submitApplication(input: TSubmitApplicationInput, context: { ip: string; now?: Date }): Promise<TSubmittedApplication> {
  const now = context.now ?? new Date();
  const { data, uploads } = input;
  const holder = data.members[0]!;
  const subjectKey = publicSubjectKey("APPLY", holder.residentId!);

  // The cheap refusals first: nothing is decoded for a request that cannot be taken.
  const union = await prisma.organisation.findUnique({ where: { id: data.organisationId }, select: { id: true, name: true, level: true } });
  if (!union || union.level !== "GRASSROOTS") throw new DomainError(UNION_MISSING, "UNION", { "data.organisationId": UNION_MISSING });
  if (uploads.length === 0) throw new DomainError("请至少上传身份证照片和签字的申请书", "UPLOADS", { uploads: "请至少上传身份证照片和签字的申请书" });
  if (uploads.length > PUBLIC_APPLICATION_LIMITS.maxFiles) {
    const message = `一份申请最多上传 ${PUBLIC_APPLICATION_LIMITS.maxFiles} 个文件，请合并或删去一些`;
    throw new DomainError(message, "UPLOADS", { uploads: message });
  }
  const total = uploads.reduce((sum, u) => sum + u.file.size, 0);
  if (total > PUBLIC_APPLICATION_LIMITS.maxTotalBytes) {
    const message = `所有文件合计超过 ${megabytes(PUBLIC_APPLICATION_LIMITS.maxTotalBytes)}，请压缩后再上传`;
    throw new DomainError(message, "UPLOADS", { uploads: message });
  }
  if (await countsOver(prisma, context.ip, subjectKey, now)) throw new DomainError(APPLICATION_LIMITED, "LIMITED");

  // The evidence checks, one file after another (decoding is the costly part), before any byte is stored.
  const limit = currentEvidenceUploadLimit();
  const checked: Array<{ kind: (typeof uploads)[number]["kind"]; bytes: Uint8Array; contentType: string; originalName: string }> = [];
  for (const [index, upload] of uploads.entries()) {
    if (upload.file.size > limit.maxBytes) throw uploadError(index, `第 ${index + 1} 个文件：${limit.tooLarge}`, "EVIDENCE_TOO_LARGE");
    try {
      const { bytes, contentType } = await checkedBytes(upload.file);
      checked.push({ kind: upload.kind, bytes, contentType, originalName: displayName(upload.file.name) });
    } catch (error) {
      if (error instanceof DomainError) throw uploadError(index, `第 ${index + 1} 个文件（${displayName(upload.file.name)}）：${error.message}`, error.code);
      throw error;
    }
  }

  const code = generateQueryCode();
  const codeHash = await hashQueryCode(code);
  const stored: string[] = [];
  try {
    for (const file of checked) stored.push(await writeEvidenceBytes(file.bytes, now));
    const { consent: _consent, contactPhone, ...household } = data;
    for (let attempt = 1; ; attempt++) {
      const number = applicationNumber(now);
      try {
        await prisma.$transaction(async (tx) => {
          // One application at a time per address: the count and the insert cannot interleave with a twin's.
          await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${"public-apply:" + context.ip}))::text AS locked`;
          if (await countsOver(tx, context.ip, subjectKey, now)) throw new DomainError(APPLICATION_LIMITED, "LIMITED");
          const application = await tx.onlineApplication.create({
            data: {
              number,
              organisationId: union.id,
              data: household as unknown as Prisma.InputJsonValue,
              holderName: holder.name!,
              holderResidentId: holder.residentId!,
              contactPhone,
              codeHash,
              consentVersion: APPLICATION_CONSENT_VERSION,
              consentedAt: now,
              consentIp: context.ip,
              submittedAt: now,
              uploads: {
                create: checked.map((file, i) => ({
                  kind: file.kind,
                  originalName: file.originalName,
                  contentType: file.contentType,
                  sizeBytes: file.bytes.length,
                  sha256: sha256Hex(file.bytes),
                  storageKey: stored[i]!,
                  uploadedAt: now,
                })),
              },
            },
            select: { id: true },
          });
          await tx.publicAttempt.create({ data: { at: now, kind: "APPLY", ip: context.ip, subjectKey, succeeded: true } });
          await recordPublicAudit(tx, context.ip, {
            action: "application.submit",
            entityType: "online_application",
            entityId: application.id,
            organisationId: union.id,
            detail: { number, uploads: checked.length, consentVersion: APPLICATION_CONSENT_VERSION },
          });
        });
        return { number, code: formatQueryCode(code), unionName: union.name };
      } catch (error) {
        // A number already taken (31^6 a day, so rarely): draw another.
        if (attempt < 5 && isUniqueViolation(error, "number")) continue;
        throw error;
      }
    }
  } catch (error) {
    for (const key of stored)
      await removeEvidenceBytes(key).catch((cleanup: unknown) =>
        console.error("could not remove an application upload after a failed submission", key, cleanup),
      );
    throw error;
  }
}
