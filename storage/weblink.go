package storage

import (
	"database/sql"
	"errors"
	"fmt"
)

// WebLinkKey returns the key that signs web links, storing secret first
// when there is none (ENotFound when secret is nil); of two processes asking at once, both get the key
// that was stored first.
func (t *Tx) WebLinkKey(secret []byte) ([]byte, error) {
	var key []byte
	err := t.queryRow(`SELECT secret FROM weblink_key WHERE id = 1`).Scan(&key)
	switch {
	case err == nil:
		return key, nil
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("storage: web link key: %w", err)
	case secret == nil:
		return nil, notFound("There is no web link key yet.")
	}
	if _, err := t.exec(`INSERT INTO weblink_key (id, secret, created_at) VALUES (1, ?, ?)
		ON CONFLICT (id) DO NOTHING`, secret, formatTime(t.now)); err != nil {
		return nil, fmt.Errorf("storage: store the web link key: %w", err)
	}
	if err := t.queryRow(`SELECT secret FROM weblink_key WHERE id = 1`).Scan(&key); err != nil {
		return nil, fmt.Errorf("storage: web link key: %w", err)
	}
	return key, nil
}

// PutWebLinkKey replaces the key that signs web links.
func (t *Tx) PutWebLinkKey(secret []byte) error {
	if _, err := t.exec(`INSERT INTO weblink_key (id, secret, created_at) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at`,
		secret, formatTime(t.now)); err != nil {
		return fmt.Errorf("storage: replace the web link key: %w", err)
	}
	return nil
}

// WebLinkGeneration returns how often the RCA's web links were revoked.
func (t *Tx) WebLinkGeneration(rcaID int64) (int64, error) {
	var gen int64
	err := t.queryRow(`SELECT generation FROM weblink_revocations WHERE rca_id = ?`, rcaID).Scan(&gen)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("storage: web link revocations of rca %d: %w", rcaID, err)
	}
	return gen, nil
}

// RevokeWebLinks raises the RCA's revocation count and returns the new one.
func (t *Tx) RevokeWebLinks(rcaID int64, by string) (int64, error) {
	if err := t.lock(rcaID); err != nil {
		return 0, err
	}
	var gen int64
	err := t.queryRow(`INSERT INTO weblink_revocations (rca_id, generation, revoked_by, revoked_at) VALUES (?, 1, ?, ?)
		ON CONFLICT (rca_id) DO UPDATE SET generation = weblink_revocations.generation + 1,
			revoked_by = excluded.revoked_by, revoked_at = excluded.revoked_at
		RETURNING generation`, rcaID, by, formatTime(t.now)).Scan(&gen)
	if err != nil {
		return 0, fmt.Errorf("storage: revoke the web links of rca %d: %w", rcaID, t.d.mapErr(err))
	}
	return gen, nil
}
