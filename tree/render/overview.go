package render

import (
	"fmt"
	"slices"

	"github.com/untangle-rca/untangle/tree"
)

// overview is the first picture of a split tree: the causes the subtrees
// grow from, the UDEs they lead to, and between each cause and its UDEs
// either their direct links or one node that stands for the nodes on the
// paths between them, with their count. Node numbers are kept, so the
// overview points into the subtree pictures.
func overview(t *tree.Tree, starts [][]tree.NodeID, base string) (*tree.Tree, error) {
	effects := map[tree.NodeID][]tree.NodeID{} // cause → effects
	causes := map[tree.NodeID][]tree.NodeID{}  // effect → causes
	for _, g := range t.Groups() {
		for _, c := range g.Causes {
			effects[c] = append(effects[c], g.Effect)
			causes[g.Effect] = append(causes[g.Effect], c)
		}
	}
	var udes []tree.NodeID
	for _, n := range t.Nodes() {
		if n.Kind == tree.KindUDE {
			udes = append(udes, n.ID)
		}
	}
	toUDE := reach(udes, causes) // every node that leads to a UDE
	type fan struct {
		from    tree.NodeID
		to      []tree.NodeID
		between int
	}
	keep := map[tree.NodeID]bool{}
	var fans []fan
	for _, start := range starts {
		f := fan{from: start[0]}
		keep[f.from] = true
		for id := range reach(start, effects) {
			switch {
			case inSet(start, id) || !toUDE[id]:
			case inSet(udes, id):
				f.to = append(f.to, id)
				keep[id] = true
			default:
				f.between++
			}
		}
		slices.Sort(f.to)
		fans = append(fans, f)
	}
	ov := tree.New(base + " — overview")
	for _, n := range t.Nodes() {
		if keep[n.ID] {
			if _, err := ov.AddNode(*n); err != nil {
				return nil, fmt.Errorf("render: overview: %w", err)
			}
		}
	}
	// Counting nodes are numbered after every node of t, so that no number
	// points to another node of the tree or its analysis.
	next := tree.NodeID(0)
	for _, n := range t.Nodes() {
		next = max(next, n.ID)
	}
	for _, f := range fans {
		next++
		if err := linkOverview(ov, f.from, f.to, f.between, next); err != nil {
			return nil, err
		}
	}
	return ov, nil
}

// linkOverview links from to each of its UDEs in the overview, through one
// node (numbered id) counting the nodes between them when there are any.
func linkOverview(ov *tree.Tree, from tree.NodeID, to []tree.NodeID, between int, id tree.NodeID) error {
	cause := from
	if between > 0 {
		noun := "nodes"
		if between == 1 {
			noun = "node"
		}
		n, err := ov.AddNode(tree.Node{ID: id, Kind: tree.KindCause, Text: fmt.Sprintf("… %d %s from %s on …", between, noun, from)})
		if err != nil {
			return fmt.Errorf("render: overview: %w", err)
		}
		if _, err := ov.AddGroup(tree.Group{Effect: n.ID, Causes: []tree.NodeID{from}}); err != nil {
			return fmt.Errorf("render: overview: %w", err)
		}
		cause = n.ID
	}
	for _, u := range to {
		if _, err := ov.AddGroup(tree.Group{Effect: u, Causes: []tree.NodeID{cause}}); err != nil {
			return fmt.Errorf("render: overview: %w", err)
		}
	}
	return nil
}

// reach is every node reachable from start along next, start included.
func reach(start []tree.NodeID, next map[tree.NodeID][]tree.NodeID) map[tree.NodeID]bool {
	seen := map[tree.NodeID]bool{}
	queue := append([]tree.NodeID(nil), start...)
	for _, id := range start {
		seen[id] = true
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, n := range next[id] {
			if !seen[n] {
				seen[n] = true
				queue = append(queue, n)
			}
		}
	}
	return seen
}

func inSet(set []tree.NodeID, id tree.NodeID) bool { return slices.Contains(set, id) }
