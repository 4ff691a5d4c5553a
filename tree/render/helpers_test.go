package render

import (
	"fmt"
	"math/rand/v2"
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

// paymentOutage is /work/shared/examples/payment-outage.cst built by hand.
func paymentOutage(tb testing.TB) (*tree.Tree, *tree.Analysis) {
	tb.Helper()
	ude := func(s string) tree.Node { return tree.Node{Kind: tree.KindUDE, Text: s} }
	cause := func(s string) tree.Node { return tree.Node{Kind: tree.KindCause, Text: s} }
	nodes := []tree.Node{
		ude("The core payment routing service was down for 45 minutes"),                         // 1
		ude("The monitoring system took 15 minutes to fire an alert"),                           // 2
		ude("The on-call engineer had to read 3 outdated runbooks to find the rollback script"), // 3
		cause("A slow SQL query exhausts the database connection pool"),                         // 4
		cause("The business layer has no circuit breaker configured"),                           // 5
		cause("Microservices cascade fail and the payment API times out"),                       // 6
		cause("Rolling back takes a long time"),                                                 // 7
		cause("The staging environment has only 1% of production data volume"),                  // 8
		cause("The load testing phase was skipped to meet a product deadline"),                  // 9
		cause("The slow SQL query was not detected before release"),                             // 10
		cause("Resilience work never wins against feature work in planning"),                    // 11
		cause("Alert thresholds have not been reviewed since launch"),                           // 12
		cause("Nobody owns runbook upkeep"),                                                     // 13
		cause("The organizational KPIs measure delivery speed and ignore engineering quality"),  // 14
		cause("Production data is too sensitive to copy into staging"),                          // 15
	}
	link := func(effect tree.NodeID, causes ...tree.NodeID) tree.Group {
		return tree.Group{Effect: effect, Causes: causes}
	}
	groups := []tree.Group{
		link(6, 4, 5), link(1, 6, 7), link(7, 3), link(10, 8, 9), link(4, 10),
		link(5, 11), link(2, 12), link(3, 13), link(9, 14), link(11, 14), link(12, 14), link(13, 14), link(8, 15),
	}
	t := build(tb, "Payment routing outage", nodes, groups)
	a := &tree.Analysis{
		UDEs: []tree.NodeID{1, 2, 3},
		Roots: []tree.Root{
			{Nodes: []tree.NodeID{14}, Explains: []tree.NodeID{1, 2, 3}, Share: 1, Core: true},
			{Nodes: []tree.NodeID{15}, Explains: []tree.NodeID{1}, Share: 1.0 / 3},
		},
		CoreCauses: []int{0},
	}
	return t, a
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

// randomTree is a layered random CST with n nodes: a tenth are UDEs, the
// rest causes wired to nodes of the layer above, a third of them in AND groups.
func randomTree(tb testing.TB, seed uint64, n int) *tree.Tree {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	t := tree.New(fmt.Sprintf("Random tree %d/%d", seed, n))
	words := []string{"deploy", "queue", "cache", "retry", "timeout", "alert", "pool", "config", "review", "owner", "budget", "test", "schema", "index", "load"}
	for i := 1; i <= n; i++ {
		kind := tree.KindCause
		if i <= max(1, n/10) {
			kind = tree.KindUDE
		}
		text := fmt.Sprintf("Node %d: the %s %s is %s under %s", i, words[rng.IntN(len(words))], words[rng.IntN(len(words))], words[rng.IntN(len(words))], words[rng.IntN(len(words))])
		if _, err := t.AddNode(tree.Node{Kind: kind, Text: text}); err != nil {
			tb.Fatal(err)
		}
	}
	for i := max(1, n/10) + 1; i <= n; i++ {
		effect := tree.NodeID(1 + rng.IntN(i-1))
		causes := []tree.NodeID{tree.NodeID(i)}
		if rng.IntN(3) == 0 && i < n {
			causes = append(causes, tree.NodeID(i+1))
		}
		_, _ = t.AddGroup(tree.Group{Effect: effect, Causes: causes}) // duplicates are simply skipped
	}
	return t
}
