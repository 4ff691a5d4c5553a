package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuildWithoutCgo builds untangle with CGO_ENABLED=0: the build must
// succeed, and the commands that open SQLite must say that it needs cgo.
func TestBuildWithoutCgo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "untangle")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"serve"}, {"backup", "--db", filepath.Join(dir, "db"), filepath.Join(dir, "copy")}} {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "SLACK_BOT_TOKEN=xoxb-1", "SLACK_APP_TOKEN=xapp-1", "UNTANGLE_DB="+filepath.Join(dir, "db"))
		out, err := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); err == nil || code != exitInput || !strings.Contains(string(out), "SQLite needs cgo") {
			t.Errorf("%s: exit %d, output %q; want exit %d saying SQLite needs cgo", args[0], code, out, exitInput)
		}
	}
	if out, err := exec.Command(bin, "analyze", "../../examples/payment-outage.cst").CombinedOutput(); err != nil {
		t.Errorf("analyze without cgo: %v\n%s", err, out)
	}
}
