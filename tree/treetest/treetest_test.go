package treetest_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/treetest"
)

// shape counts what a generated tree is made of.
type shape struct {
	nodes, udes, groups, ands, links, accepted, loops int
}

func measure(t *tree.Tree) shape {
	s := shape{nodes: t.NumNodes(), groups: t.NumGroups()}
	for _, n := range t.Nodes() {
		if n.Kind == tree.KindUDE {
			s.udes++
		}
	}
	for _, g := range t.Groups() {
		s.links += len(g.Causes)
		if g.IsAnd() {
			s.ands++
		}
		if g.Status == tree.StatusAccepted {
			s.accepted++
		}
	}
	s.loops = len(tree.Analyze(t, tree.Options{}).Loops)
	return s
}

func TestGenerateShape(t *testing.T) {
	tests := []struct {
		name  string
		nodes int
		loops bool
	}{
		{name: "render size 30", nodes: 30},
		{name: "render size 150", nodes: 150, loops: true},
		{name: "render size 500", nodes: 500, loops: true},
		{name: "storage size 1000", nodes: 1000, loops: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := measure(treetest.Generate(42, tc.nodes))
			if s.nodes != tc.nodes {
				t.Errorf("nodes = %d, want %d", s.nodes, tc.nodes)
			}
			if share := float64(s.udes) / float64(s.nodes); s.udes < 2 || share > 0.08 {
				t.Errorf("UDEs = %d of %d, want about 5 %% and at least 2", s.udes, s.nodes)
			}
			if per := float64(s.links) / float64(s.nodes); per < 1.5 || per > 2.5 {
				t.Errorf("links per node = %.2f, want about 2", per)
			}
			if s.ands == 0 || s.ands > s.groups/2 {
				t.Errorf("AND groups = %d of %d, want some but not most", s.ands, s.groups)
			}
			if s.accepted < s.groups*3/4 || s.accepted == s.groups {
				t.Errorf("accepted = %d of %d, want most but not all", s.accepted, s.groups)
			}
			if tc.loops && s.loops == 0 {
				t.Error("no loops, want a few")
			}
			if s.loops > tc.nodes/50+1 {
				t.Errorf("loops = %d, want only a few", s.loops)
			}
		})
	}
}

func TestGenerateAnalysable(t *testing.T) {
	a := tree.Analyze(treetest.Generate(7, 150), tree.Options{})
	if len(a.Roots) == 0 || len(a.Unexplained) == len(a.UDEs) {
		t.Errorf("roots = %d, unexplained = %d of %d: the tree should read as a CST", len(a.Roots), len(a.Unexplained), len(a.UDEs))
	}
	if len(a.Dangling) > 150/10 {
		t.Errorf("dangling = %d, want only a few", len(a.Dangling))
	}
}

func TestGenerateDeterministic(t *testing.T) {
	tests := []struct {
		name       string
		seedA      int64
		seedB      int64
		wantEquals bool
	}{
		{name: "same seed, same tree", seedA: 1, seedB: 1, wantEquals: true},
		{name: "other seed, other tree", seedA: 1, seedB: 2, wantEquals: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := tree.Format(treetest.Generate(tc.seedA, 200))
			b := tree.Format(treetest.Generate(tc.seedB, 200))
			if got := bytes.Equal(a, b); got != tc.wantEquals {
				t.Errorf("equal = %v, want %v", got, tc.wantEquals)
			}
		})
	}
}

func TestGenerateTinySizes(t *testing.T) {
	tests := []struct {
		name  string
		nodes int
		want  int
	}{
		{name: "negative", nodes: -3, want: 0},
		{name: "empty", nodes: 0, want: 0},
		{name: "one", nodes: 1, want: 1},
		{name: "two", nodes: 2, want: 2},
		{name: "seven", nodes: 7, want: 7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := treetest.Generate(1, tc.nodes).NumNodes(); got != tc.want {
				t.Errorf("nodes = %d, want %d", got, tc.want)
			}
		})
	}
}

// BenchmarkGenerate measures generation, which other benchmarks use for setup.
func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		treetest.Generate(1, 1000)
	}
}

func ExampleGenerate() {
	t := treetest.Generate(1, 150)
	udes := 0
	for _, n := range t.Nodes() {
		if n.Kind == tree.KindUDE {
			udes++
		}
	}
	fmt.Println(t.NumNodes(), "nodes,", udes, "UDEs")
	// Output: 150 nodes, 8 UDEs
}
