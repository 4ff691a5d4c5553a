-- 0005: fixes are tracked to done. Fixes recorded before this migration
-- were only proposed (nobody agreed to them through the bot), so they start
-- as 'proposed'. last_nudge is the due-day slot its owner was last reminded
-- for; reminders.last_digest the week slot of the last weekly fix digest.
ALTER TABLE fixes ADD COLUMN status TEXT COLLATE "C" NOT NULL DEFAULT 'proposed';
ALTER TABLE fixes ADD COLUMN reason TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE fixes ADD COLUMN ticket TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE fixes ADD COLUMN pull_request TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE fixes ADD COLUMN status_at TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE fixes ADD COLUMN last_nudge TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE reminders ADD COLUMN last_digest TEXT COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX fixes_status ON fixes(status);
