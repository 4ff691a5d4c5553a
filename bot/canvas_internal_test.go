package bot

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

func TestCanvasTextEscapesHostileText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain words", "plain words"},
		{"**bold** _it_ `code` ~strike~", `\*\*bold\*\* \_it\_ \` + "`code\\`" + ` \~strike\~`},
		{"[click](https://evil.example)", `\[click\]\(https://evil.example\)`},
		{"![](@U123) mention", `\!\[\]\(@U123\) mention`},
		{"# heading\n- item\r\n| a | b |", `\# heading - item  \| a \| b \|`},
		{"<script>&amp;</script>", "&lt;script&gt;&amp;amp;&lt;/script&gt;"},
		{`back\slash`, `back\\slash`},
	}
	for _, tt := range tests {
		if got := canvasText(tt.in); got != tt.want {
			t.Errorf("canvasText(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.ContainsAny(canvasText(tt.in), "\n\r") {
			t.Errorf("canvasText(%q) keeps a line break", tt.in)
		}
	}
}

// canvasSummary is the example RCA closed with three fixes: one done, one
// in progress with an owner and ticket, one dropped.
func canvasSummary(t *testing.T) *workflow.Summary {
	t.Helper()
	s := goldenSnapshot(t, workflow.PhaseClosed)
	s.RCA.CreatedAt = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	s.RCA.ClosedAt = time.Date(2026, 12, 3, 11, 30, 0, 0, time.UTC)
	a := s.Analysis
	sum := &workflow.Summary{RCA: s.RCA, Tree: s.Tree, Analysis: a, Duration: 50*time.Hour + 30*time.Minute}
	for _, i := range a.CoreCauses {
		r := a.Roots[i]
		c := workflow.CoreCause{Node: r.Nodes[0], Explains: r.Explains, Share: r.Share, Removes: r.Removes}
		for _, ch := range a.Chains {
			c.Chains = append(c.Chains, tree.ChainText(s.Tree, ch))
		}
		sum.CoreCauses = append(sum.CoreCauses, c)
	}
	var roots []tree.NodeID
	for _, r := range a.Roots {
		roots = append(roots, r.Nodes[0])
	}
	statuses := []workflow.FixStatus{workflow.FixDone, workflow.FixInProgress, workflow.FixDropped}
	for i, node := range roots[:min(3, len(roots))] {
		f := fixOutcome(s.Tree, int64(i+1), node, "Add a *pool* <limit> for "+node.String())
		f.Fix.Status = statuses[i]
		switch f.Fix.Status {
		case workflow.FixInProgress:
			f.Fix.Owner, f.Fix.Due, f.Fix.Ticket = "UBOB", time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC), "https://tracker.example/T-12"
		case workflow.FixDropped:
			f.Fix.Reason = "Too [costly](https://x.example)"
		}
		sum.Fixes = append(sum.Fixes, f)
	}
	var done []tree.NodeID
	for _, f := range sum.Fixes {
		if f.Fix.Status == workflow.FixDone {
			done = append(done, f.Fix.Node)
		}
	}
	doneElim := tree.Eliminate(s.Tree, done, tree.Options{})
	sum.Progress = workflow.FixProgress{Done: 1, Total: 2, Dropped: 1, Removed: doneElim.Removed, Open: doneElim.Remaining}
	sum.Combined = tree.Eliminate(s.Tree, roots[:min(3, len(roots))], tree.Options{})
	sum.Open.OpenReservations = []workflow.Reservation{{Category: workflow.CatCauseInsufficient, Note: "A pool alone is <not> enough"}}
	sum.Negative = tree.FutureOf(s.Tree, tree.Options{}).Negative // the example's branch, untrimmed
	return sum
}

func TestCanvasMarkdownGolden(t *testing.T) {
	got := canvasMarkdown(canvasSummary(t), map[string]string{"UBOB": "Bob *the* builder"}, time.UTC)
	checkGoldenFile(t, filepath.Join("testdata", "canvas", "report.md.golden"), []byte(got))
	for _, want := range []string{"## Fixes", "in progress", "owner: Bob \\*the\\* builder", "[ticket](https://tracker.example/T-12)", "## Remaining risks", "rca-tree.json",
		"negative branch of the fixes, not trimmed: IF #16 Quality KPIs count as much as delivery speed THEN #17 Feature work slows &lt;down&gt; &amp; stalls"} {
		if !strings.Contains(got, want) {
			t.Errorf("canvas lacks %q", want)
		}
	}
}
