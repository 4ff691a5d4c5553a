package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/treetest"
)

const example = "../../examples/payment-outage.cst"

// runCLI runs untangle with args and returns its exit code, stdout and stderr.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, stdio{in: strings.NewReader(stdin), out: &out, err: &errOut})
	return code, out.String(), errOut.String()
}

func TestAnalyzeReportsTheCoreCause(t *testing.T) {
	code, out, stderr := runCLI(t, "", "analyze", example)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	for _, want := range []string{
		"payment-outage — 15 nodes, 13 links, 3 UDEs",
		"Core causes (a root that explains at least 70 % of the impact and, fixed alone, removes as much)\n  #14 The organizational KPIs measure delivery speed and ignore engineering quality\n      explains 3/3 (100 % of impact) · fixing it alone removes 3/3 (100 %)",
		"#15 Production data is too sensitive to copy into staging\n         explains 1/3 (33 % of impact) · fixing it alone removes 1/3 (33 %)",
		"fixing these removes every removable UDE: #14 (exact)",
		"#14 ⇒ #2:\n    IF [The organizational KPIs measure delivery speed and ignore engineering quality] THEN [Alert thresholds have not been reviewed since launch]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q\n--- report ---\n%s", want, out)
		}
	}
}

func TestAnalyzeJSONReport(t *testing.T) {
	code, out, stderr := runCLI(t, "", "analyze", "--report", "json", "--threshold", "0.3", example)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep jsonReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, out)
	}
	if rep.Threshold != 0.3 || len(rep.UDEs) != 3 || len(rep.Roots) != 2 {
		t.Fatalf("threshold %v, %d UDEs, %d roots", rep.Threshold, len(rep.UDEs), len(rep.Roots))
	}
	// At a 30 % threshold the staging root (1 of 3 equal UDEs) is a core cause too.
	if len(rep.CoreCauses) != 2 || rep.CoreCauses[1].Node != 15 || rep.CoreCauses[1].Share < 0.33 || rep.CoreCauses[1].Share > 0.34 {
		t.Fatalf("core causes = %+v", rep.CoreCauses)
	}
	if !rep.Fix.Exact || len(rep.Fix.Roots) != 1 || rep.Fix.Roots[0] != 14 {
		t.Fatalf("fix set = %+v", rep.Fix)
	}
	if len(rep.Chains) == 0 || !strings.HasPrefix(rep.Chains[0].Text, "IF [The organizational KPIs") {
		t.Fatalf("chains = %+v", rep.Chains)
	}
}

// orFed has one event feeding every symptom through OR alternatives: its
// roots all explain 3/3, but only a root in every alternative removes any.
const orFed = `UDE [Checkout fails]
UDE [Refunds stall]
UDE [Search is slow]
IF [Database is overloaded] THEN [Checkout fails]
IF [Database is overloaded] THEN [Refunds stall]
IF [Database is overloaded] THEN [Search is slow]
IF [Nightly batch job runs at peak] AND [Batch job has no rate limit] THEN [Database is overloaded]
IF [Marketing email drives a traffic spike] THEN [Database is overloaded]
`

func TestAnalyzeORFedSymptoms(t *testing.T) {
	code, out, stderr := runCLI(t, orFed, "analyze", "-")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"  none: no root cause alone removes 70 % of the impact\n  fix these together to remove every removable UDE (3/3): #5, #7 (exact)\n",
		"Contributing causes (explain at least 70 % of the impact, but other causes would still produce the symptoms)\n" +
			"  #5 Nightly batch job runs at peak\n      explains 3/3 (100 % of impact), but other causes would still produce the symptoms: fixing it alone removes 0/3 (0 %)\n",
		"! No root cause is a core cause",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q\n--- report ---\n%s", want, out)
		}
	}
	if strings.Contains(out, "Chains from each core cause") {
		t.Errorf("chains listed without a core cause:\n%s", out)
	}
	code, out, _ = runCLI(t, orFed+"IF [Connection pool is unbounded] AND [Database is overloaded] THEN [Checkout fails]\n", "analyze", "--report", "json", "-")
	var rep jsonReport
	if err := json.Unmarshal([]byte(out), &rep); code != exitOK || err != nil {
		t.Fatalf("exit %d, %v:\n%s", code, err, out)
	}
	if len(rep.CoreCauses) != 0 || len(rep.Contributing) != 3 || rep.Contributing[0].Core || !rep.Contributing[0].Contributing {
		t.Fatalf("core %+v, contributing %+v", rep.CoreCauses, rep.Contributing)
	}
	for _, r := range rep.Roots {
		if r.Core {
			t.Errorf("root %s marked core although it removes %v", r.Node, r.Removes)
		}
	}
}

func TestAnalyzeWarnsOfBlameWording(t *testing.T) {
	src := "UDE [Checkout failed for 20 minutes]\nIF [Bob forgot to renew the certificate] THEN [Checkout failed for 20 minutes]\n"
	code, out, stderr := runCLI(t, src, "analyze", "-")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, `! #2 reads as blame. It names a person as the actor ("Bob forgot").`) ||
		!strings.Contains(out, "restate this as the systemic condition that allowed it?") {
		t.Errorf("no blame warning with a suggestion:\n%s", out)
	}
	_, out, _ = runCLI(t, src, "analyze", "--report", "json", "-")
	var rep jsonReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Blame) != 1 || rep.Blame[0].Node != 2 || rep.Blame[0].Suggestion == "" || rep.Warnings[len(rep.Warnings)-1].Code != tree.WarnBlameWording {
		t.Errorf("blame = %+v, warnings %+v", rep.Blame, rep.Warnings)
	}
	code, out, _ = runCLI(t, "", "analyze", example)
	if code != exitOK || strings.Contains(out, "reads as blame") {
		t.Errorf("the blameless example got a blame warning:\n%s", out)
	}
}

func TestAnalyzeWritesEveryFormat(t *testing.T) {
	dir := t.TempDir()
	args := []string{"analyze", example}
	for _, o := range outputFormats {
		args = append(args, "--"+o.name, filepath.Join(dir, "out."+o.name))
	}
	if code, _, stderr := runCLI(t, "", args...); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := os.Open(filepath.Join(dir, "out.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil || img.Bounds().Dx() < 400 {
		t.Fatalf("PNG: %v, bounds %v", err, img.Bounds())
	}
	// The JSON and statement exports re-import to the same tree.
	orig, _ := os.ReadFile(example)
	want, err := tree.Parse(orig)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"out.json", "out.statements"} {
		code, out, stderr := runCLI(t, "", "analyze", "--report", "json", filepath.Join(dir, name))
		if code != exitOK || !strings.Contains(out, `"nodes": 15`) {
			t.Fatalf("re-import %s: exit %d %s", name, code, stderr)
		}
	}
	data, _ := os.ReadFile(filepath.Join(dir, "out.json"))
	var back tree.Tree
	if err := json.Unmarshal(data, &back); err != nil || back.NumNodes() != want.NumNodes() || back.NumGroups() != want.NumGroups() {
		t.Fatalf("JSON export: %v, %d nodes", err, back.NumNodes())
	}
	for _, name := range []string{"out.svg", "out.dot", "out.mermaid", "out.md", "out.flying-logic"} {
		if info, err := os.Stat(filepath.Join(dir, name)); err != nil || info.Size() == 0 {
			t.Errorf("%s missing or empty: %v", name, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestAnalyzeLeavesNothingHalfWritten(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "tree.png")
	code, _, stderr := runCLI(t, "", "analyze", example, "--png", good, "--svg", filepath.Join(dir, "missing", "tree.svg"))
	if code != exitInput || !strings.Contains(stderr, "the directory "+filepath.Join(dir, "missing")+" does not exist") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files were written although the command failed: %v", entries)
	}
}

func TestAnalyzeBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, file, content, want string
	}{
		{"unterminated bracket", "a.cst", "UDE [a]\nIF [b] THEN [a\n", "a.cst:2:15: expected \"]\""},
		{"missing reference", "b.cst", "UDE [a]\nIF [#99] THEN [a]\n", "b.cst:2:4: #99 does not exist"},
		{"self link", "c.cst", "UDE [a]\nIF [a] THEN [a]\n", "c.cst:2:1: a node cannot cause itself"},
		{"invalid utf-8", "d.cst", "UDE [a\xff]\n", "d.cst:1:7: invalid UTF-8"},
		{"empty file", "e.cst", "", "e.cst: no statements found"},
		{"only comments", "f.cst", "# nothing\n# here\n", "f.cst: no statements found"},
		{"long line", "g.cst", "UDE [" + strings.Repeat("x", 10000) + "]\n", "g.cst:1:5: text is longer than 300 characters"},

		{"broken json", "i.json", `{"format":`, "i.json: not a valid untangle JSON tree: read tree JSON: unexpected end of JSON input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := write(tt.file, tt.content)
			code, out, stderr := runCLI(t, "", "analyze", path)
			if code != exitInput || !strings.Contains(stderr, tt.want) || out != "" {
				t.Fatalf("exit %d, stderr %q, want it to contain %q", code, stderr, tt.want)
			}
		})
	}
	if code, _, stderr := runCLI(t, "", "analyze", filepath.Join(dir, "nope.cst")); code != exitInput || !strings.Contains(stderr, "no such file") {
		t.Fatalf("missing file: exit %d %q", code, stderr)
	}
}

// TestAnalyzeRefusesHugeInput checks the size limits without writing the
// bytes: a sparse file is refused by its size, standard input while reading.
func TestAnalyzeRefusesHugeInput(t *testing.T) {
	for _, tt := range []struct {
		file  string
		limit int64
	}{{"huge.cst", tree.MaxStatementBytes}, {"huge.json", maxJSONBytes}} {
		path := filepath.Join(t.TempDir(), tt.file)
		f, err := os.Create(path)
		if err == nil {
			err = f.Truncate(tt.limit + 1)
			f.Close()
		}
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("%s: the file is larger than %d MiB", path, tt.limit>>20)
		if code, out, stderr := runCLI(t, "", "analyze", path); code != exitInput || !strings.Contains(stderr, want) || out != "" {
			t.Errorf("exit %d, stderr %q, want it to contain %q", code, stderr, want)
		}
	}
	code, _, stderr := runCLI(t, strings.Repeat("UDE [a]\n", tree.MaxStatementBytes/8+1), "analyze", "-")
	if code != exitInput || !strings.Contains(stderr, "<stdin>: the input is larger than 64 MiB") {
		t.Errorf("stdin: exit %d, stderr %q", code, stderr)
	}
	// A 100,000-node tree fits.
	big := filepath.Join(t.TempDir(), "big.cst")
	if err := os.WriteFile(big, tree.Format(treetest.Generate(1, 100_000)), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCLI(t, "", "analyze", "--report", "json", big); code != exitOK || !strings.Contains(out, `"nodes": 100000`) {
		t.Errorf("100,000 nodes: exit %d, stderr %q", code, clip(stderr, 300))
	}
}

func TestAnalyzeStdin(t *testing.T) {
	code, out, stderr := runCLI(t, "UDE [Checkout fails]\nIF [Card service is down] THEN [Checkout fails]\n", "analyze", "-")
	if code != exitOK || !strings.Contains(out, "#2 Card service is down\n      explains 1/1 (100 % of impact)") {
		t.Fatalf("exit %d, out %q, err %q", code, out, stderr)
	}
	code, _, stderr = runCLI(t, "UDE [a]\nIF [b THEN [a]\n", "analyze", "-")
	if code != exitInput || !strings.HasPrefix(stderr, "<stdin>:2:") {
		t.Fatalf("stdin error: exit %d %q", code, stderr)
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no command", nil, exitUsage, "Usage:"},
		{"unknown command", []string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{"help", []string{"help"}, exitOK, "analyze"},
		{"analyze without file", []string{"analyze"}, exitUsage, "exactly one input"},
		{"two files", []string{"analyze", "a", "b"}, exitUsage, "exactly one input"},
		{"bad threshold", []string{"analyze", example, "--threshold", "1.5"}, exitUsage, "--threshold must be above 0"},
		{"bad report", []string{"analyze", example, "--report", "xml"}, exitUsage, "--report must be text or json"},
		{"unknown flag", []string{"analyze", example, "--pdf", "x"}, exitUsage, "flag provided but not defined: -pdf"},
		{"version", []string{"version"}, exitOK, "untangle "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, "", tt.args...)
			if code != tt.code || !strings.Contains(out+stderr, tt.want) {
				t.Fatalf("exit %d (want %d), output %q lacks %q", code, tt.code, out+stderr, tt.want)
			}
		})
	}
}

func TestExamplesAnalyse(t *testing.T) {
	files, _ := filepath.Glob("../../examples/*.cst")
	if len(files) < 3 {
		t.Fatalf("want at least 3 examples, found %v", files)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			tr, err := tree.Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			and, or := false, false
			effects := map[tree.NodeID]int{}
			for _, g := range tr.Groups() {
				and = and || g.IsAnd()
				effects[g.Effect]++
				or = or || effects[g.Effect] > 1
			}
			// The shared payment example has AND groups only; ours need both.
			if !and || !or && filepath.Base(f) != "payment-outage.cst" {
				t.Errorf("example should use AND groups (%v) and OR groups (%v)", and, or)
			}
			a := tree.Analyze(tr, tree.Options{})
			if len(a.Unexplained) > 0 || len(a.Dangling) > 0 || len(a.CoreCauses) == 0 {
				t.Errorf("example is unfinished: unexplained %v, dangling %v, %d core causes", a.Unexplained, a.Dangling, len(a.CoreCauses))
			}
		})
	}
}
