package main

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/tree"
)

// TestAnalyzeDrawsTheFutureRealityTree: --fix makes the file outputs show
// the Future Reality Tree the bot draws, built by tree.FutureTree, and the
// report say what the fixes remove.
func TestAnalyzeDrawsTheFutureRealityTree(t *testing.T) {
	dir := t.TempDir()
	pic, stmts := filepath.Join(dir, "frt.png"), filepath.Join(dir, "frt.cst")
	code, out, stderr := runCLI(t, "", "analyze", example, "--fix", "#15=Staging gets anonymised production data", "--png", pic, "--statements", stmts)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"With 1 fix(es) in place",
		"against #15 Production data is too sensitive to copy into staging: Staging gets anonymised production data",
		"removes 1/3 symptoms: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	src, err := os.ReadFile(stmts)
	if err != nil {
		t.Fatal(err)
	}
	frt, err := tree.Parse(src)
	if err != nil {
		t.Fatalf("the Future Reality Tree does not parse back: %v\n%s", err, src)
	}
	kinds := map[tree.Kind]int{}
	for _, n := range frt.Nodes() {
		kinds[n.Kind]++
	}
	if kinds[tree.KindInjection] != 1 || kinds[tree.KindDesiredEffect] != 1 || kinds[tree.KindUDE] != 2 || !strings.HasPrefix(frt.Title, "Future Reality Tree") {
		t.Errorf("Future Reality Tree %q has %v, want 1 injection, 1 desired effect, 2 remaining UDEs:\n%s", frt.Title, kinds, src)
	}
	f, err := os.Open(pic)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Fatalf("the picture is not a PNG: %v", err)
	}
}

func TestAnalyzeBadFix(t *testing.T) {
	tests := []struct {
		name, fix string
		code      int
		want      string
	}{
		{name: "no text", fix: "14=", code: exitUsage, want: "NODE=TEXT"},
		{name: "not a number", fix: "KPIs=count quality", code: exitUsage, want: "NODE=TEXT"},
		{name: "unknown node", fix: "99=Something", code: exitInput, want: "no node #99"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", "analyze", example, "--fix", tc.fix)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want exit %d saying %q", code, stderr, tc.code, tc.want)
			}
		})
	}
}
