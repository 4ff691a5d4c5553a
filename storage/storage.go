package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the sqlite3 driver

	"github.com/untangle-rca/untangle/workflow"
)

//go:embed migration/*.sql
var migrationFS embed.FS

// busyTimeout is how long SQLite waits for a lock before giving up. Writers are
// serialised through one connection, so only readers and backups ever wait.
const busyTimeout = 10 * time.Second

// stmtCacheSize is how many prepared statements each connection keeps; the
// storage package has fewer distinct queries than this.
const stmtCacheSize = 128

// DB is an open untangle database: one writer connection and a pool of readers.
type DB struct {
	path   string
	write  *sql.DB
	read   *sql.DB
	now    func() time.Time
	newest int
	trees  *treeCache
	gate   writeGate
}

var _ workflow.Store = (*DB)(nil)

// Option configures Open.
type Option func(*DB)

// WithClock makes the database stamp rows with now instead of the wall clock.
func WithClock(now func() time.Time) Option { return func(db *DB) { db.now = now } }

// WithoutTreeCache makes every tree load read the tables (for measuring the
// cold path and for debugging).
func WithoutTreeCache() Option { return func(db *DB) { db.trees.disabled = true } }

// Open opens (creating if needed) the database file at path, its directory
// included, enables WAL, foreign keys and a busy timeout, and applies any
// pending migration. A database written by a newer untangle is refused.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("storage: open %q: give a plain file path", path)
	}
	db := &DB{path: path, now: func() time.Time { return time.Now() }, trees: newTreeCache(),
		gate: make(writeGate, 1)}
	for _, o := range opts {
		o(db)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("storage: create directory for %s: %w", path, err)
		}
	}
	var err error
	if db.write, err = sql.Open("sqlite3", dsn(path, "immediate")); err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetConnMaxLifetime(0)
	db.write.SetConnMaxIdleTime(0)
	if db.read, err = sql.Open("sqlite3", dsn(path, "deferred")+"&_query_only=1"); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	db.read.SetMaxOpenConns(4) // query-only: a write through View fails instead of racing the writer
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// dsn builds the go-sqlite3 connection string. synchronous=NORMAL in WAL mode
// keeps every committed transaction across a process crash (the WAL is in the
// OS page cache); only a power loss may drop the last commits.
func dsn(path, txlock string) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", fmt.Sprint(busyTimeout.Milliseconds()))
	q.Set("_synchronous", "NORMAL")
	q.Set("_txlock", txlock)
	// Each connection keeps its prepared statements instead of compiling the
	// same few dozen queries again on every command.
	q.Set("_stmt_cache_size", fmt.Sprint(stmtCacheSize))
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Close closes both connection pools.
func (db *DB) Close() error {
	var errs []error
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("storage: close %s: %w", db.path, err)
	}
	return nil
}

// Path returns the database file path.
func (db *DB) Path() string { return db.path }

// SchemaVersion returns the number of the newest migration applied.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("storage: read schema version: %w", err)
	}
	return v, nil
}

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migration/*.sql")
	if err != nil {
		return nil, fmt.Errorf("storage: list migrations: %w", err)
	}
	sort.Strings(names)
	out := make([]migration, 0, len(names))
	for i, name := range names {
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("storage: read migration %s: %w", name, err)
		}
		out = append(out, migration{version: i + 1, name: filepath.Base(name), sql: string(body)})
	}
	return out, nil
}

// migrate applies pending migrations, one transaction each.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("storage: create migrations table in %s: %w", db.path, err)
	}
	all, err := migrations()
	if err != nil {
		return err
	}
	db.newest = len(all)
	var current int
	if err := db.write.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("storage: read schema version of %s: %w", db.path, err)
	}
	if current > len(all) {
		return fmt.Errorf("storage: %s has schema version %d but this untangle only knows up to %d; "+
			"run a newer untangle or restore a backup", db.path, current, len(all))
	}
	for _, m := range all[current:] {
		if err := db.apply(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) apply(ctx context.Context, m migration) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storage: migration %s: %w", m.name, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("storage: migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, formatTime(db.now())); err != nil {
		return fmt.Errorf("storage: record migration %s: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: commit migration %s: %w", m.name, err)
	}
	return nil
}

// writeGate admits write transactions one at a time in the order they
// arrive. The writer pool has one connection, and database/sql hands a
// freed connection to a random waiter, so under load some commands would
// wait many turns while later ones pass them; the gate keeps the wait of
// each bounded by the queue ahead of it.
type writeGate chan struct{}

// enter waits for the gate's turn, or for ctx to end.
func (g writeGate) enter(ctx context.Context) error {
	select {
	case g <- struct{}{}: // blocked senders are served first in, first out
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// leave lets the next write transaction in.
func (g writeGate) leave() { <-g }

// Update runs fn in one write transaction; see workflow.Store. Once it has
// committed, the transaction's tree changes are applied to the tree cache.
func (db *DB) Update(ctx context.Context, key string, fn func(workflow.Tx) ([]byte, error)) ([]byte, error) {
	res, pending, err := db.update(ctx, key, fn)
	if err != nil {
		return nil, err
	}
	for id, p := range pending {
		db.trees.advance(id, *p)
	}
	return res, nil
}

// update runs fn in a write transaction, in its turn at the gate, and
// returns its result and the tree changes it committed.
func (db *DB) update(ctx context.Context, key string, fn func(workflow.Tx) ([]byte, error)) ([]byte, map[int64]*cachedChange, error) {
	if err := db.gate.enter(ctx); err != nil {
		return nil, nil, fmt.Errorf("storage: wait to write: %w", err)
	}
	defer db.gate.leave()
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("storage: begin: %w", err)
	}
	defer sqlTx.Rollback()
	tx := &Tx{ctx: ctx, tx: sqlTx, now: db.now().UTC(), trees: db.trees}
	if key != "" {
		var res []byte
		err := sqlTx.QueryRowContext(ctx, `SELECT result FROM deliveries WHERE key = ?`, key).Scan(&res)
		if err == nil {
			return res, nil, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, nil, fmt.Errorf("storage: look up delivery %q: %w", key, err)
		}
	}
	res, err := fn(tx)
	if err != nil {
		return nil, nil, err
	}
	if key != "" {
		if _, err := sqlTx.ExecContext(ctx, `INSERT INTO deliveries (key, result, handled_at) VALUES (?, ?, ?)`,
			key, res, formatTime(tx.now)); err != nil {
			return nil, nil, fmt.Errorf("storage: record delivery %q: %w", key, mapErr(err))
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return nil, nil, fmt.Errorf("storage: commit: %w", mapErr(err))
	}
	return res, tx.pending, nil
}

// View runs fn in a read transaction on a consistent snapshot.
func (db *DB) View(ctx context.Context, fn func(workflow.Tx) error) error {
	sqlTx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storage: begin read: %w", err)
	}
	defer sqlTx.Rollback()
	return fn(&Tx{ctx: ctx, tx: sqlTx, now: db.now().UTC(), trees: db.trees})
}

// Handled reports whether a delivery key has been recorded.
func (db *DB) Handled(ctx context.Context, key string) (bool, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM deliveries WHERE key = ?`, key).Scan(&n); err != nil {
		return false, fmt.Errorf("storage: look up delivery %q: %w", key, err)
	}
	return n > 0, nil
}

// PruneDeliveries forgets delivery keys handled before cutoff (Slack retries
// within minutes, so a day of keys is plenty) and returns how many it removed.
func (db *DB) PruneDeliveries(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM deliveries WHERE handled_at < ?`, formatTime(cutoff))
	if err != nil {
		return 0, fmt.Errorf("storage: prune deliveries: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("storage: prune deliveries: %w", err)
	}
	return n, nil
}

// Backup writes a consistent copy of the live database to dest with VACUUM
// INTO. It refuses to overwrite an existing file.
func (db *DB) Backup(ctx context.Context, dest string) error {
	if dest == "" {
		return fmt.Errorf("storage: backup: no destination given")
	}
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("storage: backup to %s: the file already exists; choose a new name", dest)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("storage: backup to %s: %w", dest, err)
	}
	if dir := filepath.Dir(dest); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("storage: backup to %s: %w", dest, err)
		}
	}
	// The reader pool is query-only, so the copy gets its own connection; it
	// reads one WAL snapshot and never blocks the writer.
	conn, err := sql.Open("sqlite3", dsn(db.path, "deferred"))
	if err != nil {
		return fmt.Errorf("storage: backup to %s: %w", dest, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		return fmt.Errorf("storage: backup to %s: %w", dest, err)
	}
	return nil
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

// Settings returns the SQLite settings of the writer connection that matter
// for durability and integrity: journal_mode, synchronous (0 off, 1 normal,
// 2 full), foreign_keys and busy_timeout.
func (db *DB) Settings(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: settings: %w", err)
	}
	defer conn.Close()
	for _, name := range []string{"journal_mode", "synchronous", "foreign_keys", "busy_timeout"} {
		var v string
		if err := conn.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v); err != nil {
			return nil, fmt.Errorf("storage: settings: %s: %w", name, err)
		}
		out[name] = v
	}
	return out, nil
}
