package render

import (
	"fmt"
	"slices"

	"github.com/untangle-rca/untangle/tree"
)

// Subtrees splits a tree too big for one readable picture (see NeedsSplit)
// into one tree per core or contributing cause (each root that explains at
// least the threshold): the cause, every node it reaches along cause→effect
// links, and the other causes of the AND groups on those paths (so the AND
// logic stays visible; their own causes are left out). Node and link numbers,
// kinds, flags and statuses are kept. Without such causes (or without an
// analysis) it uses the roots of the minimal cover, and failing that every
// root with no incoming link. Titles say which cause each tree starts from.
func Subtrees(t *tree.Tree, a *tree.Analysis) ([]*tree.Tree, error) {
	parts, err := subtrees(t, subtreeStarts(t, a), t.Title)
	if err != nil {
		return nil, err
	}
	out := make([]*tree.Tree, len(parts))
	for i, p := range parts {
		out[i] = p.tree
	}
	return out, nil
}

// subtreePart is a subtree and the node it grows from.
type subtreePart struct {
	tree *tree.Tree
	from tree.NodeID
}

// subtrees is Subtrees from the given starts, with titles built from base.
func subtrees(t *tree.Tree, starts [][]tree.NodeID, base string) ([]subtreePart, error) {
	var out []subtreePart
	for _, start := range starts {
		sub, err := subtree(t, start, base)
		if err != nil {
			return nil, err
		}
		out = append(out, subtreePart{sub, start[0]})
	}
	return out, nil
}

// subtreeStarts picks the nodes each subtree grows from, one list per subtree.
func subtreeStarts(t *tree.Tree, a *tree.Analysis) [][]tree.NodeID {
	var starts [][]tree.NodeID
	if a != nil {
		// Subtrees grow from every root that explains at least the
		// threshold: the core causes, then the contributing causes; from
		// the cover set when there is none.
		for _, idx := range [][]int{append(slices.Clone(a.CoreCauses), a.Contributing...), a.Cover.Roots} {
			if len(starts) > 0 {
				break
			}
			for _, i := range idx {
				if i >= 0 && i < len(a.Roots) {
					starts = append(starts, a.Roots[i].Nodes)
				}
			}
		}
		if len(starts) > 0 {
			return starts
		}
	}
	for _, n := range t.Nodes() {
		if n.Kind != tree.KindUDE && len(t.GroupsInto(n.ID)) == 0 {
			starts = append(starts, []tree.NodeID{n.ID})
		}
	}
	return starts
}

// subtree copies the part of t reachable from start.
func subtree(t *tree.Tree, start []tree.NodeID, base string) (*tree.Tree, error) {
	from := make(map[tree.NodeID][]*tree.Group)
	for _, g := range t.Groups() {
		for _, c := range g.Causes {
			from[c] = append(from[c], g)
		}
	}
	reach := map[tree.NodeID]bool{}
	queue := slices.Clone(start)
	for _, id := range start {
		reach[id] = true
	}
	var groups []*tree.Group
	seenGroup := map[tree.GroupID]bool{}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, g := range from[id] {
			if !seenGroup[g.ID] {
				seenGroup[g.ID] = true
				groups = append(groups, g)
			}
			if !reach[g.Effect] {
				reach[g.Effect] = true
				queue = append(queue, g.Effect)
			}
		}
	}
	keep := map[tree.NodeID]bool{}
	for _, g := range groups {
		keep[g.Effect] = true
		for _, c := range g.Causes {
			keep[c] = true
		}
	}
	for id := range reach {
		keep[id] = true
	}
	title := fmt.Sprintf("%s — from %s", base, start[0])
	sub := tree.New(title)
	for _, n := range t.Nodes() {
		if keep[n.ID] {
			if _, err := sub.AddNode(*n); err != nil {
				return nil, fmt.Errorf("render: subtree from %s: %w", start[0], err)
			}
		}
	}
	slices.SortFunc(groups, func(a, b *tree.Group) int { return int(a.ID - b.ID) })
	for _, g := range groups {
		if _, err := sub.AddGroup(*g); err != nil {
			return nil, fmt.Errorf("render: subtree from %s: %w", start[0], err)
		}
	}
	return sub, nil
}
