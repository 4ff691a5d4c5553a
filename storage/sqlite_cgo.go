//go:build cgo

package storage

import (
	"errors"

	"github.com/mattn/go-sqlite3"
)

// mapErr turns SQLite's constraint violations into conflicts.
func (sqliteDialect) mapErr(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.ExtendedCode {
		case sqlite3.ErrConstraintUnique, sqlite3.ErrConstraintPrimaryKey:
			return conflict()
		}
	}
	return err
}

// isBusy tells whether err is SQLite's "database is locked" (SQLITE_BUSY).
func isBusy(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.Code == sqlite3.ErrBusy
}
