// Guards "one layer means no side doors": raw SQL ($queryRaw/$executeRaw) appears only in the files
// listed here, each with why it needs raw SQL, and never in its Unsafe form outside tests. What
// keeps a statement in scope is no longer this list (decision 027): scopedDb checks every raw
// statement at run time — every scoped table it reads needs a scope of its own
// (lib/db/statement-scope.ts; tests/unit/statement-scope.test.ts, tests/integration/statement-scope.test.ts)
// — and `pg` connections are checked in lib/db/pg.ts. The list stays the reviewer's index of where
// hand-written SQL lives; it now also counts calls made through an alias (`const q = db.$queryRaw`,
// `db["$queryRaw"]`), which the old pattern did not see.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** file → number of raw statements, and why. */
const ALLOWED: Record<string, { count: number; why: string }> = {
  "lib/auth/sign-in.ts": { count: 1, why: "advisory lock per account name, before any user or scope exists (unscoped client)" },
  "lib/demo/seed-demo.ts": { count: 2, why: "infrastructure: the demo seed's advisory lock and emptiness check (unscoped client)" },
  "lib/data/scope.ts": {
    count: 1,
    why: "defines the scope fragments and refuses unscoped raw SQL; passes a raw read that was already checked for its scope fragment on to the read replica (scopedReadDb)",
  },
  "lib/db/read-routing.ts": {
    count: 1,
    why: "infrastructure: the replica's replayed WAL position, for read-your-writes (no table is read; the marks in replica_write_mark go through their own small pg pool, see the file's header)",
  },
  "lib/calendar/dispose-file.ts": { count: 1, why: "FOR UPDATE on the file whose materials are disposed, in scope" },
  "lib/calendar/run-daily-calendar.ts": {
    count: 2,
    why: "the daily job closes obsolete and creates due work items for every organisation by INSERT/UPDATE … SELECT (infrastructure, unscoped client)",
  },
  "lib/calendar/run-job.ts": { count: 1, why: "advisory lock per job name, so a job runs once at a time (infrastructure, unscoped client)" },
  "lib/calendar/set-calendar-day.ts": {
    count: 2,
    why: "advisory lock per calendar day, and the open paper-sync deadlines across the changed day recomputed with add_working_days (the calendar is national: unscopedSql)",
  },
  "lib/calendar/working-days.ts": {
    count: 2,
    why: "loading the national working-day calendar and add_working_days; calendar_day belongs to no organisation (unscoped client)",
  },
  "lib/data/person-conflicts.ts": {
    count: 2,
    why: "the one-person-one-file check for a whole import: intentionally system-wide (unscoped client), returning only the minimal conflict facts (resident id, file id and number, status, organisation name)",
  },
  "lib/data/row-lock.ts": { count: 1, why: "FOR NO KEY UPDATE NOWAIT on the row a decision is about, with the scope fragment" },
  "lib/dynamic/changes.ts": { count: 2, why: "the receiving union by code (declared unscoped), and moving the file through the accepted request" },
  "lib/evidence/evidence.ts": { count: 1, why: "FOR UPDATE on the evidence's file, in scope" },
  "lib/filing/workflow.ts": { count: 1, why: "gap-free file number: INSERT … ON CONFLICT on file_number_counter, for an organisation in scope" },
  "lib/import/validate-import.ts": { count: 1, why: "staging rows by INSERT … SELECT from jsonb, for the import and organisations in scope" },
  "lib/import/commit-import.ts": {
    count: 7,
    why: "files (drafts, or open files numbered from the counter in a CTE), persons, tier decisions and history by INSERT … SELECT from the staged rows, and the batch's organisations; each in scope",
  },
  "lib/import/find-imports.ts": { count: 1, why: "a waiting batch's tier counts from its staged rows, in scope" },
  "lib/payments/settle-batch.ts": {
    count: 1,
    why: "waits for the batch's row lock (FOR NO KEY UPDATE, in scope) before counting its open lines, so two last settlements at once cannot both miss",
  },
  "lib/ledger/batches.ts": {
    count: 4,
    why: "batch lines by INSERT … SELECT, locking their files, checking them, and paying them while marking their lines as waiting for the bank (one statement since 0052's pass), in scope",
  },
  "lib/payments/reverse-unclaimed.ts": {
    count: 1,
    why: "未领取: the lines' ledger reversals and their UNCLAIMED mark in one statement (INSERT … SELECT, UPDATE … FROM), only lines still waiting, with the scope fragment the caller passes",
  },
  "lib/payments/reconcile.ts": {
    count: 2,
    why: "对账: the batches' kept sums (batch_recon, 0064), and the lines whose ledger disagrees with their outcome, read only of a batch that has any, in scope",
  },
  "lib/payments/payment-lines.ts": {
    count: 1,
    why: "a batch's payment lines with their file and account in one joined statement (Prisma's nested select took 0.6 s of SQL and 1.1 s of CPU for 32,397 lines at 1M), in scope",
  },
  "lib/payments/find-batch-payments.ts": {
    count: 1,
    why: "a batch's lines per payment outcome, counted and summed at their adjusted amounts (groupBy cannot COALESCE), in scope",
  },
  "lib/payments/reconcile-runs.ts": {
    count: 2,
    why: "对账 of payment runs: their payments summed per run, and the payments whose ledger disagrees with their outcome, in SQL, in scope",
  },
  "lib/ledger/caps.ts": { count: 1, why: "annual cap usage over entries, requests and batch lines, for a file in scope" },
  "lib/ledger/db.ts": { count: 1, why: "FOR NO KEY UPDATE on a household file, in scope" },
  "lib/ledger/find-household-ledger.ts": { count: 1, why: "a household's totals per year and type, for a file in scope" },
  "lib/ledger/find-org-ledger.ts": {
    count: 4,
    why: "the organisation ledger's keyset page ids (row comparison on (entry_date, id)), its totals from ledger_daily_total and ledger_entry_elsewhere, and its count bounded at SCAN_COUNT_LIMIT with an amount filter; all with the scope fragments",
  },
  "lib/ledger/export-ledger.ts": {
    count: 2,
    why: "the export's keyset pages of 5,000 joined to the printed columns in one query, and its exact count with an amount filter (a background export's end); with the scope fragments",
  },
  "lib/ledger/find-batches.ts": { count: 1, why: "totals per organisation of a batch, for files in scope" },
  "lib/filing/find-files.ts": {
    count: 7,
    why: "the archive's keyset page on (updated_at, id), its bounded count and a background export's exact count, the caseworker's own drafts added to the 在办 tally, exact counts from household_file_tally (archive and review queue), the review queue's page ids on household_file_review_queue_idx, each with the scope fragment",
  },
  "lib/dynamic/find.ts": {
    count: 2,
    why: "re-checks due counted up to COUNT_LIMIT + 1 on household_file_recheck_due_idx, and pairing coverage from report_open_now, each with the scope fragment",
  },
  "lib/public/find-publicity-notice.ts": {
    count: 2,
    why: "the public notice's page and its count bounded ten pages ahead, with the last day written so that PostgreSQL reads the notice index in order instead of sorting every file in publicity (the public has no scope; unscoped client)",
  },
  "lib/public/query-own-file.ts": {
    count: 1,
    why: "a try-lock (advisory) per ID number, so parallel guesses at a query code cannot all pass its limit (the public has no scope; unscoped client)",
  },
  "lib/public/query-application.ts": {
    count: 1,
    why: "a try-lock (advisory) per application number, as the self-query per ID number (the public has no scope; unscoped client)",
  },
  "lib/public/submit-application.ts": {
    count: 1,
    why: "an advisory lock per client address, so the count of applications and the insert cannot interleave with a twin's (the public has no scope; unscoped client)",
  },
  "lib/policy/add-policy-row.ts": { count: 1, why: "advisory lock per policy series (policy rows belong to no organisation; declared unscoped)" },
  "lib/civil/compare-roster.ts": {
    count: 3,
    why: "the comparison run: roster rows by INSERT … SELECT from jsonb, every mismatch by one INSERT … SELECT joining the roster with file_person (set-based, 100k+ rows), and the matched counts, each with the scope fragment (the 漏评 candidates' NOT EXISTS reads only whether a person is in any file)",
  },
  "lib/civil/act-on-result.ts": { count: 1, why: "FOR NO KEY UPDATE NOWAIT on the mismatch acted upon, with the scope fragment" },
  "lib/workbench/find-workbench.ts": {
    count: 5,
    why: "the auditor's count of large payments (the paying organisation or the file's holder in scope, an index-only range) and the official's review steps (counts from household_file_tally, oldest dates from partial indexes); issue 28: the auditor's reversal count (paid here plus held here, as the large count, instead of Prisma's scope reading every reversal's household) and the newest large payments per union in scope (a LATERAL range of ledger_entry_organisation_cover_idx stopping after eight) and, in the same statement, the newest reversals paid or held here; the caseworker's file counts in one statement, the re-checks overdue and due soon from report_recheck_due instead of walking the province's due index",
  },
  "lib/allocations/find-allocation-report.ts": {
    count: 1,
    why: "the allocation report: allocation rows and ledger entries by paying union, summed per union of the selected subtree (含下级) in one statement, with the scope fragment",
  },
  "lib/signals/raise-signals.ts": {
    count: 5,
    why: "the daily signal run (infrastructure, unscoped client, part of the calendar job): the database clock for the watermark, the shared-account signals with their rows in one INSERT … SELECT over the accounts recorded since it, and one INSERT … SELECT each for same name and birth date, shared phone and paid after death (grouped index passes and probes, decision 025)",
  },
  "lib/warnings/raise-warnings.ts": {
    count: 2,
    why: "the daily warning run (infrastructure, unscoped client, like the calendar job): the database clock for the watermark, and each rule as one INSERT … SELECT over the facts recorded since it",
  },
  "lib/reports/report-files.ts": {
    count: 3,
    why: "files per child organisation from the trigger-kept report tables (open at a date, events, per month), for the selected organisation's subtree, in scope",
  },
  "lib/reports/report-money.ts": {
    count: 4,
    why: "money per child organisation from the trigger-kept report tables (distinct households per calendar period: 0018, or the entries of any other range) and the observation period's entries, for the selected organisation's subtree, in scope",
  },
  "lib/reports/report-work.ts": {
    count: 5,
    why: "pairing, re-checks, overdue files, measures and approvals per child organisation (trigger-kept tables or the period's rows through an index), for the selected organisation's subtree, in scope",
  },
  "lib/reports/report-quality.ts": {
    count: 1,
    why: "approvals whose household the civil-affairs comparison had found (漏评), per child organisation of the selected subtree, in scope",
  },
  "lib/reports/fold-pending.ts": {
    count: 1,
    why: "report_ledger_fold() and report_open_roll() before a report reads its counts: fold what a big ledger statement left pending (decision 032) and keep the open files of a month that ended (decision 039); read no table themselves",
  },
};

const RAW_CALL = /\.\$(queryRaw|executeRaw)(Unsafe)?\s*[`<(]/g;
/** Any other mention: an alias, a bracket access or a destructured method (none is allowed). */
const RAW_MENTION = /\$(queryRaw|executeRaw)(Unsafe)?\b/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((entry) => {
    const rel = path.join(dir, entry);
    if (entry === "generated" || entry === "node_modules") return [];
    if (statSync(path.join(ROOT, rel)).isDirectory()) return sourceFiles(rel);
    return /\.(ts|tsx|mts)$/.test(entry) ? [rel] : [];
  });
}

describe("raw SQL", () => {
  const files = ["app", "components", "lib", "scripts"].flatMap(sourceFiles).concat(["proxy.ts"]);

  it("appears only in the allow-listed files, as often as listed", () => {
    const found: Record<string, number> = {};
    for (const file of files) {
      const text = readFileSync(path.join(ROOT, file), "utf8");
      const count = [...text.matchAll(RAW_CALL)].length;
      if (count > 0) found[file] = count;
    }
    const expected = Object.fromEntries(
      Object.entries(ALLOWED)
        .filter(([, v]) => v.count > 0)
        .map(([file, v]) => [file, v.count]),
    );
    expect(found).toEqual(expected);
  });

  it("never reaches raw SQL through an alias, a bracket or a destructured method", () => {
    const offenders = files.filter((file) => {
      if (file === "lib/data/scope.ts") return false; // the scope layer names the operations it checks
      const text = readFileSync(path.join(ROOT, file), "utf8")
        .replace(/\/\/.*$/gm, "")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/^\s*(export )?type .*$/gm, "");
      return [...text.matchAll(RAW_MENTION)].length !== [...text.matchAll(RAW_CALL)].length;
    });
    expect(offenders).toEqual([]);
  });

  it("never uses the Unsafe variants outside tests", () => {
    const offenders = files.filter((file) => /\$(queryRaw|executeRaw)Unsafe\s*\(/.test(readFileSync(path.join(ROOT, file), "utf8")));
    expect(offenders).toEqual([]);
  });
});
