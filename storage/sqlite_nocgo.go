//go:build !cgo

package storage

// Without cgo github.com/mattn/go-sqlite3 is only a stub whose every open
// fails, so there are no SQLite errors to map; the build still compiles so
// that the program can say plainly that SQLite needs cgo (PostgreSQL works).

// mapErr returns err unchanged.
func (sqliteDialect) mapErr(err error) error { return err }

// isBusy is false: without cgo there is no SQLite to be busy.
func isBusy(error) bool { return false }
