package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// copiedTables are the tables CopyTo copies, each after those it refers to.
// schema_migrations is the target's own, and leases belong to the processes
// of the source, which are stopped.
var copiedTables = []string{"rcas", "kept_versions", "participants", "nodes", "groups", "group_causes", "walk_skips", "reviews",
	"reservations", "fixes", "core_causes", "reminders", "slack_refs", "deliveries", "audit_log",
	"weblink_key", "weblink_revocations", "fix_tickets"}

// identityTables are the tables whose id the database numbers.
var identityTables = []string{"rcas", "reservations", "fixes", "audit_log"}

// TableCount is how many rows CopyTo copied into a table.
type TableCount struct {
	Table string
	Rows  int64
}

// CopyTo copies every row of db into dst, an empty database at the same
// schema version, in one transaction of dst: ids and numbers are kept, the
// audit log included, and dst numbers new rows after the copied ones. A
// target that holds any untangle data is refused. db should not change
// meanwhile (stop the bot first).
func (db *DB) CopyTo(ctx context.Context, dst *DB) ([]TableCount, error) {
	if err := sameSchema(ctx, db, dst); err != nil {
		return nil, err
	}
	if err := dst.mustBeEmpty(ctx); err != nil {
		return nil, err
	}
	tx, err := dst.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("storage: copy into %s: %w", dst.name, err)
	}
	defer tx.Rollback()
	var out []TableCount
	for _, table := range copiedTables {
		n, err := db.copyTable(ctx, tx, dst.d, table)
		if err != nil {
			return nil, fmt.Errorf("storage: copy %s into %s: %w", table, dst.name, err)
		}
		out = append(out, TableCount{Table: table, Rows: n})
	}
	for _, table := range identityTables {
		if q := dst.d.restartIdentity(table); q != "" {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return nil, fmt.Errorf("storage: number new rows of %s after the copied ones: %w", table, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("storage: copy into %s: commit: %w", dst.name, err)
	}
	return out, nil
}

func sameSchema(ctx context.Context, src, dst *DB) error {
	a, err := src.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	b, err := dst.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if a != b {
		return fmt.Errorf("storage: %s has schema version %d and %s %d; open both with the same untangle", src.name, a, dst.name, b)
	}
	return nil
}

// mustBeEmpty refuses a database that holds a row in any copied table.
func (db *DB) mustBeEmpty(ctx context.Context) error {
	for _, table := range copiedTables {
		var any int
		err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM `+table+` LIMIT 1) AS t`).Scan(&any)
		if err != nil {
			return fmt.Errorf("storage: check that %s is empty: %w", db.name, err)
		}
		if any > 0 {
			return fmt.Errorf("storage: %s already holds untangle data (table %s); copy into a new, empty database",
				db.name, table)
		}
	}
	return nil
}

// copyTable inserts every row of table of db into tx, column by column.
func (db *DB) copyTable(ctx context.Context, tx *sql.Tx, d dialect, table string) (int64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT * FROM `+table)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
	stmt, err := tx.PrepareContext(ctx, d.rebind(`INSERT INTO `+table+` (`+strings.Join(cols, ", ")+`) VALUES (`+marks+`)`))
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		if _, err := stmt.ExecContext(ctx, vals...); err != nil {
			return n, fmt.Errorf("row %d: %w", n+1, err)
		}
		n++
	}
	return n, rows.Err()
}
