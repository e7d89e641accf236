// Fills the name-search columns (lib/filing/name-search.ts) of files written before they existed,
// or by tools that write household_file directly. Run at start-up after the migrations; a no-op
// once every named file has its grams.
import { pgClient } from "@/lib/db/pg";
import { nameSearchColumns } from "@/lib/filing/name-search";

export async function backfillNameSearch(url: string): Promise<number> {
  const client = pgClient({ connectionString: url }, { infrastructure: "a one-off start-up backfill of every file's search column, as the owner" });
  await client.connect();
  let done = 0;
  try {
    for (;;) {
      const { rows } = await client.query<{ id: string; holder_name: string }>(
        "SELECT id, holder_name FROM household_file WHERE holder_name IS NOT NULL AND holder_name_grams = '{}' LIMIT 1000",
      );
      if (!rows.length) return done;
      const columns = rows.map((r) => nameSearchColumns(r.holder_name));
      // Only rows whose name is still the one read: a concurrent edit writes its own columns.
      await client.query(
        `UPDATE household_file f SET holder_name_pinyin = u.pinyin, holder_name_initials = u.initials, holder_name_grams = u.grams::text[]
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(id, name, pinyin, initials, grams)
          WHERE f.id = u.id AND f.holder_name = u.name`,
        [
          rows.map((r) => r.id),
          rows.map((r) => r.holder_name),
          columns.map((c) => c.holderNamePinyin),
          columns.map((c) => c.holderNameInitials),
          columns.map((c) => `{${c.holderNameGrams.map((g) => `"${g.replace(/["\\]/g, (x) => `\\${x}`)}"`).join(",")}}`),
        ],
      );
      done += rows.length;
      // A name with no searchable grams (all whitespace) would be read again forever.
      if (columns.every((c) => c.holderNameGrams.length === 0)) return done;
    }
  } finally {
    await client.end();
  }
}
