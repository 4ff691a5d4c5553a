package storage_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/workflow"
)

func TestOpenMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "dir", "rca.db")
	db := mustOpen(t, path)
	v, err := db.SchemaVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if v < 1 {
		t.Fatalf("schema version = %d, want >= 1", v)
	}
	db.Close()
	again := mustOpen(t, path)
	if v2, _ := again.SchemaVersion(context.Background()); v2 != v {
		t.Fatalf("reopen changed schema version from %d to %d", v, v2)
	}
}

func TestOpenRejectsMemory(t *testing.T) {
	for _, path := range []string{"", ":memory:", "file::memory:?cache=shared"} {
		if _, err := storage.Open(context.Background(), path); err == nil {
			t.Errorf("Open(%q) succeeded, want an error", path)
		}
	}
}

func TestBackup(t *testing.T) {
	dir := t.TempDir()
	db := mustOpen(t, filepath.Join(dir, "rca.db"))
	id := createRCA(t, db)
	dest := filepath.Join(dir, "backups", "copy.db")
	if err := db.Backup(context.Background(), dest); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if err := db.Backup(context.Background(), dest); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second Backup: err = %v, want refusal to overwrite", err)
	}
	copyDB := mustOpen(t, dest)
	if err := copyDB.View(context.Background(), func(tx workflow.Tx) error {
		r, err := tx.RCA(id)
		if err == nil && r.Title != "Payments down" {
			t.Errorf("backup title = %q", r.Title)
		}
		return err
	}); err != nil {
		t.Fatalf("read backup: %v", err)
	}
	if _, err := os.Stat(dest); err != nil {
		t.Fatal(err)
	}
}

func TestSettings(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "rca.db"))
	got, err := db.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"journal_mode": "wal", "synchronous": "1", "foreign_keys": "1", "busy_timeout": "10000"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestMigrateEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	db := mustOpen(t, path)
	if v, err := db.SchemaVersion(context.Background()); err != nil || v < 1 {
		t.Fatalf("schema version of a migrated empty file = %d, %v", v, err)
	}
	createRCA(t, db)
}

func TestOpenRejectsGarbage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "garbage.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database ", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := storage.Open(context.Background(), path); err == nil {
		t.Fatal("Open of a non-database file succeeded")
	}
}

func TestBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	db := mustOpen(t, filepath.Join(dir, "rca.db"))
	id := createRCA(t, db)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := db.Update(context.Background(), "", func(tx workflow.Tx) ([]byte, error) {
					_, err := tx.Audit(&workflow.AuditEntry{RCAID: id, Actor: "U1", Action: "x"})
					return nil, err
				}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	dest := filepath.Join(dir, "live-copy.db")
	err := db.Backup(context.Background(), dest)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("Backup during writes: %v", err)
	}
	raw, err := sql.Open("sqlite3", dest)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var check string
	if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check of the copy = %q, %v", check, err)
	}
}

// TestOpenPostgresUnreachable opens a PostgreSQL URL where no server
// listens: the error says so and never shows the password.
func TestOpenPostgresUnreachable(t *testing.T) {
	_, err := storage.Open(context.Background(), "postgres://untangle:s3cret-pw@127.0.0.1:1/untangle?sslmode=disable&connect_timeout=2")
	if err == nil || !strings.Contains(err.Error(), "connect to postgres://untangle:xxxxx@127.0.0.1:1/untangle") ||
		strings.Contains(err.Error(), "s3cret-pw") {
		t.Fatalf("err = %v; want a connection error naming the URL without its password", err)
	}
}
