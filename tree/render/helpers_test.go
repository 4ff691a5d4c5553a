package render

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/untangle-rca/untangle/tree"
)

// build makes a tree from texts (numbered from 1) and links "effect<-cause,cause".
func build(tb testing.TB, title string, nodes []tree.Node, groups []tree.Group) *tree.Tree {
	tb.Helper()
	t := tree.New(title)
	for _, n := range nodes {
		if _, err := t.AddNode(n); err != nil {
			tb.Fatalf("add node %q: %v", n.Text, err)
		}
	}
	for _, g := range groups {
		if _, err := t.AddGroup(g); err != nil {
			tb.Fatalf("add group %v: %v", g, err)
		}
	}
	return t
}

// paymentOutage is the shared example (testdata/payment-outage.cst, a copy of
// /work/shared/examples/payment-outage.cst) with its real analysis.
func paymentOutage(tb testing.TB) (*tree.Tree, *tree.Analysis) {
	tb.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "payment-outage.cst"))
	if err != nil {
		tb.Fatal(err)
	}
	t, err := tree.Parse(src)
	if err != nil {
		tb.Fatalf("parse example: %v", err)
	}
	t.Title = "Payment routing outage"
	return t, tree.Analyze(t, tree.Options{})
}

// smallFRT is a Future Reality Tree with every look: injection, desired
// effect, premise, a disputed and an accepted link, an unverified and a
// blame-worded node.
func smallFRT(tb testing.TB) (*tree.Tree, *tree.Analysis) {
	tb.Helper()
	nodes := []tree.Node{
		{Kind: tree.KindUDE, Text: "Checkout errors spike during every deploy", Weight: tree.WeightHigh}, // 1
		{Kind: tree.KindCause, Text: "Deploys restart all pods at once"},                                 // 2
		{Kind: tree.KindPremise, Text: "Clients do not retry failed requests"},                           // 3
		{Kind: tree.KindInjection, Text: "Roll pods out in batches of 10%"},                              // 4
		{Kind: tree.KindDesiredEffect, Text: "Deploys cause no visible errors"},                          // 5
		{Kind: tree.KindCause, Text: "Bob forgot the rollout flag", BlameWorded: true},                   // 6
		{Kind: tree.KindCause, Text: "The deploy tool defaults to all-at-once", Unverified: true},        // 7
	}
	groups := []tree.Group{
		{Effect: 1, Causes: []tree.NodeID{2, 3}, Status: tree.StatusAccepted},
		{Effect: 2, Causes: []tree.NodeID{6}, Status: tree.StatusDisputed},
		{Effect: 2, Causes: []tree.NodeID{7}},
		{Effect: 5, Causes: []tree.NodeID{4}},
	}
	t := build(tb, "Deploy errors: <fix> & \"plan\"", nodes, groups)
	a := &tree.Analysis{
		UDEs:       []tree.NodeID{1},
		Roots:      []tree.Root{{Nodes: []tree.NodeID{7}, Core: true}, {Nodes: []tree.NodeID{6}}, {Nodes: []tree.NodeID{3}}},
		CoreCauses: []int{0},
	}
	return t, a
}
