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
), r AS (
  SELECT 0 AS grouping, child, NULL::text AS aid_type, NULL::text AS fund_source, households, persons FROM own WHERE dim = 'A'
  UNION ALL SELECT 3, NULL, NULL, NULL, sum(households), sum(persons) FROM own WHERE dim = 'A'
  UNION ALL SELECT 1, NULL, key, NULL, sum(households), sum(persons) FROM own WHERE dim = 'T' GROUP BY key
  UNION ALL SELECT 2, NULL, NULL, key, sum(households), sum(persons) FROM own WHERE dim = 'F' GROUP BY key
)
SELECT grouping, child, aid_type, fund_source, sum(households)::bigint AS households, sum(persons)::bigint AS persons
  FROM r GROUP BY 1, 2, 3, 4 HAVING sum(households) <> 0 OR sum(persons) <> 0
