package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/untangle-rca/untangle/workflow"
)

// DB is an open untangle database, SQLite or PostgreSQL.
type DB struct {
	name   string // the file path, or the URL without its password
	path   string // the SQLite file path; "" on PostgreSQL
	d      dialect
	write  *sql.DB
	read   *sql.DB // the same pool as write on PostgreSQL
	now    func() time.Time
	newest int
	trees  *treeCache
	gate   writeGate // nil on PostgreSQL, where writers run side by side
}

var _ workflow.Store = (*DB)(nil)

// Option configures Open.
type Option func(*DB)

// WithClock makes the database stamp rows with now instead of the wall clock.
func WithClock(now func() time.Time) Option { return func(db *DB) { db.now = now } }

// WithoutTreeCache makes every tree load read the tables (for measuring the
// cold path and for debugging).
func WithoutTreeCache() Option { return func(db *DB) { db.trees.disabled = true } }

// Open opens the database named by dsn, a PostgreSQL URL (postgres://… or
// postgresql://…) or a SQLite file path (see Backend), and applies any
// pending migration. A database written by a newer untangle is refused.
func Open(ctx context.Context, dsn string, opts ...Option) (*DB, error) {
	kind, err := Backend(dsn)
	if err != nil {
		return nil, err
	}
	db := &DB{now: func() time.Time { return time.Now() }, trees: newTreeCache()}
	for _, o := range opts {
		o(db)
	}
	if kind == Postgres {
		err = db.openPostgres(ctx, dsn)
	} else {
		err = db.openSQLite(dsn)
	}
	if err != nil {
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the connection pools.
func (db *DB) Close() error {
	var errs []error
	if db.read != nil && db.read != db.write {
		errs = append(errs, db.read.Close())
	}
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("storage: close %s: %w", db.name, err)
	}
	return nil
}

// Name returns the SQLite file path, or the PostgreSQL URL without its
// password, for messages and logs.
func (db *DB) Name() string { return db.name }

// Path returns the SQLite database file path, or "" on PostgreSQL.
func (db *DB) Path() string { return db.path }

// Backend returns which database db is: SQLite or Postgres.
func (db *DB) Backend() Kind {
	if db.path == "" {
		return Postgres
	}
	return SQLite
}

// SchemaVersion returns the number of the newest migration applied.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("storage: read schema version: %w", err)
	}
	return v, nil
}

// writeGate admits write transactions one at a time in the order they
// arrive. The SQLite writer pool has one connection, and database/sql hands
// a freed connection to a random waiter, so under load some commands would
// wait many turns while later ones pass them; the gate keeps the wait of
// each bounded by the queue ahead of it.
type writeGate chan struct{}

// enter waits for the gate's turn, or for ctx to end. A nil gate lets
// everyone in.
func (g writeGate) enter(ctx context.Context) error {
	if g == nil {
		return ctx.Err()
	}
	select {
	case g <- struct{}{}: // blocked senders are served first in, first out
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// leave lets the next write transaction in.
func (g writeGate) leave() {
	if g != nil {
		<-g
	}
}

// maxAttempts bounds how often Update runs a transaction that the database
// aborted for a reason a new attempt cures (a deadlock between replicas).
const maxAttempts = 5

// Update runs fn in one write transaction; see workflow.Store. Once it has
// committed, the transaction's tree changes are applied to the tree cache.
// fn may run again when the database aborts the transaction for a reason a
// new attempt cures, so it must not act outside the transaction.
func (db *DB) Update(ctx context.Context, key string, fn func(workflow.Tx) ([]byte, error)) ([]byte, error) {
	for attempt := 1; ; attempt++ {
		res, err := db.update(ctx, key, fn)
		if err != nil {
			if attempt < maxAttempts && db.d.retry(err) {
				continue
			}
			return nil, err
		}
		return res, nil
	}
}

// update runs fn in a write transaction, in its turn at the gate, and
// returns its result. The tree cache learns what it committed before the
// next writer's turn, so the next writer finds the cached tree current.
func (db *DB) update(ctx context.Context, key string, fn func(workflow.Tx) ([]byte, error)) ([]byte, error) {
	if err := db.gate.enter(ctx); err != nil {
		return nil, fmt.Errorf("storage: wait to write: %w", err)
	}
	defer db.gate.leave()
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("storage: begin: %w", err)
	}
	defer sqlTx.Rollback()
	tx := db.newTx(ctx, sqlTx, true)
	committed := false
	defer func() { tx.returnTrees(committed) }()
	if key != "" {
		res, done, err := tx.claimDelivery(key)
		if err != nil || done {
			return res, err
		}
	}
	res, err := fn(tx)
	if err != nil {
		return nil, err
	}
	if key != "" {
		if _, err := tx.exec(`UPDATE deliveries SET result = ? WHERE key = ?`, res, key); err != nil {
			return nil, fmt.Errorf("storage: record delivery %q: %w", key, err)
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return nil, fmt.Errorf("storage: commit: %w", db.d.mapErr(err))
	}
	committed = true
	for id, p := range tx.pending {
		db.trees.advance(id, *p)
	}
	return res, nil
}

// claimDelivery records the delivery key as handled by this transaction,
// or, when a committed one recorded it, returns that one's result and done.
// The key is the table's primary key: a transaction of another process
// handling the same key makes this one wait until it commits (then this one
// returns its result) or rolls back (then this one handles the delivery).
func (t *Tx) claimDelivery(key string) (res []byte, done bool, err error) {
	r, err := t.exec(`INSERT INTO deliveries (key, result, handled_at) VALUES (?, NULL, ?) ON CONFLICT (key) DO NOTHING`,
		key, formatTime(t.now))
	if err != nil {
		return nil, false, fmt.Errorf("storage: record delivery %q: %w", key, err)
	}
	if n, err := r.RowsAffected(); err != nil {
		return nil, false, fmt.Errorf("storage: record delivery %q: %w", key, err)
	} else if n == 1 {
		return nil, false, nil
	}
	if err := t.queryRow(`SELECT result FROM deliveries WHERE key = ?`, key).Scan(&res); err != nil {
		return nil, false, fmt.Errorf("storage: look up delivery %q: %w", key, err)
	}
	return res, true, nil
}

// View runs fn in a read transaction on a consistent snapshot.
func (db *DB) View(ctx context.Context, fn func(workflow.Tx) error) error {
	sqlTx, err := db.read.BeginTx(ctx, db.d.readOptions())
	if err != nil {
		return fmt.Errorf("storage: begin read: %w", err)
	}
	defer sqlTx.Rollback()
	return fn(db.newTx(ctx, sqlTx, false))
}

func (db *DB) newTx(ctx context.Context, sqlTx *sql.Tx, write bool) *Tx {
	return &Tx{ctx: ctx, tx: sqlTx, d: db.d, write: write, now: db.now().UTC(), trees: db.trees}
}

// Handled reports whether a delivery key has been recorded.
func (db *DB) Handled(ctx context.Context, key string) (bool, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, db.d.rebind(`SELECT COUNT(*) FROM deliveries WHERE key = ?`), key).Scan(&n); err != nil {
		return false, fmt.Errorf("storage: look up delivery %q: %w", key, err)
	}
	return n > 0, nil
}

// PruneDeliveries forgets delivery keys handled before cutoff (Slack retries
// within minutes, so a day of keys is plenty) and returns how many it removed.
func (db *DB) PruneDeliveries(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, db.d.rebind(`DELETE FROM deliveries WHERE handled_at < ?`), formatTime(cutoff))
	if err != nil {
		return 0, fmt.Errorf("storage: prune deliveries: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("storage: prune deliveries: %w", err)
	}
	return n, nil
}

const timeLayout = time.RFC3339Nano

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse time %q: %w", s, err)
	}
	return t.UTC(), nil
}
