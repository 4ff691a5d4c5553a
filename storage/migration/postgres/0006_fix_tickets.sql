-- 0006: each fix's ticket in the team's tracker. A row is written before
-- the tracker is called (state 'intent'), so a filing cut short by a crash
-- or a lost answer is finished later by looking the ticket up by the
-- marker built from nonce, never by filing it twice. attempts counts the
-- calls that may have filed it; claim_holder and claim_until keep two
-- processes from filing at once (and, after a failure, gate the next try);
-- ticket_state is the tracker's state last seen by the status sync.
CREATE TABLE fix_tickets (
	fix_id       BIGINT PRIMARY KEY REFERENCES fixes(id),
	rca_id       BIGINT NOT NULL REFERENCES rcas(id),
	state        TEXT COLLATE "C" NOT NULL,
	nonce        TEXT COLLATE "C" NOT NULL,
	ticket_key   TEXT COLLATE "C" NOT NULL DEFAULT '',
	url          TEXT COLLATE "C" NOT NULL DEFAULT '',
	attempts     BIGINT NOT NULL DEFAULT 0,
	fault        TEXT COLLATE "C" NOT NULL DEFAULT '',
	last_error   TEXT COLLATE "C" NOT NULL DEFAULT '',
	claim_holder TEXT COLLATE "C" NOT NULL DEFAULT '',
	claim_until  TEXT COLLATE "C" NOT NULL DEFAULT '',
	ticket_state TEXT COLLATE "C" NOT NULL DEFAULT '',
	created_at   TEXT COLLATE "C" NOT NULL,
	updated_at   TEXT COLLATE "C" NOT NULL
);
CREATE INDEX fix_tickets_state ON fix_tickets(state);
