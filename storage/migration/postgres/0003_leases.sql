-- 0003: leases on scheduled work, so that of several replicas on one
-- database only the holder runs a job. expires_at is Unix milliseconds.
CREATE TABLE leases (
	name       TEXT COLLATE "C" PRIMARY KEY,
	holder     TEXT COLLATE "C" NOT NULL,
	expires_at BIGINT NOT NULL
);
