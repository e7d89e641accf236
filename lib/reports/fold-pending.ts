import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { scopedDb } from "@/lib/data/scope";
import { pgClient } from "@/lib/db/pg";

// The households, persons and students of a calendar month, quarter or year are read from the
// counts of migration 0018. A ledger statement of more than 1,000 entries (a batch approval) leaves
// its share of those counts pending (migration 0046, docs/decisions/032): the job worker folds it in
// a moment after the commit, and a report folds whatever is still pending before it reads, so its
// figures include every committed entry. report_ledger_fold() takes one fold at a time: a report
// that arrives while the job folds waits for it and then finds nothing left.

/**
 * Brings the kept counts up to date for a report, on the primary, as `actor` asked for one: folds
 * every committed pending entry (how many: `folded`, 0 at once when none were pending), and keeps
 * the open files at the end of a month that has ended (`rolled` months, migration 0062, decision 039).
 */
export async function foldPendingForReport(actor: Pick<TActor, "organisation" | "userId">): Promise<{ folded: number; rolled: number }> {
  const [row] = await scopedDb(actor).$queryRaw<Array<{ folded: number; rolled: number }>>`SELECT report_ledger_fold() AS folded, report_open_roll() AS rolled`;
  return row ?? { folded: 0, rolled: 0 };
}

/** The job worker's fold (lib/reports/report-fold-worker.ts), on a connection of its own. */
export async function foldPendingEntries(connectionString: string): Promise<number> {
  const client = pgClient({ connectionString, application_name: "bangfu-report-fold" });
  await client.connect();
  try {
    const { rows } = await client.query<{ folded: number }>("SELECT report_ledger_fold() AS folded");
    return rows[0]?.folded ?? 0;
  } finally {
    await client.end();
  }
}

/** Whether entries are waiting for their fold (the worker's sweep: a notification may have been missed). */
export async function hasPendingEntries(connectionString: string): Promise<boolean> {
  const client = pgClient({ connectionString, application_name: "bangfu-report-fold" });
  await client.connect();
  try {
    const { rows } = await client.query<{ pending: boolean }>(
      "/* unscoped: only whether any row exists, of any organisation, for the worker's sweep */ SELECT EXISTS (SELECT 1 FROM report_ledger_pending) AS pending",
    );
    return rows[0]?.pending ?? false;
  } finally {
    await client.end();
  }
}
