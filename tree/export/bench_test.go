package export_test

import (
	"fmt"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/export"
)

// benchTree builds a layered tree of n nodes: a tenth are UDEs, each other
// node causes one or two nodes of the layer above, every third group an AND.
func benchTree(b *testing.B, n int) (*tree.Tree, *tree.Analysis) {
	b.Helper()
	const width = 10
	nodes := make([]tree.Node, n)
	for i := range nodes {
		kind := tree.KindCause
		if i < n/10 {
			kind = tree.KindUDE
		}
		nodes[i] = tree.Node{ID: tree.NodeID(i + 1), Kind: kind, Text: fmt.Sprintf("Condition %d holds <|> \"quoted\" [x] & #%d", i+1, i)}
	}
	var groups []tree.Group
	for i := n / 10; i < n; i++ {
		effect := tree.NodeID((i-n/10)/width + 1)
		if i%3 == 0 && i+1 < n {
			groups = append(groups, tree.Group{Effect: effect, Causes: []tree.NodeID{tree.NodeID(i + 1), tree.NodeID(i + 2)}})
			continue
		}
		groups = append(groups, tree.Group{Effect: effect, Causes: []tree.NodeID{tree.NodeID(i + 1)}})
	}
	for i := range groups {
		groups[i].ID = tree.GroupID(i + 1)
	}
	t, err := tree.Build("Benchmark tree", nodes, groups)
	if err != nil {
		b.Fatalf("build: %v", err)
	}
	return t, tree.Analyze(t, tree.Options{})
}

func BenchmarkExport(b *testing.B) {
	for _, n := range []int{30, 300} {
		t, a := benchTree(b, n)
		b.Run(fmt.Sprintf("Mermaid/nodes=%d", n), func(b *testing.B) {
			for b.Loop() {
				export.Mermaid(t, a)
			}
		})
		b.Run(fmt.Sprintf("Markdown/nodes=%d", n), func(b *testing.B) {
			for b.Loop() {
				export.Markdown(t, a, export.MarkdownOptions{})
			}
		})
		b.Run(fmt.Sprintf("FlyingLogic/nodes=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := export.FlyingLogic(t, a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
