package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/untangle-rca/untangle/storage"
)

// runMigrateDB is `untangle migrate-db`: it copies a SQLite database into an
// empty PostgreSQL one, for moving a single-process install to replicas.
func runMigrateDB(ctx context.Context, args []string, io stdio) int {
	fs := flag.NewFlagSet("migrate-db", flag.ContinueOnError)
	fs.SetOutput(io.err)
	from := fs.String("from", "", "the SQLite database file to copy (stop the bot that uses it first)")
	to := fs.String("to", "", "the empty PostgreSQL database to copy into, as a postgres:// URL")
	fs.Usage = func() {
		fmt.Fprintln(io.err, "Usage: untangle migrate-db --from FILE --to postgres://…\n\n"+
			"Copies every RCA, tree, audit entry and Slack reference of a SQLite database into an empty\n"+
			"PostgreSQL database, keeping every number. Stop the bot first; the target must be empty.")
		fs.PrintDefaults()
	}
	positional, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil || len(positional) != 0 || *from == "" || *to == "" {
		fs.Usage()
		return exitUsage
	}
	if kind, err := storage.Backend(*from); err != nil || kind != storage.SQLite {
		fmt.Fprintf(io.err, "untangle migrate-db: --from must be a SQLite database file (%v)\n", orKind(err, kind))
		return exitUsage
	}
	if kind, err := storage.Backend(*to); err != nil || kind != storage.Postgres {
		fmt.Fprintf(io.err, "untangle migrate-db: --to must be a postgres:// URL (%v)\n", orKind(err, kind))
		return exitUsage
	}
	if _, err := os.Stat(*from); err != nil {
		fmt.Fprintf(io.err, "untangle migrate-db: no database at %s\n", *from)
		return exitInput
	}
	counts, err := migrateDB(ctx, *from, *to)
	if err != nil {
		fmt.Fprintln(io.err, "untangle migrate-db:", err)
		return exitInput
	}
	var total int64
	for _, c := range counts {
		fmt.Fprintf(io.out, "%-13s %d rows\n", c.Table, c.Rows)
		total += c.Rows
	}
	fmt.Fprintf(io.out, "copied %d rows from %s; point UNTANGLE_DB at the PostgreSQL database and start the bot\n", total, *from)
	return exitOK
}

// migrateDB opens both databases (migrating each to this version's schema)
// and copies the first into the second.
func migrateDB(ctx context.Context, from, to string) ([]storage.TableCount, error) {
	src, err := storage.Open(ctx, from)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	dst, err := storage.Open(ctx, to)
	if err != nil {
		return nil, err
	}
	defer dst.Close()
	return src.CopyTo(ctx, dst)
}

// orKind explains why a database value is of the wrong kind.
func orKind(err error, kind storage.Kind) string {
	if err != nil {
		return err.Error()
	}
	return "it names a " + string(kind) + " database"
}
