package storage

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"time"
)

//go:embed migration/sqlite/*.sql migration/postgres/*.sql
var migrationFS embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in dir, oldest first. Both
// databases have the same numbered list: a schema change adds a file to
// each directory under the same name.
func migrations(dir string) ([]migration, error) {
	names, err := fs.Glob(migrationFS, dir+"/*.sql")
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
		out = append(out, migration{version: i + 1, name: path.Base(name), sql: string(body)})
	}
	return out, nil
}

// migrate applies pending migrations, one transaction each, holding the
// dialect's migration lock so that processes starting together migrate once.
func (db *DB) migrate(ctx context.Context) error {
	all, err := migrations(db.d.migrations())
	if err != nil {
		return err
	}
	db.newest = len(all)
	conn, err := db.connectForMigrations(ctx)
	if err != nil {
		return fmt.Errorf("storage: connect to %s: %w", db.name, err)
	}
	defer conn.Close()
	unlock, err := db.d.lockMigrations(ctx, conn)
	if err != nil {
		return fmt.Errorf("storage: %s: %w", db.name, err)
	}
	defer unlock()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("storage: create migrations table in %s: %w", db.name, err)
	}
	var current int
	if err := conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("storage: read schema version of %s: %w", db.name, err)
	}
	if current > len(all) {
		return fmt.Errorf("storage: %s has schema version %d but this untangle only knows up to %d; "+
			"run a newer untangle or restore a backup", db.name, current, len(all))
	}
	for _, m := range all[current:] {
		if err := db.apply(ctx, conn, m); err != nil {
			return err
		}
	}
	return nil
}

// connectForMigrations takes the writer connection. Processes opening one
// new SQLite file together race to switch it to WAL, and SQLite answers the
// loser "database is locked" without waiting on its busy timeout; the
// connection is then tried again until that timeout has passed.
func (db *DB) connectForMigrations(ctx context.Context) (*sql.Conn, error) {
	deadline := time.Now().Add(busyTimeout)
	for {
		conn, err := db.write.Conn(ctx)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return conn, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (stopped waiting: %v)", err, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (db *DB) apply(ctx context.Context, conn *sql.Conn, m migration) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storage: migration %s: %w", m.name, err)
	}
	defer tx.Rollback()
	// Another process may have applied it since the version was read (on
	// SQLite the transaction holds the write lock, so the answer stands).
	var done int
	if err := tx.QueryRowContext(ctx, db.d.rebind(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`),
		m.version).Scan(&done); err != nil {
		return fmt.Errorf("storage: migration %s: %w", m.name, err)
	}
	if done > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("storage: migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
		m.version, m.name, formatTime(db.now())); err != nil {
		return fmt.Errorf("storage: record migration %s: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: commit migration %s: %w", m.name, err)
	}
	return nil
}
