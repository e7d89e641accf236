import pg from "pg";
import type PgBoss from "pg-boss";

// Several instances may start at the same moment (one jobs process per instance): pg-boss's
// create_queue is not safe to run twice at once (the second deadlocks on the partition it
// attaches), so each queue is created once under an advisory lock, and the others find it there.
// Used by the calendar scheduler and the export worker.

/**
 * Creates a queue unless it exists, one instance at a time: a transaction on a connection of its
 * own holds an advisory lock while pg-boss (on its pool) checks and creates the queue. The lock
 * goes with the transaction, also when the process dies half-way.
 */
export async function ensureQueueOnce(connectionString: string, boss: PgBoss, queue: PgBoss.Queue): Promise<void> {
  const lock = new pg.Client({ connectionString, application_name: "bangfu-jobs-setup" });
  await lock.connect();
  try {
    await lock.query("BEGIN");
    await lock.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`pgboss:create-queue:${queue.name}`]);
    if (!(await boss.getQueue(queue.name))) await boss.createQueue(queue.name, queue);
    await lock.query("COMMIT");
  } finally {
    await lock.end();
  }
}
