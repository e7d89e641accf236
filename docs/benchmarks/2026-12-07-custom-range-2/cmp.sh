#!/bin/bash
# cmp.sh a b path label : truth (distinctFromEntries) vs the prototype read, same range and subtree
set -a; . /work/shared-1m.env; set +a
a=$1; b=$2; path=$3; label=$4
{ echo '\timing on'; echo 'SET search_path = public;'
  echo 'CREATE TEMP TABLE t AS'; cat truth.sql; echo ';'
  echo 'CREATE TEMP TABLE r AS'; cat read.sql; echo ';'
  echo "SELECT '$label' AS case, (SELECT count(*) FROM t) AS truth_rows, (SELECT sum(households) FROM t WHERE grouping = 3) AS households, (SELECT sum(persons) FROM t WHERE grouping = 3) AS persons,"
  echo "  (SELECT count(*) FROM (SELECT * FROM t EXCEPT SELECT * FROM r) x) AS missing, (SELECT count(*) FROM (SELECT * FROM r EXCEPT SELECT * FROM t) x) AS extra;"
  echo "SELECT 'T' src, * FROM (SELECT * FROM t EXCEPT SELECT * FROM r) x UNION ALL SELECT 'R', * FROM (SELECT * FROM r EXCEPT SELECT * FROM t) y ORDER BY 2,3,4,5,1 LIMIT 12;"
} > /tmp/cmp-$$.sql
psql "$MIGRATION_DATABASE_URL" -X -v a="$a" -v b="$b" -v path="$path" -f /tmp/cmp-$$.sql 2>&1 | grep -v '^SET\|^SELECT [0-9]'
rm -f /tmp/cmp-$$.sql
