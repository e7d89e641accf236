// The statement check (decision 027, lib/db/statement-scope.ts): every scoped table a raw statement
// reads is restricted to the actor's scope by a fragment of its own, or follows a row that is.
// These statements are written by hand as the features write them; each refused one is a planted
// violation of a statement that passes beside it.
import { describe, expect, it } from "vitest";
import { checkStatementScope } from "@/lib/db/statement-scope";

const ORG_FRAGMENT = (column: string) =>
  `/* in-scope: ${column} */ (${column} = ANY (ARRAY(SELECT scope_o.id FROM organisation scope_o WHERE scope_o.path LIKE $1))) /* end-scope */`;
const FILE_FRAGMENT = (column: string) =>
  `/* in-scope: ${column} */ (${column} IN (SELECT scope_f.id FROM household_file scope_f JOIN organisation scope_o ON scope_o.id = scope_f.organisation_id WHERE scope_o.path LIKE $1)) /* end-scope */`;

const refused = (sql: string) => checkStatementScope(sql);

describe("the statement check", () => {
  it("refuses a scoped table read without a fragment, and passes it with one", () => {
    expect(refused("SELECT id FROM household_file")).toEqual({ ok: false, table: "household_file", reference: "household_file" });
    expect(refused(`SELECT id FROM household_file WHERE ${ORG_FRAGMENT("organisation_id")}`)).toEqual({ ok: true });
    expect(refused(`SELECT f.id FROM public.household_file AS f WHERE ${ORG_FRAGMENT("f.organisation_id")}`)).toEqual({ ok: true });
  });

  it("refuses a second scoped table in one statement when only the first has a fragment", () => {
    const one = `SELECT f.id FROM household_file f WHERE ${ORG_FRAGMENT("f.organisation_id")}`;
    expect(refused(one)).toEqual({ ok: true });
    // Planted: a comma join, a JOIN on a non-key column, a scalar subquery, a CTE, a UNION branch.
    expect(refused(`${one.replace("household_file f", "household_file f, ledger_entry e")}`)).toMatchObject({ ok: false, table: "ledger_entry" });
    expect(
      refused(
        `SELECT f.id, p.name FROM household_file f JOIN file_person p ON p.resident_id = f.holder_resident_id WHERE ${ORG_FRAGMENT("f.organisation_id")}`,
      ),
    ).toMatchObject({ ok: false, table: "file_person" });
    expect(refused(`SELECT f.id, (SELECT count(*) FROM visit v) FROM household_file f WHERE ${ORG_FRAGMENT("f.organisation_id")}`)).toMatchObject({
      ok: false,
      table: "visit",
    });
    expect(
      refused(`WITH x AS (SELECT file_id FROM bank_account) SELECT f.id FROM household_file f JOIN x ON true WHERE ${ORG_FRAGMENT("f.organisation_id")}`),
    ).toMatchObject({ ok: false, table: "bank_account" });
    expect(refused(`${one} UNION ALL SELECT f.id FROM household_file f`)).toMatchObject({ ok: false, table: "household_file" });
    // The same alias reused in another part of the statement is not covered by the first part's fragment.
    expect(
      refused(`SELECT (SELECT count(*) FROM ledger_entry e WHERE ${ORG_FRAGMENT("e.organisation_id")}), (SELECT count(*) FROM ledger_entry e)`),
    ).toMatchObject({ ok: false, table: "ledger_entry" });
  });

  it("follows the rows a covered row points at, and the rows that follow a covered row", () => {
    // The paying union and the file of an entry in scope (by primary key).
    expect(
      refused(
        `SELECT o.name, f.file_number FROM ledger_entry e JOIN organisation o ON o.id = e.organisation_id JOIN household_file f ON f.id = e.file_id WHERE ${ORG_FRAGMENT("e.organisation_id")}`,
      ),
    ).toEqual({ ok: true });
    // Report rows of organisations in scope; records of files in scope.
    expect(
      refused(`SELECT sum(t.files) FROM report_open_now t JOIN organisation o ON o.id = t.organisation_id WHERE o.path LIKE $2 AND ${ORG_FRAGMENT("o.id")}`),
    ).toEqual({ ok: true });
    expect(
      refused(
        `SELECT r.finding FROM recheck r JOIN household_file f ON f.id = r.file_id JOIN organisation o ON o.id = f.organisation_id WHERE ${ORG_FRAGMENT("o.id")}`,
      ),
    ).toEqual({ ok: true });
    // Planted: joined on a column that is not its scope (an entry by its batch line is not an entry of the line's file).
    expect(refused(`SELECT e.id FROM batch_line l JOIN ledger_entry e ON e.batch_line_id = l.id WHERE ${FILE_FRAGMENT("l.file_id")}`)).toMatchObject({
      ok: false,
      table: "ledger_entry",
    });
    expect(
      refused(`SELECT e.id FROM batch_line l JOIN ledger_entry e ON e.batch_line_id = l.id AND e.file_id = l.file_id WHERE ${FILE_FRAGMENT("l.file_id")}`),
    ).toEqual({ ok: true });
  });

  it("reads derived tables, CTEs and IN lists", () => {
    expect(
      refused(
        `SELECT h.id FROM (SELECT f.id FROM household_file f WHERE ${ORG_FRAGMENT("f.organisation_id")} LIMIT 50) page JOIN household_file h ON h.id = page.id`,
      ),
    ).toEqual({ ok: true });
    expect(refused(`SELECT h.id FROM (SELECT f.id FROM household_file f LIMIT 50) page JOIN household_file h ON h.id = page.id`)).toMatchObject({ ok: false });
    // A fragment on a parameter: the entries of that one file.
    expect(refused(`SELECT sum(e.amount_fen) FROM ledger_entry e WHERE e.file_id IN (SELECT $2::uuid WHERE ${FILE_FRAGMENT("$2::uuid")})`)).toEqual({
      ok: true,
    });
    expect(refused(`SELECT sum(e.amount_fen) FROM ledger_entry e WHERE e.file_id IN (SELECT $2::uuid)`)).toMatchObject({ ok: false, table: "ledger_entry" });
    // A search by ID number: the persons only filter files in scope.
    expect(
      refused(
        `SELECT f.id FROM household_file f WHERE ${ORG_FRAGMENT("f.organisation_id")} AND f.id IN (SELECT p.file_id FROM file_person p WHERE p.resident_id = $2)`,
      ),
    ).toEqual({ ok: true });
    // Planted: the persons' rows themselves returned.
    expect(refused(`SELECT p.name FROM household_file f JOIN file_person p ON p.resident_id = $2 WHERE ${ORG_FRAGMENT("f.organisation_id")}`)).toMatchObject({
      ok: false,
      table: "file_person",
    });
  });

  it("covers a fenced lookup by the fragment on its scope column outside the fence, and nothing else", () => {
    // The archive's member-name search (issue 28): the GIN lookup alone behind OFFSET 0, the scope outside.
    const fenced = (body: string, outside: string) =>
      `SELECT h.id FROM (SELECT f.id FROM (SELECT f.id, f.organisation_id FROM ${body} OFFSET 0) f WHERE ${outside} LIMIT 21) page JOIN household_file h ON h.id = page.id JOIN organisation o ON o.id = h.organisation_id`;
    expect(refused(fenced("household_file f WHERE f.data @> $2", ORG_FRAGMENT("f.organisation_id")))).toEqual({ ok: true });
    // Planted: no fragment outside; a fragment on a column that is not the scope key; a second table in the fence.
    expect(refused(fenced("household_file f WHERE f.data @> $2", "f.id IS NOT NULL"))).toMatchObject({ ok: false, table: "household_file" });
    expect(refused(fenced("household_file f WHERE f.data @> $2", ORG_FRAGMENT("f.id")))).toMatchObject({ ok: false, table: "household_file" });
    expect(refused(fenced("household_file f, ledger_entry e WHERE f.data @> $2", ORG_FRAGMENT("f.organisation_id")))).toMatchObject({ ok: false });
  });

  it("lets through what is declared, where it is declared, and never reads strings or comments as tables", () => {
    expect(refused("SELECT 1 /* unscoped: the national calendar */ FROM household_file")).toEqual({ ok: true });
    const declared = (where: string) =>
      `SELECT f.id FROM household_file f WHERE ${ORG_FRAGMENT("f.organisation_id")} AND NOT EXISTS (SELECT 1 FROM file_person p WHERE p.resident_id = f.holder_resident_id ${where})`;
    expect(refused(declared("/* scope-declared: p — one person, one file */"))).toEqual({ ok: true });
    expect(refused(declared(""))).toMatchObject({ ok: false, table: "file_person" });
    expect(refused(`SELECT 'FROM household_file' AS x, extract(year FROM now()) -- FROM ledger_entry\n`)).toEqual({ ok: true });
    expect(refused(`SELECT x FROM calendar_day WHERE day IS DISTINCT FROM $1`)).toEqual({ ok: true });
  });
});

describe("statements the check found in the features (fixed beside it)", () => {
  it("roster and import rows follow their run or import, not the organisation they name", () => {
    const rows = (join: string) =>
      `SELECT DISTINCT o.id FROM household_import_row r JOIN organisation o ON o.id = r.organisation_id ${join} WHERE r.import_id = $2::uuid AND ${ORG_FRAGMENT("o.id")}`;
    expect(refused(rows(""))).toMatchObject({ ok: false, table: "household_import_row" });
    expect(refused(rows(`JOIN household_import i ON i.id = r.import_id AND ${ORG_FRAGMENT("i.organisation_id")}`))).toEqual({ ok: true });
    expect(
      refused(
        `SELECT count(*) FROM (SELECT id FROM household_file WHERE id IN (SELECT file_id FROM batch_line WHERE batch_id = $2::uuid AND ${FILE_FRAGMENT("file_id")})) x`,
      ),
    ).toEqual({ ok: true });
    expect(
      refused(`SELECT count(*) FROM (SELECT id FROM household_file WHERE id IN (SELECT file_id FROM batch_line WHERE batch_id = $2::uuid)) x`),
    ).toMatchObject({ ok: false });
  });
});
