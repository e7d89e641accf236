-- Issue 26: a re-check whose conclusion departs from the tier its own figures suggest (维持原类别 at
-- ¥200 per person where 深度困难 is suggested) carries the caseworker's reason; null when they agree.
ALTER TABLE recheck ADD COLUMN deviation_reason text;
