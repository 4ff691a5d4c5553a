package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// BumpKept records that the RCA's kept messages are behind its state, as
// actor changed it, and returns the RCA's new kept version.
func (db *DB) BumpKept(ctx context.Context, rcaID int64, actor string) (int64, error) {
	var v int64
	err := db.write.QueryRowContext(ctx, db.d.rebind(`INSERT INTO kept_versions (rca_id, version, drawn, actor) VALUES (?, 1, 0, ?)
		ON CONFLICT (rca_id) DO UPDATE SET version = kept_versions.version + 1, actor = excluded.actor
		RETURNING version`), rcaID, actor).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("storage: bump the kept version of rca %d: %w", rcaID, err)
	}
	return v, nil
}

// KeptVersion returns the RCA's kept version and the version its kept
// messages last showed; both 0 when it never changed.
func (db *DB) KeptVersion(ctx context.Context, rcaID int64) (version, drawn int64, err error) {
	err = db.write.QueryRowContext(ctx, db.d.rebind(`SELECT version, drawn FROM kept_versions WHERE rca_id = ?`), rcaID).Scan(&version, &drawn)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("storage: kept version of rca %d: %w", rcaID, err)
	}
	return version, drawn, nil
}

// MarkKeptDrawn records that the RCA's kept messages show its kept version
// v; what was recorded drawn never goes back.
func (db *DB) MarkKeptDrawn(ctx context.Context, rcaID, v int64) error {
	if _, err := db.write.ExecContext(ctx, db.d.rebind(`UPDATE kept_versions SET drawn = ? WHERE rca_id = ? AND drawn < ?`), v, rcaID, v); err != nil {
		return fmt.Errorf("storage: mark the kept messages of rca %d drawn: %w", rcaID, err)
	}
	return nil
}

// StaleKept returns the RCAs whose kept version is ahead of what their kept
// messages last showed, each with the user who changed it last.
func (db *DB) StaleKept(ctx context.Context) (map[int64]string, error) {
	rows, err := db.write.QueryContext(ctx, `SELECT rca_id, actor FROM kept_versions WHERE version > drawn`)
	if err != nil {
		return nil, fmt.Errorf("storage: RCAs with kept messages to redraw: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var actor string
		if err := rows.Scan(&id, &actor); err != nil {
			return nil, fmt.Errorf("storage: RCAs with kept messages to redraw: %w", err)
		}
		out[id] = actor
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: RCAs with kept messages to redraw: %w", err)
	}
	return out, nil
}
