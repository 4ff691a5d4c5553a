package workflow

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/treetest"
)

// TestJournalChangeEqualsDiff checks that the change editTree stores (found
// from the tree's journal) is exactly Diff of the whole trees before and after.
func TestJournalChangeEqualsDiff(t *testing.T) {
	tests := []struct {
		name string
		edit func(tr *tree.Tree, rng *rand.Rand)
	}{
		{name: "nothing", edit: func(*tree.Tree, *rand.Rand) {}},
		{name: "add a symptom and mark blame", edit: func(tr *tree.Tree, _ *rand.Rand) {
			n, _ := tr.AddNode(tree.Node{Kind: tree.KindUDE, Text: "Checkout returns HTTP 502"})
			markBlame(tr, []tree.NodeID{n.ID})
		}},
		{name: "touched but unchanged", edit: func(tr *tree.Tree, _ *rand.Rand) {
			tr.Nodes()
			tr.Groups()
			n, _ := tr.Node(3)
			n.Evidence = n.Evidence + ""
		}},
		{name: "remove a node with its links", edit: func(tr *tree.Tree, _ *rand.Rand) { _ = tr.RemoveNode(5) }},
		{name: "random edits", edit: func(tr *tree.Tree, rng *rand.Rand) {
			for step := range 40 {
				randomEdit(tr, rng, step)
			}
		}},
	}
	for _, tt := range tests {
		for seed := range uint64(5) {
			t.Run(fmt.Sprintf("%s/%d", tt.name, seed), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(seed, 11))
				tr := treetest.Generate(int64(seed), 60)
				before := tr.Clone()
				tr.StartJournal()
				tt.edit(tr, rng)
				got := journalChange(tr.StopJournal(), tr)
				if want := Diff(before, tr); !reflect.DeepEqual(got, want) {
					t.Fatalf("journal change differs from Diff:\n got %s\nwant %s", changeText(got), changeText(want))
				}
			})
		}
	}
}

// randomEdit makes one random edit, through the tree's methods or a pointer.
func randomEdit(tr *tree.Tree, rng *rand.Rand, step int) {
	node := func() tree.NodeID { return tree.NodeID(1 + rng.IntN(int(tr.NextNodeID()))) }
	group := func() tree.GroupID { return tree.GroupID(1 + rng.IntN(tr.NumGroups()+3)) }
	switch rng.IntN(8) {
	case 0:
		_, _ = tr.AddNode(tree.Node{Text: fmt.Sprintf("random cause %d", step)})
	case 1:
		_ = tr.SetText(node(), fmt.Sprintf("random rewording %d", step))
	case 2:
		_ = tr.RemoveNode(node())
	case 3:
		_, _ = tr.AddGroup(tree.Group{Effect: node(), Causes: []tree.NodeID{node()}})
	case 4:
		_ = tr.SetCauses(group(), []tree.NodeID{node(), node()})
	case 5:
		_ = tr.RemoveGroup(group())
	case 6:
		if n, ok := tr.Node(node()); ok {
			n.Unverified = !n.Unverified
		}
	case 7:
		for _, g := range tr.GroupsInto(node()) {
			g.Status = tree.StatusDisputed
		}
	}
}

func changeText(ch TreeChange) string {
	s := ""
	for _, c := range ch.Nodes {
		s += fmt.Sprintf("node %v→%v; ", c.Before, c.After)
	}
	for _, c := range ch.Groups {
		s += fmt.Sprintf("link %v→%v; ", c.Before, c.After)
	}
	return s
}
