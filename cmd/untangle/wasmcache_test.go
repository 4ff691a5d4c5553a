package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestWasmCacheDirectory starts this test binary again (it links go-graphviz
// like untangle does) with UNTANGLE_CACHE_DIR set: go-graphviz must keep its
// compiled WebAssembly there, not under TMPDIR.
func TestWasmCacheDirectory(t *testing.T) {
	if os.Getenv("UNTANGLE_WASMCACHE_CHILD") != "" {
		return // the child process: starting up was the test
	}
	cache := filepath.Join(t.TempDir(), "cache")
	tmp := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestWasmCacheDirectory$")
	cmd.Env = append(os.Environ(), "UNTANGLE_WASMCACHE_CHILD=1", "UNTANGLE_CACHE_DIR="+cache, "TMPDIR="+tmp)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if entries, err := os.ReadDir(filepath.Join(cache, "go-graphviz")); err != nil || len(entries) == 0 {
		t.Errorf("no compiled WebAssembly in %s: %v", cache, err)
	}
	if _, err := os.Stat(filepath.Join(tmp, "go-graphviz")); err == nil {
		t.Errorf("go-graphviz still wrote to TMPDIR %s", tmp)
	}
}
