-- 0002: a per-RCA counter bumped by every tree change, so a loaded tree can be
-- cached and reused while the counter is unchanged.
ALTER TABLE rcas ADD COLUMN tree_version BIGINT NOT NULL DEFAULT 0;
