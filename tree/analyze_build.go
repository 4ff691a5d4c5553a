package tree

import (
	"fmt"
	"strconv"
	"strings"
)

// Build makes a tree from whole lists of nodes and groups with the rules of
// AddNode and AddGroup (a generated benchmark tree, a bulk import). Both run
// in time linear in the size of what they add, so Build is O(nodes + links).
func Build(title string, nodes []Node, groups []Group) (*Tree, error) {
	t := New(title)
	for i, n := range nodes {
		if _, err := t.AddNode(n); err != nil {
			return nil, fmt.Errorf("node %d of %d: %w", i+1, len(nodes), err)
		}
	}
	for i, g := range groups {
		if _, err := t.AddGroup(g); err != nil {
			return nil, fmt.Errorf("link %d of %d: %w", i+1, len(groups), err)
		}
	}
	return t, nil
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
