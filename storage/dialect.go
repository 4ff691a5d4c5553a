package storage

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/untangle-rca/untangle/workflow"
)

// Kind is a database engine untangle can keep its data in.
type Kind string

// The database engines.
const (
	SQLite   Kind = "sqlite"
	Postgres Kind = "postgres"
)

// urlScheme matches the start of a URL ("scheme://").
var urlScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)

// Backend tells which database a UNTANGLE_DB value names: a postgres:// or
// postgresql:// URL is PostgreSQL, any other URL is refused, and anything
// else is a SQLite file path, which must not be an in-memory database or
// an existing directory.
func Backend(dsn string) (Kind, error) {
	switch {
	case dsn == "":
		return "", fmt.Errorf("storage: no database given; name a SQLite file or a postgres:// URL")
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return Postgres, nil
	case urlScheme.MatchString(dsn):
		scheme, _, _ := strings.Cut(dsn, ":")
		return "", fmt.Errorf("storage: %s:// databases are not supported; name a SQLite file or a postgres:// URL", scheme)
	case dsn == ":memory:" || strings.HasPrefix(dsn, "file:"):
		return "", fmt.Errorf("storage: open %q: give a plain file path", dsn)
	}
	if fi, err := os.Stat(dsn); err == nil && fi.IsDir() {
		return "", fmt.Errorf("storage: %s is a directory; name the database file in it", dsn)
	}
	for dir := filepath.Dir(dsn); ; dir = filepath.Dir(dir) {
		if fi, err := os.Stat(dir); err == nil {
			if !fi.IsDir() {
				return "", fmt.Errorf("storage: %s cannot hold a database: %s is a file, not a directory", dsn, dir)
			}
			break
		}
		if dir == filepath.Dir(dir) {
			break
		}
	}
	return SQLite, nil
}

// dialect is what differs between the two databases; queries are written
// once, with ? placeholders, in the SQL both understand.
type dialect interface {
	// rebind turns a query written with ? placeholders into the database's own.
	rebind(query string) string
	// mapErr turns unique and primary key violations into workflow conflicts.
	mapErr(err error) error
	// retry reports whether a transaction that failed with err may run again.
	retry(err error) bool
	// readOptions are the options of a read transaction on one snapshot.
	readOptions() *sql.TxOptions
	// rowLock is the clause that, added to a SELECT of RCA rows, makes a
	// write transaction wait for others on the same RCAs; "" when writers
	// are serialised anyway.
	rowLock() string
	// migrations is the directory of the embedded migrations.
	migrations() string
	// lockMigrations keeps other processes from migrating until unlock.
	lockMigrations(ctx context.Context, conn *sql.Conn) (unlock func(), err error)
	// restartIdentity is the statement that makes table number new rows
	// after its highest id, once rows were inserted with their ids; "" when
	// the database does so by itself.
	restartIdentity(table string) string
}

// conflict is the error a unique violation becomes.
func conflict() error {
	return &workflow.Error{Code: workflow.EConflict, Message: "This already exists; someone may have just added it."}
}
