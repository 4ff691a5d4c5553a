//go:build !cgo

package main

import (
	"errors"

	"github.com/untangle-rca/untangle/storage"
)

// errNoCgo says why a build without cgo cannot open SQLite.
var errNoCgo = errors.New("SQLite needs cgo, but this untangle was built with CGO_ENABLED=0: " +
	"rebuild with CGO_ENABLED=1 and a C compiler (gcc), as the Dockerfile does")

// checkSQLite reports whether this build can open the database dbPath names:
// github.com/mattn/go-sqlite3 is C, so without cgo only PostgreSQL works.
// A name that is wrong either way is left to the command's own checks.
func checkSQLite(dbPath string) error {
	if kind, err := storage.Backend(dbPath); err != nil || kind == storage.Postgres {
		return nil
	}
	return errNoCgo
}
