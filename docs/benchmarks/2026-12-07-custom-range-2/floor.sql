SELECT c.organisation_id, c.dim, c.key, sum(c.households)::bigint, sum(c.persons)::bigint
  FROM report_ledger_count c JOIN organisation o ON o.id = c.organisation_id
 WHERE c.period_kind = 'M' AND c.period_start = date_trunc('month', :'a'::date)::date AND o.path LIKE :'path' || '%' GROUP BY 1, 2, 3
