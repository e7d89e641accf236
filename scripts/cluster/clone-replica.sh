#!/usr/bin/env bash
# Patroni replica method "clone" (scripts/cluster/cluster.sh): makes this node's data folder a
# copy of the leader's with PostgreSQL's own online backup (pg_backup_start → copy → pg_backup_stop,
# as lib/db/standby.ts does for the embedded replica), because the PostgreSQL 18 build used here has
# no pg_basebackup. Runs as postgres; the copy reads the leader's folder, which on this one machine
# is on the same disk (on real servers pg_basebackup replaces this script: docs/operations.md).
# Patroni calls it with --datadir=… --connstring=… (the leader) and starts the node afterwards,
# writing standby.signal and primary_conninfo itself; the WAL from the backup's start is streamed
# from the leader (wal_keep_size keeps it there).
set -euo pipefail
datadir= connstring=
for arg in "$@"; do
  case $arg in
    --datadir=*) datadir=${arg#--datadir=} ;;
    --connstring=*) connstring=${arg#--connstring=} ;;
  esac
done
host=$(sed -n 's/.*host=\([0-9.]*\).*/\1/p' <<<"$connstring")
case $host in 10.29.0.11) source_dir=$CLUSTER_DIR/db1/data ;; 10.29.0.12) source_dir=$CLUSTER_DIR/db2/data ;; *) echo "unknown leader $host" >&2; exit 1 ;; esac
[[ $source_dir != "$datadir" ]] || { echo "refusing to clone $datadir from itself" >&2; exit 1; }
rm -rf "$datadir" && mkdir -m 700 -p "$datadir"
label=$(mktemp)
# One session holds the backup open while the files are copied (\! runs in psql, in that session's lifetime).
PGPASSWORD=$SUPER_PW "$PSQL" -X -qAt -v ON_ERROR_STOP=1 "host=$host port=5432 user=postgres dbname=postgres" <<SQL
SELECT pg_backup_start('patroni clone', true) IS NOT NULL;
\\! tar -C "$source_dir" --exclude=./postmaster.pid --exclude=./postmaster.opts --exclude='./pg_wal/*' --exclude=./standby.signal --exclude=./recovery.signal --exclude='./pg_replslot/*' --exclude=./patroni.dynamic.json -cf - . | tar -C "$datadir" -xf -
\\o $label
SELECT labelfile FROM pg_backup_stop(true);
\\o
SQL
cp "$label" "$datadir/backup_label"
rm -f "$label"
mkdir -p -m 700 "$datadir/pg_wal/archive_status"
