-- 0006: each fix's ticket in the team's tracker. A row is written before
-- the tracker is called (state 'intent'), so a filing cut short by a crash
-- or a lost answer is finished later by looking the ticket up by the
-- marker built from nonce, never by filing it twice. attempts counts the
-- calls that may have filed it; claim_holder and claim_until keep two
-- processes from filing at once (and, after a failure, gate the next try);
-- ticket_state is the tracker's state last seen by the status sync.
CREATE TABLE fix_tickets (
	fix_id       INTEGER PRIMARY KEY REFERENCES fixes(id),
	rca_id       INTEGER NOT NULL REFERENCES rcas(id),
	state        TEXT NOT NULL,
	nonce        TEXT NOT NULL,
	ticket_key   TEXT NOT NULL DEFAULT '',
	url          TEXT NOT NULL DEFAULT '',
	attempts     INTEGER NOT NULL DEFAULT 0,
	fault        TEXT NOT NULL DEFAULT '',
	last_error   TEXT NOT NULL DEFAULT '',
	claim_holder TEXT NOT NULL DEFAULT '',
	claim_until  TEXT NOT NULL DEFAULT '',
	ticket_state TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL
);
CREATE INDEX fix_tickets_state ON fix_tickets(state);
