package tree_test

import (
	"maps"
	"os"
	"slices"
	"testing"

	"github.com/untangle-rca/untangle/tree"
)

// paymentOutage reads the shared example tree.
func paymentOutage(t *testing.T) *tree.Tree {
	t.Helper()
	src, err := os.ReadFile("testdata/analyze/payment-outage.cst")
	if err != nil {
		t.Fatal(err)
	}
	return parseTree(t, string(src))
}

// byText returns the number of the node that says text.
func byText(t *testing.T, tr *tree.Tree, text string) tree.NodeID {
	t.Helper()
	n, ok := tr.NodeByText(text)
	if !ok {
		t.Fatalf("no node says %q", text)
	}
	return n.ID
}

// add adds a node and fails the test on error.
func add(t *testing.T, tr *tree.Tree, n tree.Node) tree.NodeID {
	t.Helper()
	stored, err := tr.AddNode(n)
	if err != nil {
		t.Fatal(err)
	}
	return stored.ID
}

// addLink adds a link and fails the test on error.
func addLink(t *testing.T, tr *tree.Tree, effect tree.NodeID, causes ...tree.NodeID) {
	t.Helper()
	if _, err := tr.AddGroup(tree.Group{Effect: effect, Causes: causes}); err != nil {
		t.Fatal(err)
	}
}

func TestFutureOfPaymentOutage(t *testing.T) {
	const (
		kpi     = "The organizational KPIs measure delivery speed and ignore engineering quality"
		prod    = "Production data is too sensitive to copy into staging"
		staging = "The staging environment has only 1% of production data volume"
	)
	tests := []struct {
		name                   string
		against                []string
		removed, remaining     []tree.NodeID
		together               []tree.NodeID
		firstAndLinks, survive int
	}{
		{name: "core cause removes every symptom", against: []string{kpi}, removed: []tree.NodeID{1, 2, 3}, remaining: []tree.NodeID{}, together: []tree.NodeID{}},
		{name: "staging root removes one", against: []string{prod}, removed: []tree.NodeID{1}, remaining: []tree.NodeID{2, 3}, together: []tree.NodeID{}},
		{name: "one AND member", against: []string{staging}, removed: []tree.NodeID{1}, remaining: []tree.NodeID{2, 3}, together: []tree.NodeID{}, firstAndLinks: 1},
		{name: "both", against: []string{prod, kpi}, removed: []tree.NodeID{1, 2, 3}, remaining: []tree.NodeID{}, together: []tree.NodeID{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := paymentOutage(t)
			for i, text := range tt.against {
				add(t, tr, tree.Node{Kind: tree.KindInjection, Text: "Fix " + string(rune('A'+i)), Against: byText(t, tr, text)})
			}
			f := tree.FutureOf(tr, tree.Options{})
			if !slices.Equal(f.Removed, tt.removed) || !slices.Equal(f.OnlyTogether, tt.together) {
				t.Errorf("removed %v (only together %v), want %v (%v)", f.Removed, f.OnlyTogether, tt.removed, tt.together)
			}
			var remaining []tree.NodeID
			for _, s := range f.Remaining {
				remaining = append(remaining, s.UDE)
				if len(s.Path.Steps) == 0 || s.Path.To != s.UDE {
					t.Errorf("remaining %s has no path that produces it: %+v", s.UDE, s.Path)
				}
				if g, _ := tr.Group(s.Path.Steps[len(s.Path.Steps)-1]); g.Effect != s.UDE {
					t.Errorf("the path of %s ends in %s", s.UDE, g.Effect)
				}
			}
			if !slices.Equal(nonNilIDs(remaining), tt.remaining) {
				t.Errorf("remaining %v, want %v", remaining, tt.remaining)
			}
			if len(f.Fixes) != len(tt.against) || len(f.Fixes[0].AndLinks) != tt.firstAndLinks {
				t.Fatalf("fixes %+v, want %d with %d AND links first", f.Fixes, len(tt.against), tt.firstAndLinks)
			}
			if len(f.Suggested) != len(tt.removed) {
				t.Errorf("suggested %v, want one desirable effect per removed symptom", f.Suggested)
			}
		})
	}
}

func nonNilIDs(ids []tree.NodeID) []tree.NodeID {
	if ids == nil {
		return []tree.NodeID{}
	}
	return ids
}

func TestFutureOfOrAlternatives(t *testing.T) {
	tr := tree.New("or")
	ude := add(t, tr, tree.Node{Kind: tree.KindUDE, Text: "Checkout fails"})
	a := add(t, tr, tree.Node{Text: "Cache expires"})
	b := add(t, tr, tree.Node{Text: "Database is slow"})
	addLink(t, tr, ude, a)
	addLink(t, tr, ude, b)
	add(t, tr, tree.Node{Kind: tree.KindInjection, Text: "Cache never expires at peak", Against: a})
	f := tree.FutureOf(tr, tree.Options{})
	if len(f.Fixes) != 1 || len(f.Fixes[0].Removes) != 0 || !slices.Equal(f.Fixes[0].Survive, []tree.NodeID{ude}) {
		t.Fatalf("one OR alternative fixed: %+v, want %s to survive", f.Fixes, ude)
	}
	if len(f.Remaining) != 1 || f.Remaining[0].Path.From != b {
		t.Fatalf("remaining %+v, want %s produced from %s", f.Remaining, ude, b)
	}
	add(t, tr, tree.Node{Kind: tree.KindInjection, Text: "Database has headroom", Against: b})
	f = tree.FutureOf(tr, tree.Options{})
	if !slices.Equal(f.OnlyTogether, []tree.NodeID{ude}) || len(f.Remaining) != 0 {
		t.Fatalf("both alternatives fixed: only together %v, remaining %+v", f.OnlyTogether, f.Remaining)
	}
}

func TestFutureOfNegativeBranches(t *testing.T) {
	tr := paymentOutage(t)
	fix := add(t, tr, tree.Node{Kind: tree.KindInjection, Text: "KPIs count quality", Against: 14})
	good := add(t, tr, tree.Node{Kind: tree.KindDesiredEffect, Text: "Engineers are proud of the release"})
	addLink(t, tr, good, fix)
	step := add(t, tr, tree.Node{Kind: tree.KindNegativeEffect, Text: "Feature work slows down for a quarter"})
	end := add(t, tr, tree.Node{Kind: tree.KindNegativeEffect, Text: "Sales miss the Q3 launch"})
	addLink(t, tr, step, fix)
	addLink(t, tr, end, step)
	f := tree.FutureOf(tr, tree.Options{})
	if len(f.Negative) != 1 || f.Negative[0].End != end || f.Negative[0].Trimmed || !slices.Equal(f.Untrimmed, []tree.NodeID{end}) ||
		!maps.Equal(tree.Untrimmed(tr), map[tree.NodeID]bool{step: true, end: true}) {
		t.Fatalf("untrimmed branch: %+v, untrimmed %v", f.Negative, f.Untrimmed)
	}
	if b := f.Negative[0]; !slices.Equal(b.From, []tree.NodeID{fix}) || !slices.Equal(b.Steps, []tree.NodeID{step, end}) {
		t.Errorf("branch from %v through %v", b.From, b.Steps)
	}
	if !slices.Equal(f.Desirable, []tree.NodeID{good}) || len(f.Fixes) != 1 {
		t.Errorf("desirable %v, fixes %+v", f.Desirable, f.Fixes)
	}
	trim := add(t, tr, tree.Node{Kind: tree.KindInjection, Text: "Plan the KPI change after the launch", Against: step})
	f = tree.FutureOf(tr, tree.Options{})
	if len(f.Negative) != 1 || !f.Negative[0].Trimmed || !slices.Equal(f.Negative[0].TrimmedBy, []tree.NodeID{trim}) || len(f.Untrimmed) != 0 ||
		len(tree.Untrimmed(tr)) != 0 {
		t.Fatalf("trimmed branch: %+v, untrimmed %v", f.Negative, f.Untrimmed)
	}
	if len(f.Fixes) != 1 || len(f.Removed) != 3 {
		t.Errorf("a trim is not a fix: fixes %+v, removed %v", f.Fixes, f.Removed)
	}
	if err := tr.RemoveNode(step); err != nil {
		t.Fatal(err)
	}
	if n, _ := tr.Node(trim); n.Against != 0 {
		t.Errorf("the trim still points at the removed step %s", n.Against)
	}
}

func TestAgainstIsChecked(t *testing.T) {
	tr := tree.New("t")
	for _, n := range []tree.Node{
		{Kind: tree.KindCause, Text: "a cause is against nothing", Against: 1},
		{ID: 4, Kind: tree.KindInjection, Text: "against itself", Against: 4},
		{Kind: tree.KindInjection, Text: "negative", Against: -1},
	} {
		if _, err := tr.AddNode(n); err == nil {
			t.Errorf("AddNode(%+v) succeeded", n)
		}
	}
}

// TestCounterpartWording checks that the team's counterpart of a symptom (a
// desired effect against it) replaces the suggested wording, in the Future
// and in the Future Reality Tree, and stays out of the picture while the
// symptom is not removed.
func TestCounterpartWording(t *testing.T) {
	tr := tree.New("t")
	for _, n := range []tree.Node{
		{Kind: tree.KindUDE, Text: "Payments fail"},                                    // 1
		{Kind: tree.KindCause, Text: "The pool is too small"},                          // 2
		{Kind: tree.KindDesiredEffect, Text: "Every payment goes through", Against: 1}, // 3
	} {
		if _, err := tr.AddNode(n); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tr.AddGroup(tree.Group{Effect: 1, Causes: []tree.NodeID{2}}); err != nil {
		t.Fatal(err)
	}
	if c := tree.Counterparts(tr); len(c) != 1 || c[1].ID != 3 {
		t.Fatalf("Counterparts = %v, want #1 → #3", c)
	}
	none, err := tree.FutureTree("f", tr, tree.Eliminate(tr, nil, tree.Options{}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := none.Node(3); ok {
		t.Error("the counterpart of a symptom no fix removes is in the Future Reality Tree")
	}
	withFix := tr.Clone()
	if _, err := withFix.AddNode(tree.Node{Kind: tree.KindInjection, Text: "Size the pool", Against: 2}); err != nil {
		t.Fatal(err)
	}
	f := tree.FutureOf(withFix, tree.Options{})
	if len(f.Suggested) != 1 || f.Suggested[0].Text != "Every payment goes through" {
		t.Errorf("Suggested = %+v, want the team's wording", f.Suggested)
	}
	all := tree.Eliminate(tr, []tree.NodeID{2}, tree.Options{})
	frt, err := tree.FutureTree("f", tr, all, []tree.Injection{{Text: "Size the pool", Removes: []tree.NodeID{1}}})
	if err != nil {
		t.Fatal(err)
	}
	var desired []string
	for _, n := range frt.Nodes() {
		if n.Kind == tree.KindDesiredEffect {
			desired = append(desired, n.Text)
			if len(frt.GroupsInto(n.ID)) != 1 {
				t.Errorf("desired effect %s has %d links into it, want 1", n.ID, len(frt.GroupsInto(n.ID)))
			}
		}
	}
	if len(desired) != 1 || desired[0] != "Every payment goes through" {
		t.Errorf("desired effects = %q, want only the team's wording", desired)
	}
}
