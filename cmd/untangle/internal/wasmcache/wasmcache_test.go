package wasmcache

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRedirectAndRestore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache", "untangle")
	t.Setenv("TMPDIR", "/somewhere/else")
	t.Setenv(EnvDir, dir)
	redirect()
	if got := os.Getenv("TMPDIR"); got != dir {
		t.Fatalf("TMPDIR = %q while initialising, want %q", got, dir)
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		t.Fatalf("cache directory not made: %v", err)
	}
	Restore()
	if got := os.Getenv("TMPDIR"); got != "/somewhere/else" {
		t.Fatalf("TMPDIR = %q after Restore", got)
	}
	if os.Geteuid() != 0 { // root writes anywhere
		ro := filepath.Join(t.TempDir(), "read-only")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Setenv(EnvDir, ro)
		redirect()
		if got := os.Getenv("TMPDIR"); got != "/somewhere/else" {
			t.Fatalf("TMPDIR = %q for a read-only cache directory", got)
		}
		Restore()
	}
	t.Setenv(EnvDir, "")
	redirect()
	Restore()
	if got := os.Getenv("TMPDIR"); got != "/somewhere/else" {
		t.Fatalf("TMPDIR changed without %s: %q", EnvDir, got)
	}
}
