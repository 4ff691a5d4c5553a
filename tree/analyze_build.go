package tree

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Build makes a tree from whole lists of nodes and groups with the same rules
// as AddNode and AddGroup, but finds duplicate groups with an index, so a
// large tree (a generated benchmark tree, a bulk import) builds in
// O(nodes + links) instead of AddGroup's scan of every group per call.
func Build(title string, nodes []Node, groups []Group) (*Tree, error) {
	t := New(title)
	for i, n := range nodes {
		if _, err := t.AddNode(n); err != nil {
			return nil, fmt.Errorf("node %d of %d: %w", i+1, len(nodes), err)
		}
	}
	seen := make(map[string]bool, len(groups))
	for i, g := range groups {
		if err := t.addGroupIndexed(g, seen); err != nil {
			return nil, fmt.Errorf("link %d of %d: %w", i+1, len(groups), err)
		}
	}
	return t, nil
}

// addGroupIndexed is AddGroup with the duplicate check done against seen,
// the keys of the groups added so far.
func (t *Tree) addGroupIndexed(g Group, seen map[string]bool) error {
	if len(g.Causes) == 0 {
		return fmt.Errorf("%w: a link needs at least one cause", ErrInvalidNode)
	}
	if _, ok := t.nodes[g.Effect]; !ok {
		return fmt.Errorf("%w: %s", ErrUnknownNode, g.Effect)
	}
	causes := slices.Clone(g.Causes)
	slices.Sort(causes)
	for i, c := range causes {
		if _, ok := t.nodes[c]; !ok {
			return fmt.Errorf("%w: %s", ErrUnknownNode, c)
		}
		if c == g.Effect {
			return fmt.Errorf("%w: %s", ErrSelfLink, c)
		}
		if i > 0 && causes[i-1] == c {
			return fmt.Errorf("%w: %s appears twice in one AND group", ErrInvalidNode, c)
		}
	}
	key := groupKey(g.Effect, causes)
	if seen[key] {
		return fmt.Errorf("%w: %s ⇒ %s", ErrDuplicateLink, joinIDs(g.Causes), g.Effect)
	}
	if g.ID < 0 {
		return fmt.Errorf("%w: negative link number %d", ErrInvalidNode, g.ID)
	}
	if g.ID == 0 {
		g.ID = t.nextGroup
	}
	if _, ok := t.groups[g.ID]; ok {
		return fmt.Errorf("%w: link %d", ErrDuplicateLink, g.ID)
	}
	if g.Status == "" {
		g.Status = StatusUnreviewed
	}
	g.Causes = slices.Clone(g.Causes)
	t.groups[g.ID] = &g
	seen[key] = true
	if g.ID >= t.nextGroup {
		t.nextGroup = g.ID + 1
	}
	return nil
}

// groupKey identifies a group by its effect and sorted causes.
func groupKey(effect NodeID, sortedCauses []NodeID) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(int(effect)))
	for _, c := range sortedCauses {
		b.WriteByte(',')
		b.WriteString(strconv.Itoa(int(c)))
	}
	return b.String()
}
