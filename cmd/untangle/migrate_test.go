package main

import (
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/storage/storagetest"
	"github.com/untangle-rca/untangle/workflow"
)

func TestServeConfigDatabase(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "plain-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		db      string
		wantErr string
	}{
		{db: "./untangle.db"},
		{db: filepath.Join(dir, "new", "dir", "untangle.db")},
		{db: "postgres://untangle:secret@db.internal:5432/untangle?sslmode=verify-full"},
		{db: "postgresql://untangle@localhost/untangle?sslmode=disable"},
		{db: "mysql://x", wantErr: "mysql:// databases are not supported"},
		{db: "http://example.com/untangle.db", wantErr: "http:// databases are not supported"},
		{db: ":memory:", wantErr: "plain file path"},
		{db: dir, wantErr: "is a directory"},
		{db: filepath.Join(file, "untangle.db"), wantErr: "is a file, not a directory"},
	}
	for _, tc := range tests {
		t.Run(tc.db, func(t *testing.T) {
			env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "UNTANGLE_DB": tc.db}
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			_, err := loadServeConfig(nil, func(k string) string { return env[k] }, func(string) ([]byte, error) { return nil, nil }, fs)
			if tc.wantErr == "" && err != nil {
				t.Fatalf("UNTANGLE_DB=%s refused: %v", tc.db, err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("UNTANGLE_DB=%s: error %v, want one saying %q", tc.db, err, tc.wantErr)
			}
		})
	}
}

// TestServeRefusesUnknownDatabaseURL starts serve with a MySQL URL: it
// exits 2 with the reason, instead of creating a directory named "mysql:".
func TestServeRefusesUnknownDatabaseURL(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-1")
	t.Setenv("SLACK_APP_TOKEN", "xapp-1")
	t.Setenv("UNTANGLE_DB", "mysql://untangle@db/untangle")
	code, out, stderr := runCLI(t, "", "serve")
	if code != exitUsage || !strings.Contains(out+stderr, "mysql:// databases are not supported") {
		t.Fatalf("exit %d, output %q; want 2 and the reason", code, out+stderr)
	}
	if _, err := os.Stat("mysql:"); err == nil {
		t.Fatal("serve created a directory named mysql:")
	}
}

func TestBackupOnPostgresNamesPgDump(t *testing.T) {
	code, _, stderr := runCLI(t, "", "backup", "--db", "postgres://u@127.0.0.1:1/none", filepath.Join(t.TempDir(), "x"))
	if code != exitInput || !strings.Contains(stderr, "pg_dump") {
		t.Fatalf("exit %d, stderr %q; want 1 and pg_dump named", code, stderr)
	}
}

// TestMigrateDB copies a SQLite database made by the workflow into a new
// PostgreSQL database with the command, checks the copy, and checks that a
// second run is refused and leaves the copy as it was.
func TestMigrateDB(t *testing.T) {
	ctx := context.Background()
	from, to := storagetest.SQLite(t), storagetest.Postgres(t)
	src, err := storage.Open(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	svc := workflow.New(src, nil)
	fac := workflow.Actor{UserID: "UFAC"}
	var ids []int64
	for _, title := range []string{"Login outage", "Payments down"} {
		r, err := svc.Start(ctx, fac, workflow.StartInput{Title: title, Participants: []string{"UA"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddSymptom(ctx, fac, r.ID, workflow.SymptomInput{Text: title + ": users see errors"}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	wantLog, err := svc.AuditLog(ctx, fac, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	src.Close()

	code, out, stderr := runCLI(t, "", "migrate-db", "--from", from, "--to", to)
	if code != exitOK || !strings.Contains(out, "audit_log") || !strings.Contains(out, "copied") {
		t.Fatalf("migrate-db: exit %d, out %q, stderr %q", code, out, stderr)
	}
	dst, err := storage.Open(ctx, to)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	pg := workflow.New(dst, nil)
	gotLog, err := pg.AuditLog(ctx, fac, ids[1])
	if err != nil || len(gotLog) != len(wantLog) {
		t.Fatalf("audit log on PostgreSQL: %d entries, %v; want %d", len(gotLog), err, len(wantLog))
	}
	for i := range wantLog {
		w, g := wantLog[i], gotLog[i]
		if w.ID != g.ID || w.Action != g.Action || !w.At.Equal(g.At) || string(w.After) != string(g.After) {
			t.Errorf("audit entry %d: %+v, want %+v", i, g, w)
		}
	}
	r, err := pg.Start(ctx, fac, workflow.StartInput{Title: "First on PostgreSQL"})
	if err != nil || r.ID != ids[1]+1 {
		t.Fatalf("new RCA = %v, %v; want #%d", r, err, ids[1]+1)
	}
	code, _, stderr = runCLI(t, "", "migrate-db", "--from", from, "--to", to)
	if code != exitInput || !strings.Contains(stderr, "already holds untangle data") {
		t.Fatalf("second migrate-db: exit %d, stderr %q; want a refusal", code, stderr)
	}
	if list, _ := pg.List(ctx, fac); len(list) != 3 {
		t.Fatalf("after the refused run: %d RCAs, want 3", len(list))
	}
}

func TestMigrateDBUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no flags", nil, "Usage: untangle migrate-db"},
		{"no target", []string{"--from", "x.db"}, "Usage: untangle migrate-db"},
		{"target is a file", []string{"--from", "x.db", "--to", "y.db"}, "--to must be a postgres:// URL"},
		{"source is a URL", []string{"--from", "postgres://a/b", "--to", "postgres://a/c"}, "--from must be a SQLite database file"},
		{"unknown scheme", []string{"--from", "x.db", "--to", "mysql://a/b"}, "mysql:// databases are not supported"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, "", append([]string{"migrate-db"}, tc.args...)...)
			if code != exitUsage || !strings.Contains(out+stderr, tc.want) {
				t.Fatalf("exit %d, output %q; want 2 and %q", code, out+stderr, tc.want)
			}
		})
	}
}
