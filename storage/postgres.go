package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// pgMaxConns bounds the connections one process opens; several replicas
// together stay far below PostgreSQL's default max_connections of 100.
const pgMaxConns = 10

// migrationLockKey is the pg_advisory_lock key that replicas starting at
// once take around migrating, so exactly one of them migrates.
const migrationLockKey = 0x756e74616e676c65 // "untangle"

// openPostgres connects to the PostgreSQL database named by a postgres://
// URL (sslmode and the other libpq settings work as usual). Every write
// transaction locks the rows of the RCAs it touches, so writers of several
// replicas run side by side and only those on one RCA wait for each other.
func (db *DB) openPostgres(ctx context.Context, dsn string) error {
	db.name, db.d = redact(dsn), &pgDialect{}
	if _, err := pgx.ParseConfig(dsn); err != nil {
		return fmt.Errorf("storage: %s is not a usable PostgreSQL URL: %w", db.name, err)
	}
	var err error
	if db.write, err = sql.Open("pgx", dsn); err != nil {
		return fmt.Errorf("storage: open %s: %w", db.name, err)
	}
	db.write.SetMaxOpenConns(pgMaxConns)
	db.write.SetMaxIdleConns(pgMaxConns)
	db.write.SetConnMaxIdleTime(5 * time.Minute)
	db.read = db.write
	if err := db.write.PingContext(ctx); err != nil {
		db.write.Close()
		return fmt.Errorf("storage: connect to %s: %w", db.name, err)
	}
	return nil
}

// redact returns the URL without its password, for messages and logs.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "the PostgreSQL URL"
	}
	return u.Redacted()
}

// pgDialect is PostgreSQL's. Write transactions run at READ COMMITTED
// and lock the RCA rows they touch first, so every statement after the
// lock sees what the previous command on that RCA committed; reads run on
// one REPEATABLE READ snapshot.
type pgDialect struct {
	queries sync.Map // query with ? → query with $n
}

// rebind numbers the ? placeholders ($1, $2…). The queries of this package
// have no ? inside string literals.
func (d *pgDialect) rebind(query string) string {
	if q, ok := d.queries.Load(query); ok {
		return q.(string)
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	d.queries.Store(query, b.String())
	return b.String()
}

// PostgreSQL error codes this package acts on.
const (
	pgUniqueViolation      = "23505"
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"
)

func (d *pgDialect) mapErr(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == pgUniqueViolation {
		return conflict()
	}
	return err
}

// retry reports the errors PostgreSQL ends a transaction with when another
// one got in its way: running it again succeeds.
func (d *pgDialect) retry(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == pgSerializationFailure || pe.Code == pgDeadlockDetected)
}

func (d *pgDialect) readOptions() *sql.TxOptions {
	return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
}

// rowLock locks the RCA rows read until the transaction ends. FOR NO KEY
// UPDATE makes other writers of the RCA wait, yet lets rows that merely
// reference the RCA be inserted meanwhile.
func (d *pgDialect) rowLock() string { return ` FOR NO KEY UPDATE` }

func (d *pgDialect) migrations() string { return "migration/postgres" }

func (d *pgDialect) restartIdentity(table string) string {
	return `SELECT setval(pg_get_serial_sequence('` + table + `', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM ` + table
}

// lockMigrations takes a session advisory lock on conn: replicas that start
// together wait here, and all but the first find nothing left to migrate.
func (d *pgDialect) lockMigrations(ctx context.Context, conn *sql.Conn) (func(), error) {
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, int64(migrationLockKey)); err != nil {
		return nil, fmt.Errorf("lock migrations: %w", err)
	}
	return func() {
		// Closing the connection would release the lock too; unlock at once
		// so the connection goes back to the pool clean.
		conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, int64(migrationLockKey))
	}, nil
}
