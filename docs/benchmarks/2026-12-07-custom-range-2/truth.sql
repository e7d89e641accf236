WITH sub AS MATERIALIZED (SELECT id, coalesce(nullif(split_part(substr(o.path, length(:'path') + 1), '/', 1), ''), 'self') AS child FROM organisation o WHERE o.path LIKE :'path' || '%'),
    f AS MATERIALIZED (
      SELECT l.file_id, sum(CASE WHEN l.reverses_entry_id IS NULL THEN 1 ELSE -1 END) AS times,
             min(s.child) AS child, min(l.aid_type) AS aid_type, min(l.fund_source) AS fund_source,
             min(s.child) = max(s.child) AND min(l.aid_type) = max(l.aid_type) AND min(l.fund_source) = max(l.fund_source) AS simple,
             bool_or(l.aid_type = 'EDUCATION' AND l.student_resident_id IS NOT NULL) AS students,
             max(coalesce(z.household_size, 0)) AS size
        FROM ledger_entry l JOIN sub s ON s.id = l.organisation_id JOIN household_file z ON z.id = l.file_id
       WHERE l.entry_date BETWEEN :'a'::date AND :'b'::date
       GROUP BY l.file_id
    ), simple AS MATERIALIZED (
      SELECT child, aid_type, fund_source, count(*) AS households, sum(size) AS persons FROM f WHERE simple AND times > 0 GROUP BY 1, 2, 3
    ), e AS MATERIALIZED (
      SELECT s.child, l.file_id, l.aid_type, l.fund_source, l.student_resident_id, sum(CASE WHEN l.reverses_entry_id IS NULL THEN 1 ELSE -1 END) AS times
        FROM ledger_entry l JOIN sub s ON s.id = l.organisation_id
       WHERE l.entry_date BETWEEN :'a'::date AND :'b'::date AND l.file_id IN (SELECT file_id FROM f WHERE NOT simple OR students)
       GROUP BY 1, 2, 3, 4, 5
    ), mixed AS (
      SELECT CASE WHEN GROUPING(child) = 0 THEN 0 WHEN GROUPING(aid_type) = 0 THEN 1 ELSE 2 END AS grouping, child, aid_type, fund_source, file_id
        FROM e WHERE file_id IN (SELECT file_id FROM f WHERE NOT simple)
       GROUP BY GROUPING SETS ((child, file_id), (aid_type, file_id), (fund_source, file_id)) HAVING sum(times) > 0
    ), students AS (
      SELECT CASE WHEN GROUPING(child) = 0 THEN 0 ELSE 3 END AS grouping, child, student_resident_id
        FROM e WHERE aid_type = 'EDUCATION' AND student_resident_id IS NOT NULL
       GROUP BY GROUPING SETS ((child, student_resident_id), (student_resident_id)) HAVING sum(times) > 0
    ), r AS (
    SELECT 0 AS grouping, child, NULL::text AS aid_type, NULL::text AS fund_source, sum(households)::bigint AS households, sum(persons)::bigint AS persons, 0::bigint AS students
      FROM simple GROUP BY child
    UNION ALL SELECT 1, NULL, aid_type::text, NULL, sum(households)::bigint, sum(persons)::bigint, 0 FROM simple GROUP BY aid_type
    UNION ALL SELECT 2, NULL, NULL, fund_source::text, sum(households)::bigint, sum(persons)::bigint, 0 FROM simple GROUP BY fund_source
    UNION ALL SELECT 3, NULL, NULL, NULL, count(*)::bigint, coalesce(sum(size), 0)::bigint, 0 FROM f WHERE times > 0
    UNION ALL SELECT m.grouping, m.child, m.aid_type::text, m.fund_source::text, count(*)::bigint, sum(z.size)::bigint, 0
                FROM mixed m JOIN f z ON z.file_id = m.file_id GROUP BY 1, 2, 3, 4
    UNION ALL SELECT grouping, child, NULL, NULL, 0, 0, count(*)::bigint FROM students GROUP BY 1, 2)
SELECT grouping, child, aid_type, fund_source, sum(households)::bigint AS households, sum(persons)::bigint AS persons
  FROM r GROUP BY 1, 2, 3, 4 HAVING sum(households) <> 0 OR sum(persons) <> 0
