// Proves prisma/schema.prisma (what Prisma Client believes) describes the database that the SQL
// migrations actually build. `prisma migrate diff` needs the native schema engine, which cannot be
// downloaded here, so the comparison is done directly: Prisma's own parser turns the schema into a
// DMMF, the live catalog of the migrated test database is read from pg_catalog, and every
// difference is collected into one readable list.
//
// Compared: model ↔ table (@@map), scalar field ↔ column (@map), column type (incl. @db.* native
// types, enums, lists), nullability, column defaults, primary keys, unique constraints/indexes,
// plain indexes (columns in order, sort order, index type, operator class), foreign keys (columns,
// referenced table/columns, ON DELETE / ON UPDATE) and enum types with their values, in both
// directions (anything in the database that the schema does not declare is a difference too).
//
// Not compared, by design: CHECK constraints and triggers (SQL-only rules, see the note at the top
// of schema.prisma), constraint/index names unless the schema fixes one with `map:`, sequences
// (implied by @default(autoincrement())), views, functions, and the migration bookkeeping table.
// Fields of type Unsupported("...") do not appear in the DMMF at all: their columns would be
// reported as "in the database but not in the schema" (none exist today).
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "@/lib/db/migrate";

/**
 * Indexes the database may have although the schema does not declare them. Only indexes Prisma
 * cannot express belong here (partial, expression, non-default operator class on a B-tree, ...);
 * each needs a one-line reason. Anything else the database has must be declared in schema.prisma.
 */
const ALLOWED_EXTRA_INDEXES: Readonly<Record<string, string>> = {
  organisation_path_prefix_idx: "text_pattern_ops so `path LIKE 'prefix%'` subtree scans use the index",
  household_file_archive_keyset_idx: "DESC keys and INCLUDE columns: archive pages are index ranges and filters index-only (issue 12)",
  household_file_review_queue_idx: "partial (files waiting for an official) with INCLUDE columns: the review queue in submission order",
  household_file_recheck_due_idx: "INCLUDE organisation_id so re-check lists and bounded counts of a scope are index-only",
  household_file_name_search_pending_idx: "partial: files whose name-search columns the start-up backfill still has to write",
  household_file_tally_key: "NULLS NOT DISTINCT unique key of the trigger-maintained file tally",
  household_file_one_file_per_holder: "partial unique: a household is filed once after its first submission (一户一档)",
  file_person_one_active_file: "partial unique: a person is in at most one file that holds them (一人一档)",
  ledger_entry_student_idx: "partial (助学 entries with a student): a student's payments for the custom-range upkeep (migration 0053)",
  ledger_entry_reversal_file_idx: "partial (reversals): which files of a statement have a reversal, for the custom-range cells (migration 0056)",
  ledger_entry_student_reversal_idx: "partial (助学 reversals with a student) with INCLUDE: a range's students read apart (migration 0056)",
  report_range_reversal_cell_box_idx: "GiST on an expression: the reversal cells containing a range's (from, to) (migration 0056)",
  ledger_entry_organisation_cover_idx: "INCLUDE columns so a subtree's ledger totals are index-only scans",
  ledger_entry_paying_organisation_id_entry_date_idx: "INCLUDE columns so the allocation report's spending per paying union is an index-only scan",
  ledger_daily_total_cover_idx: "INCLUDE the sums so the organisation ledger's totals over daily totals are index-only scans (issue 12)",
  change_request_one_open_per_kind: "partial unique: one open change request of a kind per file",
  household_file_archive_filter_idx: "INCLUDE columns so archive counts with filters are index-only scans",
  bank_account_one_current_per_file: "partial unique: a household file has one current bank account (实名制)",
  batch_line_one_per_beneficiary: "NULLS NOT DISTINCT: a household (or student) is listed once per batch",
  disbursement_one_open_reversal: "partial unique: an entry has at most one pending or approved reversal request",
  dibao_standard_no_overlap: "exclusion constraint (gist, daterange): a region's 低保 periods never overlap",
  policy_parameter_no_overlap: "exclusion constraint (gist, daterange): a parameter's periods never overlap per region",
  aid_policy_no_overlap: "exclusion constraint (gist, daterange): an aid standard's periods never overlap per level and region",
  fund_aid_rule_no_overlap: "exclusion constraint (gist, daterange): a fund's 专款专用 periods never overlap",
  file_person_resident_id_tail_idx: "expression right(resident_id, 4): the archive finds a household by the ID tail its screens show (issue 26)",
  household_file_member_names_idx: "expression (jsonb path of members' names), GIN: the archive finds a household by a family member's name (issue 26)",
  cause_evidence_rule_no_overlap: "exclusion constraint (gist, daterange): a cause's evidence rule periods never overlap",
  work_item_one_open_paper_sync: "partial unique: one open paper-sync item per file",
  report_open_now_key: "NULLS NOT DISTINCT: one row per organisation and attribute combination",
  report_open_delta_key: "NULLS NOT DISTINCT: one delta row per organisation, day and attribute combination",
  report_open_month_key: "NULLS NOT DISTINCT: one row per kept month, organisation and attribute combination",
  ledger_entry_report_idx: "INCLUDE columns so a period's distinct households are an index-only scan",
  filing_event_submitted_lookup_idx: "partial (kind = 'SUBMITTED'): the maker–checker trigger's submitter lookup is one probe whatever the statistics",
  household_file_reviewed_wait_idx: "partial (status = 'REVIEWED') with INCLUDE: the official's workbench reads the oldest first review in scope from it",
  household_file_publicity_notice_idx:
    "partial (status = 'PUBLICITY') with INCLUDE: a union's public notice reads its files in publicity from it (issue 24 §3)",
  household_file_publicity_wait_idx:
    "partial (status = 'PUBLICITY') with INCLUDE: the official's workbench counts publicity periods ended and reads the oldest from it",
  household_file_observation_report_idx: "partial (resolved exits) with INCLUDE columns: the report's aid in observation periods starts from these files",
  ledger_entry_reversal_date_idx: "partial (reversals): the auditor's workbench counts the last 30 days' reversals",
  ledger_entry_cap_override_date_idx: "partial (over-cap payments): the auditor's workbench counts the last 30 days' approvals over the cap",
  report_ledger_file_multi_idx: "partial (files paid by more than one organisation): the few a report reads apart",
  report_ledger_student_multi_idx: "partial (students paid by more than one organisation): the few a report reads apart",
  export_job_active_idx: "partial (queued or running): the export worker's sweep and recovery read only active jobs",
  export_job_expiry_idx: "partial (succeeded): the daily clean-up finds the files past their expiry",
  bank_layout_one_default: "partial unique (is_default): at most one bank layout is the default (issue 23, 0032)",
  file_query_code_one_live: "partial unique: a file has at most one live query code (本人查询, issue 24)",
  ledger_entry_medical_created_idx: "partial (medical aid): the warning run reads the medical payments recorded since its watermark",
  household_file_watched_idx: "partial (脱困 exits in observation or closed): the files the return-to-hardship rules watch",
  referral_open_due_idx: "partial (no outcome yet): the workbench counts overdue referrals",
  bank_account_current_number_idx: "partial (current accounts): the shared-account signal and the bank-account form look a number up",
  file_person_name_birth_idx: "partial (holds) expression (name, birth digits of the ID): the same-name-and-birth-date signal groups on it",
  household_file_open_phone_idx: "partial (open files) expression normalise_phone(contact_phone): the shared-phone signal groups on it",
  change_request_death_idx: "partial (approved 注销 for 死亡): the paid-after-death signal starts from these files",
  civil_roster_row_deceased_idx: "partial (deceased): the paid-after-death signal reads the rosters' deaths",
  household_file_size_idx:
    "INCLUDE household_size, organisation_id: a custom-range report merge-joins its period's files with their sizes index-only, and $fileInScope probes read no table row (issue 28, 0052)",
  ledger_entry_file_id_aid_type_entry_date_idx:
    "INCLUDE amount_fen, student_resident_id (0052): the annual-cap sum of a file's year is an index-only scan; organisation_id, fund_source, reverses_entry_id (0055): a custom range reads its reversal files' entries index-only (issue 28)",
  disbursement_payment_status_idx: "partial (payments sent to a bank): the caseworker's workbench counts the returned ones and reads the oldest (issue 28)",
};

const SCHEMA_PATH = path.resolve(import.meta.dirname, "../../prisma/schema.prisma");
const MIGRATION_TABLE = "bangfu_migration";

// ---------------------------------------------------------------------------------------------
// Parsing the schema with Prisma's own parser.
//
// The parser is the prisma-schema WebAssembly module bundled inside the installed `prisma` CLI
// package — the very module `prisma generate` uses — so no extra package (@prisma/internals,
// @prisma/prisma-schema-wasm) is needed. Its JavaScript glue is bundled into the CLI and not
// importable, so the few lines of wasm-bindgen glue `get_dmmf` needs are reproduced here. If a
// Prisma upgrade changes that interface the loader fails loudly (never silently passes).
// ---------------------------------------------------------------------------------------------

type TSchemaWasm = {
  memory: WebAssembly.Memory;
  __wbindgen_externrefs: WebAssembly.Table;
  __wbindgen_malloc(size: number, align: number): number;
  __wbindgen_free(ptr: number, size: number, align: number): void;
  __externref_table_dealloc(index: number): void;
  __wbindgen_start(): void;
  get_dmmf(ptr: number, len: number): unknown;
};

let schemaWasmModule: WebAssembly.Module | undefined;

function loadSchemaWasmModule(): WebAssembly.Module {
  if (!schemaWasmModule) {
    const prismaDir = path.dirname(createRequire(import.meta.url).resolve("prisma/package.json"));
    schemaWasmModule = new WebAssembly.Module(readFileSync(path.join(prismaDir, "build/prisma_schema_build_bg.wasm")));
  }
  return schemaWasmModule;
}

/** Runs Prisma's `get_dmmf` on the schema text and returns the DMMF JSON text. */
function getDmmfJson(schemaText: string): string {
  const module = loadSchemaWasmModule();
  let wasm: TSchemaWasm | undefined;
  let panicMessage: string | undefined;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const readString = (ptr: number, len: number) => decoder.decode(new Uint8Array(wasm!.memory.buffer, ptr >>> 0, len));

  // The host functions the module imports. Their names end in a build hash, so match the stable prefix.
  const hostFunctions: [prefix: string, fn: (...args: number[]) => unknown][] = [
    ["__wbg_set_message_", (ptr, len) => void (panicMessage = readString(ptr!, len!))],
    ["__wbg_Error_", (ptr, len) => new Error(readString(ptr!, len!))],
    [
      "__wbg___wbindgen_throw_",
      (ptr, len) => {
        throw new Error(readString(ptr!, len!));
      },
    ],
    [
      "__wbindgen_init_externref_table",
      () => {
        const table = wasm!.__wbindgen_externrefs;
        const offset = table.grow(4);
        table.set(0, undefined);
        table.set(offset + 0, undefined);
        table.set(offset + 1, null);
        table.set(offset + 2, true);
        table.set(offset + 3, false);
      },
    ],
  ];
  const imports: WebAssembly.Imports = {};
  for (const wanted of WebAssembly.Module.imports(module)) {
    const host = hostFunctions.find(([prefix]) => wanted.name.startsWith(prefix));
    if (!host) {
      throw new Error(
        `prisma_schema_build_bg.wasm imports ${wanted.module}.${wanted.name}, which this loader does not know: ` +
          "the Prisma upgrade changed the wasm interface; update getDmmfJson() in this file.",
      );
    }
    (imports[wanted.module] ??= {})[wanted.name] = host[1];
  }
  // A fresh instance per call: after a Rust panic the old one must not be reused.
  wasm = new WebAssembly.Instance(module, imports).exports as unknown as TSchemaWasm;
  wasm.__wbindgen_start();

  const input = new TextEncoder().encode(JSON.stringify({ prismaSchema: schemaText, noColor: true }));
  const inputPtr = wasm.__wbindgen_malloc(input.length, 1) >>> 0;
  new Uint8Array(wasm.memory.buffer).set(input, inputPtr);
  let result: unknown;
  try {
    result = wasm.get_dmmf(inputPtr, input.length);
  } catch (error) {
    throw new Error(`Prisma's schema parser crashed: ${panicMessage ?? String(error)}`, { cause: error });
  }
  // wasm-bindgen returns [resultPtr, resultLen, errorRef, isError] for a Result<String, JsError>.
  if (!Array.isArray(result) || result.length !== 4 || !result.every((x) => typeof x === "number")) {
    throw new Error("get_dmmf returned an unexpected shape: the wasm interface changed; update getDmmfJson().");
  }
  const [ptr, len, errorRef, isError] = result as [number, number, number, number];
  if (isError) {
    const error: unknown = wasm.__wbindgen_externrefs.get(errorRef);
    wasm.__externref_table_dealloc(errorRef);
    // The error message is JSON: {"error_code":"P1012","message":"<Prisma's validation output>"}.
    const text = error instanceof Error ? error.message : String(error);
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // Not JSON: keep the raw text.
    }
    throw new Error(`schema.prisma does not parse:\n${message}`);
  }
  try {
    return readString(ptr, len);
  } finally {
    wasm.__wbindgen_free(ptr, len, 1);
  }
}

// The parts of the DMMF this test reads.
type TDmmfFunctionDefault = { name: string; args: unknown[] };
type TDmmfField = {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "object" | "enum" | "unsupported";
  isList: boolean;
  isRequired: boolean;
  isUpdatedAt?: boolean;
  hasDefaultValue: boolean;
  type: string;
  nativeType?: [name: string, args: string[]] | null;
  default?: TDmmfFunctionDefault | string | number | boolean | unknown[];
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
};
type TDmmfModel = { name: string; dbName: string | null; schema?: string | null; fields: TDmmfField[] };
type TDmmfIndex = {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  isDefinedOnField: boolean;
  dbName?: string;
  algorithm?: string;
  fields: { name: string; sortOrder?: "asc" | "desc"; length?: number; operatorClass?: string }[];
};
type TDmmfEnum = { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] };
type TDatamodel = { models: TDmmfModel[]; enums: TDmmfEnum[]; indexes?: TDmmfIndex[] };

function parseDatamodel(schemaText: string): TDatamodel {
  const dmmf = JSON.parse(getDmmfJson(schemaText)) as { datamodel: TDatamodel };
  // Prisma 7's DMMF lists every @id/@@id, @unique/@@unique and @@index in `datamodel.indexes`.
  // Without it @@index could not be checked at all, so refuse rather than silently check less.
  if (!Array.isArray(dmmf.datamodel.indexes)) {
    throw new Error("The DMMF has no datamodel.indexes: this Prisma version cannot be used to check indexes.");
  }
  return dmmf.datamodel;
}

// ---------------------------------------------------------------------------------------------
// What the schema says the database contains, in database terms (table and column names).
// ---------------------------------------------------------------------------------------------

type TExpectedColumn = { column: string; label: string; field: TDmmfField; type: string; notNull: boolean };
type TExpectedTable = { name: string; model: string; columns: TExpectedColumn[] };
type TExpectedIndex = {
  table: string;
  label: string;
  kind: "primary" | "unique" | "normal";
  columns: string[];
  descending: boolean[];
  operatorClasses: (string | null)[];
  method: string;
  name: string | null;
};
type TExpectedForeignKey = {
  table: string;
  label: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: string;
  onUpdate: string;
};
type TExpectedEnum = { name: string; prismaName: string; values: string[]; valueByPrismaName: Map<string, string> };
type TExpected = {
  tables: TExpectedTable[];
  indexes: TExpectedIndex[];
  foreignKeys: TExpectedForeignKey[];
  enums: TExpectedEnum[];
  problems: string[];
};

// Prisma's default PostgreSQL column type for each scalar type (what `prisma migrate` would create).
const DEFAULT_PG_TYPES: Record<string, string> = {
  String: "text",
  Boolean: "boolean",
  Int: "integer",
  BigInt: "bigint",
  Float: "double precision",
  Decimal: "numeric(65,30)",
  DateTime: "timestamp(3) without time zone",
  Json: "jsonb",
  Bytes: "bytea",
};

// @db.* native types, written the way PostgreSQL's format_type() prints them.
const precision = (args: string[]) => (args[0] === undefined ? "" : `(${args[0]})`);
const NATIVE_PG_TYPES: Record<string, (args: string[]) => string> = {
  Text: () => "text",
  VarChar: (a) => `character varying${precision(a)}`,
  Char: (a) => `character(${a[0] ?? 1})`,
  Bit: (a) => `bit(${a[0] ?? 1})`,
  VarBit: (a) => `bit varying${precision(a)}`,
  Uuid: () => "uuid",
  Xml: () => "xml",
  Inet: () => "inet",
  Citext: () => "citext",
  Boolean: () => "boolean",
  SmallInt: () => "smallint",
  Integer: () => "integer",
  Oid: () => "oid",
  BigInt: () => "bigint",
  Real: () => "real",
  DoublePrecision: () => "double precision",
  Decimal: (a) => (a.length === 0 ? "numeric" : `numeric(${a[0]},${a[1] ?? 0})`),
  Money: () => "money",
  Timestamp: (a) => `timestamp${precision(a)} without time zone`,
  Timestamptz: (a) => `timestamp${precision(a)} with time zone`,
  Time: (a) => `time${precision(a)} without time zone`,
  Timetz: (a) => `time${precision(a)} with time zone`,
  Date: () => "date",
  Json: () => "json",
  JsonB: () => "jsonb",
  ByteA: () => "bytea",
};

// Prisma's referential action names ↔ pg_constraint.confdeltype / confupdtype codes.
const PG_REFERENTIAL_ACTIONS: Record<string, string> = {
  a: "NoAction",
  r: "Restrict",
  c: "Cascade",
  n: "SetNull",
  d: "SetDefault",
};

function describeSchema(datamodel: TDatamodel): TExpected {
  const problems: string[] = [];
  const enums = datamodel.enums.map((e) => {
    const valueByPrismaName = new Map(e.values.map((v) => [v.name, v.dbName ?? v.name]));
    return { name: e.dbName ?? e.name, prismaName: e.name, values: [...valueByPrismaName.values()], valueByPrismaName };
  });
  const enumByPrismaName = new Map(enums.map((e) => [e.prismaName, e]));
  const modelByName = new Map(datamodel.models.map((m) => [m.name, m]));
  const tableOf = (model: TDmmfModel) => model.dbName ?? model.name;
  const columnOf = (model: TDmmfModel, fieldName: string) => model.fields.find((f) => f.name === fieldName)?.dbName ?? fieldName;

  const tables: TExpectedTable[] = [];
  const foreignKeys: TExpectedForeignKey[] = [];
  for (const model of datamodel.models) {
    if (model.schema && model.schema !== "public") {
      problems.push(`model ${model.name}: lives in schema "${model.schema}"; this test only reads schema "public"`);
    }
    const table = tableOf(model);
    const columns: TExpectedColumn[] = [];
    for (const field of model.fields) {
      const label = `${model.name}.${field.name}`;
      if (field.kind === "object") {
        // The side holding `fields:`/`references:` owns the foreign key; back-relations own nothing.
        if (!field.relationFromFields?.length) continue;
        const target = modelByName.get(field.type)!;
        foreignKeys.push({
          table,
          label: `relation ${label}`,
          columns: field.relationFromFields.map((name) => columnOf(model, name)),
          refTable: tableOf(target),
          refColumns: (field.relationToFields ?? []).map((name) => columnOf(target, name)),
          // Prisma's defaults when the schema does not say: Restrict for a required relation,
          // SetNull for an optional one; Cascade on update.
          onDelete: field.relationOnDelete ?? (field.isRequired ? "Restrict" : "SetNull"),
          onUpdate: field.relationOnUpdate ?? "Cascade",
        });
        continue;
      }
      let base: string;
      if (field.kind === "enum") {
        base = enumByPrismaName.get(field.type)?.name ?? field.type;
      } else if (field.nativeType) {
        const [nativeName, args] = field.nativeType;
        const toPg = NATIVE_PG_TYPES[nativeName];
        if (!toPg) problems.push(`${label}: @db.${nativeName} is not known to this test; add it to NATIVE_PG_TYPES`);
        base = toPg ? toPg(args) : `@db.${nativeName}`;
      } else {
        const pgType = DEFAULT_PG_TYPES[field.type];
        if (!pgType) problems.push(`${label}: Prisma type ${field.type} is not known to this test; add it to DEFAULT_PG_TYPES`);
        base = pgType ?? field.type;
      }
      columns.push({
        column: field.dbName ?? field.name,
        label,
        field,
        type: field.isList ? `${base}[]` : base,
        // Prisma Client types a list as a (possibly empty) array, never null, so the column must be NOT NULL.
        notNull: field.isRequired || field.isList,
      });
    }
    tables.push({ name: table, model: model.name, columns });
  }

  const indexes: TExpectedIndex[] = [];
  for (const index of datamodel.indexes!) {
    const model = modelByName.get(index.model)!;
    const fieldNames = index.fields.map((f) => f.name);
    const attribute =
      index.type === "id" ? (index.isDefinedOnField ? "@id" : "@@id") : index.type === "unique" ? (index.isDefinedOnField ? "@unique" : "@@unique") : "@@index";
    const label = index.isDefinedOnField ? `${attribute} on ${model.name}.${fieldNames[0]}` : `${attribute}([${fieldNames.join(", ")}]) on ${model.name}`;
    if (index.type === "fulltext") {
      problems.push(`${label}: full-text indexes are not supported on PostgreSQL`);
      continue;
    }
    if (index.fields.some((f) => f.length !== undefined)) {
      problems.push(`${label}: index prefix lengths are MySQL-only`);
    }
    indexes.push({
      table: tableOf(model),
      label,
      kind: index.type === "id" ? "primary" : index.type,
      columns: fieldNames.map((name) => columnOf(model, name)),
      descending: index.fields.map((f) => f.sortOrder === "desc"),
      operatorClasses: index.fields.map((f) => f.operatorClass ?? null),
      method: (index.algorithm ?? "BTree").toLowerCase(),
      name: index.dbName ?? null,
    });
  }
  return { tables, indexes, foreignKeys, enums, problems };
}

// ---------------------------------------------------------------------------------------------
// What the database actually contains (schema "public", without the migration bookkeeping table).
// ---------------------------------------------------------------------------------------------

type TDbColumn = { table: string; column: string; type: string; notNull: boolean; default: string | null; identity: boolean };
type TDbIndex = {
  table: string;
  name: string;
  unique: boolean;
  primary: boolean;
  method: string;
  /** Key columns in order; null marks an expression. */
  columns: (string | null)[];
  include: string[];
  descending: boolean[];
  nullsFirst: boolean[];
  operatorClasses: string[];
  operatorClassIsDefault: boolean[];
  predicate: string | null;
  nullsNotDistinct: boolean;
  definition: string;
};
type TDbForeignKey = {
  name: string;
  table: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: string;
  onUpdate: string;
};
type TCatalog = { tables: string[]; columns: TDbColumn[]; indexes: TDbIndex[]; foreignKeys: TDbForeignKey[]; enums: Map<string, string[]> };

// The tables this test compares: ordinary and partitioned tables in "public", minus the bookkeeping.
const USER_TABLE = `n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> '${MIGRATION_TABLE}'`;

async function readCatalog(client: pg.Client): Promise<TCatalog> {
  const tables = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${USER_TABLE} ORDER BY c.relname`,
  );

  // Enum types are named by their own (unquoted) name; everything else as format_type() prints it.
  // A generated column's expression is not a default, so it is left out.
  const columns = await client.query<TDbColumn>(
    `SELECT c.relname AS "table", a.attname AS "column",
       CASE WHEN et.typtype = 'e' THEN et.typname::text ELSE format_type(et.oid, a.atttypmod) END
         || CASE WHEN t.typcategory = 'A' THEN '[]' ELSE '' END AS "type",
       a.attnotnull AS "notNull",
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END AS "default",
       a.attidentity <> '' AS "identity"
     FROM pg_class c
     JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     JOIN pg_type t ON t.oid = a.atttypid
     JOIN pg_type et ON et.oid = CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE t.oid END
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE ${USER_TABLE}
     ORDER BY c.relname, a.attnum`,
  );

  // indoption bit 1 = DESC, bit 2 = NULLS FIRST. indkey lists key columns then INCLUDE columns;
  // attnum 0 is an expression. indnullsnotdistinct needs PostgreSQL 15+ (embedded PostgreSQL is 18).
  const indexes = await client.query<Omit<TDbIndex, "columns" | "include"> & { allColumns: (string | null)[]; keyCount: number }>(
    `SELECT c.relname AS "table", i.relname AS "name", ix.indisunique AS "unique", ix.indisprimary AS "primary",
       am.amname AS "method", ix.indnkeyatts AS "keyCount",
       ARRAY(SELECT a.attname::text FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
             LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum ORDER BY k.ord) AS "allColumns",
       ARRAY(SELECT (k.opt & 1) <> 0 FROM unnest(ix.indoption::int2[]) WITH ORDINALITY k(opt, ord) ORDER BY k.ord) AS "descending",
       ARRAY(SELECT (k.opt & 2) <> 0 FROM unnest(ix.indoption::int2[]) WITH ORDINALITY k(opt, ord) ORDER BY k.ord) AS "nullsFirst",
       ARRAY(SELECT opc.opcname::text FROM unnest(ix.indclass::oid[]) WITH ORDINALITY k(opc, ord)
             JOIN pg_opclass opc ON opc.oid = k.opc ORDER BY k.ord) AS "operatorClasses",
       ARRAY(SELECT opc.opcdefault FROM unnest(ix.indclass::oid[]) WITH ORDINALITY k(opc, ord)
             JOIN pg_opclass opc ON opc.oid = k.opc ORDER BY k.ord) AS "operatorClassIsDefault",
       pg_get_expr(ix.indpred, ix.indrelid) AS "predicate",
       ix.indnullsnotdistinct AS "nullsNotDistinct",
       pg_get_indexdef(ix.indexrelid) AS "definition"
     FROM pg_index ix
     JOIN pg_class i ON i.oid = ix.indexrelid
     JOIN pg_class c ON c.oid = ix.indrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_am am ON am.oid = i.relam
     WHERE ${USER_TABLE}
     ORDER BY c.relname, i.relname`,
  );

  const foreignKeys = await client.query<TDbForeignKey>(
    `SELECT con.conname AS "name", c.relname AS "table", rc.relname AS "refTable",
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS "columns",
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS "refColumns",
       con.confdeltype AS "onDelete", con.confupdtype AS "onUpdate"
     FROM pg_constraint con
     JOIN pg_class c ON c.oid = con.conrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_class rc ON rc.oid = con.confrelid
     WHERE con.contype = 'f' AND con.conparentid = 0 AND ${USER_TABLE}
     ORDER BY c.relname, con.conname`,
  );

  const enums = await client.query<{ name: string; values: string[] }>(
    `SELECT t.typname AS "name",
       ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS "values"
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = 'public' AND t.typtype = 'e'
     ORDER BY t.typname`,
  );

  return {
    tables: tables.rows.map((r) => r.name),
    columns: columns.rows,
    indexes: indexes.rows.map(({ allColumns, keyCount, ...rest }) => ({
      ...rest,
      columns: allColumns.slice(0, keyCount),
      include: allColumns.slice(keyCount).map(String),
    })),
    foreignKeys: foreignKeys.rows.map((fk) => ({
      ...fk,
      onDelete: PG_REFERENTIAL_ACTIONS[fk.onDelete] ?? fk.onDelete,
      onUpdate: PG_REFERENTIAL_ACTIONS[fk.onUpdate] ?? fk.onUpdate,
    })),
    enums: new Map(enums.rows.map((r) => [r.name, r.values])),
  };
}

// ---------------------------------------------------------------------------------------------
// The comparison.
// ---------------------------------------------------------------------------------------------

const list = (items: readonly unknown[]) => `(${items.join(", ")})`;

/** Key-order-independent JSON, so {"a":1,"b":2} equals {"b":2,"a":1}. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const isFunctionDefault = (value: unknown): value is TDmmfFunctionDefault =>
  value !== null && typeof value === "object" && !Array.isArray(value) && "name" in value && "args" in value;

function describeDefault(value: TDmmfField["default"]): string {
  if (isFunctionDefault(value)) {
    return `@default(${value.name}(${value.args.map((a) => JSON.stringify(a)).join(", ")}))`;
  }
  return `@default(${JSON.stringify(value)})`;
}

/**
 * Whether the column's database default does what the field's @default says. Returns a description
 * of the mismatch, or null. Literal defaults are compared by value: the database's default
 * expression is evaluated (never when it is a sequence's nextval(), which would consume a value)
 * and both sides are brought to the same JSON form.
 */
async function compareDefault(
  client: pg.Client,
  expected: TExpectedColumn,
  actual: TDbColumn,
  enumByPrismaName: Map<string, TExpectedEnum>,
): Promise<string | null> {
  const field = expected.field;
  const dbDefault = actual.identity ? "GENERATED AS IDENTITY" : actual.default;
  const dbSays =
    dbDefault === null
      ? "the database has no default"
      : actual.identity
        ? "the database column is GENERATED AS IDENTITY"
        : `the database has DEFAULT ${dbDefault}`;
  if (!field.hasDefaultValue || field.default === undefined) {
    return dbDefault === null ? null : `the schema has no @default, ${dbSays}`;
  }
  const schemaSays = `the schema has ${describeDefault(field.default)}`;
  const value = field.default;
  if (isFunctionDefault(value)) {
    switch (value.name) {
      case "autoincrement":
        return actual.identity || /^nextval\(/i.test(dbDefault ?? "") ? null : `${schemaSays}, ${dbSays} (expected a sequence)`;
      case "now":
        return /^(now\(\)|current_timestamp(\(\d+\))?)$/i.test(dbDefault ?? "") ? null : `${schemaSays}, ${dbSays}`;
      case "dbgenerated": {
        if (dbDefault === null) return `${schemaSays}, ${dbSays}`;
        const wanted = value.args[0];
        // dbgenerated() without an expression only promises that some default exists.
        if (typeof wanted !== "string") return null;
        const normalise = (sql: string) => sql.replace(/\s+/g, " ").trim();
        return normalise(wanted) === normalise(dbDefault)
          ? null
          : `${schemaSays}, ${dbSays} (write the dbgenerated expression exactly as PostgreSQL prints it)`;
      }
      case "uuid":
      case "cuid":
      case "nanoid":
      case "ulid":
        return null; // Generated by Prisma Client; the database needs no default.
      default:
        return `${schemaSays}: this test does not know how to compare that default`;
    }
  }

  if (dbDefault === null) return `${schemaSays}, ${dbSays}`;
  if (actual.identity || /nextval\(/i.test(dbDefault)) return `${schemaSays}, ${dbSays}`;
  const { rows } = await client.query<{ value: string }>(`SELECT to_jsonb((${dbDefault}))::text AS value`);
  const actualJson: unknown = JSON.parse(rows[0]!.value);

  // Both sides to one comparable form per Prisma type (Json defaults arrive as JSON text from Prisma).
  const normalise = (element: unknown, side: "schema" | "database"): unknown => {
    if (field.kind === "enum" && side === "schema") {
      return enumByPrismaName.get(field.type)?.valueByPrismaName.get(String(element)) ?? element;
    }
    switch (field.type) {
      case "Int":
      case "BigInt":
      case "Float":
      case "Decimal":
        return Number(element);
      case "DateTime": {
        const text = String(element);
        // A `timestamp without time zone` prints without an offset; Prisma reads it as UTC.
        return Date.parse(side === "database" && !/(Z|[+-]\d\d(:?\d\d)?)$/.test(text) ? `${text}Z` : text);
      }
      case "Json":
        return side === "schema" && typeof element === "string" ? JSON.parse(element) : element;
      case "Bytes":
        return side === "schema" ? `\\x${Buffer.from(String(element), "base64").toString("hex")}` : element;
      default:
        return element;
    }
  };
  const normaliseAll = (v: unknown, side: "schema" | "database") => (field.isList && Array.isArray(v) ? v.map((e) => normalise(e, side)) : normalise(v, side));
  return canonicalJson(normaliseAll(value, "schema")) === canonicalJson(normaliseAll(actualJson, "database")) ? null : `${schemaSays}, ${dbSays}`;
}

/** Why Prisma could not declare this index (empty when it could). */
function inexpressibleFeatures(index: TDbIndex): string[] {
  const features: string[] = [];
  if (index.predicate !== null) features.push(`partial (WHERE ${index.predicate})`);
  if (index.columns.some((c) => c === null)) features.push("indexes an expression");
  if (index.include.length > 0) features.push(`INCLUDE ${list(index.include)}`);
  if (index.nullsNotDistinct) features.push("NULLS NOT DISTINCT");
  index.descending.forEach((desc, i) => {
    // Prisma's `sort: Desc` gives PostgreSQL's default NULLS FIRST for DESC and NULLS LAST for ASC.
    if (index.nullsFirst[i] !== desc) features.push(`explicit NULLS ${index.nullsFirst[i] ? "FIRST" : "LAST"}`);
  });
  // Prisma's `ops:` is only accepted for GiST, GIN, SP-GiST and BRIN indexes.
  if (["btree", "hash"].includes(index.method)) {
    index.operatorClasses.forEach((opclass, i) => {
      if (!index.operatorClassIsDefault[i]) features.push(`operator class ${opclass}`);
    });
  }
  return features;
}

// Prisma writes operator classes in PascalCase (JsonbPathOps, TimestampTzMinMaxOps), PostgreSQL
// in snake_case (jsonb_path_ops, timestamptz_minmax_ops): compare without case and underscores.
const sameOperatorClass = (prisma: string, pg: string) =>
  prisma
    .replace(/^raw\("(.*)"\)$/, "$1")
    .replace(/_/g, "")
    .toLowerCase() === pg.replace(/_/g, "").toLowerCase();

/** How the matched database index differs from what the schema declares (empty when it agrees). */
function indexDetailDifferences(expected: TExpectedIndex, actual: TDbIndex): string[] {
  const out: string[] = [];
  if (expected.name !== null && expected.name !== actual.name) {
    out.push(`the schema names it "${expected.name}", the database "${actual.name}"`);
  }
  if (expected.method !== actual.method) out.push(`the schema says type ${expected.method}, the database uses ${actual.method}`);
  expected.columns.forEach((column, i) => {
    if (expected.descending[i] !== actual.descending[i]) {
      out.push(`${column}: the schema sorts it ${expected.descending[i] ? "DESC" : "ASC"}, the database ${actual.descending[i] ? "DESC" : "ASC"}`);
    }
    const wanted = expected.operatorClasses[i];
    const got = actual.operatorClasses[i] ?? "";
    if (wanted ? !sameOperatorClass(wanted, got) : !actual.operatorClassIsDefault[i]) {
      out.push(`${column}: the schema says operator class ${wanted ?? "(default)"}, the database uses ${got}`);
    }
  });
  // Operator classes were compared column by column above.
  for (const feature of inexpressibleFeatures(actual)) {
    if (!feature.startsWith("operator class")) out.push(`the database index adds what the schema cannot say: ${feature}`);
  }
  return out;
}

/**
 * Compares a Prisma schema (its text) with the database `client` is connected to and returns every
 * difference found, one readable line each; an empty list means they agree.
 */
export async function compareSchemaToDatabase(
  schemaText: string,
  client: pg.Client,
  allowedExtraIndexes: Readonly<Record<string, string>> = ALLOWED_EXTRA_INDEXES,
): Promise<string[]> {
  const expected = describeSchema(parseDatamodel(schemaText));
  const db = await readCatalog(client);
  const out = [...expected.problems];

  // Enum types and their values, in order (the order decides how PostgreSQL sorts them).
  const enumByPrismaName = new Map(expected.enums.map((e) => [e.prismaName, e]));
  for (const e of expected.enums) {
    const values = db.enums.get(e.name);
    if (!values) out.push(`enum type ${e.name} (enum ${e.prismaName}): missing from the database`);
    else if (values.join() !== e.values.join()) {
      out.push(`enum type ${e.name} (enum ${e.prismaName}): the schema has values ${list(e.values)}, the database ${list(values)}`);
    }
  }
  for (const name of db.enums.keys()) {
    if (!expected.enums.some((e) => e.name === name)) out.push(`enum type ${name}: in the database, but no enum in the schema maps to it`);
  }

  // Tables and columns. A table missing on either side is reported once, not column by column.
  const dbTables = new Set(db.tables);
  const schemaTables = new Set(expected.tables.map((t) => t.name));
  const comparedTables = new Set([...schemaTables].filter((t) => dbTables.has(t)));
  for (const table of expected.tables) {
    if (!dbTables.has(table.name)) {
      out.push(`table ${table.name} (model ${table.model}): missing from the database`);
      continue;
    }
    const dbColumns = new Map(db.columns.filter((c) => c.table === table.name).map((c) => [c.column, c]));
    for (const column of table.columns) {
      const where = `column ${table.name}.${column.column} (${column.label})`;
      const actual = dbColumns.get(column.column);
      if (!actual) {
        out.push(`${where}: missing from the database`);
        continue;
      }
      if (actual.type !== column.type) out.push(`${where}: the schema expects type ${column.type}, the database has ${actual.type}`);
      if (actual.notNull !== column.notNull) {
        out.push(
          `${where}: the schema says ${column.notNull ? "required (NOT NULL)" : "optional (nullable)"}, ` +
            `the database column is ${actual.notNull ? "NOT NULL" : "nullable"}`,
        );
      }
      const defaultProblem = await compareDefault(client, column, actual, enumByPrismaName);
      if (defaultProblem) out.push(`${where}: ${defaultProblem}`);
    }
    for (const name of dbColumns.keys()) {
      if (!table.columns.some((c) => c.column === name)) {
        out.push(`column ${table.name}.${name}: in the database, but no field of model ${table.model} maps to it`);
      }
    }
  }
  for (const table of db.tables) {
    if (!schemaTables.has(table)) out.push(`table ${table}: in the database, but no model maps to it`);
  }

  // Primary keys, unique and plain indexes. Each schema index is matched to a database index on the
  // same table with the same kind and the same key columns in the same order.
  const unmatched = db.indexes.filter((ix) => comparedTables.has(ix.table));
  for (const ix of expected.indexes) {
    if (!comparedTables.has(ix.table)) continue;
    const candidates = unmatched
      .filter(
        (a) =>
          a.table === ix.table &&
          a.primary === (ix.kind === "primary") &&
          a.unique === (ix.kind !== "normal") &&
          a.columns.join() === ix.columns.join() &&
          a.columns.every((c) => c !== null),
      )
      // Prefer the index the schema names, then the one closest to what Prisma would create.
      .sort((a, b) => Number(b.name === ix.name) - Number(a.name === ix.name) || inexpressibleFeatures(a).length - inexpressibleFeatures(b).length);
    const actual = candidates[0];
    const what = ix.kind === "primary" ? "primary key" : ix.kind === "unique" ? "unique index" : "index";
    if (!actual) {
      const dbPrimary = db.indexes.find((a) => a.table === ix.table && a.primary);
      const hint = ix.kind === "primary" && dbPrimary ? `; the database's primary key is ${list(dbPrimary.columns)}` : "";
      out.push(`${what} ${ix.table} ${list(ix.columns)} (${ix.label}): missing from the database${hint}`);
      continue;
    }
    unmatched.splice(unmatched.indexOf(actual), 1);
    for (const detail of indexDetailDifferences(ix, actual)) out.push(`${what} ${ix.table} ${list(ix.columns)} (${ix.label}): ${detail}`);
  }
  for (const actual of unmatched) {
    const features = inexpressibleFeatures(actual);
    const what = actual.primary ? "primary key" : actual.unique ? "unique index" : "index";
    const where = `${what} ${actual.name} on ${actual.table} ${list(actual.columns.map((c) => c ?? "<expression>"))}`;
    if (actual.name in allowedExtraIndexes) {
      if (features.length === 0) {
        out.push(`${where}: is in ALLOWED_EXTRA_INDEXES but Prisma can express it — declare it in schema.prisma instead`);
      }
      continue;
    }
    out.push(
      `${where}: in the database, but not in the schema` +
        (features.length > 0 ? ` (Prisma cannot express it: ${features.join("; ")} — if intended, add it to ALLOWED_EXTRA_INDEXES with a reason)` : ""),
    );
  }
  for (const name of Object.keys(allowedExtraIndexes)) {
    if (!db.indexes.some((ix) => ix.name === name)) {
      out.push(`index ${name}: listed in ALLOWED_EXTRA_INDEXES but not in the database — remove it from the list`);
    }
  }

  // Foreign keys: identified by (table, columns) → (referenced table, columns); then their actions.
  const fkKey = (fk: { table: string; columns: string[]; refTable: string; refColumns: string[] }) =>
    `${fk.table} ${list(fk.columns)} → ${fk.refTable} ${list(fk.refColumns)}`;
  const dbForeignKeys = db.foreignKeys.filter((fk) => comparedTables.has(fk.table));
  for (const fk of expected.foreignKeys) {
    if (!comparedTables.has(fk.table)) continue;
    const index = dbForeignKeys.findIndex((a) => fkKey(a) === fkKey(fk));
    if (index < 0) {
      out.push(`foreign key ${fkKey(fk)} (${fk.label}): missing from the database`);
      continue;
    }
    const [actual] = dbForeignKeys.splice(index, 1);
    for (const [action, wanted, got] of [
      ["onDelete", fk.onDelete, actual!.onDelete],
      ["onUpdate", fk.onUpdate, actual!.onUpdate],
    ] as const) {
      if (wanted !== got) out.push(`foreign key ${fkKey(fk)} (${fk.label}): the schema says ${action}: ${wanted}, the database ${got}`);
    }
  }
  for (const actual of dbForeignKeys) {
    out.push(`foreign key ${actual.name} ${fkKey(actual)}: in the database, but no relation in the schema declares it`);
  }

  return out;
}

// ---------------------------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------------------------

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Replaces `from` inside one block of the schema (`block` is e.g. "model User" or "enum Role").
 * Whitespace inside `from` matches any whitespace, so re-aligned columns do not break it, and it
 * must occur exactly once in the block, so a changed schema cannot turn a mutation into a no-op.
 */
function mutate(text: string, block: string, from: string, to: string): string {
  const start = text.search(new RegExp(`^${escapeRegExp(block)}\\s*\\{`, "m"));
  if (start < 0) throw new Error(`mutation: no "${block}" block in schema.prisma`);
  const end = text.indexOf("\n}", start);
  const body = text.slice(start, end);
  const pattern = new RegExp(`(?<!\\S)${from.trim().split(/\s+/).map(escapeRegExp).join("\\s+")}(?!\\S)`, "g");
  const count = body.match(pattern)?.length ?? 0;
  if (count !== 1) throw new Error(`mutation: ${JSON.stringify(from)} occurs ${count} times in "${block}"`);
  return text.slice(0, start) + body.replace(pattern, () => to) + text.slice(end);
}

describe("prisma/schema.prisma and prisma/migrations", () => {
  let client: pg.Client;
  let schemaText: string;

  /**
   * The differences `run` introduces beyond those the real schema already has, so the tests that
   * prove differences are detected stay meaningful even while the real comparison is failing.
   */
  async function newDifferences(baseline: string[], run: Promise<string[]>): Promise<string[]> {
    const known = new Set(baseline);
    return (await run).filter((d) => !known.has(d));
  }

  beforeAll(async () => {
    // This file's own copy of the fully migrated template (tests/support/per-file-database.ts), as
    // the owner: the tests below make deliberate DDL changes.
    client = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
    await client.connect();
    schemaText = await readFile(SCHEMA_PATH, "utf8");
  });

  afterAll(async () => {
    await client.end();
  });

  it("the database is fully migrated: applying the migrations again applies nothing", async () => {
    expect(await applyMigrations(process.env.MIGRATION_DATABASE_URL!)).toEqual([]);
  });

  it("describe the same database", async () => {
    expect(await compareSchemaToDatabase(schemaText, client)).toEqual([]);
  });

  it("reports schema changes the migrations do not make", async () => {
    let mutated = schemaText;
    // A required field made optional.
    mutated = mutate(mutated, "model Organisation", "code String @unique", "code String? @unique");
    // A type change.
    mutated = mutate(mutated, "model Organisation", "depth Int", "depth BigInt");
    // A field mapped to a column that does not exist (as if renamed in the schema only).
    mutated = mutate(mutated, "model User", '@map("password_hash")', '@map("password_digest")');
    // An index removed from the schema but still in the database.
    mutated = mutate(mutated, "model SignInAttempt", "@@index([ip, at])", "");
    // An index changed in the schema only: the new one is missing, the old one is left over.
    mutated = mutate(mutated, "model UserSession", "@@index([userId])", "@@index([userId, createdAt])");
    // A relation action the database does not implement.
    mutated = mutate(mutated, "model UserSession", "onDelete: Cascade)", "onDelete: Restrict)");
    // An enum value the database type does not have.
    mutated = mutate(mutated, "enum Role", "ADMIN", "ADMIN\n  SUPERVISOR");
    // A model mapped to a table that does not exist.
    mutated = mutate(mutated, "model AuditEvent", '@@map("audit_event")', '@@map("audit_events")');

    const baseline = await compareSchemaToDatabase(schemaText, client);
    expect(await newDifferences(baseline, compareSchemaToDatabase(mutated, client))).toEqual([
      "enum type role (enum Role): the schema has values (CASEWORKER, OFFICIAL, AUDITOR, ADMIN, SUPERVISOR), the database (CASEWORKER, OFFICIAL, AUDITOR, ADMIN)",
      "column organisation.code (Organisation.code): the schema says optional (nullable), the database column is NOT NULL",
      "column organisation.depth (Organisation.depth): the schema expects type bigint, the database has integer",
      "column app_user.password_digest (User.passwordHash): missing from the database",
      "column app_user.password_hash: in the database, but no field of model User maps to it",
      "table audit_events (model AuditEvent): missing from the database",
      "table audit_event: in the database, but no model maps to it",
      "index user_session (user_id, created_at) (@@index([userId, createdAt]) on UserSession): missing from the database",
      "index sign_in_attempt_ip_at_idx on sign_in_attempt (ip, at): in the database, but not in the schema",
      "index user_session_user_id_idx on user_session (user_id): in the database, but not in the schema",
      "foreign key user_session (user_id) → app_user (id) (relation UserSession.user): the schema says onDelete: Restrict, the database Cascade",
    ]);
  });

  it("reports database objects the schema does not declare", async () => {
    // DDL is transactional in PostgreSQL: the changes are seen by the comparison, then rolled back.
    await client.query("BEGIN");
    try {
      const baseline = await compareSchemaToDatabase(schemaText, client);
      await client.query(`
        CREATE TYPE colour AS ENUM ('RED');
        CREATE TABLE stray (id integer PRIMARY KEY);
        ALTER TABLE user_session ADD COLUMN note text;
        ALTER TABLE user_session ALTER COLUMN ip SET NOT NULL;
        ALTER TABLE user_session ALTER COLUMN session_version SET DEFAULT 7;
        ALTER TABLE app_user ALTER COLUMN active SET DEFAULT false;
        ALTER TYPE role ADD VALUE 'GUEST';
        CREATE INDEX app_user_name_idx ON app_user (name);
        CREATE UNIQUE INDEX app_user_active_name_key ON app_user (name) WHERE active;
        ALTER TABLE audit_event ADD CONSTRAINT audit_event_actor_fkey FOREIGN KEY (actor_id) REFERENCES app_user (id);
      `);
      expect(await newDifferences(baseline, compareSchemaToDatabase(schemaText, client))).toEqual([
        "enum type role (enum Role): the schema has values (CASEWORKER, OFFICIAL, AUDITOR, ADMIN), the database (CASEWORKER, OFFICIAL, AUDITOR, ADMIN, GUEST)",
        "enum type colour: in the database, but no enum in the schema maps to it",
        "column app_user.active (User.active): the schema has @default(true), the database has DEFAULT false",
        "column user_session.session_version (UserSession.sessionVersion): the schema has no @default, the database has DEFAULT 7",
        "column user_session.ip (UserSession.ip): the schema says optional (nullable), the database column is NOT NULL",
        "column user_session.note: in the database, but no field of model UserSession maps to it",
        "table stray: in the database, but no model maps to it",
        "unique index app_user_active_name_key on app_user (name): in the database, but not in the schema (Prisma cannot express it: partial (WHERE active) — if intended, add it to ALLOWED_EXTRA_INDEXES with a reason)",
        "index app_user_name_idx on app_user (name): in the database, but not in the schema",
        "foreign key audit_event_actor_fkey audit_event (actor_id) → app_user (id): in the database, but no relation in the schema declares it",
      ]);
    } finally {
      await client.query("ROLLBACK");
    }
  });

  it("allows an extra index only when Prisma cannot express it and it is allow-listed", async () => {
    const baseline = await compareSchemaToDatabase(schemaText, client);
    // Without the allow-list, every index on it is reported, saying why Prisma cannot declare it.
    const withoutAllowList = await newDifferences(baseline, compareSchemaToDatabase(schemaText, client, {}));
    expect(withoutAllowList).toContain(
      "index organisation_path_prefix_idx on organisation (path): in the database, but not in the schema " +
        "(Prisma cannot express it: operator class text_pattern_ops — if intended, add it to ALLOWED_EXTRA_INDEXES with a reason)",
    );
    expect(withoutAllowList).toHaveLength(Object.keys(ALLOWED_EXTRA_INDEXES).length);
    for (const name of Object.keys(ALLOWED_EXTRA_INDEXES)) {
      expect(withoutAllowList.filter((d) => d.includes(` ${name} on `) && d.includes("Prisma cannot express it"))).toHaveLength(1);
    }
    // A plain index must be declared in the schema, and a stale entry must be removed.
    const withoutIndex = mutate(schemaText, "model SignInAttempt", "@@index([ip, at])", "");
    const allowed = { ...ALLOWED_EXTRA_INDEXES, sign_in_attempt_ip_at_idx: "plain", gone_idx: "dropped long ago" };
    expect(await newDifferences(baseline, compareSchemaToDatabase(withoutIndex, client, allowed))).toEqual([
      "index sign_in_attempt_ip_at_idx on sign_in_attempt (ip, at): is in ALLOWED_EXTRA_INDEXES but Prisma can express it — declare it in schema.prisma instead",
      "index gone_idx: listed in ALLOWED_EXTRA_INDEXES but not in the database — remove it from the list",
    ]);
  });
});
