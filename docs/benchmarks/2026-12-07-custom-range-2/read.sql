-- The custom range [a, b] for the subtree at :'path': households and persons per child (0), aid
-- type (1), fund (2) and the whole subtree (3) = payments − repeats, then the files read apart.
WITH k AS MATERIALIZED (
  SELECT a, b, date_trunc('month', b)::date AS bm, extract(day FROM b)::int AS bd,
         -- whole months of days [first, wend) as wholeMonthsOf
         CASE WHEN extract(day FROM a) = 1 THEN a ELSE (date_trunc('month', a) + interval '1 month')::date END AS pw,
         date_trunc('month', b + 1)::date AS wend
    FROM (SELECT :'a'::date AS a, :'b'::date AS b) p
), sub AS MATERIALIZED (
  SELECT id, coalesce(nullif(split_part(substr(o.path, length(:'path') + 1), '/', 1), ''), 'self') AS child
    FROM organisation o WHERE o.path LIKE :'path' || '%'
), cells AS (
  SELECT c.organisation_id, c.dim, c.key, c.n, c.persons FROM proto_custom.cr_pay_m c, k WHERE c.month >= k.pw AND c.month < k.wend
  UNION ALL
  SELECT c.organisation_id, c.dim, c.key, c.n, c.persons FROM proto_custom.cr_pay_d c, k WHERE c.day >= k.a AND c.day < k.pw AND c.day <= k.b
  UNION ALL
  SELECT c.organisation_id, c.dim, c.key, c.n, c.persons FROM proto_custom.cr_pay_d c, k WHERE c.day >= greatest(k.wend, k.pw, k.a) AND c.day <= k.b
  UNION ALL -- repeats, previous payment in a whole month from pw, payment in a whole month before wend
  SELECT c.organisation_id, c.dim, c.key, -c.n, -c.persons FROM proto_custom.cr_rep_m c, k WHERE c.pm >= k.pw AND c.pm < k.wend AND c.dm < k.wend
  UNION ALL -- previous payment in the partial first month on or after a (its days before pw)
  SELECT c.organisation_id, c.dim, c.key, -CASE WHEN c.dm < k.wend THEN c.n[31] ELSE c.n[k.bd] END, -CASE WHEN c.dm < k.wend THEN c.persons[31] ELSE c.persons[k.bd] END
    FROM proto_custom.cr_rep_first c, k WHERE c.prev_day >= k.a AND c.prev_day < k.pw AND c.dm <= k.bm
  UNION ALL -- payment in the partial last month, previous payment in a month from pw
  SELECT c.organisation_id, c.dim, c.key, -c.n, -c.persons FROM proto_custom.cr_rep_last c, k
   WHERE c.day >= greatest(k.wend, k.pw) AND c.day <= k.b AND c.pm >= k.pw
), own AS MATERIALIZED (
  SELECT s.child, c.dim, c.key, sum(c.n)::bigint AS households, sum(c.persons)::bigint AS persons
    FROM cells c JOIN sub s ON s.id = c.organisation_id GROUP BY 1, 2, 3
), sp AS MATERIALIZED ( -- files whose tables' count may be wrong: a reversal in the range, or paid by two organisations
  SELECT DISTINCT file_id FROM (
    SELECT l.file_id FROM ledger_entry l, k WHERE l.reverses_entry_id IS NOT NULL AND l.entry_date BETWEEN k.a AND k.b AND l.organisation_id IN (SELECT id FROM sub)
    UNION ALL SELECT file_id FROM report_ledger_file WHERE multi) x
), e AS MATERIALIZED (
  SELECT s.child, l.organisation_id AS org, l.file_id, l.aid_type::text AS aid, l.fund_source::text AS fund,
         sum(CASE WHEN l.reverses_entry_id IS NULL THEN 1 ELSE -1 END) AS times, count(*) FILTER (WHERE l.reverses_entry_id IS NULL) AS pays
    FROM ledger_entry l JOIN sub s ON s.id = l.organisation_id, k
   WHERE l.file_id IN (SELECT file_id FROM sp) AND l.entry_date BETWEEN k.a AND k.b GROUP BY 1, 2, 3, 4, 5
), fix AS ( -- truth (net > 0 across the row) − what the tables counted (a payment, per organisation)
  SELECT 0 AS grouping, child, NULL::text AS key, file_id, (sum(t) > 0)::int - sum((p > 0)::int) AS d
    FROM (SELECT child, org, file_id, sum(times) t, sum(pays) p FROM e GROUP BY 1, 2, 3) x GROUP BY child, file_id
  UNION ALL
  SELECT 3, NULL, NULL, file_id, (sum(t) > 0)::int - sum((p > 0)::int) FROM (SELECT org, file_id, sum(times) t, sum(pays) p FROM e GROUP BY 1, 2) x GROUP BY file_id
  UNION ALL
  SELECT 1, NULL, aid, file_id, (sum(t) > 0)::int - sum((p > 0)::int) FROM (SELECT org, aid, file_id, sum(times) t, sum(pays) p FROM e GROUP BY 1, 2, 3) x GROUP BY aid, file_id
  UNION ALL
  SELECT 2, NULL, fund, file_id, (sum(t) > 0)::int - sum((p > 0)::int) FROM (SELECT org, fund, file_id, sum(times) t, sum(pays) p FROM e GROUP BY 1, 2, 3) x GROUP BY fund, file_id
), r AS (
  SELECT 0 AS grouping, child, NULL::text AS aid_type, NULL::text AS fund_source, households, persons FROM own WHERE dim = 'A'
  UNION ALL SELECT 3, NULL, NULL, NULL, sum(households), sum(persons) FROM own WHERE dim = 'A'
  UNION ALL SELECT 1, NULL, key, NULL, sum(households), sum(persons) FROM own WHERE dim = 'T' GROUP BY key
  UNION ALL SELECT 2, NULL, NULL, key, sum(households), sum(persons) FROM own WHERE dim = 'F' GROUP BY key
  UNION ALL SELECT f.grouping, f.child, CASE WHEN f.grouping = 1 THEN f.key END, CASE WHEN f.grouping = 2 THEN f.key END, sum(f.d), sum(f.d * coalesce(z.household_size, 0))
              FROM fix f JOIN household_file z ON z.id = f.file_id WHERE f.d <> 0 GROUP BY 1, 2, 3, 4
)
SELECT grouping, child, aid_type, fund_source, sum(households)::bigint AS households, sum(persons)::bigint AS persons
  FROM r GROUP BY 1, 2, 3, 4 HAVING sum(households) <> 0 OR sum(persons) <> 0
