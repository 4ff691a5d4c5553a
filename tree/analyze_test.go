package tree_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/treetest"
)

// parseTree reads statements (short texts like [A] keep the tables readable).
func parseTree(t *testing.T, src string) *tree.Tree {
	t.Helper()
	tr, err := tree.Parse([]byte(src))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, src)
	}
	return tr
}

// texts names nodes by their texts: "[A B]".
func texts(tr *tree.Tree, ids []tree.NodeID) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		n, ok := tr.Node(id)
		if !ok {
			parts[i] = id.String()
			continue
		}
		parts[i] = n.Text
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// summary renders an analysis as compact lines of node texts, leaving out
// empty parts, so each case states its hand-computed answer in a few lines.
func summary(tr *tree.Tree, a *tree.Analysis) string {
	var b strings.Builder
	for _, r := range a.Roots {
		fmt.Fprintf(&b, "root %s explains %s removes %s depth %d share %.0f", texts(tr, r.Nodes),
			texts(tr, r.Explains), texts(tr, r.Removes), r.Depth, r.Share*100)
		if r.Core {
			b.WriteString(" core")
		}
		if r.Contributing {
			b.WriteString(" contributing")
		}
		b.WriteByte('\n')
	}
	line := func(label string, ids []tree.NodeID) {
		if len(ids) > 0 {
			fmt.Fprintf(&b, "%s %s\n", label, texts(tr, ids))
		}
	}
	line("unexplained", a.Unexplained)
	line("dangling", a.Dangling)
	for _, l := range a.Loops {
		line("loop", l)
	}
	set := func(label string, s tree.RootSet) {
		if len(s.Roots) == 0 {
			return
		}
		var first []tree.NodeID
		for _, i := range s.Roots {
			first = append(first, a.Roots[i].Nodes[0])
		}
		fmt.Fprintf(&b, "%s %s exact=%v\n", label, texts(tr, first), s.Exact)
	}
	set("cover", a.Cover)
	set("fix", a.Fix)
	if len(a.Unreviewed) > 0 {
		fmt.Fprintf(&b, "unreviewed %v\n", a.Unreviewed)
	}
	for _, w := range a.Warnings {
		fmt.Fprintf(&b, "warn %s\n", w.Code)
	}
	return strings.TrimSpace(b.String())
}

func TestAnalyzeCases(t *testing.T) {
	tests := []struct {
		name string
		src  string
		opt  tree.Options
		want string
	}{
		{
			name: "pure OR: each cause alone is enough, so neither alone removes the UDE",
			src:  "UDE [U]\nIF [A] THEN [U]\nIF [B] THEN [U]",
			want: `root [A] explains [U] removes [] depth 1 share 100 contributing
root [B] explains [U] removes [] depth 1 share 100 contributing
cover [A] exact=true
fix [A B] exact=true
warn no_core_cause
warn tied_roots`,
		},
		{
			name: "pure AND: fixing either cause removes the effect",
			src:  "UDE [U]\nIF [A] AND [B] THEN [U]",
			want: `root [A] explains [U] removes [U] depth 1 share 100 core
root [B] explains [U] removes [U] depth 1 share 100 core
cover [A] exact=true
fix [A] exact=true`,
		},
		{
			name: "mixed AND and OR",
			src: `UDE [U1]
UDE [U2]
IF [A] AND [B] THEN [C]
IF [D] THEN [C]
IF [C] THEN [U1]
IF [B] THEN [U2]`,
			want: `root [B] explains [U1 U2] removes [U2] depth 2 share 100 contributing
root [A] explains [U1] removes [] depth 2 share 50
root [D] explains [U1] removes [] depth 2 share 50
cover [B] exact=true
fix [B D] exact=true
warn no_core_cause`,
		},
		{
			name: "reinforcing loop without outside support is one root",
			src:  "UDE [U]\nIF [A] THEN [B]\nIF [B] THEN [A]\nIF [B] THEN [U]",
			want: `root [A B] explains [U] removes [U] depth 1 share 100 core
loop [A B]
cover [A] exact=true
fix [A] exact=true`,
		},
		{
			name: "loop with outside support dies with its support",
			src:  "UDE [U]\nIF [R] THEN [A]\nIF [A] THEN [B]\nIF [B] THEN [A]\nIF [B] THEN [U]",
			want: `root [R] explains [U] removes [U] depth 2 share 100 core
loop [A B]
cover [R] exact=true
fix [R] exact=true`,
		},
		{
			name: "separate clusters, no tie",
			src: `UDE(weight=3) [U1]
UDE(weight=2) [U2]
UDE(weight=2) [U3]
UDE(weight=1) [U4]
IF [A] THEN [U1]
IF [B] THEN [U2]
IF [C] THEN [U3]
IF [D] THEN [U4]`,
			want: `root [A] explains [U1] removes [U1] depth 1 share 38
root [B] explains [U2] removes [U2] depth 1 share 25
root [C] explains [U3] removes [U3] depth 1 share 25
root [D] explains [U4] removes [U4] depth 1 share 12
cover [A B C D] exact=true
fix [A B C D] exact=true
warn no_core_cause
warn separate_clusters`,
		},
		{
			name: "threshold option makes the best cluster a core cause",
			src: `UDE(weight=3) [U1]
UDE(weight=2) [U2]
UDE(weight=2) [U3]
IF [A] THEN [U1]
IF [B] THEN [U2]
IF [C] THEN [U3]`,
			opt: tree.Options{Threshold: 0.4},
			want: `root [A] explains [U1] removes [U1] depth 1 share 43 core
root [B] explains [U2] removes [U2] depth 1 share 29
root [C] explains [U3] removes [U3] depth 1 share 29
cover [A B C] exact=true
fix [A B C] exact=true`,
		},
		{
			name: "tied roots at 50 % are tied but not separate clusters",
			src:  "UDE [U1]\nUDE [U2]\nIF [A] THEN [U1]\nIF [B] THEN [U2]",
			want: `root [A] explains [U1] removes [U1] depth 1 share 50
root [B] explains [U2] removes [U2] depth 1 share 50
cover [A B] exact=true
fix [A B] exact=true
warn no_core_cause
warn tied_roots`,
		},
		{
			name: "a UDE that causes another UDE",
			src:  "UDE [U1]\nUDE [U2]\nIF [R] THEN [U1]\nIF [U1] THEN [U2]",
			want: `root [R] explains [U1 U2] removes [U1 U2] depth 2 share 100 core
cover [R] exact=true
fix [R] exact=true`,
		},
		{
			name: "an unexplained UDE is not a root cause, nor is what it alone explains",
			src:  "UDE [U1]\nUDE [U2]\nUDE [U3]\nIF [U1] THEN [U2]\nIF [R] THEN [U3]",
			want: `root [R] explains [U3] removes [U3] depth 1 share 33
unexplained [U1 U2]
cover [R] exact=true
fix [R] exact=true
warn unexplained_udes
warn no_core_cause
warn separate_clusters`,
		},
		{
			name: "weights outrank the number of UDEs",
			src: `UDE(weight=3) [U1]
UDE(weight=1) [U2]
UDE(weight=1) [U3]
IF [B] THEN [U2]
IF [B] THEN [U3]
IF [A] THEN [U1]`,
			want: `root [A] explains [U1] removes [U1] depth 1 share 60
root [B] explains [U2 U3] removes [U2 U3] depth 1 share 40
cover [A B] exact=true
fix [A B] exact=true
warn no_core_cause`,
		},
		{
			name: "dangling nodes reach no UDE",
			src:  "UDE [U]\nCAUSE [A]\nCAUSE [X]\nCAUSE [Y]\nCAUSE [Z]\nIF [A] THEN [U]\nIF [X] THEN [Y]",
			want: `root [A] explains [U] removes [U] depth 1 share 100 core
dangling [X Y Z]
cover [A] exact=true
fix [A] exact=true`,
		},
		{
			name: "ties on removal and share are broken by depth",
			src: `UDE [U]
IF [A] THEN [U]
IF [M] AND [N] THEN [U]
IF [B] THEN [M]
IF [C] THEN [K]
IF [K] THEN [N]`,
			want: `root [C] explains [U] removes [] depth 3 share 100 contributing
root [B] explains [U] removes [] depth 2 share 100 contributing
root [A] explains [U] removes [] depth 1 share 100 contributing
cover [C] exact=true
fix [C A] exact=true
warn no_core_cause
warn tied_roots`,
		},
		{
			name: "a UDE fed by an unexplained UDE cannot be removed",
			src:  "UDE [U1]\nUDE [U2]\nIF [U1] THEN [U2]\nIF [R] THEN [U2]",
			want: `root [R] explains [U2] removes [] depth 1 share 50
unexplained [U1]
cover [R] exact=true
warn unexplained_udes
warn no_core_cause
warn unremovable_udes`,
		},
		{
			name: "only unexplained UDEs: no root, no core cause",
			src:  "UDE [U1]\nUDE [U2]\nIF [U1] THEN [U2]",
			want: `unexplained [U1 U2]
warn unexplained_udes
warn no_core_cause`,
		},
		{
			name: "no UDEs",
			src:  "IF [A] THEN [B]",
			want: `dangling [A B]
warn no_udes`,
		},
		{
			name: "greedy beyond the exact limit, proven by the bound when it can be",
			src:  "UDE [U1]\nUDE [U2]\nIF [A] THEN [U1]\nIF [B] THEN [U2]",
			opt:  tree.Options{ExactLimit: 1},
			want: `root [A] explains [U1] removes [U1] depth 1 share 50
root [B] explains [U2] removes [U2] depth 1 share 50
cover [A B] exact=true
fix [A B] exact=true
warn no_core_cause
warn tied_roots`,
		},
		{
			name: "OR-fed event: one root removes everything, the OR alternatives only contribute",
			src: `UDE [U1]
UDE [U2]
UDE [U3]
IF [K] AND [E] THEN [M]
IF [M] THEN [U1]
IF [M] THEN [U2]
IF [M] THEN [U3]
IF [A] THEN [E]
IF [B] THEN [E]`,
			want: `root [K] explains [U1 U2 U3] removes [U1 U2 U3] depth 2 share 100 core
root [A] explains [U1 U2 U3] removes [] depth 3 share 100 contributing
root [B] explains [U1 U2 U3] removes [] depth 3 share 100 contributing
cover [K] exact=true
fix [K] exact=true`,
		},
		{
			name: "OR-fed event with no core cause: the fix set leads",
			src: `UDE [U1]
UDE [U2]
UDE [U3]
IF [Deploy] AND [No canary] THEN [E]
IF [Load spike] THEN [E]
IF [E] THEN [U1]
IF [E] THEN [U2]
IF [E] THEN [U3]`,
			want: `root [Deploy] explains [U1 U2 U3] removes [] depth 2 share 100 contributing
root [No canary] explains [U1 U2 U3] removes [] depth 2 share 100 contributing
root [Load spike] explains [U1 U2 U3] removes [] depth 2 share 100 contributing
cover [Deploy] exact=true
fix [Deploy Load spike] exact=true
warn no_core_cause
warn tied_roots`,
		},
		{
			name: "removal is weighted: a root removing the heavy symptom is core",
			src: `UDE(weight=3) [U1]
UDE(weight=1) [U2]
IF [A] THEN [U1]
IF [A] THEN [U2]
IF [B] THEN [U2]`,
			want: `root [A] explains [U1 U2] removes [U1] depth 1 share 100 core
root [B] explains [U2] removes [] depth 1 share 25
cover [A] exact=true
fix [A B] exact=true`,
		},
		{
			name: "the threshold applies to removal too",
			src: `UDE(weight=3) [U1]
UDE(weight=1) [U2]
IF [A] THEN [U1]
IF [A] THEN [U2]
IF [B] THEN [U2]`,
			opt: tree.Options{Threshold: 0.8},
			want: `root [A] explains [U1 U2] removes [U1] depth 1 share 100 contributing
root [B] explains [U2] removes [] depth 1 share 25
cover [A] exact=true
fix [A B] exact=true
warn no_core_cause`,
		},
		{
			name: "injections and desired effects are never dangling",
			src: `UDE [U]
IF [R] THEN [U]
INJECTION [Add a canary stage]
DESIRED [Bad deploys stop early]
IF [Add a canary stage] THEN [Bad deploys stop early]
DESIRED [Releases are safe]
CAUSE [Stray cause]`,
			want: `root [R] explains [U] removes [U] depth 1 share 100 core
dangling [Stray cause]
cover [R] exact=true
fix [R] exact=true`,
		},
		{
			name: "exact search within the limit",
			src:  triangle,
			want: triangleWant("true", "true"),
		},
		{
			name: "greedy search beyond the limit",
			src:  triangle,
			opt:  tree.Options{ExactLimit: 2},
			want: triangleWant("false", "false"),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := parseTree(t, tc.src)
			got := summary(tr, tree.Analyze(tr, tc.opt))
			if got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// triangle has three UDEs each explained by two of three roots (OR), so two
// roots cover them (no two UDEs share no root, so the packing bound is 1) and
// all three must be fixed.
const triangle = `UDE [U1]
UDE [U2]
UDE [U3]
IF [A] THEN [U1]
IF [A] THEN [U2]
IF [B] THEN [U2]
IF [B] THEN [U3]
IF [C] THEN [U3]
IF [C] THEN [U1]`

func triangleWant(coverExact, fixExact string) string {
	return `root [A] explains [U1 U2] removes [] depth 1 share 67
root [B] explains [U2 U3] removes [] depth 1 share 67
root [C] explains [U1 U3] removes [] depth 1 share 67
cover [A B] exact=` + coverExact + `
fix [A B C] exact=` + fixExact + `
warn no_core_cause
warn tied_roots`
}

func TestAnalyzeAcceptedOnly(t *testing.T) {
	src := "UDE [U]\nIF [A] THEN [U] (accepted)\nIF [B] THEN [U]\nIF [C] THEN [U] (disputed)"
	tests := []struct {
		name string
		opt  tree.Options
		want string
	}{
		{
			name: "all links count before the challenge pass",
			want: `root [A] explains [U] removes [] depth 1 share 100 contributing
root [B] explains [U] removes [] depth 1 share 100 contributing
root [C] explains [U] removes [] depth 1 share 100 contributing
cover [A] exact=true
fix [A B C] exact=true
warn no_core_cause
warn tied_roots`,
		},
		{
			name: "only accepted links count once it started",
			opt:  tree.Options{AcceptedOnly: true},
			want: `root [A] explains [U] removes [U] depth 1 share 100 core
dangling [B C]
cover [A] exact=true
fix [A] exact=true
unreviewed [2 3]
warn unreviewed_links`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := parseTree(t, src)
			if got := summary(tr, tree.Analyze(tr, tc.opt)); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestAnalyzePaymentOutage(t *testing.T) {
	src, err := os.ReadFile("testdata/analyze/payment-outage.cst") // a copy of shared/examples
	if err != nil {
		t.Fatal(err)
	}
	tr := parseTree(t, string(src))
	a := tree.Analyze(tr, tree.Options{})
	kpi, _ := tr.NodeByText("The organizational KPIs measure delivery speed and ignore engineering quality")
	staging, _ := tr.NodeByText("Production data is too sensitive to copy into staging")
	outage, _ := tr.NodeByText("The core payment routing service was down for 45 minutes")
	if kpi == nil || staging == nil || outage == nil {
		t.Fatal("example nodes not found")
	}
	if len(a.CoreCauses) != 1 || !slices.Equal(a.Roots[a.CoreCauses[0]].Nodes, []tree.NodeID{kpi.ID}) {
		t.Fatalf("core causes = %v, want only %s", a.CoreCauses, kpi.ID)
	}
	core := a.Roots[a.CoreCauses[0]]
	if len(core.Explains) != 3 || len(core.Removes) != 3 || core.Share != 1 {
		t.Errorf("core explains %v removes %v share %v, want 3/3, 3/3, 1", core.Explains, core.Removes, core.Share)
	}
	if len(a.Roots) != 2 || !slices.Equal(a.Roots[1].Nodes, []tree.NodeID{staging.ID}) {
		t.Fatalf("roots = %+v, want the KPI root then the staging-data root", a.Roots)
	}
	if got := a.Roots[1]; !slices.Equal(got.Explains, []tree.NodeID{outage.ID}) || !slices.Equal(got.Removes, []tree.NodeID{outage.ID}) {
		t.Errorf("staging root explains %v removes %v, want %s for both (it sits in an AND chain)", got.Explains, got.Removes, outage.ID)
	}
	if len(a.Warnings) != 0 {
		t.Errorf("warnings = %v, want none", a.Warnings)
	}
	if len(a.Chains) != 3 {
		t.Fatalf("chains = %v, want one per UDE", a.Chains)
	}
	want := `IF [The organizational KPIs measure delivery speed and ignore engineering quality] THEN [Resilience work never wins against feature work in planning]
IF [Resilience work never wins against feature work in planning] THEN [The business layer has no circuit breaker configured]
IF [A slow SQL query exhausts the database connection pool] AND [The business layer has no circuit breaker configured] THEN [Microservices cascade fail and the payment API times out]
IF [Microservices cascade fail and the payment API times out] AND [Rolling back takes a long time] THEN [The core payment routing service was down for 45 minutes]`
	if got := tree.ChainText(tr, a.Chains[0]); got != want {
		t.Errorf("first chain:\n%s\nwant:\n%s", got, want)
	}
}

func TestChains(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "shortest path of two steps",
			src:  "UDE [U]\nIF [R] THEN [M]\nIF [M] AND [P] THEN [U]\nIF [R] THEN [P]",
			want: []string{"IF [R] THEN [M]\nIF [M] AND [P] THEN [U]"},
		},
		{
			name: "the shorter of two paths wins",
			src:  "UDE [U]\nIF [R] THEN [X]\nIF [X] THEN [Y]\nIF [Y] THEN [U]\nIF [R] THEN [Z]\nIF [Z] THEN [U]",
			want: []string{"IF [R] THEN [Z]\nIF [Z] THEN [U]"},
		},
		{
			name: "from a loop root, starting at the loop node on the path",
			src:  "UDE [U]\nIF [A] THEN [B]\nIF [B] THEN [A]\nIF [B] THEN [U]",
			want: []string{"IF [B] THEN [U]"},
		},
		{
			name: "no chains without a core cause",
			src:  "UDE [U1]\nUDE [U2]\nIF [A] THEN [U1]\nIF [B] THEN [U2]",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := parseTree(t, tc.src)
			var got []string
			for _, c := range tree.Analyze(tr, tree.Options{}).Chains {
				got = append(got, tree.ChainText(tr, c))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("chains = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestChainsAreBounded(t *testing.T) {
	tr := parseTree(t, "UDE [U1]\nUDE [U2]\nUDE [U3]\nIF [R] THEN [U1]\nIF [R] THEN [U2]\nIF [R] THEN [U3]")
	a := tree.Analyze(tr, tree.Options{MaxChains: 2})
	if len(a.Chains) != 2 || a.ChainsLeftOut != 1 {
		t.Errorf("MaxChains 2: %d chains listed, %d left out; want 2 and 1", len(a.Chains), a.ChainsLeftOut)
	}
	// A chain of 3,000 steps is longer than all listed chains may be together.
	var b strings.Builder
	b.WriteString("UDE [N0]\n")
	for i := 1; i <= 3000; i++ {
		fmt.Fprintf(&b, "IF [N%d] THEN [N%d]\n", i, i-1)
	}
	long := parseTree(t, b.String())
	a = tree.Analyze(long, tree.Options{})
	if len(a.CoreCauses) != 1 || len(a.Chains) != 0 || a.ChainsLeftOut != 1 {
		t.Errorf("long chain: %d core causes, %d chains listed, %d left out; want 1, 0 and 1", len(a.CoreCauses), len(a.Chains), a.ChainsLeftOut)
	}
}

func TestEliminate(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		cut      []string
		opt      tree.Options
		removed  string
		holding  string
		leftUDEs string
	}{
		{
			name: "AND: one cause is enough to break the group", src: "UDE [U]\nIF [A] AND [B] THEN [U]",
			cut: []string{"B"}, removed: "[U]", holding: "[A]", leftUDEs: "[]",
		},
		{
			name: "OR: the other group still holds", src: "UDE [U]\nIF [A] THEN [U]\nIF [B] THEN [U]",
			cut: []string{"B"}, removed: "[]", holding: "[U A]", leftUDEs: "[U]",
		},
		{
			name: "loop root stops when any of its nodes is neutralised", src: "UDE [U]\nIF [A] THEN [B]\nIF [B] THEN [A]\nIF [B] THEN [U]",
			cut: []string{"A"}, removed: "[U]", holding: "[]", leftUDEs: "[]",
		},
		{
			name: "loop root holds otherwise", src: "UDE [U]\nIF [A] THEN [B]\nIF [B] THEN [A]\nIF [B] THEN [U]\nIF [C] THEN [U]",
			cut: []string{"C"}, removed: "[]", holding: "[U A B]", leftUDEs: "[U]",
		},
		{
			name: "supported loop dies with its support (least fixpoint)", src: "UDE [U]\nIF [R] THEN [A]\nIF [A] THEN [B]\nIF [B] THEN [A]\nIF [B] THEN [U]",
			cut: []string{"R"}, removed: "[U]", holding: "[]", leftUDEs: "[]",
		},
		{
			name: "a neutralised UDE is removed", src: "UDE [U]\nIF [A] THEN [U]",
			cut: []string{"U"}, removed: "[U]", holding: "[A]", leftUDEs: "[]",
		},
		{
			name: "an unexplained UDE holds and keeps its effects", src: "UDE [U1]\nUDE [U2]\nIF [U1] THEN [U2]\nIF [R] THEN [U2]",
			cut: []string{"R"}, removed: "[]", holding: "[U1 U2]", leftUDEs: "[U1 U2]",
		},
		{
			name: "only accepted links count", src: "UDE [U]\nIF [A] THEN [U] (accepted)\nIF [B] THEN [U]",
			cut: []string{"A"}, opt: tree.Options{AcceptedOnly: true}, removed: "[U]", holding: "[B]", leftUDEs: "[]",
		},
		{
			name: "nothing neutralised", src: "UDE [U]\nIF [A] AND [B] THEN [U]",
			removed: "[]", holding: "[U A B]", leftUDEs: "[U]",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := parseTree(t, tc.src)
			var cut []tree.NodeID
			for _, s := range tc.cut {
				n, ok := tr.NodeByText(s)
				if !ok {
					t.Fatalf("no node %q", s)
				}
				cut = append(cut, n.ID)
			}
			cut = append(cut, 999) // unknown numbers are ignored
			el := tree.Eliminate(tr, cut, tc.opt)
			if got := texts(tr, el.Removed); got != tc.removed {
				t.Errorf("removed = %s, want %s", got, tc.removed)
			}
			if got := texts(tr, el.Holding); got != tc.holding {
				t.Errorf("holding = %s, want %s", got, tc.holding)
			}
			if got := texts(tr, el.Remaining); got != tc.leftUDEs {
				t.Errorf("remaining = %s, want %s", got, tc.leftUDEs)
			}
			if len(el.Neutralised) != len(tc.cut) {
				t.Errorf("neutralised = %v, want the %d known nodes", el.Neutralised, len(tc.cut))
			}
		})
	}
}

func TestChainText(t *testing.T) {
	tr := parseTree(t, "UDE [U]\nIF [A] AND [B] THEN [C]\nIF [C] THEN [U]")
	tests := []struct {
		name  string
		chain tree.Chain
		want  string
	}{
		{name: "two steps", chain: tree.Chain{Steps: []tree.GroupID{1, 2}}, want: "IF [A] AND [B] THEN [C]\nIF [C] THEN [U]"},
		{name: "no steps", chain: tree.Chain{}, want: ""},
		{name: "a removed link", chain: tree.Chain{Steps: []tree.GroupID{7}}, want: "(link 7 no longer exists)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tree.ChainText(tr, tc.chain); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWarningMessages(t *testing.T) {
	tr := parseTree(t, "UDE [U1]\nUDE [U2]\nUDE [U3]\nIF [A] THEN [U1]\nIF [B] THEN [U2]\nIF [C] THEN [U3]")
	a := tree.Analyze(tr, tree.Options{})
	want := map[tree.WarningCode]string{
		tree.WarnNoCoreCause:      "No root cause is a core cause: none both explains 70 % of the symptoms' impact and removes that much when fixed alone. Fixing #4, #5 and #6 together removes every symptom that can be removed (3 of 3). The closest, #4, explains 33 % (1 of 3 symptoms) and removes 33 % when fixed alone.",
		tree.WarnSeparateClusters: "The tree looks like separate clusters: no root cause explains even half of the impact. Together, #4, #5 and #6 explain every explained symptom. Look for a shared cause only if the team really sees one.",
		tree.WarnTiedRoots:        "#4, #5 and #6 tie at the top (each explains 33 % and, fixed alone, removes 33 %): they may hide a conflict worth discussing together.",
	}
	if len(a.Warnings) != len(want) {
		t.Fatalf("warnings = %v, want %d", a.Warnings, len(want))
	}
	for _, w := range a.Warnings {
		if w.Message != want[w.Code] {
			t.Errorf("%s:\n got %q\nwant %q", w.Code, w.Message, want[w.Code])
		}
	}
}

// randomTree builds an unstructured tree: any node may cause any other, in
// AND groups of up to three, so loops of every size and AND groups into loops
// appear (the generator's trees are layered).
func randomTree(t *testing.T, seed uint64, n, links int) *tree.Tree {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	tr := tree.New("random")
	for i := range n {
		kind := tree.KindCause
		if i < n/5 {
			kind = tree.KindUDE
		}
		if _, err := tr.AddNode(tree.Node{Kind: kind, Text: fmt.Sprintf("N%d", i+1), Weight: rng.IntN(4)}); err != nil {
			t.Fatal(err)
		}
	}
	for range links {
		causes := []tree.NodeID{}
		for range 1 + rng.IntN(3) {
			if c := tree.NodeID(1 + rng.IntN(n)); !slices.Contains(causes, c) {
				causes = append(causes, c)
			}
		}
		// Errors (self-links, duplicates) just skip the link.
		_, _ = tr.AddGroup(tree.Group{Effect: tree.NodeID(1 + rng.IntN(n)), Causes: causes, Status: tree.StatusAccepted})
	}
	return tr
}

// oracle recomputes analysis facts the plain way, for comparison.
type oracle struct {
	tr       *tree.Tree
	effects  map[tree.NodeID][]tree.NodeID // cause → effects
	baseline []tree.NodeID                 // UDEs removed with nothing neutralised
}

func newOracle(tr *tree.Tree) *oracle {
	o := &oracle{tr: tr, effects: map[tree.NodeID][]tree.NodeID{}}
	for _, g := range tr.Groups() {
		for _, c := range g.Causes {
			o.effects[c] = append(o.effects[c], g.Effect)
		}
	}
	o.baseline = tree.Eliminate(tr, nil, tree.Options{}).Removed
	return o
}

// reach returns the UDEs reachable from the given nodes.
func (o *oracle) reach(from []tree.NodeID) []tree.NodeID {
	seen := map[tree.NodeID]bool{}
	queue := slices.Clone(from)
	for _, id := range queue {
		seen[id] = true
	}
	for i := 0; i < len(queue); i++ {
		for _, e := range o.effects[queue[i]] {
			if !seen[e] {
				seen[e] = true
				queue = append(queue, e)
			}
		}
	}
	var out []tree.NodeID
	for id := range seen {
		if n, _ := o.tr.Node(id); n.Kind == tree.KindUDE {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// removedBy returns the UDEs that stop holding when the roots are fixed,
// measured with Eliminate against the tree with nothing neutralised.
func (o *oracle) removedBy(roots []tree.Root) []tree.NodeID {
	var cut []tree.NodeID
	for _, r := range roots {
		cut = append(cut, r.Nodes...)
	}
	return minus(tree.Eliminate(o.tr, cut, tree.Options{}).Removed, o.baseline)
}

// minus returns a without the elements of b.
func minus(a, b []tree.NodeID) []tree.NodeID {
	var out []tree.NodeID
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// pickRoots returns the roots at the given indexes.
func pickRoots(a *tree.Analysis, idx []int) []tree.Root {
	out := make([]tree.Root, len(idx))
	for i, j := range idx {
		out[i] = a.Roots[j]
	}
	return out
}

// TestAnalyzeAgreesWithOracles checks Explains, Removes, Cover and Fix of
// random and generated trees against plain re-computations: a breadth-first
// search per root and a full Eliminate fixpoint per root or set, and checks
// that sets marked exact are minimal by trying every smaller set.
func TestAnalyzeAgreesWithOracles(t *testing.T) {
	tests := []struct {
		name string
		tree func(t *testing.T) *tree.Tree
	}{
		{name: "generated 30", tree: func(*testing.T) *tree.Tree { return treetest.Generate(3, 30) }},
		{name: "generated 40", tree: func(*testing.T) *tree.Tree { return treetest.Generate(4, 40) }},
		{name: "generated 150", tree: func(*testing.T) *tree.Tree { return treetest.Generate(5, 150) }},
		{name: "generated 500", tree: func(*testing.T) *tree.Tree { return treetest.Generate(6, 500) }},
	}
	for seed := range uint64(50) {
		n := 8 + int(seed%5)*4
		if seed >= 40 {
			n = 60
		}
		tests = append(tests, struct {
			name string
			tree func(t *testing.T) *tree.Tree
		}{name: fmt.Sprintf("random %d nodes seed %d", n, seed), tree: func(t *testing.T) *tree.Tree { return randomTree(t, seed, n, n+int(seed%7)) }})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := tc.tree(t)
			a := tree.Analyze(tr, tree.Options{})
			o := newOracle(tr)
			var explained []tree.NodeID
			for _, r := range a.Roots {
				if got, want := r.Explains, o.reach(r.Nodes); !slices.Equal(got, want) {
					t.Errorf("root %v explains %v, want %v", r.Nodes, got, want)
				}
				if got, want := r.Removes, o.removedBy([]tree.Root{r}); !slices.Equal(got, want) && len(got)+len(want) > 0 {
					t.Errorf("root %v removes %v, want %v", r.Nodes, got, want)
				}
				explained = append(explained, r.Explains...)
			}
			slices.Sort(explained)
			explained = slices.Compact(explained)
			checkCover(t, a, explained)
			checkFix(t, o, a)
		})
	}
}

// checkCover verifies the cover and, when exact, that no smaller set covers.
func checkCover(t *testing.T, a *tree.Analysis, explained []tree.NodeID) {
	t.Helper()
	covers := func(idx []int) bool {
		var got []tree.NodeID
		for _, r := range pickRoots(a, idx) {
			got = append(got, r.Explains...)
		}
		return len(minus(explained, got)) == 0
	}
	if !slices.Equal(a.Cover.Covered, explained) && len(explained) > 0 {
		t.Errorf("cover.covered = %v, want %v", a.Cover.Covered, explained)
	}
	if !covers(a.Cover.Roots) {
		t.Errorf("cover %v misses UDEs", a.Cover.Roots)
	}
	if a.Cover.Exact && len(a.Roots) <= 16 && len(a.Cover.Roots) > 0 {
		if s := smallerSet(len(a.Roots), len(a.Cover.Roots)-1, covers); s != nil {
			t.Errorf("cover %v marked exact, but %v also covers", a.Cover.Roots, s)
		}
	}
}

// checkFix verifies the fix set and, when exact, that no smaller set works.
func checkFix(t *testing.T, o *oracle, a *tree.Analysis) {
	t.Helper()
	removable := o.removedBy(a.Roots)
	if !slices.Equal(a.Fix.Covered, removable) && len(removable) > 0 {
		t.Errorf("fix.covered = %v, want %v", a.Fix.Covered, removable)
	}
	fixes := func(idx []int) bool { return len(minus(removable, o.removedBy(pickRoots(a, idx)))) == 0 }
	if !fixes(a.Fix.Roots) {
		t.Errorf("fix %v leaves UDEs of %v", a.Fix.Roots, removable)
	}
	if a.Fix.Exact && len(a.Roots) <= 12 && len(a.Fix.Roots) > 0 {
		if s := smallerSet(len(a.Roots), len(a.Fix.Roots)-1, fixes); s != nil {
			t.Errorf("fix %v marked exact, but %v also removes every UDE", a.Fix.Roots, s)
		}
	}
}

// smallerSet returns a set of k of n indexes for which ok holds, or nil.
func smallerSet(n, k int, ok func([]int) bool) []int {
	var found []int
	var rec func(start int, cur []int) bool
	rec = func(start int, cur []int) bool {
		if len(cur) == k {
			if ok(cur) {
				found = slices.Clone(cur)
				return true
			}
			return false
		}
		for i := start; i < n; i++ {
			if rec(i+1, append(cur, i)) {
				return true
			}
		}
		return false
	}
	rec(0, nil)
	return found
}

func TestAnalyzeIsDeterministic(t *testing.T) {
	tr := treetest.Generate(9, 400)
	first, err := json.Marshal(tree.Analyze(tr, tree.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		again, _ := json.Marshal(tree.Analyze(tr.Clone(), tree.Options{}))
		if !bytes.Equal(first, again) {
			t.Fatalf("run %d differs", i+2)
		}
	}
}

func init() {
	// Other test files of the package may define -update too; define it once.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files under testdata/")
	}
}

// anUpdate reports whether -update was given.
func anUpdate() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// TestAnalyzeGolden pins the JSON report (a documented interface) of the
// example tree and of a generated one; run with -update to rewrite.
func TestAnalyzeGolden(t *testing.T) {
	example, err := os.ReadFile("testdata/analyze/payment-outage.cst")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		golden string
		tree   func(t *testing.T) *tree.Tree
	}{
		{name: "payment outage", golden: "payment-outage.json", tree: func(t *testing.T) *tree.Tree { return parseTree(t, string(example)) }},
		{name: "generated 60", golden: "generated-60.json", tree: func(*testing.T) *tree.Tree { return treetest.Generate(60, 60) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := json.MarshalIndent(tree.Analyze(tc.tree(t), tree.Options{}), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "analyze", tc.golden)
			if anUpdate() {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the analysis:\n%s", path, got)
			}
		})
	}
}

func TestBuild(t *testing.T) {
	nodes := []tree.Node{{Kind: tree.KindUDE, Text: "U"}, {Text: "A"}, {Text: "B"}}
	tests := []struct {
		name    string
		groups  []tree.Group
		wantErr error
	}{
		{name: "valid AND and OR groups", groups: []tree.Group{{Effect: 1, Causes: []tree.NodeID{2, 3}}, {Effect: 1, Causes: []tree.NodeID{2}}}},
		{name: "duplicate group in another order", groups: []tree.Group{{Effect: 1, Causes: []tree.NodeID{2, 3}}, {Effect: 1, Causes: []tree.NodeID{3, 2}}}, wantErr: tree.ErrDuplicateLink},
		{name: "self link", groups: []tree.Group{{Effect: 2, Causes: []tree.NodeID{2}}}, wantErr: tree.ErrSelfLink},
		{name: "unknown cause", groups: []tree.Group{{Effect: 1, Causes: []tree.NodeID{9}}}, wantErr: tree.ErrUnknownNode},
		{name: "unknown effect", groups: []tree.Group{{Effect: 9, Causes: []tree.NodeID{2}}}, wantErr: tree.ErrUnknownNode},
		{name: "repeated cause", groups: []tree.Group{{Effect: 1, Causes: []tree.NodeID{2, 2}}}, wantErr: tree.ErrInvalidNode},
		{name: "no cause", groups: []tree.Group{{Effect: 1}}, wantErr: tree.ErrInvalidNode},
		{name: "taken link number", groups: []tree.Group{{ID: 4, Effect: 1, Causes: []tree.NodeID{2}}, {ID: 4, Effect: 1, Causes: []tree.NodeID{3}}}, wantErr: tree.ErrDuplicateLink},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			built, err := tree.Build("t", nodes, tc.groups)
			if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
				t.Fatalf("error = %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			// The same lists through AddNode/AddGroup give the same tree.
			want := tree.New("t")
			for _, n := range nodes {
				if _, err := want.AddNode(n); err != nil {
					t.Fatal(err)
				}
			}
			for _, g := range tc.groups {
				if _, err := want.AddGroup(g); err != nil {
					t.Fatal(err)
				}
			}
			if got, exp := string(tree.Format(built)), string(tree.Format(want)); got != exp {
				t.Errorf("built:\n%s\nwant:\n%s", got, exp)
			}
		})
	}
}

func ExampleAnalyze() {
	t, err := tree.Parse([]byte(`UDE [Checkout was down for 40 minutes]
UDE [Alerts fired 15 minutes late]
IF [A slow query exhausts the pool] AND [No circuit breaker is configured] THEN [Checkout was down for 40 minutes]
IF [Resilience work never wins in planning] THEN [No circuit breaker is configured]
IF [Resilience work never wins in planning] THEN [Alert thresholds are never reviewed]
IF [Alert thresholds are never reviewed] THEN [Alerts fired 15 minutes late]`))
	if err != nil {
		fmt.Println(err)
		return
	}
	a := tree.Analyze(t, tree.Options{})
	for _, i := range a.CoreCauses {
		r := a.Roots[i]
		n, _ := t.Node(r.Nodes[0])
		fmt.Printf("core cause %s %q explains %d/%d UDEs (%.0f %%), fixing it removes %d\n",
			n.ID, n.Text, len(r.Explains), len(a.UDEs), r.Share*100, len(r.Removes))
	}
	fmt.Println(tree.ChainText(t, a.Chains[0]))
	// Output:
	// core cause #5 "Resilience work never wins in planning" explains 2/2 UDEs (100 %), fixing it removes 2
	// IF [Resilience work never wins in planning] THEN [No circuit breaker is configured]
	// IF [A slow query exhausts the pool] AND [No circuit breaker is configured] THEN [Checkout was down for 40 minutes]
}

func ExampleEliminate() {
	t, _ := tree.Parse([]byte(`UDE [U]
IF [A] AND [B] THEN [U]
IF [C] THEN [U]`))
	a, _ := t.NodeByText("A")
	c, _ := t.NodeByText("C")
	fmt.Println(tree.Eliminate(t, []tree.NodeID{a.ID}, tree.Options{}).Removed)
	fmt.Println(tree.Eliminate(t, []tree.NodeID{a.ID, c.ID}, tree.Options{}).Removed)
	// Output:
	// []
	// [#1]
}
