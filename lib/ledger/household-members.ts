import "server-only";
import type { TFilingData } from "@/lib/filing/schemas";
import { maskResidentId } from "@/lib/people/resident-id";

// What the ledger readers show of a household's members: the student an entry or line is for.

type TMembers = TFilingData["members"];

export const membersOf = (data: unknown): TMembers => (data as TFilingData).members ?? [];

/** "张三（6201********1234）", or null for an entry that is not for one student. */
export const studentName = (members: TMembers, residentId: string | null) =>
  residentId ? `${members.find((m) => m.residentId === residentId)?.name ?? "—"}（${maskResidentId(residentId)}）` : null;
