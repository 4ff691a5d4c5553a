package bot

import (
	"fmt"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/treetest"
	"github.com/untangle-rca/untangle/workflow"
)

// outlineSelectOptions returns the values of the page's "Add cause under…"
// options, or nil when the page has no such select.
func outlineSelectOptions(blocks []slack.Block) []string {
	for _, b := range blocks {
		a, ok := b.(*slack.ActionBlock)
		if !ok {
			continue
		}
		for _, el := range a.Elements.ElementSet {
			if sel, ok := el.(*slack.SelectBlockElement); ok && sel.ActionID == actOutlineAddCause {
				out := make([]string, len(sel.Options))
				for i, o := range sel.Options {
					out[i] = o.Value
				}
				return out
			}
		}
	}
	return nil
}

func TestOutlineAddCauseSelectPerPage(t *testing.T) {
	tests := []struct {
		name   string
		tree   func(t *testing.T) *tree.Tree
		phase  workflow.Phase
		offers bool
	}{
		{name: "empty tree", tree: func(*testing.T) *tree.Tree { return tree.New("empty") }, phase: workflow.PhaseCollecting},
		{name: "one page", tree: func(*testing.T) *tree.Tree { return treetest.Generate(3, 12) }, phase: workflow.PhaseWiring, offers: true},
		{name: "45 nodes, two pages", tree: func(*testing.T) *tree.Tree { return treetest.Generate(1, 45) }, phase: workflow.PhaseChallenging, offers: true},
		{name: "escape heavy 130", tree: func(t *testing.T) *tree.Tree { return outlineEscapeHeavy(t, 130) }, phase: workflow.PhaseWiring, offers: true},
		{name: "1000 nodes", tree: func(*testing.T) *tree.Tree { return treetest.Generate(7, 1000) }, phase: workflow.PhaseCollecting, offers: true},
		{name: "fixing takes no causes", tree: func(*testing.T) *tree.Tree { return treetest.Generate(3, 12) }, phase: workflow.PhaseFixing},
		{name: "closed takes no causes", tree: func(*testing.T) *tree.Tree { return treetest.Generate(3, 12) }, phase: workflow.PhaseClosed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := tc.tree(t)
			rca := &workflow.RCA{ID: 9, Title: "Outage", Phase: tc.phase}
			lines := outlineLines(tr)
			seen := map[string]bool{}
			for page := 1; page <= outlinePages(len(lines)); page++ {
				blocks := withOutlineAddCause(outlineBlocks(rca, lines, page), rca, tr, page)
				if errs := slacktest.ValidateBlocks(slacktest.SurfaceMessage, blocks); len(errs) > 0 {
					t.Fatalf("page %d refused by Slack: %v", page, errs)
				}
				opts := outlineSelectOptions(blocks)
				if (opts != nil) != tc.offers {
					t.Fatalf("page %d: select shown = %v, want %v", page, opts != nil, tc.offers)
				}
				// Every option is a node listed on this very page.
				text := slacktest.PlainText(blocks)
				for _, v := range opts {
					_, items, err := parseValue(v)
					if err != nil || len(items) != 1 {
						t.Fatalf("option value %q: %v", v, err)
					}
					if !strings.Contains(text, fmt.Sprintf("*#%d* ", items[0])) {
						t.Errorf("page %d offers #%d, which it does not list", page, items[0])
					}
					seen[v] = true
				}
			}
			if tc.offers && len(seen) != tr.NumNodes() {
				t.Errorf("%d nodes offered over all pages, the tree has %d", len(seen), tr.NumNodes())
			}
		})
	}
}

func TestSufficiencyModalFitsSlack(t *testing.T) {
	long := func(i int) string { return fmt.Sprintf("%d %s", i, strings.Repeat("<&>", 98)) }
	tests := []struct {
		name   string
		causes int  // causes already in the link
		others bool // nodes beyond the link exist
		want   []string
	}{
		{name: "a lone cause, nothing else in the tree", causes: 1, want: []string{"IF #2 AND … THEN #1", "What else must be true"}},
		{name: "a lone cause among other nodes", causes: 1, others: true, want: []string{"Existing node", "IF #2 AND … THEN #1"}},
		{name: "an AND link of three", causes: 3, others: true, want: []string{"IF #2 AND #3 AND #4 AND … THEN #1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := tree.New("t")
			n := tc.causes + 1
			if tc.others {
				n++
			}
			for i := 1; i <= n; i++ {
				if _, err := tr.AddNode(tree.Node{Text: long(i)}); err != nil {
					t.Fatal(err)
				}
			}
			causes := make([]tree.NodeID, tc.causes)
			for i := range causes {
				causes[i] = tree.NodeID(i + 2)
			}
			g, err := tr.AddGroup(tree.Group{Effect: 1, Causes: causes})
			if err != nil {
				t.Fatal(err)
			}
			v := sufficiencyModal(7, tr, g)
			if errs := slacktest.ValidateView(v); len(errs) > 0 {
				t.Fatalf("modal refused: %v", errs)
			}
			if rcaID, link, effect, err := sufficiencyTarget(v.PrivateMetadata); err != nil || rcaID != 7 || link != g.ID || effect != 1 {
				t.Errorf("metadata %q → %d, %d, %s, %v", v.PrivateMetadata, rcaID, link, effect, err)
			}
			text := slacktest.PlainText(v.Blocks)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("modal lacks %q:\n%s", w, text)
				}
			}
			if strings.Contains(text, "<&>") {
				t.Errorf("node text is not escaped:\n%s", text)
			}
		})
	}
}

func TestSufficiencyBlocksFollowTheWorkflowPrompts(t *testing.T) {
	tr := tree.New("t")
	for _, text := range []string{"Checkout fails", "Tickets double", "API <times> out", "Retries are unbounded"} {
		if _, err := tr.AddNode(tree.Node{Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	for _, g := range []tree.Group{{Effect: 1, Causes: []tree.NodeID{3}}, {Effect: 2, Causes: []tree.NodeID{3, 4}}} {
		if _, err := tr.AddGroup(g); err != nil {
			t.Fatal(err)
		}
	}
	n, _ := tr.Node(3)
	step := workflow.NextStep(tr, nil)
	blocks := sufficiencyBlocks(5, &step, tr, n)
	if len(blocks) != 1 {
		t.Fatalf("%d prompts, want 1 (the AND link asks nothing): %s", len(blocks), slacktest.PlainText(blocks))
	}
	s := blocks[0].(*slack.SectionBlock)
	if s.Accessory == nil || s.Accessory.ButtonElement == nil {
		t.Fatalf("prompt without a button: %s", slacktest.PlainText(blocks))
	}
	if btn := s.Accessory.ButtonElement; btn.ActionID != actSufficiency || btn.Value != rcaValue(5, 1, 1) {
		t.Fatalf("prompt button = %+v", btn)
	}
	if !strings.Contains(s.Text.Text, "Is [API &lt;times&gt; out] always enough to produce [Checkout fails]?") {
		t.Errorf("prompt text %q", s.Text.Text)
	}
	if errs := slacktest.ValidateBlocks(slacktest.SurfaceMessage, blocks); len(errs) > 0 {
		t.Errorf("refused: %v", errs)
	}
	// Without the workflow's prompt there is no button.
	if got := sufficiencyBlocks(5, &workflow.WalkStep{}, tr, n); len(got) != 0 {
		t.Errorf("%d prompts without the workflow asking", len(got))
	}
}
