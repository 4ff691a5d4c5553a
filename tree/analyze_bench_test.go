package tree_test

import (
	"fmt"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/treetest"
)

// BenchmarkAnalyze runs the full analysis on generated trees of 1k, 10k and
// 100k nodes (the generation is outside the timer).
func BenchmarkAnalyze(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		t := treetest.Generate(1, n)
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			for b.Loop() {
				tree.Analyze(t, tree.Options{})
			}
		})
	}
}

// BenchmarkEliminate runs one elimination (the first ten nodes neutralised).
func BenchmarkEliminate(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		t := treetest.Generate(1, n)
		cut := []tree.NodeID{}
		for id := tree.NodeID(1); id <= 10; id++ {
			cut = append(cut, id)
		}
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			for b.Loop() {
				tree.Eliminate(t, cut, tree.Options{})
			}
		})
	}
}
