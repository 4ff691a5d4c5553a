//go:build cgo

package main

// checkSQLite reports whether this build can open the SQLite database at
// dbPath: with cgo it always can.
func checkSQLite(string) error { return nil }
