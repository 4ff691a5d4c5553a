package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCommandLineRefusals(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.txt")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"threshold NaN", []string{"analyze", example, "--threshold", "NaN"}, exitUsage, "--threshold must be above 0 and at most 1, not NaN"},
		{"threshold -Inf", []string{"analyze", example, "--threshold", "-Inf"}, exitUsage, "--threshold must be above 0"},
		{"threshold 0", []string{"analyze", example, "--threshold", "0"}, exitUsage, "--threshold must be above 0"},
		{"same target twice", []string{"analyze", example, "--dot", out, "--mermaid", out}, exitUsage, "--dot and --mermaid both write to " + out},
		{"same target, other spelling", []string{"analyze", example, "--dot", out, "--md", filepath.Join(dir, ".", "out.txt")}, exitUsage, "--dot and --md both write to"},
		{"two outputs on standard output", []string{"analyze", example, "--dot", "-", "--mermaid", "-"}, exitUsage, "--dot and --mermaid both write to -"},
		{"report and an output on standard output", []string{"analyze", example, "--report", "json", "--md", "-"}, exitUsage, "--report and --md - both write to standard output"},
		{"PNG on standard output", []string{"analyze", example, "--png", "-"}, exitUsage, "--png -: a PNG is binary"},
		{"output is a directory", []string{"analyze", example, "--dot", dir}, exitInput, "--dot: cannot write " + dir + ": it is a directory"},
		{"demo with an extra argument", []string{"demo", "now"}, exitUsage, `unexpected argument "now"`},
		{"demo without its example", []string{"demo", "--example", filepath.Join(dir, "none.cst")}, exitInput, "give --example FILE"},
		{"demo of a tree without symptoms", []string{"demo", "--example", "testdata/no-symptoms.cst"}, exitInput, "the example has no symptom"},
		{"manifest with an extra argument", []string{"manifest", "extra"}, exitUsage, `unexpected argument "extra"`},
		{"manifest name too long", []string{"manifest", "--name", strings.Repeat("n", 36)}, exitUsage, "Slack allows at most 35"},
		{"version with an extra argument", []string{"version", "now"}, exitUsage, `unexpected argument "now"`},
		{"healthcheck with an extra argument", []string{"healthcheck", "--addr", ":1", "now"}, exitUsage, `unexpected argument "now"`},
		{"help for an unknown command", []string{"help", "frobnicate"}, exitUsage, `unknown command "frobnicate"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d (want %d), stderr %q lacks %q (stdout %q)", code, tt.code, stderr, tt.want, clip(stdout, 200))
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused commands wrote files: %v", entries)
	}
}

// clip shortens s for a failure message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func TestAnalyzeOutputToStandardOutput(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "analyze", example, "--mermaid", "-")
	if code != exitOK || !strings.Contains(stdout, "flowchart") {
		t.Fatalf("exit %d, stderr %q, stdout %q", code, stderr, clip(stdout, 200))
	}
	if strings.Contains(stdout, "Core causes") {
		t.Errorf("the text report was mixed into the Mermaid output:\n%s", stdout)
	}
	if _, err := os.Stat("-"); err == nil {
		os.Remove("-")
		t.Error("a file named - was written")
	}
}

func TestAnalyzeKeepsAnExistingFilesMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tree.dot")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "", "analyze", example, "--dot", path); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("mode after rewrite = %v, %v; want 0600 kept", info.Mode().Perm(), err)
	}
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), "digraph") {
		t.Errorf("file not rewritten: %.80s", data)
	}
	fresh := filepath.Join(dir, "new.dot")
	if code, _, _ := runCLI(t, "", "analyze", example, "--dot", fresh); code != exitOK {
		t.Fatal("fresh file not written")
	}
	if info, err := os.Stat(fresh); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("new file mode = %v, %v; want 0644", info.Mode().Perm(), err)
	}
}

func TestHelpCommand(t *testing.T) {
	code, stdout, _ := runCLI(t, "", "help", "analyze")
	if code != exitOK || !strings.Contains(stdout, "Usage: untangle analyze FILE|-") || !strings.Contains(stdout, "-threshold") {
		t.Fatalf("help analyze: exit %d, stdout %q", code, stdout)
	}
	code, stdout, _ = runCLI(t, "", "help")
	if code != exitOK {
		t.Fatalf("help: exit %d", code)
	}
	// Every summary starts in the same column.
	col := -1
	for _, line := range strings.Split(stdout, "\n") {
		for _, c := range commands() {
			if strings.HasPrefix(line, "  "+c.name+" ") {
				at := strings.Index(line, c.summary)
				if col >= 0 && at != col {
					t.Errorf("help table not aligned: %q starts at %d, others at %d", c.name, at, col)
				}
				col = at
			}
		}
	}
	for _, c := range commands() {
		if c.run == nil {
			continue
		}
		if code, stdout, _ := runCLI(t, "", "help", c.name); code != exitOK || !strings.Contains(stdout, "Usage: untangle "+c.name) {
			t.Errorf("help %s: exit %d, %q", c.name, code, clip(stdout, 200))
		}
	}
}

func TestAnalyzeReportPlurals(t *testing.T) {
	_, out, _ := runCLI(t, "UDE [Checkout fails]\nIF [Card service is down] THEN [Checkout fails]\n", "analyze", "-")
	if !strings.Contains(out, "Current State Tree — 2 nodes, 1 link, 1 UDE\n") {
		t.Errorf("header: %q", strings.SplitN(out, "\n", 2)[0])
	}
}
