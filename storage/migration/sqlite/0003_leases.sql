-- 0003: leases on scheduled work, so that of several processes on one
-- database only the holder runs a job. expires_at is Unix milliseconds.
CREATE TABLE leases (
	name       TEXT PRIMARY KEY,
	holder     TEXT NOT NULL,
	expires_at INTEGER NOT NULL
);
