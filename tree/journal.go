package tree

// A journal of a tree's edits: the before-images of the nodes and links an
// edit touched, so a caller learns what changed without copying the tree.

import (
	"slices"
)

// Journal records the state that nodes and groups of a tree had when the
// journal started, for each one that may have changed since: see
// StartJournal. It lets a caller find what an edit changed without copying
// the whole tree first.
type Journal struct {
	nodes     map[NodeID]*Node   // before-image; nil: the node did not exist
	groups    map[GroupID]*Group // before-image; nil: the group did not exist
	allNodes  bool               // every node that existed at the start is recorded
	allGroups bool               // every group that existed at the start is recorded
}

// StartJournal starts recording, in a new journal, the state of every node
// and group before it can change: before a mutator changes it, and before
// the tree hands out a pointer to it (Node, NodeByText, Group, GroupsInto,
// GroupsFrom; Nodes, Groups, EachNode and EachGroup record them all), since
// callers may change a node or group through its pointer. A journal already
// running is discarded.
func (t *Tree) StartJournal() {
	t.journal = &Journal{nodes: map[NodeID]*Node{}, groups: map[GroupID]*Group{}}
}

// StopJournal stops recording and returns the journal, or nil when none was
// started. Every node or group that differs from its state at StartJournal
// (or was added or removed since) is in the journal.
func (t *Tree) StopJournal() *Journal {
	j := t.journal
	t.journal = nil
	return j
}

// EachNode calls f, in no particular order, for every node recorded, with
// its state when the journal started (nil: it did not exist then). A
// recorded node may be unchanged.
func (j *Journal) EachNode(f func(id NodeID, before *Node)) {
	for id, n := range j.nodes {
		f(id, n)
	}
}

// EachGroup calls f, in no particular order, for every group recorded, with
// its state when the journal started (nil: it did not exist then).
func (j *Journal) EachGroup(f func(id GroupID, before *Group)) {
	for id, g := range j.groups {
		f(id, g)
	}
}

// Len returns how many nodes and groups the journal recorded.
func (j *Journal) Len() (nodes, groups int) { return len(j.nodes), len(j.groups) }

// noteNode records the state of node id, in the journal and the mark, for
// those running that have none yet.
func (t *Tree) noteNode(id NodeID) {
	if t.journal != nil {
		t.journal.recordNode(t, id)
	}
	if t.mark != nil && !t.mark.overflow {
		t.mark.before.recordNode(t, id)
	}
}

// noteGroup records the state of group id, in the journal and the mark, for
// those running that have none yet.
func (t *Tree) noteGroup(id GroupID) {
	if t.journal != nil {
		t.journal.recordGroup(t, id)
	}
	if t.mark != nil && !t.mark.overflow {
		t.mark.before.recordGroup(t, id)
	}
}

// recordNode records the state of node id of t, unless j has it already.
func (j *Journal) recordNode(t *Tree, id NodeID) {
	if _, ok := j.nodes[id]; ok {
		return
	}
	if n, ok := t.nodes[id]; ok {
		c := *n
		j.nodes[id] = &c
		return
	}
	j.nodes[id] = nil
}

// recordGroup records the state of group id of t, unless j has it already.
func (j *Journal) recordGroup(t *Tree, id GroupID) {
	if _, ok := j.groups[id]; ok {
		return
	}
	if g, ok := t.groups[id]; ok {
		c := *g
		c.Causes = slices.Clone(g.Causes)
		j.groups[id] = &c
		return
	}
	j.groups[id] = nil
}

// noteAllNodes records every node, before pointers to all of them are
// handed out. A mark does not copy them all: it gives up (see Rewind).
func (t *Tree) noteAllNodes() {
	t.giveUpMark()
	if t.journal == nil || t.journal.allNodes {
		return
	}
	for id := range t.nodes {
		t.journal.recordNode(t, id)
	}
	t.journal.allNodes = true
}

// noteAllGroups records every group, before pointers to all of them are
// handed out. A mark gives up, as for noteAllNodes.
func (t *Tree) noteAllGroups() {
	t.giveUpMark()
	if t.journal == nil || t.journal.allGroups {
		return
	}
	for id := range t.groups {
		t.journal.recordGroup(t, id)
	}
	t.journal.allGroups = true
}
