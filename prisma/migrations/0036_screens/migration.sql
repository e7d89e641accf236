-- Issue 26: a re-check whose conclusion departs from the tier its own figures suggest (维持原类别 at
-- ¥200 per person where 深度困难 is suggested) carries the caseworker's reason; null when they agree.
ALTER TABLE recheck ADD COLUMN deviation_reason text;

-- Issue 26: the archive finds a household by what its screens show — the last four characters of
-- a masked ID number (…0509), of any member — and by a family member's full name, not only the
-- holder's. Expression indexes (Prisma cannot declare them; allow-listed in
-- tests/integration/schema-matches-migrations.test.ts).
CREATE INDEX file_person_resident_id_tail_idx ON file_person (right(resident_id, 4));
CREATE INDEX household_file_member_names_idx ON household_file USING gin (jsonb_path_query_array(data, '$.members[*].name') jsonb_path_ops);

-- Issue 26: a refused import shows the workbook's totals beside the counts of what passed.
ALTER TABLE household_import ADD COLUMN household_rows integer, ADD COLUMN member_rows integer;
