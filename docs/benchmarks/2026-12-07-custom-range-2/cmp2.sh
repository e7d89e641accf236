#!/bin/bash
set -a; . /work/shared-1m.env; set +a
{ echo 'SET search_path = public;'; echo 'CREATE TEMP TABLE r1 AS'; cat read.sql; echo ';'; echo 'CREATE TEMP TABLE r2 AS'; cat read-rev.sql; echo ';'
  echo "SELECT '$4' AS case, (SELECT count(*) FROM r1) rows, (SELECT count(*) FROM (SELECT * FROM r1 EXCEPT SELECT * FROM r2) x) AS missing, (SELECT count(*) FROM (SELECT * FROM r2 EXCEPT SELECT * FROM r1) x) AS extra;"; } > /tmp/c2-$$.sql
psql "$MIGRATION_DATABASE_URL" -X -At -v a=$1 -v b=$2 -v path=$3 -f /tmp/c2-$$.sql 2>&1 | grep -v "^SET\|^SELECT [0-9]"; rm -f /tmp/c2-$$.sql
