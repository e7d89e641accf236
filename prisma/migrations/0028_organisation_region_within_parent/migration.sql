-- ───── A union's region lies inside its parent's (issue 22 §7) ─────
-- Policy (低保 standard, parameters, aid rules) is found along region → city → province → national
-- from the organisation's region_code. A county created with 152921 (Inner Mongolia) under 兰州
-- (620100) found no Gansu row and fell back to the national standard without a word. The rule,
-- the same as regionWithin in lib/policy/regions.ts: the national code 100000 contains every
-- region; a province PP0000 the codes starting PP; a city PPCC00 the codes starting PPCC; a county
-- (or a union with a county's code) only its own code, so a grassroots union under a county shares
-- the county's code. lib/organisations refuses such a union with a Chinese message first; this holds
-- even if code is wrong. Existing rows are not re-checked here (the demo tree already satisfies it).
CREATE FUNCTION region_within(outer_region text, inner_region text) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE
    WHEN outer_region = '100000' THEN true
    WHEN inner_region = '100000' THEN false
    WHEN outer_region LIKE '__0000' THEN left(inner_region, 2) = left(outer_region, 2)
    WHEN outer_region LIKE '____00' THEN left(inner_region, 4) = left(outer_region, 4)
    ELSE inner_region = outer_region
  END
$$;

CREATE FUNCTION organisation_region_within_parent() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  parent_region text;
BEGIN
  IF NEW.parent_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.region_code <> OLD.region_code) THEN
    SELECT region_code INTO parent_region FROM organisation WHERE id = NEW.parent_id;
    IF parent_region IS NOT NULL AND NOT region_within(parent_region, NEW.region_code) THEN
      RAISE EXCEPTION 'organisation_region_within_parent: region % lies outside the parent''s region %', NEW.region_code, parent_region
        USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  -- A union whose region changes must still contain every child's region.
  IF TG_OP = 'UPDATE' AND NEW.region_code <> OLD.region_code
     AND EXISTS (SELECT 1 FROM organisation c WHERE c.parent_id = NEW.id AND NOT region_within(NEW.region_code, c.region_code)) THEN
    RAISE EXCEPTION 'organisation_region_within_parent: a child''s region would lie outside %', NEW.region_code
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;

-- A union never changes parent (organisation_set_path refuses a move), so only an insert and a
-- change of region need the check.
CREATE TRIGGER organisation_region_within_parent BEFORE INSERT OR UPDATE OF region_code ON organisation
  FOR EACH ROW EXECUTE FUNCTION organisation_region_within_parent();
