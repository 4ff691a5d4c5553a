-- 0001: the initial schema. Times are UTC RFC 3339 text.
CREATE TABLE rcas (
	id            INTEGER PRIMARY KEY,
	title         TEXT NOT NULL,
	severity      TEXT NOT NULL DEFAULT '',
	incident_link TEXT NOT NULL DEFAULT '',
	creator       TEXT NOT NULL,
	facilitator   TEXT NOT NULL,
	private       INTEGER NOT NULL DEFAULT 0,
	due           TEXT NOT NULL DEFAULT '',
	phase         TEXT NOT NULL,
	channel_id    TEXT,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	closed_at     TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX rcas_channel ON rcas(channel_id) WHERE channel_id IS NOT NULL;

CREATE TABLE participants (
	rca_id    INTEGER NOT NULL REFERENCES rcas(id),
	user_id   TEXT NOT NULL,
	joined_at TEXT NOT NULL,
	PRIMARY KEY (rca_id, user_id)
);
CREATE INDEX participants_user ON participants(user_id);

CREATE TABLE nodes (
	rca_id       INTEGER NOT NULL REFERENCES rcas(id),
	num          INTEGER NOT NULL,
	kind         TEXT NOT NULL,
	text         TEXT NOT NULL,
	weight       INTEGER NOT NULL DEFAULT 0,
	evidence     TEXT NOT NULL DEFAULT '',
	unverified   INTEGER NOT NULL DEFAULT 0,
	root_marked  INTEGER NOT NULL DEFAULT 0,
	blame_worded INTEGER NOT NULL DEFAULT 0,
	source_link  TEXT NOT NULL DEFAULT '',
	author       TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	deleted_at   TEXT,
	PRIMARY KEY (rca_id, num)
);
CREATE UNIQUE INDEX nodes_text ON nodes(rca_id, text) WHERE deleted_at IS NULL;

CREATE TABLE groups (
	rca_id     INTEGER NOT NULL REFERENCES rcas(id),
	num        INTEGER NOT NULL,
	effect     INTEGER NOT NULL,
	status     TEXT NOT NULL,
	created_at TEXT NOT NULL,
	deleted_at TEXT,
	PRIMARY KEY (rca_id, num),
	FOREIGN KEY (rca_id, effect) REFERENCES nodes(rca_id, num)
);

CREATE TABLE group_causes (
	rca_id    INTEGER NOT NULL,
	group_num INTEGER NOT NULL,
	position  INTEGER NOT NULL,
	node_num  INTEGER NOT NULL,
	PRIMARY KEY (rca_id, group_num, position),
	FOREIGN KEY (rca_id, group_num) REFERENCES groups(rca_id, num),
	FOREIGN KEY (rca_id, node_num) REFERENCES nodes(rca_id, num)
);

CREATE TABLE walk_skips (
	rca_id   INTEGER NOT NULL REFERENCES rcas(id),
	node_num INTEGER NOT NULL,
	PRIMARY KEY (rca_id, node_num)
);

CREATE TABLE reviews (
	rca_id    INTEGER NOT NULL REFERENCES rcas(id),
	group_num INTEGER NOT NULL,
	user_id   TEXT NOT NULL,
	holds     INTEGER NOT NULL,
	at        TEXT NOT NULL,
	PRIMARY KEY (rca_id, group_num, user_id)
);

CREATE TABLE reservations (
	id          INTEGER PRIMARY KEY,
	rca_id      INTEGER NOT NULL REFERENCES rcas(id),
	group_num   INTEGER NOT NULL DEFAULT 0,
	node_num    INTEGER NOT NULL DEFAULT 0,
	category    TEXT NOT NULL,
	note        TEXT NOT NULL DEFAULT '',
	raised_by   TEXT NOT NULL,
	status      TEXT NOT NULL,
	resolution  TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	resolved_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX reservations_rca ON reservations(rca_id);

CREATE TABLE fixes (
	id         INTEGER PRIMARY KEY,
	rca_id     INTEGER NOT NULL REFERENCES rcas(id),
	node_num   INTEGER NOT NULL,
	injection  TEXT NOT NULL,
	owner      TEXT NOT NULL DEFAULT '',
	due        TEXT NOT NULL DEFAULT '',
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE INDEX fixes_rca ON fixes(rca_id);

CREATE TABLE core_causes (
	rca_id    INTEGER NOT NULL REFERENCES rcas(id),
	node_num  INTEGER NOT NULL,
	text      TEXT NOT NULL,
	closed_at TEXT NOT NULL,
	PRIMARY KEY (rca_id, node_num)
);

CREATE TABLE reminders (
	rca_id         INTEGER PRIMARY KEY REFERENCES rcas(id),
	spec           TEXT NOT NULL DEFAULT '',
	last_reminded  TEXT NOT NULL DEFAULT '',
	last_due_nudge TEXT NOT NULL DEFAULT ''
);

CREATE TABLE slack_refs (
	rca_id     INTEGER NOT NULL REFERENCES rcas(id),
	key        TEXT NOT NULL,
	value      TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	PRIMARY KEY (rca_id, key)
);

CREATE TABLE deliveries (
	key        TEXT PRIMARY KEY,
	result     BLOB,
	handled_at TEXT NOT NULL
);

CREATE TABLE audit_log (
	id      INTEGER PRIMARY KEY,
	rca_id  INTEGER NOT NULL DEFAULT 0,
	actor   TEXT NOT NULL,
	action  TEXT NOT NULL,
	subject TEXT NOT NULL DEFAULT '',
	before  TEXT NOT NULL DEFAULT '',
	after   TEXT NOT NULL DEFAULT '',
	ref     INTEGER NOT NULL DEFAULT 0,
	at      TEXT NOT NULL
);
CREATE INDEX audit_rca ON audit_log(rca_id, id);
CREATE INDEX audit_ref ON audit_log(ref) WHERE ref <> 0;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
