package tree

import (
	"reflect"
	"testing"
)

// markBase is a small tree with links in both directions to edit.
func markBase(t *testing.T) *Tree {
	t.Helper()
	tr, err := Parse([]byte("TITLE [Outage]\n" +
		"IF [Deploys skip the canary] THEN [Bad config reaches production]\n" +
		"IF [Bad config reaches production] AND [Alerts are muted] THEN [Checkout fails]\n" +
		"IF [Checkout fails] THEN [Customers leave]\n"))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestRewindRestoresTheMarkedState(t *testing.T) {
	tests := []struct {
		name string
		edit func(t *testing.T, tr *Tree)
	}{
		{"nothing", func(*testing.T, *Tree) {}},
		{"add a node", func(t *testing.T, tr *Tree) {
			addNode(t, tr, Node{Kind: KindUDE, Text: "Support queue grows"})
		}},
		{"reword, then reuse the old text", func(t *testing.T, tr *Tree) {
			n, _ := tr.NodeByText("Alerts are muted")
			if err := tr.SetText(n.ID, "Alerts go nowhere"); err != nil {
				t.Fatal(err)
			}
			addNode(t, tr, Node{Text: "Alerts are muted"})
		}},
		{"swap two texts", func(t *testing.T, tr *Tree) {
			a, _ := tr.NodeByText("Alerts are muted")
			b, _ := tr.NodeByText("Customers leave")
			for _, step := range []struct {
				id   NodeID
				text string
			}{{a.ID, "Placeholder"}, {b.ID, "Alerts are muted"}, {a.ID, "Customers leave"}} {
				if err := tr.SetText(step.id, step.text); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"remove a node with its links", func(t *testing.T, tr *Tree) {
			n, _ := tr.NodeByText("Bad config reaches production")
			if err := tr.RemoveNode(n.ID); err != nil {
				t.Fatal(err)
			}
		}},
		{"flip, change and remove links", func(t *testing.T, tr *Tree) {
			gs := tr.GroupsInto(4) // Checkout fails ⇐ 2 AND 3
			if err := tr.SetCauses(gs[0].ID, []NodeID{2}); err != nil {
				t.Fatal(err)
			}
			if err := tr.Flip(gs[0].ID); err != nil {
				t.Fatal(err)
			}
			if err := tr.RemoveGroup(tr.GroupsInto(5)[0].ID); err != nil {
				t.Fatal(err)
			}
			if _, err := tr.AddGroup(Group{Effect: 5, Causes: []NodeID{3}}); err != nil {
				t.Fatal(err)
			}
		}},
		{"change a node through its pointer", func(t *testing.T, tr *Tree) {
			n, _ := tr.Node(1)
			n.RootMarked, n.Weight = true, WeightHigh
		}},
		{"title and numbers", func(t *testing.T, tr *Tree) {
			tr.Title = "Another"
			tr.ReserveNumbers(40, 40)
		}},
		{"statements, applied", func(t *testing.T, tr *Tree) {
			stmts, err := ParseStatements([]byte("IF [Reviews are rushed] THEN [Deploys skip the canary]\n"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tr.Apply(stmts); err != nil {
				t.Fatal(err)
			}
		}},
		{"under a journal", func(t *testing.T, tr *Tree) {
			tr.StartJournal()
			addNode(t, tr, Node{Text: "Pager is silent"})
			tr.StopJournal()
			tr.StartJournal() // still running at Rewind
			n, _ := tr.Node(2)
			n.Evidence = "https://example.com/log"
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := markBase(t)
			want := tr.Clone()
			tr.Mark()
			tc.edit(t, tr)
			if !tr.Rewind() {
				t.Fatal("Rewind refused")
			}
			if !reflect.DeepEqual(tr, want) {
				t.Fatalf("after Rewind:\n%+v\nwant\n%+v", tr, want)
			}
			// The indexes work: the old texts and links are duplicates again.
			if _, err := tr.AddNode(Node{Text: "Alerts are muted"}); err == nil {
				t.Error("a duplicate text was accepted after Rewind")
			}
			if _, err := tr.AddGroup(Group{Effect: 5, Causes: []NodeID{4}}); err == nil {
				t.Error("a duplicate link was accepted after Rewind")
			}
		})
	}
}

func TestRewindDetachesHandedOutPointers(t *testing.T) {
	tr := markBase(t)
	tr.Mark()
	n, _ := tr.Node(1)
	if !tr.Rewind() {
		t.Fatal("Rewind refused")
	}
	n.Text = "Changed after Rewind"
	if got, _ := tr.Node(1); got.Text != "Deploys skip the canary" {
		t.Errorf("node 1 says %q after a stale pointer was changed", got.Text)
	}
}

func TestRewindRefuses(t *testing.T) {
	tests := []struct {
		name string
		edit func(tr *Tree)
	}{
		{"no mark", func(tr *Tree) { tr.mark = nil }},
		{"every node handed out", func(tr *Tree) { tr.Nodes() }},
		{"every link handed out", func(tr *Tree) { tr.EachGroup(func(*Group) {}) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := markBase(t)
			tr.Mark()
			tc.edit(tr)
			if tr.Rewind() {
				t.Error("Rewind accepted a tree it cannot restore")
			}
		})
	}
}

func addNode(t *testing.T, tr *Tree, n Node) {
	t.Helper()
	if _, err := tr.AddNode(n); err != nil {
		t.Fatal(err)
	}
}
