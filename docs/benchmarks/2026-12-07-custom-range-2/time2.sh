#!/bin/bash
# time.sh a b path label runs : the prototype read N times, then the current statement twice, in one session
set -a; . /work/shared-1m.env; set +a
a=$1; b=$2; path=$3; label=$4; runs=${5:-20}
{ echo 'SET search_path = public;'; echo '\timing on'
  for i in $(seq 1 $runs); do echo '\o /dev/null'; cat ${READ:-read.sql}; echo ';'; done
  echo '\o'; echo '\echo TRUTH'
  for i in; do echo '\o /dev/null'; cat truth.sql; echo ';'; done
} > /tmp/time-$$.sql
out=$(psql "$MIGRATION_DATABASE_URL" -X -v a="$a" -v b="$b" -v path="$path" -f /tmp/time-$$.sql 2>&1)
rm -f /tmp/time-$$.sql
node -e '
const [label, out] = process.argv.slice(1);
const [r, t] = out.split("TRUTH");
const ms = (s) => [...s.matchAll(/Time: ([0-9.]+) ms/g)].map((m) => +m[1]).filter((x) => x > 1);
const q = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]; };
const rr = ms(r), tt = ms(t);
console.log([label, "new p50 " + q(rr, 0.5).toFixed(1), "p95 " + q(rr, 0.95).toFixed(1), "n=" + rr.length, "| current " + tt.map((x) => x.toFixed(0)).join(" / ")].join("  "));
' "$label" "$out"
