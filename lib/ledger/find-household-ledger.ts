import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { assertRole } from "@/lib/auth/assert-role";
import { scopedDb } from "@/lib/data/scope";
import { NotFoundError } from "@/lib/errors/domain-error";
import { dateOnlyString, todayInShanghai } from "@/lib/format/datetime";
import { Prisma } from "@/lib/generated/prisma/client";
import { aidPolicyFor } from "./aid-policy";
import { AID_TYPE_LABELS, IN_SCHOOL_EDUCATION, maskAccountNumber } from "./labels";
import type { AidType } from "@/lib/generated/prisma/enums";
import { LEDGER_READERS } from "./readers";
import { membersOf, studentName } from "./household-members";

// A household's ledger (已享受政策和资金) and what the single-disbursement form needs.

const AID_TYPES = Object.keys(AID_TYPE_LABELS) as AidType[];

/** 已享受政策和资金: a household's entries, totals per year and type, pending requests and account. */
export async function householdLedger(actor: TActor, fileId: string) {
  assertRole(actor, ...LEDGER_READERS);
  const db = scopedDb(actor);
  // The file (scope check, and its members for the students' names) is read beside its records, not
  // before them: each of those reads is scoped on its own, so a file out of scope finds nothing
  // there either, and the page waits for one round trip instead of two (issue 28).
  const [file, account, entries, pending, totals] = await Promise.all([
    db.householdFile.findUnique({ where: { id: fileId }, select: { id: true, data: true } }),
    db.bankAccount.findFirst({ where: { fileId, supersededAt: null }, select: { id: true, bankName: true, accountNumber: true, accountHolder: true } }),
    // Joined: the four relations are one statement, not four more after this one (issue 28).
    db.ledgerEntry.findMany({
      where: { fileId },
      relationLoadStrategy: "join",
      orderBy: [{ entryDate: "desc" }, { createdAt: "desc" }],
      take: 200,
      include: {
        reversedBy: { select: { id: true } },
        approvedBy: { select: { name: true } },
        recordedBy: { select: { name: true } },
        reversalRequests: { where: { status: "PENDING" }, select: { id: true } },
      },
    }),
    db.disbursement.findMany({
      where: { fileId, status: "PENDING" },
      relationLoadStrategy: "join",
      orderBy: { recordedAt: "asc" },
      include: { recordedBy: { select: { name: true } } },
    }),
    // The file was found in scope above; its totals are the plain sum of its entries.
    db.$queryRaw<Array<{ year: number; aid_type: string; total: bigint; entries: bigint }>>`
      SELECT extract(year FROM entry_date)::int AS year, aid_type::text, SUM(amount_fen)::bigint AS total, COUNT(*)::bigint AS entries
        FROM ledger_entry WHERE file_id = ${fileId}::uuid AND ${db.$fileInScope(Prisma.sql`file_id`)} GROUP BY 1, 2 ORDER BY 1 DESC, 2`,
  ]);
  if (!file) throw new NotFoundError("档案不存在，或不在您的管辖范围内。");
  const members = membersOf(file.data);
  return {
    account: account && { id: account.id, bankName: account.bankName, accountHolder: account.accountHolder, masked: maskAccountNumber(account.accountNumber) },
    entries: entries.map((e) => ({
      id: e.id,
      aidType: e.aidType,
      fundSource: e.fundSource,
      amountFen: e.amountFen,
      entryDate: dateOnlyString(e.entryDate),
      purpose: e.purpose,
      student: studentName(members, e.studentResidentId),
      reason: e.reason,
      isReversal: !!e.reversesEntryId,
      reversed: !!e.reversedBy,
      reversalPending: e.reversalRequests.length > 0,
      fromBatch: !!e.batchLineId,
      approvedBy: e.approvedBy.name,
      recordedBy: e.recordedBy.name,
      capOverrideReason: e.capOverrideReason,
    })),
    pending: pending.map((d) => ({
      id: d.id,
      aidType: d.aidType,
      amountFen: d.amountFen,
      entryDate: dateOnlyString(d.entryDate),
      purpose: d.purpose,
      isReversal: !!d.reversesEntryId,
      recordedBy: d.recordedBy.name,
    })),
    totals: totals.map((t) => ({
      year: t.year,
      aidType: t.aid_type as keyof typeof import("./labels").AID_TYPE_LABELS,
      totalFen: Number(t.total),
      entries: Number(t.entries),
    })),
  };
}

/** What the single-disbursement form needs: the holder, the students, the account and the policy hints. */
export async function disbursementFormContext(actor: TActor, fileId: string) {
  assertRole(actor, "CASEWORKER");
  const db = scopedDb(actor);
  const file = await db.householdFile.findUnique({
    where: { id: fileId },
    select: {
      id: true,
      holderName: true,
      fileNumber: true,
      status: true,
      fileLevel: true,
      data: true,
      organisation: { select: { name: true, regionCode: true } },
    },
  });
  if (!file) throw new NotFoundError("档案不存在，或不在您的管辖范围内。");
  const members = membersOf(file.data);
  const today = todayInShanghai();
  const policies = (
    await Promise.all(AID_TYPES.map((t) => aidPolicyFor(db as never, t, file.fileLevel, file.organisation.regionCode, today).catch(() => null)))
  ).filter((p) => p !== null);
  const account = await db.bankAccount.findFirst({ where: { fileId, supersededAt: null }, select: { bankName: true, accountNumber: true } });
  return {
    file: {
      id: file.id,
      holderName: file.holderName,
      fileNumber: file.fileNumber,
      status: file.status,
      fileLevel: file.fileLevel,
      organisationName: file.organisation.name,
    },
    students: members.flatMap((m, index) =>
      (IN_SCHOOL_EDUCATION as readonly string[]).includes(m.education ?? "") && m.residentId ? [{ index, name: m.name ?? "—", education: m.education! }] : [],
    ),
    account: account && { bankName: account.bankName, masked: maskAccountNumber(account.accountNumber) },
    policies: policies.map((p) => ({
      aidType: p.aidType,
      standardAmountFen: p.standardAmountFen,
      annualCapFen: p.annualCapFen,
      capPer: p.capPer,
      cash: p.cash,
      specific: p.fileLevel !== null,
    })),
  };
}
