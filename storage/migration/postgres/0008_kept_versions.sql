-- 0008: how far each RCA's kept messages (dashboard, walk, outline, cards,
-- canvas) are behind its state: version counts the changes, drawn is the
-- version the last complete redraw showed. Replicas redraw an RCA whose
-- version is ahead of drawn, as the user who made the last change (actor).
CREATE TABLE kept_versions (
	rca_id  BIGINT PRIMARY KEY REFERENCES rcas(id),
	version BIGINT NOT NULL,
	drawn   BIGINT NOT NULL,
	actor   TEXT COLLATE "C" NOT NULL
);
