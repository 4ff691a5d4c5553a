// Package wasmcache points go-graphviz's compiled-WebAssembly cache at
// $UNTANGLE_CACHE_DIR before go-graphviz starts.
//
// go-graphviz compiles its embedded WebAssembly in its package initialiser
// (0.6–2 s and about 25 MB), and keeps the compiled code in
// $TMPDIR/go-graphviz when that directory can be made; with a warm cache a
// process starts in milliseconds. The library has no option for the
// directory, so this package, imported by main before anything that draws,
// sets TMPDIR to $UNTANGLE_CACHE_DIR (made if missing) while packages are
// initialised, and main calls Restore first thing, so nothing else sees the
// change.
//
// Go initialises packages in import-path order among those whose imports are
// done: this package imports only os, and go-graphviz also needs
// path/filepath, which imports os and sorts after this package, so this
// initialiser always runs before go-graphviz's.
package wasmcache

import "os"

// EnvDir names the environment variable that holds the cache directory.
const EnvDir = "UNTANGLE_CACHE_DIR"

// saved is TMPDIR as it was before redirect changed it.
var saved struct {
	value      string
	had, moved bool
}

// cacheName is the directory go-graphviz keeps its cache in, under TMPDIR.
const cacheName = "go-graphviz"

func init() { redirect(cacheName) }

// redirect sets TMPDIR to $UNTANGLE_CACHE_DIR, creating it, when that is set
// and writable; a cache directory that cannot be written would make
// go-graphviz fail to start on a cache miss (a CPU with other features than
// the one that warmed it).
//
// Otherwise, when $TMPDIR/name exists but cannot be written (left by another
// user, or on a read-only file system), go-graphviz would panic at start, so
// TMPDIR then points at a directory that does not exist and go-graphviz
// compiles without a cache instead.
func redirect(name string) {
	if dir := os.Getenv(EnvDir); dir != "" && os.MkdirAll(dir, 0o755) == nil && writable(dir) {
		move(dir)
		return
	}
	if cache := os.TempDir() + "/" + name; isDir(cache) && !writable(cache) {
		move(cache + "/unwritable")
	}
}

// move sets TMPDIR to dir, remembering the value to restore.
func move(dir string) {
	saved.value, saved.had = os.LookupEnv("TMPDIR")
	saved.moved = true
	os.Setenv("TMPDIR", dir)
}

// isDir reports whether path is a directory.
func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

// writable reports whether a file can be made in dir.
func writable(dir string) bool {
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return false
	}
	f.Close()
	os.Remove(f.Name())
	return true
}

// Restore puts TMPDIR back as the process started with it.
func Restore() {
	if !saved.moved {
		return
	}
	saved.moved = false
	if saved.had {
		os.Setenv("TMPDIR", saved.value)
	} else {
		os.Unsetenv("TMPDIR")
	}
}
