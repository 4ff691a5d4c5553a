-- 0007: a node of the Future Reality Tree part of an RCA's tree can point at
-- another node: an injection at the node it neutralises (a cause it fixes or
-- a negative-branch step it trims), a desired effect at the symptom it is the
-- team's positive counterpart of. 0 means none.
ALTER TABLE nodes ADD COLUMN against INTEGER NOT NULL DEFAULT 0;
