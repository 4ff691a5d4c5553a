package main

import (
	"encoding/json"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/tree"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update to accept):\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

// futureSection is the Future Reality Tree part of a text report.
func futureSection(t *testing.T, out string) string {
	t.Helper()
	i := strings.Index(out, "\nFuture Reality Tree (")
	if i < 0 {
		t.Fatalf("the report has no Future Reality Tree:\n%s", out)
	}
	return out[i+1:]
}

// TestAnalyzeFix: `--fix N` reports what the fix removes and what remains
// and why, in text and in JSON; the acceptance figures of the payment
// example are checked by value as well as by golden file.
func TestAnalyzeFix(t *testing.T) {
	tests := []struct {
		name               string
		fixes              []string
		removed, remaining []tree.NodeID
		want               []string
	}{
		{name: "core-cause", fixes: []string{"14"}, removed: []tree.NodeID{1, 2, 3}, remaining: []tree.NodeID{},
			want: []string{"all fixes together remove 3/3 symptoms", "remaining 0/3 symptoms: none"}},
		{name: "staging-root", fixes: []string{"15"}, removed: []tree.NodeID{1}, remaining: []tree.NodeID{2, 3},
			want: []string{"all fixes together remove 1/3 symptoms", "remaining 2/3 symptoms:",
				"    #2 The monitoring system took 15 minutes to fire an alert\n      still produced from #14 by:\n        IF [The organizational KPIs"}},
		{name: "two-fixes", fixes: []string{"#15=Staging gets anonymised production data", "7"}, removed: []tree.NodeID{1}, remaining: []tree.NodeID{2, 3},
			want: []string{"breaks only one member of the AND link into #", "fix #16 \"Staging gets anonymised production data\" against #15"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"analyze", example}
			for _, f := range tt.fixes {
				args = append(args, "--fix", f)
			}
			code, out, stderr := runCLI(t, "", args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			text := futureSection(t, out)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("report lacks %q:\n%s", w, text)
				}
			}
			golden(t, "fix-"+tt.name+".txt.golden", text)

			code, out, stderr = runCLI(t, "", append(args, "--report", "json")...)
			if code != exitOK {
				t.Fatalf("json: exit %d: %s", code, stderr)
			}
			var rep struct {
				Future *jsonFuture `json:"future"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Future == nil {
				t.Fatalf("no future in the JSON report (%v):\n%s", err, out)
			}
			f := rep.Future
			if !slices.Equal(f.Removed, tt.removed) || !slices.Equal(f.Remaining, tt.remaining) || len(f.Fixes) != len(tt.fixes) || len(f.Why) != len(f.Remaining) {
				t.Errorf("future = removed %v remaining %v, %d fixes, %d reasons; want %v, %v, %d", f.Removed, f.Remaining, len(f.Fixes), len(f.Why), tt.removed, tt.remaining, len(tt.fixes))
			}
			data, err := json.MarshalIndent(f, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "fix-"+tt.name+".json.golden", string(data)+"\n")
		})
	}
}

// TestAnalyzeFixRoundTrips: with --fix the statements and JSON exports hold
// the whole tree with its fixes, and reading either back reports the same
// Future Reality Tree; the pictures show the Future Reality Tree that
// tree.FutureTree builds, the one the bot draws.
func TestAnalyzeFixRoundTrips(t *testing.T) {
	dir := t.TempDir()
	cst, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	part, err := os.ReadFile("testdata/frt-part.cst")
	if err != nil {
		t.Fatal(err)
	}
	input := filepath.Join(dir, "in.cst")
	if err := os.WriteFile(input, append(cst, part...), 0o644); err != nil {
		t.Fatal(err)
	}
	pic, mmd := filepath.Join(dir, "frt.png"), filepath.Join(dir, "frt.mmd")
	stmts, js := filepath.Join(dir, "frt.cst"), filepath.Join(dir, "frt.json")
	code, first, stderr := runCLI(t, "", "analyze", input, "--fix", "#20=Staging gets anonymised production data",
		"--png", pic, "--mermaid", mmd, "--statements", stmts, "--json", js)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := futureSection(t, first)
	for _, w := range []string{"all fixes together remove 3/3", "negative branches: 1, 0 untrimmed", "trimmed by #8",
		"#5 Teams plan load tests without asking for permission"} {
		if !strings.Contains(want, w) {
			t.Errorf("report lacks %q:\n%s", w, want)
		}
	}
	for _, back := range []string{stmts, js} {
		code, out, stderr := runCLI(t, "", "analyze", back)
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", back, code, stderr)
		}
		if got := futureSection(t, out); got != want {
			t.Errorf("%s reads back to another Future Reality Tree:\n%s\nwant\n%s", filepath.Base(back), got, want)
		}
	}
	src, err := os.ReadFile(mmd)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Staging gets anonymised", "service stays up", "Sales miss the Q3 launch"} {
		if !strings.Contains(string(src), w) {
			t.Errorf("the Mermaid Future Reality Tree lacks %q", w)
		}
	}
	if strings.Contains(string(src), "The organizational KPIs") {
		t.Errorf("the Future Reality Tree still shows the fixed core cause")
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
		{name: "no text after =", fix: "14=", code: exitUsage, want: "NODE or NODE=TEXT"},
		{name: "not a number", fix: "KPIs=count quality", code: exitUsage, want: "NODE or NODE=TEXT"},
		{name: "zero", fix: "0", code: exitUsage, want: "NODE or NODE=TEXT"},
		{name: "unknown node", fix: "99", code: exitInput, want: "no node #99"},
		{name: "text of another node", fix: "15=Nobody owns runbook upkeep", code: exitInput, want: "--fix 15: a node with this number or text already exists"},
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

// TestAnalyzeFixSufficiency: a fix against one of two OR alternatives says
// which symptom the other one keeps alive, and the JSON lists it.
func TestAnalyzeFixSufficiency(t *testing.T) {
	const src = "UDE [Checkout fails]\nIF [Cache expires] THEN [Checkout fails]\nIF [Database is slow] THEN [Checkout fails]\n"
	code, out, stderr := runCLI(t, src, "analyze", "-", "--fix", "2")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"removes alone 0/1 symptoms\n    not sufficient alone: other causes (OR alternatives) still produce #1 Checkout fails",
		"remaining 1/1 symptoms:\n    #1 Checkout fails\n      still produced from #3 by:\n        IF [Database is slow] THEN [Checkout fails]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	code, out, stderr = runCLI(t, src, "analyze", "-", "--fix", "2", "--fix", "3", "--report", "json")
	var rep struct {
		Future *jsonFuture `json:"future"`
	}
	if code != exitOK || json.Unmarshal([]byte(out), &rep) != nil || rep.Future == nil {
		t.Fatalf("exit %d, %s: %s", code, stderr, out)
	}
	if f := rep.Future; !slices.Equal(f.OnlyTogether, []tree.NodeID{1}) || !slices.Equal(f.Fixes[0].Survive, []tree.NodeID{1}) {
		t.Errorf("only together %v, first fix survive %v; want [1] and [1]", f.OnlyTogether, f.Fixes[0].Survive)
	}
}
