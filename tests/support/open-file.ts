// An open file written directly (the filing workflow has its own tests): complete data as
// submitted, the columns submitFiling derives, and the approval fields an open file must carry.
import type pg from "pg";
import type { TActor } from "@/lib/auth/actor";
import { nameSearchColumns } from "@/lib/filing/name-search";
import { ZSubmitFilingData, type TFilingFormValues } from "@/lib/filing/schemas";
import { filingValues } from "./filing-factory";

let fileSeq = 0;

export async function insertOpenFile(
  sql: pg.Client,
  people: { caseworker: TActor; official: TActor },
  organisationId: string,
  overrides: Partial<TFilingFormValues> = {},
  options: {
    status?: "OPEN" | "OBSERVATION";
    perCapitaMonthlyFen?: number;
    tier?: "DEEP" | "RELATIVE" | "ACCIDENT";
    /** The household size the reports count, when it is not the members' number. */
    householdSize?: number;
    /** Submitted, approved and opened then (ISO), so payments dated years back fall inside the file's life. */
    openedAt?: string;
  } = {},
) {
  fileSeq += 1;
  const data = ZSubmitFilingData.parse(filingValues(organisationId, overrides));
  const holder = data.members[0]!;
  const named = nameSearchColumns(holder.name);
  const { rows } = await sql.query<{ id: string; file_number: string }>(
    `INSERT INTO household_file (organisation_id, file_number, status, data, holder_name, holder_resident_id, household_size, file_level,
       worker_category, main_cause, proposed_tier, tier, created_by_id, submitted_by_id, submitted_at, approved_by_id, approved_at, opened_at,
       civil_check_result, next_check_due, exit_reason, observation_until, per_capita_monthly_fen,
       holder_name_pinyin, holder_name_initials, holder_name_grams)
     VALUES ($1, $2, $3::file_status, $4, $5, $6, $7, $8::file_level, 'URBAN', 'ILLNESS', $11::tier, $11::tier, $9, $9,
       coalesce($16::timestamptz, now()), $10, coalesce($16::timestamptz, now()), coalesce($16::timestamptz, now()),
       'CONSISTENT', CURRENT_DATE + 90,
       CASE WHEN $3 = 'OBSERVATION' THEN 'RESOLVED'::exit_reason END, CASE WHEN $3 = 'OBSERVATION' THEN CURRENT_DATE + 365 END, $12, $13, $14, $15)
     RETURNING id, file_number`,
    [
      organisationId,
      `T-${Date.now()}-${fileSeq}`,
      options.status ?? "OPEN",
      JSON.stringify(data),
      holder.name,
      holder.residentId,
      options.householdSize ?? data.members.length,
      data.fileLevel,
      people.caseworker.userId,
      people.official.userId,
      options.tier ?? "DEEP",
      options.perCapitaMonthlyFen ?? 45_000,
      named.holderNamePinyin,
      named.holderNameInitials,
      named.holderNameGrams,
      options.openedAt ?? null,
    ],
  );
  await sql.query(
    `INSERT INTO file_person (file_id, resident_id, is_holder) SELECT $1, m->>'residentId', ord = 1 FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(m, ord)`,
    [rows[0]!.id, JSON.stringify(data.members)],
  );
  return { fileId: rows[0]!.id, fileNumber: rows[0]!.file_number, data };
}
