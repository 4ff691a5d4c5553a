//go:build !cgo

package main

import (
	"errors"
	"strings"
)

// errNoCgo says why a build without cgo cannot open SQLite.
var errNoCgo = errors.New("SQLite needs cgo, but this untangle was built with CGO_ENABLED=0: " +
	"rebuild with CGO_ENABLED=1 and a C compiler (gcc), as the Dockerfile does")

// checkSQLite reports whether this build can open the database at dbPath:
// github.com/mattn/go-sqlite3 is C, so without cgo only a database server
// URL can work.
func checkSQLite(dbPath string) error {
	if strings.HasPrefix(dbPath, "postgres://") || strings.HasPrefix(dbPath, "postgresql://") {
		return nil
	}
	return errNoCgo
}
