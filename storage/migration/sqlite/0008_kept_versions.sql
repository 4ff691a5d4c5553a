-- 0008: how far each RCA's kept messages (dashboard, walk, outline, cards,
-- canvas) are behind its state: version counts the changes, drawn is the
-- version the last complete redraw showed. Processes redraw an RCA whose
-- version is ahead of drawn, as the user who made the last change (actor).
CREATE TABLE kept_versions (
	rca_id  INTEGER PRIMARY KEY REFERENCES rcas(id),
	version INTEGER NOT NULL,
	drawn   INTEGER NOT NULL,
	actor   TEXT NOT NULL
);
