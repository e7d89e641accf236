\timing on
SET search_path = proto_custom, public;
SET work_mem = '16MB';
SELECT sum(n) AS paid_1208_before FROM cr_pay_d WHERE day = '2026-12-08' AND dim = 'A';
BEGIN;
SELECT cr_apply() AS delta_rows;
SELECT sum(n) AS paid_1208_after FROM cr_pay_d WHERE day = '2026-12-08' AND dim = 'A';
ROLLBACK;
BEGIN;
SELECT cr_apply() AS delta_rows_again;
ROLLBACK;
-- back-dated: the same lines dated 2026-10-15 (a payment follows most of them: two points move)
UPDATE ne SET entry_date = '2026-10-15';
BEGIN;
SELECT cr_apply() AS delta_rows_backdated;
ROLLBACK;
UPDATE ne SET entry_date = '2026-12-08';
-- size change of 10,000 files (+1 each)
TRUNCATE sz;
INSERT INTO sz SELECT DISTINCT ne.file_id, f.household_size, f.household_size + 1 FROM ne JOIN household_file f ON f.id = ne.file_id;
BEGIN;
SELECT cr_size() AS size_delta_rows;
ROLLBACK;
TRUNCATE sz;
INSERT INTO sz SELECT ne.file_id, f.household_size, f.household_size + 1 FROM (SELECT file_id FROM ne LIMIT 1) ne JOIN household_file f ON f.id = ne.file_id;
BEGIN;
SELECT cr_size() AS size_delta_rows_one_file;
ROLLBACK;
