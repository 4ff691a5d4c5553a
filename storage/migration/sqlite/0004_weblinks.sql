-- 0004: signed links to the read-only web view. weblink_key holds the one
-- HMAC key (rotated by replacing it); weblink_revocations counts, per RCA,
-- how often its facilitator revoked its links: the count is signed into
-- every link, so raising it refuses all links made before.
CREATE TABLE weblink_key (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	secret     BLOB NOT NULL,
	created_at TEXT NOT NULL
);
CREATE TABLE weblink_revocations (
	rca_id     INTEGER PRIMARY KEY REFERENCES rcas(id),
	generation INTEGER NOT NULL,
	revoked_by TEXT NOT NULL,
	revoked_at TEXT NOT NULL
);
