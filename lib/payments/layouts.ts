import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb, type TScopedTx } from "@/lib/data/scope";
import { isUniqueViolation } from "@/lib/db/errors";
import { ConflictError, DomainError, NotFoundError } from "@/lib/errors/domain-error";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { TBankLayout, TBankLayoutInput, TLayoutColumn, TReturnColumns } from "./layout-schema";

// Bank layouts are shared configuration (like policy): every union reads them, only an
// administrator writes them, every change is audited with what it became, and the version in the
// WHERE keeps two administrators from overwriting each other.

type TLayoutRow = Awaited<ReturnType<TScopedTx["bankLayout"]["findUniqueOrThrow"]>>;

export function toLayout(row: TLayoutRow): TBankLayout {
  return {
    id: row.id,
    name: row.name,
    format: row.format,
    encoding: row.encoding,
    delimiter: row.delimiter,
    headerRow: row.headerRow,
    totalRow: row.totalRow,
    columns: row.columns as TLayoutColumn[],
    returnColumns: row.returnColumns as TReturnColumns,
    paidResults: row.paidResults,
    isDefault: row.isDefault,
    version: row.version,
  };
}

export async function listBankLayouts(actor: TActor): Promise<TBankLayout[]> {
  const rows = await scopedDb(actor).bankLayout.findMany({ orderBy: [{ isDefault: "desc" }, { name: "asc" }] });
  return rows.map(toLayout);
}

export async function findBankLayout(tx: Pick<TScopedTx, "bankLayout">, layoutId: string | undefined): Promise<TBankLayout> {
  const row = layoutId ? await tx.bankLayout.findUnique({ where: { id: layoutId } }) : await tx.bankLayout.findFirst({ where: { isDefault: true } });
  if (!row) throw new NotFoundError("代发格式不存在，请刷新页面后重新选择。");
  return toLayout(row);
}

/** 新增或修改代发格式 (ADMIN). Making one the default takes the mark from the previous default in the same transaction. */
export async function saveBankLayout(actor: TActor, input: TBankLayoutInput): Promise<{ layoutId: string }> {
  assertRole(actor, "ADMIN");
  const data = {
    name: input.name,
    format: input.format,
    encoding: input.encoding,
    delimiter: input.delimiter,
    headerRow: input.headerRow,
    totalRow: input.totalRow,
    columns: input.columns as Prisma.InputJsonValue,
    returnColumns: input.returnColumns as Prisma.InputJsonValue,
    paidResults: input.paidResults,
    isDefault: input.isDefault,
    updatedById: actor.userId,
    updatedAt: new Date(),
  };
  try {
    return await scopedDb(actor).$transaction(async (tx) => {
      if (input.isDefault)
        await tx.bankLayout.updateMany({
          where: { isDefault: true, NOT: { id: input.layoutId ?? "00000000-0000-0000-0000-000000000000" } },
          data: { isDefault: false },
        });
      let layoutId: string;
      if (input.layoutId) {
        const current = await tx.bankLayout.findUnique({ where: { id: input.layoutId }, select: { isDefault: true } });
        if (!current) throw new NotFoundError("代发格式不存在，请刷新页面。");
        if (current.isDefault && !input.isDefault)
          throw new DomainError("须保留一个默认格式：请把另一个格式设为默认，本格式即不再是默认。", "DEFAULT_REQUIRED", { isDefault: "须保留一个默认格式" });
        const { count } = await tx.bankLayout.updateMany({
          where: { id: input.layoutId, version: input.expectedVersion ?? -1 },
          data: { ...data, version: { increment: 1 } },
        });
        if (count !== 1) throw new ConflictError("该格式刚被他人修改，请刷新页面后再改。");
        layoutId = input.layoutId;
      } else {
        layoutId = (await tx.bankLayout.create({ data, select: { id: true } })).id;
      }
      await recordAudit(tx, actor, {
        action: input.layoutId ? "payments.update-layout" : "payments.create-layout",
        entityType: "bank_layout",
        entityId: layoutId,
        organisationId: actor.organisation.id,
        detail: { name: input.name, format: input.format, encoding: input.encoding, columns: input.columns.map((c) => c.title), isDefault: input.isDefault },
      });
      return { layoutId };
    });
  } catch (error) {
    if (isUniqueViolation(error, "name")) throw new DomainError("已有同名的代发格式，请换一个名称。", "DUPLICATE", { name: "已有同名格式" });
    throw error;
  }
}
