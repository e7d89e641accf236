-- ───── Working-day calendar: days an administrator enters (日历维护) ─────
-- chinese-days has data only for the years the State Council has published; deadlines
-- (add_working_days, used by the paper-sync trigger) reach into the next year weeks before the
-- package does. An administrator enters that year's holidays and make-up working days; the source
-- says who is the authority for a day, and the package sync (lib/calendar/working-days.ts) writes
-- only PACKAGE rows, so it never overwrites a day an administrator entered.
CREATE TYPE calendar_day_source AS ENUM ('PACKAGE', 'ADMIN');
ALTER TABLE calendar_day
  ADD COLUMN source        calendar_day_source NOT NULL DEFAULT 'PACKAGE',
  ADD COLUMN entered_by_id uuid REFERENCES app_user (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  ADD COLUMN entered_at    timestamptz(3);
ALTER TABLE calendar_day ADD CONSTRAINT calendar_day_admin_entry CHECK (
  (source = 'ADMIN') = (entered_by_id IS NOT NULL AND entered_at IS NOT NULL)
);
-- An administrator's day always says what it is (元旦, 春节调休上班 …).
ALTER TABLE calendar_day ADD CONSTRAINT calendar_day_admin_named CHECK (source <> 'ADMIN' OR btrim(coalesce(name, '')) <> '');
