-- A batch line keeps what the batch was built from: the household's tier and file level on the day
-- the list was generated. The batch page shows these, not the file's tier today, so a tier change
-- after the list was drawn up does not rewrite why a household was on it.
ALTER TABLE batch_line ADD COLUMN tier tier, ADD COLUMN file_level file_level;

-- Lines drawn up before this column existed: the file's current values are the best record left.
UPDATE batch_line l SET tier = f.tier, file_level = f.file_level FROM household_file f WHERE f.id = l.file_id;
