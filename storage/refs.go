package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/untangle-rca/untangle/workflow"
)

// Ref returns the bot's Slack reference stored under key for the RCA (a
// message timestamp, a draft…), or "" if none. It checks no permission: the
// caller decides who may see what the reference points to.
func (db *DB) Ref(ctx context.Context, rcaID int64, key string) (string, error) {
	var v string
	err := db.read.QueryRowContext(ctx, `SELECT value FROM slack_refs WHERE rca_id = ? AND key = ?`, rcaID, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("storage: slack ref %q of rca %d: %w", key, rcaID, err)
	}
	return v, nil
}

// PutRef stores value under key for the RCA, replacing any earlier value. An
// RCA that does not exist is a workflow.ENotFound error.
func (db *DB) PutRef(ctx context.Context, rcaID int64, key, value string) error {
	_, err := db.Update(ctx, "", func(wtx workflow.Tx) ([]byte, error) {
		if _, err := wtx.RCA(rcaID); err != nil {
			return nil, err
		}
		t := wtx.(*Tx)
		_, err := t.exec(`INSERT INTO slack_refs (rca_id, key, value, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (rca_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			rcaID, key, value, formatTime(t.now))
		return nil, err
	})
	if err != nil {
		return fmt.Errorf("storage: put slack ref %q of rca %d: %w", key, rcaID, err)
	}
	return nil
}
