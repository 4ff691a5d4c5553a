package storage_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/storage/storagetest"
	"github.com/untangle-rca/untangle/workflow"
)

// TestFixTrackingMigratesOldDatabase builds a database at the schema before
// fix tracking, with a fix in it, and opens it: the fix comes back proposed,
// with no links, and can be moved and found among the open fixes.
func TestFixTrackingMigratesOldDatabase(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		dsn := be.New(t)
		raw := rawOpen(t, be, dsn)
		ctx := context.Background()
		if _, err := raw.ExecContext(ctx, `CREATE TABLE schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		// Every migration before fix tracking, applied as an older untangle did.
		files, err := filepath.Glob(filepath.Join("migration", be.Name, "*.sql"))
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(files)
		before := slices.Index(files, filepath.Join("migration", be.Name, "0005_fix_tracking.sql"))
		if before < 0 {
			t.Fatalf("no fix tracking migration among %v", files)
		}
		for v, file := range files[:before] {
			body, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := raw.ExecContext(ctx, string(body)); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if _, err := raw.ExecContext(ctx, fmt.Sprintf(`INSERT INTO schema_migrations (version, name, applied_at)
				VALUES (%d, '%s', '2026-01-01T00:00:00Z')`, v+1, filepath.Base(file))); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []string{
			`INSERT INTO rcas (title, creator, facilitator, phase, created_at, updated_at)
				VALUES ('Payments down', 'U1', 'U1', 'closed', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
			`INSERT INTO fixes (rca_id, node_num, injection, owner, due, created_by, created_at)
				VALUES (1, 3, 'Add a query timeout', 'U2', '2026-03-01T00:00:00Z', 'U1', '2026-01-01T00:00:00Z')`,
			`INSERT INTO reminders (rca_id, spec, last_reminded) VALUES (1, 'off', '2026-01-02T00:00:00Z')`,
		} {
			if _, err := raw.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		raw.Close()
		db := mustOpen(t, dsn)
		var fixes, open []workflow.Fix
		var st workflow.ReminderState
		if err := db.View(ctx, func(tx workflow.Tx) error {
			var err error
			if fixes, err = tx.Fixes(1); err != nil {
				return err
			}
			st, err = tx.Reminder(1)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(fixes) != 1 || fixes[0].Status != workflow.FixProposed || fixes[0].Owner != "U2" ||
			fixes[0].Ticket != "" || !fixes[0].StatusAt.IsZero() || !fixes[0].LastNudge.IsZero() {
			t.Fatalf("migrated fixes = %+v", fixes)
		}
		if st.Spec != "off" || !st.LastDigest.IsZero() {
			t.Fatalf("migrated reminder = %+v", st)
		}
		f := fixes[0]
		f.Status, f.StatusAt, f.Ticket = workflow.FixInProgress, epoch, "https://tracker.example/T-1"
		f.LastNudge = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
		if _, err := db.Update(ctx, "", func(tx workflow.Tx) ([]byte, error) {
			if err := tx.UpdateFix(&f); err != nil {
				return nil, err
			}
			missing := f
			missing.ID = 99
			if err := tx.UpdateFix(&missing); workflow.ErrorCode(err) != workflow.ENotFound {
				t.Errorf("update of a missing fix: %v, want not found", err)
			}
			_, err := tx.AddFix(&workflow.Fix{RCAID: 1, Node: 4, Injection: "Drop it", CreatedBy: "U1", Status: workflow.FixDone})
			return nil, err
		}); err != nil {
			t.Fatal(err)
		}
		if err := db.View(ctx, func(tx workflow.Tx) error {
			var err error
			open, err = tx.OpenFixes()
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(open) != 1 || open[0].ID != 1 || open[0].Status != workflow.FixInProgress ||
			open[0].Ticket != f.Ticket || !open[0].StatusAt.Equal(epoch) || !open[0].LastNudge.Equal(f.LastNudge) {
			t.Fatalf("open fixes = %+v", open)
		}
	})
}
