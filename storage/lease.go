package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// AcquireLease takes the lease name for holder until ttl from now, or
// renews it when holder has it already, and reports whether holder holds
// it. A lease held by another holder is taken over only once it expired,
// and one statement decides, so two holders never hold a lease at once.
//
// Expiry is judged by this process's clock (see WithClock): replicas need
// clocks in step (NTP), and a holder must stop the leased work before ttl
// has passed since it asked, unless a renewal succeeded meanwhile.
func (db *DB) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	if name == "" || holder == "" || ttl <= 0 {
		return false, fmt.Errorf("storage: lease %q for %q for %s: need a name, a holder and a positive time", name, holder, ttl)
	}
	now := db.now()
	var got string
	err := db.write.QueryRowContext(ctx, db.d.rebind(`INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE leases.holder = excluded.holder OR leases.expires_at <= ?
		RETURNING holder`), name, holder, now.Add(ttl).UnixMilli(), now.UnixMilli()).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("storage: acquire lease %q for %q: %w", name, holder, err)
	}
	return got == holder, nil
}

// ReleaseLease ends holder's lease name at once, so another holder may take
// it without waiting for it to expire; it does nothing when holder does not
// hold the lease.
func (db *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	if _, err := db.write.ExecContext(ctx, db.d.rebind(`DELETE FROM leases WHERE name = ? AND holder = ?`),
		name, holder); err != nil {
		return fmt.Errorf("storage: release lease %q of %q: %w", name, holder, err)
	}
	return nil
}
