/**
 * The statement check (decision 027), for raw SQL through scopedDb and for `pg` clients (lib/db/pg.ts): every reference to a scoped table in a raw statement must be
 * restricted to the actor's scope itself — one fragment no longer lets a second table through.
 *
 * A scope fragment (`$orgInScope(col)` / `$fileInScope(col)`, lib/data/scope.ts) is written as
 * `/* in-scope: <col> *\/ ( … ) /* end-scope *\/` and covers the table reference whose name (its
 * alias, or the table itself when it has none) qualifies `<col>`: `e.organisation_id` covers
 * `ledger_entry e`, a bare `file_id` covers an unaliased table. A reference is also covered when it
 * is the row a covered reference points at, by the primary key: `JOIN organisation o ON o.id =
 * e.organisation_id` reads the paying union of an entry in scope, which the entry's page shows. A
 * statement declared with unscopedSql(reason) is not checked (the reason stays in its text).
 *
 * The check reads the statement's text with a small tokenizer, not a full SQL parser: it needs only
 * where tables are named (after FROM, JOIN, UPDATE, USING and in a FROM list), never what columns
 * mean. It is strict in the safe direction — a name it cannot place is treated as a table reference
 * and, if it names a scoped table without a fragment, the statement is refused.
 */

/**
 * Every table whose rows belong to an organisation: the tables of SCOPE_BY_MODEL in
 * lib/data/scope.ts (tests/unit/scope-coverage.test.ts keeps the two lists equal, against the
 * schema's @@map). Kept here, beside the check, so that infrastructure code (migrations, the
 * backup) can use the check without importing the Prisma client.
 */
export const SCOPED_TABLES: ReadonlySet<string> = new Set([
  "organisation",
  "app_user",
  "household_file",
  "change_request",
  "file_person",
  "filing_event",
  "publicity_objection",
  "objection_resolution",
  "evidence_file",
  "recheck",
  "visit",
  "plan_measure",
  "tier_decision",
  "bank_account",
  "disbursement",
  "disbursement_batch",
  "batch_line",
  "ledger_entry",
  "household_import",
  "household_import_row",
  "civil_roster_run",
  "civil_roster_row",
  "civil_comparison_result",
  "ledger_daily_total",
  "household_file_tally",
  "report_open_delta",
  "report_open_now",
  "report_open_month",
  "report_file_event",
  "report_ledger_daily",
  "report_ledger_file_period",
  "report_ledger_student_period",
  "report_ledger_count",
  "report_ledger_file",
  "report_ledger_student",
  "report_ledger_pending",
  "report_approval_daily",
  "report_recheck_due",
  "report_ledger_monthly",
  "report_range_paid_daily",
  "report_range_paid_monthly",
  "report_range_repeat_monthly",
  "report_range_repeat_first",
  "report_range_repeat_last",
  "report_range_reversal_cell",
  "ledger_entry_elsewhere",
  "audit_event",
  "sign_in_attempt",
  "work_item",
  "file_disposal",
  "spot_check",
  "spot_check_record",
  "export_job",
  "allocation",
  "allocation_balance",
  "allocation_spent_daily",
  "allocation_spent_monthly",
  "payment_return",
  "batch_recon",
  "payment_run",
  "payment_run_return",
  "file_query_code",
  "batch_receipt_scan",
  "callback_sample",
  "callback_call",
  "hardship_warning",
  "referral",
  "suspect_signal",
  "suspect_signal_file",
  "online_application",
  "online_application_upload",
]);

export const IN_SCOPE_MARK = "/* in-scope:";
export const END_SCOPE_MARK = "/* end-scope */";
export const UNSCOPED_MARK = "/* unscoped:";
/** `/* scope-declared: a b — reason *\/`: references the statement reads across the scope on purpose, each named, with the reason. */
export const DECLARED_MARK = "/* scope-declared:";

export type TStatementCheck = { ok: true } | { ok: false; table: string; reference: string };

type TToken = { kind: "word" | "quoted" | "punct" | "mark"; text: string };

const KEYWORDS_AFTER_TABLE = new Set([
  "on",
  "using",
  "where",
  "group",
  "order",
  "limit",
  "offset",
  "join",
  "inner",
  "left",
  "right",
  "full",
  "cross",
  "natural",
  "union",
  "except",
  "intersect",
  "returning",
  "for",
  "window",
  "having",
  "set",
  "tablesample",
  "fetch",
  "lateral",
  "values",
  "select",
  "from",
  "as",
  "with",
  "into",
  "do",
  "when",
  "then",
  "and",
  "or",
  "not",
  "default",
  "conflict",
  "outer",
]);
const REFERENCE_KEYWORDS = new Set(["from", "join", "update", "using"]);

/** Splits SQL text into words, quoted identifiers, punctuation and scope marks; strings and other comments are dropped. */
function tokenize(sql: string): TToken[] {
  const tokens: TToken[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (sql.startsWith("--", i)) {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? sql.length : end + 1;
    } else if (sql.startsWith("/*", i)) {
      const end = sql.indexOf("*/", i + 2);
      const text = sql.slice(i, end < 0 ? sql.length : end + 2);
      if (text.startsWith(IN_SCOPE_MARK) || text === END_SCOPE_MARK || text.startsWith(UNSCOPED_MARK) || text.startsWith(DECLARED_MARK))
        tokens.push({ kind: "mark", text });
      i = end < 0 ? sql.length : end + 2;
    } else if (c === "'") {
      // A string literal ('' is a quote inside it); E'…' strings have their E read as a word before.
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === "\\" && sql[i - 1]?.toLowerCase() === "e") j += 2;
        else if (sql[j] === "'" && sql[j + 1] === "'") j += 2;
        else if (sql[j] === "'") break;
        else j++;
      }
      i = j + 1;
    } else if (c === "$" && /^\$([A-Za-z_]\w*)?\$/.test(sql.slice(i))) {
      const tag = /^\$([A-Za-z_]\w*)?\$/.exec(sql.slice(i))![0];
      const end = sql.indexOf(tag, i + tag.length);
      i = end < 0 ? sql.length : end + tag.length;
    } else if (c === '"') {
      const end = sql.indexOf('"', i + 1);
      tokens.push({ kind: "quoted", text: sql.slice(i + 1, end < 0 ? sql.length : end) });
      i = end < 0 ? sql.length : end + 1;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[\w$\u0080-\uffff]/.test(sql[j]!)) j++;
      tokens.push({ kind: "word", text: sql.slice(i, j).toLowerCase() });
      i = j;
    } else {
      tokens.push({ kind: "punct", text: c });
      i++;
    }
  }
  return tokens;
}

const isName = (t: TToken | undefined) => t !== undefined && (t.kind === "quoted" || t.kind === "word");

const ORG = "organisation";
const FILE = "household_file";
/**
 * How a scoped table's rows follow another scoped table (SCOPE_BY_MODEL's relations, as columns):
 * `x.<column> = c.id` with `c` a covered reference of the named table covers `x`.
 */
const SCOPE_KEYS: Record<string, Record<string, string>> = {
  app_user: { organisation_id: ORG },
  household_file: { organisation_id: ORG },
  disbursement_batch: { organisation_id: ORG },
  household_import: { organisation_id: ORG },
  civil_roster_run: { organisation_id: ORG },
  ledger_daily_total: { organisation_id: ORG },
  household_file_tally: { organisation_id: ORG },
  audit_event: { organisation_id: ORG },
  spot_check: { organisation_id: ORG },
  export_job: { organisation_id: ORG },
  allocation_balance: { organisation_id: ORG },
  allocation_spent_daily: { paying_organisation_id: ORG },
  allocation_spent_monthly: { paying_organisation_id: ORG },
  payment_run: { organisation_id: ORG },
  report_open_delta: { organisation_id: ORG },
  report_open_now: { organisation_id: ORG },
  report_open_month: { organisation_id: ORG },
  report_file_event: { organisation_id: ORG },
  report_ledger_daily: { organisation_id: ORG },
  report_ledger_file_period: { organisation_id: ORG },
  report_ledger_student_period: { organisation_id: ORG },
  report_ledger_count: { organisation_id: ORG },
  report_ledger_file: { organisation_id: ORG },
  report_ledger_student: { organisation_id: ORG },
  report_ledger_pending: { organisation_id: ORG },
  report_approval_daily: { organisation_id: ORG },
  report_recheck_due: { organisation_id: ORG },
  report_ledger_monthly: { organisation_id: ORG },
  report_range_paid_daily: { organisation_id: ORG },
  report_range_paid_monthly: { organisation_id: ORG },
  report_range_repeat_monthly: { organisation_id: ORG },
  report_range_repeat_first: { organisation_id: ORG },
  report_range_repeat_last: { organisation_id: ORG },
  report_range_reversal_cell: { organisation_id: ORG },
  allocation: { organisation_id: ORG, recipient_id: ORG },
  ledger_entry: { organisation_id: ORG, file_id: FILE },
  ledger_entry_elsewhere: { holder_organisation_id: ORG, entry_id: "ledger_entry" },
  file_person: { file_id: FILE },
  filing_event: { file_id: FILE },
  publicity_objection: { file_id: FILE },
  evidence_file: { file_id: FILE },
  recheck: { file_id: FILE },
  visit: { file_id: FILE },
  plan_measure: { file_id: FILE },
  tier_decision: { file_id: FILE },
  bank_account: { file_id: FILE },
  disbursement: { file_id: FILE },
  batch_line: { file_id: FILE },
  work_item: { file_id: FILE },
  file_disposal: { file_id: FILE },
  file_query_code: { file_id: FILE },
  callback_call: { file_id: FILE },
  hardship_warning: { file_id: FILE },
  referral: { file_id: FILE },
  suspect_signal_file: { file_id: FILE },
  change_request: { file_id: FILE },
  objection_resolution: { objection_id: "publicity_objection" },
  household_import_row: { import_id: "household_import" },
  civil_roster_row: { run_id: "civil_roster_run" },
  civil_comparison_result: { run_id: "civil_roster_run" },
  spot_check_record: { spot_check_id: "spot_check" },
  payment_return: { batch_id: "disbursement_batch" },
  batch_recon: { batch_id: "disbursement_batch" },
  batch_receipt_scan: { batch_id: "disbursement_batch" },
  callback_sample: { batch_id: "disbursement_batch" },
  payment_run_return: { run_id: "payment_run" },
  sign_in_attempt: { user_id: "app_user" },
  online_application: { organisation_id: ORG },
  online_application_upload: { application_id: "online_application" },
};

/** Primary keys other than `id`: the column a covered row points at such a row by. */
const PRIMARY_KEYS: Record<string, string> = {
  report_ledger_file: "file_id",
  report_ledger_student: "student_resident_id",
  objection_resolution: "objection_id",
};

/** A table named in FROM/JOIN/UPDATE/USING, a CTE used there, or a derived table `(SELECT …) name`. */
type TReference = { table: string; name: string; block: number; inner?: number };
type TColumn = { name: string; column: string };

/**
 * Checks one statement's text (parameters as `?` or `$n`). `scopedTables`: the tables whose rows
 * belong to an organisation (SCOPED_TABLES).
 */
export function checkStatementScope(sql: string, scopedTables: ReadonlySet<string> = SCOPED_TABLES): TStatementCheck {
  const all = tokenize(sql);
  if (all.some((t) => t.kind === "mark" && t.text.startsWith(UNSCOPED_MARK))) return { ok: true };

  // Query blocks: a parenthesis that starts with SELECT/WITH/VALUES opens one; names resolve in
  // their block, then outwards (as SQL resolves them).
  const parent: number[] = [-1];
  const firstSelect: number[] = [-1];
  const stack: Array<{ block: number; opened: number; opensBlock: boolean; derivedContext: boolean }> = [];
  let block = 0;
  const references: TReference[] = [];
  const covers: Array<{ name: string; column: string; block: number }> = [];
  const equalities: Array<{ block: number; left: TColumn; right: TColumn }> = [];
  const inLists: Array<{ block: number; left: TColumn; inner: number }> = [];
  const declared: Array<{ name: string; block: number }> = [];
  const cteNames = new Map<string, number>(); // name → index of its '('
  const tokens = all;
  let fromListDepth: number[] = [];
  let parenDepth = 0;

  const columnAt = (i: number): TColumn | null => {
    const a = tokens[i];
    const dot = tokens[i + 1];
    const b = tokens[i + 2];
    if (isName(a) && dot?.text === "." && isName(b) && tokens[i - 1]?.text !== ".") return { name: a!.text, column: b!.text };
    return null;
  };
  const readReference = (at: number): void => {
    let k = at;
    if (tokens[k]?.kind === "word" && (tokens[k]!.text === "only" || tokens[k]!.text === "lateral")) k++;
    const first = tokens[k];
    if (!isName(first)) return; // a subquery: it becomes a derived table when its block closes
    let table = first!.text;
    k++;
    if (tokens[k]?.text === "." && isName(tokens[k + 1])) {
      if (table !== "public") return; // a qualified column (IS DISTINCT FROM f.x, extract(… FROM e.d))
      table = tokens[k + 1]!.text;
      k += 2;
    }
    if (tokens[k]?.text === "(") return; // a set-returning function: FROM unnest(…), jsonb_to_recordset(…)
    let name = table;
    if (tokens[k]?.kind === "word" && tokens[k]!.text === "as") k++;
    const alias = tokens[k];
    if (alias && (alias.kind === "quoted" || (alias.kind === "word" && !KEYWORDS_AFTER_TABLE.has(alias.text)))) name = alias.text;
    references.push({ table, name, block });
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === "mark") {
      if (t.text.startsWith(DECLARED_MARK)) {
        const names = t.text.slice(DECLARED_MARK.length).split("—")[0]!.trim().toLowerCase().split(/\s+/);
        for (const name of names) declared.push({ name, block });
      }
      if (t.text.startsWith(IN_SCOPE_MARK)) {
        const column = t.text.slice(IN_SCOPE_MARK.length, -2).trim().replaceAll('"', "").toLowerCase();
        const dot = column.lastIndexOf(".");
        covers.push({ name: dot < 0 ? "" : column.slice(0, dot).split(".").pop()!, column: column.slice(dot + 1), block });
        // The fragment's own text (the subtree's subquery) is the check's, not the statement's.
        let depth = 1;
        while (depth > 0 && ++i < tokens.length) {
          const u = tokens[i]!;
          if (u.kind === "mark" && u.text.startsWith(IN_SCOPE_MARK)) depth++;
          else if (u.kind === "mark" && u.text === END_SCOPE_MARK) depth--;
        }
      }
      continue;
    }
    if (t.text === "(") {
      parenDepth++;
      const next = tokens[i + 1];
      const opensBlock = next?.kind === "word" && ["select", "with", "values", "insert", "update", "delete"].includes(next.text);
      const derivedContext =
        ["from", "join", "lateral"].includes(tokens[i - 1]?.text ?? "") ||
        (tokens[i - 1]?.text === "," && fromListDepth[fromListDepth.length - 1] === parenDepth - 1);
      // A CTE's body: `name AS [NOT] [MATERIALIZED] (`.
      let j = i - 1;
      while (tokens[j]?.text === "materialized" || tokens[j]?.text === "not") j--;
      if (tokens[j]?.text === "as" && isName(tokens[j - 1]) && opensBlock) cteNames.set(tokens[j - 1]!.text, parent.length);
      const frame = { block, opened: block, opensBlock, derivedContext };
      stack.push(frame);
      if (opensBlock) {
        parent.push(block);
        firstSelect.push(i + 1);
        block = parent.length - 1;
        frame.opened = block;
      }
      // `x.col IN (SELECT …)`
      if (opensBlock && tokens[i - 1]?.text === "in") {
        const outer = stack[stack.length - 1]!.block;
        const left = columnAt(i - 4);
        if (left) inLists.push({ block: outer, left, inner: block });
        else if (isName(tokens[i - 2]) && tokens[i - 3]?.text !== ".") {
          // A bare column: of the block's unaliased table (resolved when the block is read through).
          inLists.push({ block: outer, left: { name: "", column: tokens[i - 2]!.text }, inner: block });
        }
      }
      continue;
    }
    if (t.text === ")") {
      parenDepth--;
      const frame = stack.pop();
      if (!frame) continue;
      const inner = frame.opened;
      block = frame.block;
      fromListDepth = fromListDepth.filter((d) => d <= parenDepth);
      if (frame.opensBlock && frame.derivedContext) {
        let k = i + 1;
        if (tokens[k]?.text === "as") k++;
        const alias = tokens[k];
        if (alias && (alias.kind === "quoted" || (alias.kind === "word" && !KEYWORDS_AFTER_TABLE.has(alias.text)))) {
          references.push({ table: "", name: alias.text, block, inner });
        }
      }
      continue;
    }
    if (t.kind === "word" && REFERENCE_KEYWORDS.has(t.text)) {
      if (t.text === "using" && tokens[i + 1]?.text === "(") continue;
      readReference(i + 1);
      if (t.text === "from" || t.text === "using") fromListDepth.push(parenDepth);
      continue;
    }
    if (t.kind === "word" && (t.text === "union" || t.text === "except" || t.text === "intersect")) {
      // Each branch names its own tables: a block of its own, inside the first branch's (so the
      // derived table or CTE around them holds both).
      parent.push(block);
      const select = tokens.findIndex((u, k) => k > i && u.text === "select");
      firstSelect.push(select < 0 ? i + 1 : select);
      block = parent.length - 1;
      fromListDepth = fromListDepth.filter((d) => d < parenDepth);
      continue;
    }
    if (t.kind === "word" && ["where", "group", "order", "limit", "on", "set", "returning", "having", "select"].includes(t.text)) {
      fromListDepth = fromListDepth.filter((d) => d < parenDepth);
      continue;
    }
    if (t.text === ",") {
      if (fromListDepth[fromListDepth.length - 1] === parenDepth) {
        readReference(i + 1);
      }
      continue;
    }
    if (t.text === "=") {
      const left = columnAt(i - 3);
      const right = columnAt(i + 1);
      if (left && right) equalities.push({ block, left, right });
    }
  }

  // A CTE used by name is a reference to its body's block.
  for (const r of references) {
    const body = cteNames.get(r.table);
    if (body !== undefined && r.inner === undefined) r.inner = body;
  }

  const isBlockWithin = (b: number, ancestor: number): boolean => {
    for (let x = b; x >= 0; x = parent[x]!) if (x === ancestor) return true;
    return false;
  };
  const resolve = (name: string, from: number): TReference | undefined => {
    for (let b = from; b >= 0; b = parent[b]!) {
      const found = references.find((r) => r.block === b && r.name === name);
      if (found) return found;
    }
    return undefined;
  };
  const innerScoped = (inner: number): TReference[] =>
    references.filter((r) => isBlockWithin(r.block, inner) && (r.inner !== undefined ? innerScoped(r.inner).length > 0 : scopedTables.has(r.table)));
  /** The table a reference stands for: a derived table or CTE stands for the first scoped table of its body. */
  const tableOf = (r: TReference): string =>
    r.inner === undefined
      ? r.table
      : (() => {
          const direct = innerScoped(r.inner).filter((x) => x.block === r.inner);
          return direct.length ? tableOf(direct[0]!) : "";
        })();
  const isScoped = (r: TReference) => (r.inner === undefined ? scopedTables.has(r.table) : innerScoped(r.inner).length > 0);

  const covered = new Set<TReference>();
  const coveredValueBlocks = new Set<number>();
  const derivedCovers: Array<{ r: TReference; column: string }> = [];
  for (const c of covers) {
    if (c.name === "") {
      // A bare column: the block's one unaliased table, or a parameter when the block names no table.
      const own = references.filter((r) => r.block === c.block && r.name === r.table);
      if (own.length) own.forEach((r) => covered.add(r));
      else if (!references.some((r) => r.block === c.block)) coveredValueBlocks.add(c.block);
      continue;
    }
    const r = resolve(c.name, c.block);
    if (r) covered.add(r);
    // A fragment on a derived table's scope column (`(SELECT f.organisation_id … FROM household_file f
    // …) f WHERE <in-scope: f.organisation_id>`): only the body's rows in scope come out of it, so a
    // body of that one table is covered (a lookup fenced by OFFSET 0, filtered outside).
    if (r?.inner !== undefined) derivedCovers.push({ r, column: c.column });
  }
  const keyOf = (r: TReference, column: string) => SCOPE_KEYS[tableOf(r)]?.[column];
  const onlyKey = (r: TReference, column: string) => {
    const keys = SCOPE_KEYS[tableOf(r)];
    return keys && Object.keys(keys).length === 1 ? keys[column] : undefined;
  };
  /** `a.col` holds a value of a scoped `target` row in scope, because `b.col2` does. */
  const follows = (a: TReference, column: string, b: TReference, column2: string): boolean => {
    if (!covered.has(b) || a === b) return false;
    if (column === (PRIMARY_KEYS[tableOf(a)] ?? "id")) return true; // the row a covered row points at
    const target = keyOf(a, column);
    if (!target) return false;
    // A derived table or CTE over rows of `target` in scope: its columns compared to a key are that row's id.
    return (column2 === "id" && tableOf(b) === target) || onlyKey(b, column2) === target || (b.inner !== undefined && tableOf(b) === target);
  };

  for (const { r, column } of derivedCovers) {
    // Only a body of one table (no join, no other FROM item) surely gives the column its rows.
    const body = references.filter((y) => y.block === r.inner);
    const only = body.length === 1 ? body[0]! : undefined;
    if (only && only.inner === undefined && SCOPE_KEYS[only.table]?.[column] && SCOPE_KEYS[only.table]?.[column] === keyOf(r, column)) covered.add(only);
  }

  const scoped = references.filter(isScoped);
  let grew = true;
  while (grew) {
    grew = false;
    const add = (r: TReference | undefined) => {
      if (r && !covered.has(r)) {
        covered.add(r);
        grew = true;
      }
    };
    for (const r of scoped) {
      if (covered.has(r) || r.inner === undefined) continue;
      if (innerScoped(r.inner).every((x) => covered.has(x))) add(r);
    }
    /** A derived table covered through its scope column covers the tables of its body that give that column. */
    const addDerived = (r: TReference, column: string) => {
      add(r);
      const target = keyOf(r, column);
      if (r.inner !== undefined && target) for (const y of innerScoped(r.inner)) if (y.inner === undefined && SCOPE_KEYS[y.table]?.[column] === target) add(y);
    };
    for (const e of equalities) {
      const l = resolve(e.left.name, e.block);
      const rr = resolve(e.right.name, e.block);
      if (!l || !rr) continue;
      if (follows(l, e.left.column, rr, e.right.column)) addDerived(l, e.left.column);
      if (follows(rr, e.right.column, l, e.left.column)) addDerived(rr, e.right.column);
    }
    for (const x of inLists) {
      const a = x.left.name === "" ? references.find((r) => r.block === x.block && r.name === r.table) : resolve(x.left.name, x.block);
      // `a.k IN (SELECT b.k2 FROM b …)` with a covered: b is only a filter of a — what the
      // statement returns of it is a's key, already in scope (a search of persons by ID number).
      if (a && covered.has(a)) {
        const at = firstSelect[x.inner]! + 1;
        const col = columnAt(at);
        const b = col ? resolve(col.name, x.inner) : references.find((r) => r.block === x.inner && r.name === r.table);
        const column2 = col ? col.column : tokens[at]?.text;
        const target = x.left.column === (PRIMARY_KEYS[tableOf(a)] ?? "id") ? tableOf(a) : keyOf(a, x.left.column);
        if (b && column2 && target && b.block === x.inner && keyOf(b, column2) === target) add(b);
        continue;
      }
      if (!a || covered.has(a) || (!keyOf(a, x.left.column) && x.left.column !== (PRIMARY_KEYS[tableOf(a)] ?? "id"))) continue;
      if (coveredValueBlocks.has(x.inner)) {
        add(a);
        continue;
      }
      // `a.k IN (SELECT [b.]k2 FROM … b …)` with b covered.
      const at = firstSelect[x.inner]! + 1;
      const col = columnAt(at);
      const b = col ? resolve(col.name, x.inner) : references.find((r) => r.block === x.inner && r.name === r.table);
      const column2 = col ? col.column : tokens[at]?.text;
      if (b && column2 && follows(a, x.left.column, b, column2)) add(a);
    }
  }
  // Scoped references inside a derived table or CTE are checked like any other; the derived name itself is covered when they are.
  const uncovered = scoped.find((r) => !covered.has(r) && r.inner === undefined && !declared.some((d) => d.name === r.name && isBlockWithin(r.block, d.block)));
  return uncovered ? { ok: false, table: uncovered.table, reference: uncovered.name } : { ok: true };
}
