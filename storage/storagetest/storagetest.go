// Package storagetest gives tests fresh, empty databases of either backend:
// a file in the test's temporary directory for SQLite, and a database of its
// own, uniquely named and dropped when the test ends, on the PostgreSQL
// server named by UNTANGLE_TEST_POSTGRES for PostgreSQL.
//
// Without UNTANGLE_TEST_POSTGRES a PostgreSQL test uses the server every
// development machine runs (127.0.0.1:5432, user postgres); under CI (CI set)
// the variable is required. A server that cannot be reached fails the test
// with the command that starts one (.ci/postgres.sh); no test is skipped.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "github.com/mattn/go-sqlite3"    // the "sqlite3" database/sql driver
)

// EnvPostgres names the PostgreSQL server tests create their databases on,
// as a URL whose user may create databases.
const EnvPostgres = "UNTANGLE_TEST_POSTGRES"

// EnvBackend chooses the backend of New: "sqlite" (the default) or "postgres".
const EnvBackend = "UNTANGLE_TEST_BACKEND"

// localServer is the PostgreSQL server of a development machine.
const localServer = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Backend is a database engine the storage tests run against.
type Backend struct {
	Name   string                     // "sqlite" or "postgres"
	Driver string                     // the database/sql driver, for raw access
	New    func(tb testing.TB) string // the DSN of a new, empty database
}

// Backends returns every backend, SQLite first.
func Backends() []Backend {
	return []Backend{
		{Name: "sqlite", Driver: "sqlite3", New: SQLite},
		{Name: "postgres", Driver: "pgx", New: Postgres},
	}
}

// New returns a new database of the backend UNTANGLE_TEST_BACKEND names.
func New(tb testing.TB) string {
	tb.Helper()
	switch b := os.Getenv(EnvBackend); b {
	case "", "sqlite":
		return SQLite(tb)
	case "postgres":
		return Postgres(tb)
	default:
		tb.Fatalf("%s=%q: want sqlite or postgres", EnvBackend, b)
		return ""
	}
}

// SQLite returns the path of a new database file in a temporary directory.
func SQLite(tb testing.TB) string {
	return filepath.Join(tb.TempDir(), "untangle.db")
}

// Postgres creates a new database on the test server and returns its URL;
// the database is dropped when the test ends.
func Postgres(tb testing.TB) string {
	tb.Helper()
	server := Server(tb)
	admin, err := sql.Open("pgx", server)
	if err != nil {
		tb.Fatalf("storagetest: %v", err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name := "untangle_test_" + randomSuffix(tb)
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		tb.Fatalf("storagetest: cannot create a database on the PostgreSQL server %s: %v\n"+
			"Start one with: eval \"$(.ci/postgres.sh)\"  (it prints export %s=…)", redacted(server), err, EnvPostgres)
	}
	tb.Cleanup(func() { drop(server, name) })
	u, err := url.Parse(server)
	if err != nil {
		tb.Fatalf("storagetest: %s: %v", EnvPostgres, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Server returns the URL of the PostgreSQL server tests use.
func Server(tb testing.TB) string {
	tb.Helper()
	if v := os.Getenv(EnvPostgres); v != "" {
		return v
	}
	if os.Getenv("CI") != "" {
		tb.Fatalf("storagetest: %s is not set; .ci/run sets it after starting PostgreSQL (.ci/postgres.sh)", EnvPostgres)
	}
	return localServer
}

// drop removes a test database, closing what still uses it.
func drop(server, name string) {
	admin, err := sql.Open("pgx", server)
	if err != nil {
		return
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
}

// randomSuffix makes a database name no other test run picks: the process
// id and random bytes.
func randomSuffix(tb testing.TB) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatal(err)
	}
	return fmt.Sprintf("%d_%s", os.Getpid(), hex.EncodeToString(b[:]))
}

func redacted(server string) string {
	u, err := url.Parse(server)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
