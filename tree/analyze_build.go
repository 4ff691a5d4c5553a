package tree

import (
	"fmt"
	"slices"
	"strconv"
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

// keyBuf builds group keys without allocating: "7,3,5" for effect #7 and
// causes #3 and #5. A map lookup with string(kb.of(…)) does not allocate
// either; only storing a key does.
type keyBuf struct {
	buf    [64]byte
	sorted [8]NodeID
}

// of returns the key of a group by its effect and its set of causes.
func (kb *keyBuf) of(effect NodeID, causes []NodeID) []byte {
	if !slices.IsSorted(causes) {
		causes = append(kb.sorted[:0], causes...)
		slices.Sort(causes)
	}
	b := strconv.AppendInt(kb.buf[:0], int64(effect), 10)
	for _, c := range causes {
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(c), 10)
	}
	return b
}
