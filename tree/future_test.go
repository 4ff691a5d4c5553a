package tree_test

import (
	"os"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/tree"
)

// injection is a change against node with what it removes alone.
func injection(tr *tree.Tree, node tree.NodeID, text string) tree.Injection {
	return tree.Injection{Text: text, Removes: tree.Eliminate(tr, []tree.NodeID{node}, tree.Options{}).Removed}
}

func TestFutureTree(t *testing.T) {
	src, err := os.ReadFile("testdata/analyze/payment-outage.cst")
	if err != nil {
		t.Fatal(err)
	}
	ex := parseTree(t, string(src))
	kpi, _ := ex.NodeByText("The organizational KPIs measure delivery speed and ignore engineering quality")
	prod, _ := ex.NodeByText("Production data is too sensitive to copy into staging")

	// Two roots each enough on their own (OR): only fixing both removes the symptom.
	or := tree.New("or")
	ude, _ := or.AddNode(tree.Node{Kind: tree.KindUDE, Text: "Checkout fails"})
	a, _ := or.AddNode(tree.Node{Text: "Cache expires"})
	b, _ := or.AddNode(tree.Node{Text: "Database is slow"})
	for _, c := range []tree.NodeID{a.ID, b.ID} {
		if _, err := or.AddGroup(tree.Group{Effect: ude.ID, Causes: []tree.NodeID{c}}); err != nil {
			t.Fatal(err)
		}
	}
	long := strings.Repeat("Checkout fails ", 30)[:tree.MaxTextRunes]
	longTree := tree.New("long")
	lu, _ := longTree.AddNode(tree.Node{Kind: tree.KindUDE, Text: long})
	lc, _ := longTree.AddNode(tree.Node{Text: "Retries are unbounded"})
	if _, err := longTree.AddGroup(tree.Group{Effect: lu.ID, Causes: []tree.NodeID{lc.ID}}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		tree      *tree.Tree
		nodes     []tree.NodeID // the nodes the injections neutralise, in order
		texts     []string      // the injections' texts, in order
		wantAndDE int           // desired effects caused only by all injections together
		wantBare  bool          // nothing of the CST is left: every symptom is gone
	}{
		{name: "core cause removes all", tree: ex, nodes: []tree.NodeID{kpi.ID}, texts: []string{"Quality KPIs count"}, wantBare: true},
		{name: "one root removes one", tree: ex, nodes: []tree.NodeID{prod.ID}, texts: []string{"Anonymised production data in staging"}},
		{name: "two fixes, same text", tree: ex, nodes: []tree.NodeID{prod.ID, kpi.ID}, texts: []string{"Fix it", "Fix it"}, wantBare: true},
		{name: "only together", tree: or, nodes: []tree.NodeID{a.ID, b.ID}, texts: []string{"Cache never expires at peak", "Database has headroom"}, wantAndDE: 1, wantBare: true},
		{name: "desired effect of a longest symptom is clipped", tree: longTree, nodes: []tree.NodeID{lc.ID}, texts: []string{"Retries have a budget"}, wantBare: true},
		{name: "no injection", tree: ex},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			injections := make([]tree.Injection, len(tt.nodes))
			for i, id := range tt.nodes {
				injections[i] = injection(tt.tree, id, tt.texts[i])
			}
			combined := tree.Eliminate(tt.tree, tt.nodes, tree.Options{})
			frt, err := tree.FutureTree("Future Reality Tree: T", tt.tree, combined, injections)
			if err != nil {
				t.Fatal(err)
			}
			if frt.Title != "Future Reality Tree: T" {
				t.Errorf("title %q", frt.Title)
			}
			checkFutureTree(t, tt.tree, frt, combined, tt.nodes, tt.texts, tt.wantAndDE, tt.wantBare)
		})
	}
}

// checkFutureTree checks the shape of a Future Reality Tree.
func checkFutureTree(t *testing.T, cst, frt *tree.Tree, combined tree.Elimination, nodes []tree.NodeID, texts []string, wantAndDE int, wantBare bool) {
	t.Helper()
	count := map[tree.Kind]int{}
	for _, n := range frt.Nodes() {
		count[n.Kind]++
		if n.ID < cst.NextNodeID() {
			if c, ok := cst.Node(n.ID); !ok || c.Text != n.Text {
				t.Errorf("FRT node %s %q is not the CST's node of that number", n.ID, n.Text)
			}
		}
		if len([]rune(n.Text)) > tree.MaxTextRunes {
			t.Errorf("FRT node %s has %d runes", n.ID, len([]rune(n.Text)))
		}
	}
	if count[tree.KindDesiredEffect] != len(combined.Removed) {
		t.Errorf("%d desired effects, want one per removed symptom (%d)", count[tree.KindDesiredEffect], len(combined.Removed))
	}
	if count[tree.KindUDE] != len(combined.Remaining) {
		t.Errorf("%d symptoms left in the FRT, want the %d remaining", count[tree.KindUDE], len(combined.Remaining))
	}
	distinct := map[string]bool{}
	for _, s := range texts {
		distinct[s] = true
	}
	if count[tree.KindInjection] != len(distinct) {
		t.Errorf("%d injections, want one per distinct text (%d)", count[tree.KindInjection], len(distinct))
	}
	and := 0
	for _, n := range frt.Nodes() {
		if n.Kind != tree.KindDesiredEffect {
			continue
		}
		if !strings.HasPrefix(n.Text, tree.DesiredPrefix) {
			t.Errorf("desired effect %q does not start with %q", n.Text, tree.DesiredPrefix)
		}
		into := frt.GroupsInto(n.ID)
		if len(into) == 0 {
			t.Errorf("desired effect %s has no cause", n.ID)
		}
		for _, g := range into {
			if g.IsAnd() {
				and++
			}
		}
	}
	if bare := count[tree.KindCause]+count[tree.KindPremise]+count[tree.KindUDE] == 0; bare != wantBare {
		t.Errorf("FRT keeps %d causes, %d premises and %d symptoms; want none: %v", count[tree.KindCause], count[tree.KindPremise], count[tree.KindUDE], wantBare)
	}
	if and != wantAndDE {
		t.Errorf("%d AND groups into desired effects, want %d", and, wantAndDE)
	}
	for _, id := range nodes {
		n, _ := cst.Node(id)
		if _, ok := frt.NodeByText(n.Text); ok {
			t.Errorf("the neutralised node %s is still in the FRT", id)
		}
		if _, ok := frt.Node(id); ok {
			t.Errorf("the FRT reuses the number %s of a neutralised node", id)
		}
	}
}
