package tree

// Marking a tree's state and rewinding to it: a cheap alternative to
// cloning a tree for a change that may be abandoned, when only a few nodes
// and links change.

// mark is what Rewind needs to bring a tree back to its state at Mark: the
// before-images of what changed or was handed out since (as a journal
// records them), and the tree's own fields.
type mark struct {
	before    Journal
	title     string
	nextNode  NodeID
	nextGroup GroupID
	overflow  bool // pointers to every node or group were handed out: Rewind cannot
}

// Mark starts remembering the tree's state, so that Rewind can bring the
// tree back to it. Like a journal it records the state of each node and
// link before it can change (see StartJournal); it runs alongside a journal.
// A mark already set is replaced.
func (t *Tree) Mark() {
	t.mark = &mark{
		before:   Journal{nodes: map[NodeID]*Node{}, groups: map[GroupID]*Group{}},
		title:    t.Title,
		nextNode: t.nextNode, nextGroup: t.nextGroup,
	}
}

// giveUpMark makes Rewind refuse: pointers to every node or link are about
// to be handed out, and the mark does not copy them all.
func (t *Tree) giveUpMark() {
	if t.mark != nil && !t.mark.overflow {
		t.mark.overflow = true
		t.mark.before = Journal{}
	}
}

// Rewind brings the tree back to its state at Mark, stops any journal and
// forgets the mark. Every node and link that may have changed is replaced by
// a fresh copy of its state then, so pointers handed out since no longer
// reach into the tree. It costs in proportion to what was touched, not to
// the size of the tree.
//
// It reports false, leaving the tree as it is, when there is no mark or when
// pointers to every node or link were handed out since (Nodes, Groups,
// EachNode, EachGroup): then the tree cannot be rewound and must be dropped.
func (t *Tree) Rewind() bool {
	m := t.mark
	t.mark, t.journal = nil, nil
	if m == nil || m.overflow {
		return false
	}
	// Unindex the current state of everything touched before indexing the
	// old state, so a text or link that moved between two of them is
	// indexed for the right one.
	for id := range m.before.groups {
		if g, ok := t.groups[id]; ok {
			if key := keyOf(g.Effect, g.Causes); t.keys[key] == id {
				delete(t.keys, key)
			}
		}
	}
	for id := range m.before.nodes {
		if n, ok := t.nodes[id]; ok && t.byText[n.Text] == id {
			delete(t.byText, n.Text)
		}
	}
	for id, before := range m.before.nodes {
		if before == nil {
			delete(t.nodes, id)
			continue
		}
		c := *before
		t.nodes[id] = &c
		t.byText[c.Text] = id
	}
	for id, before := range m.before.groups {
		if before == nil {
			delete(t.groups, id)
			continue
		}
		c := *before
		c.Causes = append([]NodeID(nil), before.Causes...)
		t.putGroup(&c)
	}
	t.Title, t.nextNode, t.nextGroup = m.title, m.nextNode, m.nextGroup
	return true
}
