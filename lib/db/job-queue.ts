import { pgClient } from "@/lib/db/pg";
import PgBoss from "pg-boss";
import { EMBEDDED_JOBS_ROLE } from "./roles";

// Several instances may start at the same moment (one jobs process per instance): pg-boss's
// create_queue is not safe to run twice at once (the second deadlocks on the partition it
// attaches), so each queue is created once under an advisory lock, and the others find it there.
// Used by the calendar scheduler and the export worker.

/** pg-boss's schema (lib/calendar/scheduler.ts, lib/exports/export-worker.ts). */
export const JOB_QUEUE_SCHEMA = "pgboss";

/**
 * Creates a queue unless it exists, one instance at a time: a transaction on a connection of its
 * own holds an advisory lock while pg-boss (on its pool) checks and creates the queue. The lock
 * goes with the transaction, also when the process dies half-way.
 */
export async function ensureQueueOnce(connectionString: string, boss: PgBoss, queue: PgBoss.Queue): Promise<void> {
  const lock = pgClient({ connectionString, application_name: "bangfu-jobs-setup" });
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

/**
 * Gives the job worker's role the schema `pgboss` and everything in it, as the superuser on the
 * application's database. pg-boss's first install runs CREATE SCHEMA, which needs CREATE on the
 * database — a right the job role does not get — so the install is done here (pg-boss's own
 * construction SQL) and the objects handed over. Before issue 22 the worker ran as the owner,
 * whose pgboss objects are handed over the same way. Later pg-boss upgrades migrate the schema
 * from the worker, as the schema's owner. Safe to run every start.
 */
export async function ensureJobQueueSchema(superuserDbUrl: string): Promise<void> {
  const client = pgClient({ connectionString: superuserDbUrl }, { infrastructure: "installing pg-boss's schema, as the superuser" });
  await client.connect();
  try {
    const { rows } = await client.query<{ installed: string | null }>("SELECT to_regclass($1)::text AS installed", [`${JOB_QUEUE_SCHEMA}.version`]);
    if (!rows[0]!.installed) await client.query(PgBoss.getConstructionPlans(JOB_QUEUE_SCHEMA));
    await client.query(`DO $$
      DECLARE r record;
      BEGIN
        EXECUTE 'ALTER SCHEMA ${JOB_QUEUE_SCHEMA} OWNER TO ${EMBEDDED_JOBS_ROLE}';
        FOR r IN SELECT c.oid::regclass AS obj FROM pg_class c
                  WHERE c.relnamespace = '${JOB_QUEUE_SCHEMA}'::regnamespace AND c.relowner <> '${EMBEDDED_JOBS_ROLE}'::regrole AND c.relkind IN ('r', 'p', 'v', 'm')
        LOOP EXECUTE format('ALTER TABLE %s OWNER TO ${EMBEDDED_JOBS_ROLE}', r.obj); END LOOP;
        FOR r IN SELECT c.oid::regclass AS obj FROM pg_class c
                  WHERE c.relnamespace = '${JOB_QUEUE_SCHEMA}'::regnamespace AND c.relowner <> '${EMBEDDED_JOBS_ROLE}'::regrole AND c.relkind = 'S'
        LOOP EXECUTE format('ALTER SEQUENCE %s OWNER TO ${EMBEDDED_JOBS_ROLE}', r.obj); END LOOP;
        FOR r IN SELECT t.oid::regtype AS obj FROM pg_type t
                  WHERE t.typnamespace = '${JOB_QUEUE_SCHEMA}'::regnamespace AND t.typowner <> '${EMBEDDED_JOBS_ROLE}'::regrole AND t.typtype IN ('e', 'd', 'c') AND t.typrelid = 0
        LOOP EXECUTE format('ALTER TYPE %s OWNER TO ${EMBEDDED_JOBS_ROLE}', r.obj); END LOOP;
        FOR r IN SELECT p.oid::regprocedure AS obj FROM pg_proc p
                  WHERE p.pronamespace = '${JOB_QUEUE_SCHEMA}'::regnamespace AND p.proowner <> '${EMBEDDED_JOBS_ROLE}'::regrole
        LOOP EXECUTE format('ALTER ROUTINE %s OWNER TO ${EMBEDDED_JOBS_ROLE}', r.obj); END LOOP;
      END $$`);
  } finally {
    await client.end();
  }
}
