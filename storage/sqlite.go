package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the sqlite3 driver
)

// busyTimeout is how long SQLite waits for a lock before giving up. Writers are
// serialised through one connection, so only readers and backups ever wait.
const busyTimeout = 10 * time.Second

// stmtCacheSize is how many prepared statements each connection keeps; the
// storage package has fewer distinct queries than this.
const stmtCacheSize = 128

// openSQLite opens (creating if needed) the database file at path, its
// directory included, with WAL, foreign keys and a busy timeout: one writer
// connection and a pool of query-only readers.
func (db *DB) openSQLite(path string) error {
	db.name, db.path, db.d, db.gate = path, path, sqliteDialect{}, make(writeGate, 1)
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("storage: create directory for %s: %w", path, err)
		}
	}
	var err error
	if db.write, err = sql.Open("sqlite3", dsn(path, "immediate")); err != nil {
		return fmt.Errorf("storage: open %s: %w", path, err)
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetConnMaxLifetime(0)
	db.write.SetConnMaxIdleTime(0)
	if db.read, err = sql.Open("sqlite3", dsn(path, "deferred")+"&_query_only=1"); err != nil {
		db.write.Close()
		return fmt.Errorf("storage: open %s: %w", path, err)
	}
	db.read.SetMaxOpenConns(4) // query-only: a write through View fails instead of racing the writer
	return nil
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

// sqliteDialect is SQLite's: one writer connection serialises every write
// transaction of the process, and BEGIN IMMEDIATE those of other processes.
type sqliteDialect struct{}

func (sqliteDialect) rebind(query string) string    { return query }
func (sqliteDialect) retry(error) bool              { return false }
func (sqliteDialect) readOptions() *sql.TxOptions   { return nil }
func (sqliteDialect) rowLock() string               { return "" }
func (sqliteDialect) migrations() string            { return "migration/sqlite" }
func (sqliteDialect) restartIdentity(string) string { return "" }

// lockMigrations needs no lock: migrations run on the writer connection in
// BEGIN IMMEDIATE transactions, which SQLite serialises across processes.
func (sqliteDialect) lockMigrations(context.Context, *sql.Conn) (func(), error) {
	return func() {}, nil
}

// ErrBackupPostgres is Backup's answer on PostgreSQL: the server's own tools
// copy a live database.
var ErrBackupPostgres = errors.New("untangle backup copies SQLite files only; back a PostgreSQL database up with " +
	"pg_dump, e.g. pg_dump --format=custom --file=untangle.dump \"$UNTANGLE_DB\", and restore it into an empty " +
	"database with pg_restore --no-owner --dbname=URL untangle.dump")

// Backup writes a consistent copy of the live database to dest with VACUUM
// INTO. It refuses to overwrite an existing file. On PostgreSQL it refuses
// and names pg_dump, the tool for a live copy of a server's database.
func (db *DB) Backup(ctx context.Context, dest string) error {
	if db.Backend() == Postgres {
		return ErrBackupPostgres
	}
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

// Settings returns the SQLite settings of the writer connection that matter
// for durability and integrity: journal_mode, synchronous (0 off, 1 normal,
// 2 full), foreign_keys and busy_timeout.
func (db *DB) Settings(ctx context.Context) (map[string]string, error) {
	if db.Backend() != SQLite {
		return nil, errors.New("storage: settings: the database is not SQLite")
	}
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
