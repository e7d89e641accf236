-- Issue 29: several application servers behind one load balancer. The read-your-writes mark of the
-- replica routing (lib/db/read-routing.ts) lived in the Next.js process's memory, so a user whose
-- next request reached another app server could read from a replica that had not yet replayed
-- their write. The mark now lives here, where every app server sees it.
--
-- One row per user who wrote recently: written_at is when their last write statement was noted
-- (noted at most once a second per process, see NOTE_EVERY_MS), wal_position the primary's flushed
-- WAL position taken once the stickiness window after written_at has passed (null until then). The
-- row is deleted once the replica has replayed up to wal_position. Used only when
-- DATABASE_REPLICA_URL is set; a single server without a replica never writes here.
CREATE TABLE replica_write_mark (
  user_id uuid PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE ON UPDATE CASCADE,
  written_at timestamptz(3) NOT NULL,
  -- pg_lsn as a number (pg_lsn - '0/0'), compared with the replica's replay position the same way.
  wal_position bigint CHECK (wal_position >= 0)
);
