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
	redirect(cacheName)
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
	// A directory nobody may write to: /proc for root, who writes anywhere else.
	ro := "/proc"
	if os.Geteuid() != 0 {
		ro = filepath.Join(t.TempDir(), "read-only")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(EnvDir, ro)
	redirect(cacheName)
	if got := os.Getenv("TMPDIR"); got != "/somewhere/else" {
		t.Fatalf("TMPDIR = %q for the read-only cache directory %s", got, ro)
	}
	Restore()
	t.Setenv(EnvDir, "")
	redirect(cacheName)
	Restore()
	if got := os.Getenv("TMPDIR"); got != "/somewhere/else" {
		t.Fatalf("TMPDIR changed without %s: %q", EnvDir, got)
	}
}

func TestUnwritableDefaultCache(t *testing.T) {
	t.Setenv(EnvDir, "")
	// /proc stands for a $TMPDIR/go-graphviz that exists and cannot be written.
	t.Setenv("TMPDIR", "/")
	redirect("proc")
	if got := os.Getenv("TMPDIR"); got != "//proc/unwritable" {
		t.Fatalf("TMPDIR = %q, want a directory that does not exist", got)
	}
	Restore()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	if err := os.Mkdir(filepath.Join(tmp, cacheName), 0o755); err != nil {
		t.Fatal(err)
	}
	redirect(cacheName)
	if got := os.Getenv("TMPDIR"); got != tmp {
		t.Fatalf("TMPDIR = %q for a writable cache, want it unchanged", got)
	}
}
