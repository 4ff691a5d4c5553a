package bot

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/treetest"
	"github.com/untangle-rca/untangle/workflow"
)

// exampleTree is the payment-outage example with every link accepted.
func exampleTree(t *testing.T) *tree.Tree {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "payment-outage.cst"))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := tree.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// proposeButtons returns the node numbers of the "Propose fix" buttons.
func proposeButtons(blocks []slack.Block) []int64 {
	var out []int64
	for _, b := range blocks {
		s, ok := b.(*slack.SectionBlock)
		if !ok || s.Accessory == nil || s.Accessory.ButtonElement == nil {
			continue
		}
		if btn := s.Accessory.ButtonElement; btn.ActionID == actProposeFix {
			_, items, err := parseValue(btn.Value)
			if err == nil && len(items) == 1 {
				out = append(out, items[0])
			}
		}
	}
	return out
}

func TestCoreCauseBlocks(t *testing.T) {
	tests := []struct {
		name    string
		tree    *tree.Tree
		phase   workflow.Phase
		wantFix bool
	}{
		{name: "example while wiring", tree: exampleTree(t), phase: workflow.PhaseWiring},
		{name: "example while fixing", tree: exampleTree(t), phase: workflow.PhaseFixing, wantFix: true},
		{name: "30 nodes while fixing", tree: treetest.Generate(3, 30), phase: workflow.PhaseFixing, wantFix: true},
		{name: "150 nodes while fixing", tree: treetest.Generate(1, 150), phase: workflow.PhaseFixing, wantFix: true},
		{name: "1000 nodes closed", tree: treetest.Generate(2, 1000), phase: workflow.PhaseClosed},
		{name: "no symptoms", tree: tree.New("empty"), phase: workflow.PhaseWiring},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tree.Analyze(tt.tree, tree.Options{AcceptedOnly: tt.phase != workflow.PhaseWiring})
			blocks := coreCauseBlocks(7, tt.phase, tt.tree, a)
			if errs := slacktest.ValidateBlocks(slacktest.SurfaceMessage, blocks); len(errs) > 0 {
				t.Fatalf("invalid blocks: %v", errs)
			}
			buttons := proposeButtons(blocks)
			if !tt.wantFix {
				if len(buttons) > 0 {
					t.Fatalf("Propose fix offered in %s: %v", tt.phase, buttons)
				}
				return
			}
			want := min(len(a.Roots), len(a.CoreCauses)+maxOtherRoots)
			if len(buttons) != want && len(blocks) < maxMessageBlocks {
				t.Errorf("%d Propose fix buttons, want one per listed root (%d)", len(buttons), want)
			}
			for _, i := range a.CoreCauses {
				if !slices.Contains(buttons, int64(a.Roots[i].Nodes[0])) {
					t.Errorf("core cause %v has no Propose fix button", a.Roots[i].Nodes)
				}
			}
		})
	}
}

func TestTreeAltTextNamesCoreCauses(t *testing.T) {
	tr := exampleTree(t)
	a := tree.Analyze(tr, tree.Options{})
	alt := treeAltText(tr, a)
	kpi, _ := tr.NodeByText("The organizational KPIs measure delivery speed and ignore engineering quality")
	if !strings.Contains(alt, kpi.ID.String()+" "+kpi.Text) || !strings.Contains(alt, "explains 3/3") {
		t.Errorf("alt text: %q", alt)
	}
	big := treetest.Generate(1, 3000)
	if n := len([]rune(treeAltText(big, tree.Analyze(big, tree.Options{})))); n > maxAltText {
		t.Errorf("alt text of a big tree has %d runes, more than %d", n, maxAltText)
	}
}

// fixOutcome is a fix against node with what it removes alone.
func fixOutcome(tr *tree.Tree, id int64, node tree.NodeID, injection string) workflow.FixOutcome {
	return workflow.FixOutcome{
		Fix:         workflow.Fix{ID: id, Node: node, Injection: injection},
		Elimination: tree.Eliminate(tr, []tree.NodeID{node}, tree.Options{}),
	}
}

func TestSummaryBlocksStayInLimits(t *testing.T) {
	tests := []struct {
		name string
		tree *tree.Tree
	}{
		{name: "example", tree: exampleTree(t)},
		{name: "150 nodes", tree: treetest.Generate(1, 150)},
		{name: "1000 nodes", tree: treetest.Generate(4, 1000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tree.Analyze(tt.tree, tree.Options{})
			sum := &workflow.Summary{RCA: workflow.RCA{Title: strings.Repeat("long <title> ", 20), Facilitator: "U1", Severity: "SEV1",
				CreatedAt: time.Date(2026, 3, 12, 9, 0, 0, 0, time.UTC), ClosedAt: time.Date(2026, 3, 14, 11, 30, 0, 0, time.UTC)},
				Tree: tt.tree, Analysis: a, Duration: 50 * time.Hour}
			for _, i := range append(a.CoreCauses, a.Cover.Roots...) {
				r := a.Roots[i]
				c := workflow.CoreCause{Node: r.Nodes[0], Explains: r.Explains, Share: r.Share, Removes: r.Removes}
				for _, ch := range a.Chains {
					c.Chains = append(c.Chains, tree.ChainText(tt.tree, ch))
				}
				sum.CoreCauses = append(sum.CoreCauses, c)
			}
			for i, r := range a.Roots {
				sum.Fixes = append(sum.Fixes, fixOutcome(tt.tree, int64(i+1), r.Nodes[0], "Injection "+strings.Repeat("x", 280)+r.Nodes[0].String()))
			}
			blocks := summaryBlocks(sum, time.UTC)
			if errs := slacktest.ValidateBlocks(slacktest.SurfaceMessage, blocks); len(errs) > 0 {
				t.Fatalf("invalid blocks: %v", errs)
			}
			text := slacktest.PlainText(blocks)
			if !strings.Contains(text, "2d 2h") || !strings.Contains(text, "SEV1") {
				t.Errorf("summary facts lack the duration or severity:\n%s", Truncate(text, 600))
			}
		})
	}
}

func TestHumanDuration(t *testing.T) {
	tests := []struct {
		name string
		d    time.Duration
		want string
	}{
		{name: "minutes", d: 45 * time.Minute, want: "45m"},
		{name: "hours", d: 2*time.Hour + 5*time.Minute + 20*time.Second, want: "2h 5m"},
		{name: "days", d: 76 * time.Hour, want: "3d 4h"},
		{name: "zero", d: 0, want: "0m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := humanDuration(tt.d); got != tt.want {
				t.Errorf("humanDuration(%v) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
}
