import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { scopedDb } from "@/lib/data/scope";
import { isUniqueViolation } from "@/lib/db/errors";
import { ConflictError, enforce, NotFoundError } from "@/lib/errors/domain-error";
import { hashQueryCode, generateQueryCode } from "@/lib/public/query-code";
import { formatQueryCode } from "@/lib/public/query-code-format";
import { canIssueQueryCode, mayIssueQueryCode } from "./rules";

/**
 * A new query code (查询码) for an approved file, returned once for the 建档告知书 and kept only as
 * its hash. The live code, if any, ends in the same transaction, so a household that lost its
 * notice (or whose code someone else saw) is given a new one and the old stops working at once.
 */
export async function issueQueryCode(actor: TActor, input: { fileId: string }): Promise<{ code: string; issuedAt: Date }> {
  enforce(mayIssueQueryCode(actor));
  const code = generateQueryCode();
  const codeHash = await hashQueryCode(code);
  try {
    return await scopedDb(actor).$transaction(async (tx) => {
      const file = await tx.householdFile.findUnique({
        where: { id: input.fileId },
        select: { id: true, status: true, fileNumber: true, organisationId: true },
      });
      if (!file) throw new NotFoundError();
      enforce(canIssueQueryCode(file));
      const now = new Date();
      const ended = await tx.fileQueryCode.updateMany({ where: { fileId: file.id, endedAt: null }, data: { endedAt: now } });
      const issued = await tx.fileQueryCode.create({
        data: { fileId: file.id, codeHash, issuedById: actor.userId, issuedAt: now },
        select: { id: true, issuedAt: true },
      });
      await recordAudit(tx, actor, {
        action: "file.query_code_issue",
        entityType: "household_file",
        entityId: file.id,
        organisationId: file.organisationId,
        detail: { queryCodeId: issued.id, replacedEarlier: ended.count > 0 },
      });
      return { code: formatQueryCode(code), issuedAt: issued.issuedAt };
    });
  } catch (error) {
    // Two caseworkers printing at once: file_query_code_one_live lets only one code live.
    if (isUniqueViolation(error)) throw new ConflictError("另一位工作人员刚刚为该档案生成了查询码，请刷新页面后再打印。");
    throw error;
  }
}
