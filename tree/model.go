// Package tree models a Theory of Constraints Current State Tree (and its
// Future Reality Tree): numbered nodes, AND/OR cause groups, the IF/AND/THEN
// statement syntax, and the analysis that finds where the arrows converge.
//
// The package is pure Go: it does no I/O and imports nothing of the project.
// Rendering lives in tree/render and text exports in tree/export.
package tree

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// MaxTextRunes is the longest node text, in runes, after whitespace is collapsed.
const MaxTextRunes = 300

// Kind says what role a node plays in the tree.
type Kind string

// The node kinds of a Current State Tree and of a Future Reality Tree.
const (
	KindUDE           Kind = "ude"            // an undesirable effect: an observed symptom
	KindCause         Kind = "cause"          // an intermediate or root cause
	KindPremise       Kind = "premise"        // a condition added to make a cause sufficient (AND)
	KindInjection     Kind = "injection"      // a fix proposed in the Future Reality Tree
	KindDesiredEffect Kind = "desired_effect" // the good outcome an injection should produce
	// KindNegativeEffect is a step or the end of a negative branch: a new
	// undesirable effect an injection could cause.
	KindNegativeEffect Kind = "negative_effect"
)

// Kinds lists every valid kind in a stable order.
var Kinds = []Kind{KindUDE, KindCause, KindPremise, KindInjection, KindDesiredEffect, KindNegativeEffect}

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Future reports whether k belongs to the Future Reality Tree part of a tree
// (injections, desired effects, negative-branch effects) rather than to the
// Current State Tree.
func (k Kind) Future() bool {
	return k == KindInjection || k == KindDesiredEffect || k == KindNegativeEffect
}

// NodeID is a node's per-tree number, shown to people as #N.
type NodeID int

// String renders the id as people see it: "#7".
func (id NodeID) String() string { return fmt.Sprintf("#%d", int(id)) }

// GroupID identifies a cause group (a junction) within a tree.
type GroupID int

// Impact weights of a UDE.
const (
	WeightLow     = 1
	WeightMedium  = 2
	WeightHigh    = 3
	DefaultWeight = WeightMedium
)

// Node is one statement in the tree.
type Node struct {
	ID          NodeID
	Kind        Kind
	Text        string
	Weight      int    // impact weight 1–3 for a UDE (0 means the default, 2); ignored for other kinds
	Evidence    string // a link or note that supports the statement
	Unverified  bool   // an entity-existence reservation is open on it
	RootMarked  bool   // the team decided to stop digging here
	BlameWorded bool   // the text names a person or uses blame words
	// Against is, for an injection, the node it neutralises: a cause of the
	// Current State Tree it fixes, or a step of a negative branch it trims.
	// 0 means none; other kinds never have one.
	Against NodeID
}

// Impact returns the node's effective UDE weight: Weight, or DefaultWeight when unset.
// Nodes that are not UDEs have no impact.
func (n *Node) Impact() int {
	if n.Kind != KindUDE {
		return 0
	}
	if n.Weight == 0 {
		return DefaultWeight
	}
	return n.Weight
}

// LinkStatus is where a group stands in the challenge pass.
type LinkStatus string

// The challenge-pass states of a link (group).
const (
	StatusUnreviewed LinkStatus = "unreviewed"
	StatusAccepted   LinkStatus = "accepted"
	StatusDisputed   LinkStatus = "disputed"
)

// Group is a junction: all Causes together (AND) are sufficient for Effect.
// Several groups into one effect are alternatives (OR). A group with one
// cause is a plain link.
type Group struct {
	ID     GroupID
	Effect NodeID
	Causes []NodeID
	Status LinkStatus
}

// IsAnd reports whether the group joins more than one cause.
func (g *Group) IsAnd() bool { return len(g.Causes) > 1 }

// Errors returned by the model; they are wrapped with the node numbers involved.
var (
	ErrEmptyText     = errors.New("text is empty")
	ErrTextTooLong   = fmt.Errorf("text is longer than %d characters", MaxTextRunes)
	ErrInvalidText   = errors.New("text is not valid")
	ErrUnknownNode   = errors.New("no such node")
	ErrUnknownGroup  = errors.New("no such link")
	ErrDuplicateNode = errors.New("a node with this number or text already exists")
	ErrSelfLink      = errors.New("a node cannot cause itself")
	ErrDuplicateLink = errors.New("this link already exists")
	ErrInvalidNode   = errors.New("node is not valid")
)

// Tree is a Current State Tree (or Future Reality Tree). The zero value is not
// usable; call New. A Tree is not safe for concurrent mutation.
type Tree struct {
	Title     string
	nodes     map[NodeID]*Node
	byText    map[string]NodeID
	groups    map[GroupID]*Group
	keys      map[string]GroupID // groupKey(effect, sorted causes) → group, to find duplicates fast
	nextNode  NodeID
	nextGroup GroupID
	journal   *Journal // nil unless StartJournal was called
	mark      *mark    // nil unless Mark was called
}

// New returns an empty tree with the given title.
func New(title string) *Tree {
	return &Tree{
		Title:     title,
		nodes:     map[NodeID]*Node{},
		byText:    map[string]NodeID{},
		groups:    map[GroupID]*Group{},
		keys:      map[string]GroupID{},
		nextNode:  1,
		nextGroup: 1,
	}
}

// reserve sizes the maps of an empty tree for about the given numbers of
// nodes and groups, so that a bulk load does not grow them step by step.
func (t *Tree) reserve(nodes, groups int) {
	if len(t.nodes) > 0 || len(t.groups) > 0 {
		return
	}
	t.nodes, t.byText = make(map[NodeID]*Node, nodes), make(map[string]NodeID, nodes)
	t.groups, t.keys = make(map[GroupID]*Group, groups), make(map[string]GroupID, groups)
}

// AddNode adds a copy of n and returns the stored node. An ID of 0 takes the
// next free number; a Kind of "" means cause. The text is normalised; texts
// must be unique within the tree so that statements can refer to them.
func (t *Tree) AddNode(n Node) (*Node, error) {
	text, err := NormalizeText(n.Text)
	if err != nil {
		return nil, err
	}
	n.Text = text
	if n.Kind == "" {
		n.Kind = KindCause
	}
	if !n.Kind.Valid() {
		return nil, fmt.Errorf("%w: unknown kind %q", ErrInvalidNode, n.Kind)
	}
	if n.Weight < 0 || n.Weight > WeightHigh {
		return nil, fmt.Errorf("%w: impact weight must be 1, 2 or 3, not %d", ErrInvalidNode, n.Weight)
	}
	if n.ID < 0 {
		return nil, fmt.Errorf("%w: negative number %d", ErrInvalidNode, n.ID)
	}
	if err := checkAgainst(n); err != nil {
		return nil, err
	}
	if n.ID == 0 {
		n.ID = t.nextNode
	}
	if _, ok := t.nodes[n.ID]; ok {
		return nil, fmt.Errorf("%w: %s", ErrDuplicateNode, n.ID)
	}
	if other, ok := t.byText[n.Text]; ok {
		return nil, fmt.Errorf("%w: %s already says %q", ErrDuplicateNode, other, n.Text)
	}
	t.noteNode(n.ID)
	stored := n
	t.nodes[n.ID] = &stored
	t.byText[n.Text] = n.ID
	if n.ID >= t.nextNode {
		t.nextNode = n.ID + 1
	}
	return &stored, nil
}

// AddGroup adds a copy of g and returns the stored group. An ID of 0 takes the
// next free number; an empty Status means unreviewed. Every node must exist, an
// effect may not be among its own causes, a cause may not repeat within the
// group, and the same set of causes may not already point at the same effect.
func (t *Tree) AddGroup(g Group) (*Group, error) {
	if err := t.checkGroup(g, 0); err != nil {
		return nil, err
	}
	if g.Status == "" {
		g.Status = StatusUnreviewed
	}
	if g.ID < 0 {
		return nil, fmt.Errorf("%w: negative link number %d", ErrInvalidNode, g.ID)
	}
	if g.ID == 0 {
		g.ID = t.nextGroup
	}
	if _, ok := t.groups[g.ID]; ok {
		return nil, fmt.Errorf("%w: link %d", ErrDuplicateLink, g.ID)
	}
	g.Causes = slices.Clone(g.Causes)
	t.noteGroup(g.ID)
	t.putGroup(&g)
	if g.ID >= t.nextGroup {
		t.nextGroup = g.ID + 1
	}
	return &g, nil
}

// checkGroup validates g against the tree, ignoring the group numbered skip.
func (t *Tree) checkGroup(g Group, skip GroupID) error {
	if len(g.Causes) == 0 {
		return fmt.Errorf("%w: a link needs at least one cause", ErrInvalidNode)
	}
	if _, ok := t.nodes[g.Effect]; !ok {
		return fmt.Errorf("%w: %s", ErrUnknownNode, g.Effect)
	}
	var seen map[NodeID]bool // only for large groups; small ones are scanned
	if len(g.Causes) > 16 {
		seen = make(map[NodeID]bool, len(g.Causes))
	}
	for i, c := range g.Causes {
		if _, ok := t.nodes[c]; !ok {
			return fmt.Errorf("%w: %s", ErrUnknownNode, c)
		}
		if c == g.Effect {
			return fmt.Errorf("%w: %s", ErrSelfLink, c)
		}
		if seen != nil && seen[c] || seen == nil && slices.Contains(g.Causes[:i], c) {
			return fmt.Errorf("%w: %s appears twice in one AND group", ErrInvalidNode, c)
		}
		if seen != nil {
			seen[c] = true
		}
	}
	var kb keyBuf
	if other, ok := t.keys[string(kb.of(g.Effect, g.Causes))]; ok && other != skip {
		return fmt.Errorf("%w: %s ⇒ %s", ErrDuplicateLink, joinIDs(g.Causes), g.Effect)
	}
	return nil
}

// keyOf identifies a group by its effect and its set of causes.
func keyOf(effect NodeID, causes []NodeID) string {
	var kb keyBuf
	return string(kb.of(effect, causes))
}

// putGroup stores g and indexes it.
func (t *Tree) putGroup(g *Group) {
	t.groups[g.ID] = g
	t.keys[keyOf(g.Effect, g.Causes)] = g.ID
}

// dropGroup deletes the group numbered id and its index entry.
func (t *Tree) dropGroup(id GroupID) {
	g := t.groups[id]
	key := keyOf(g.Effect, g.Causes)
	if t.keys[key] == id {
		delete(t.keys, key)
	}
	delete(t.groups, id)
}

func joinIDs(ids []NodeID) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id.String()
	}
	return strings.Join(parts, " AND ")
}

// Node returns the node numbered id.
func (t *Tree) Node(id NodeID) (*Node, bool) {
	n, ok := t.nodes[id]
	if ok {
		t.noteNode(id)
	}
	return n, ok
}

// NodeByText returns the node whose normalised text equals text exactly.
func (t *Tree) NodeByText(text string) (*Node, bool) {
	norm, err := NormalizeText(text)
	if err != nil {
		return nil, false
	}
	id, ok := t.byText[norm]
	if !ok {
		return nil, false
	}
	t.noteNode(id)
	return t.nodes[id], true
}

// Group returns the group numbered id.
func (t *Tree) Group(id GroupID) (*Group, bool) {
	g, ok := t.groups[id]
	if ok {
		t.noteGroup(id)
	}
	return g, ok
}

// Nodes returns every node ordered by number.
func (t *Tree) Nodes() []*Node {
	t.noteAllNodes()
	out := make([]*Node, 0, len(t.nodes))
	for _, n := range t.nodes {
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b *Node) int { return int(a.ID - b.ID) })
	return out
}

// Groups returns every group ordered by number.
func (t *Tree) Groups() []*Group {
	t.noteAllGroups()
	return t.sortedGroups()
}

// sortedGroups returns every group ordered by number, without journaling.
func (t *Tree) sortedGroups() []*Group {
	out := make([]*Group, 0, len(t.groups))
	for _, g := range t.groups {
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b *Group) int { return int(a.ID - b.ID) })
	return out
}

// EachNode calls f for every node in no particular order, without the
// sorting Nodes does.
func (t *Tree) EachNode(f func(*Node)) {
	t.noteAllNodes()
	for _, n := range t.nodes {
		f(n)
	}
}

// EachGroup calls f for every group in no particular order.
func (t *Tree) EachGroup(f func(*Group)) {
	t.noteAllGroups()
	for _, g := range t.groups {
		f(g)
	}
}

// NumNodes returns how many nodes the tree has.
func (t *Tree) NumNodes() int { return len(t.nodes) }

// NumGroups returns how many groups the tree has.
func (t *Tree) NumGroups() int { return len(t.groups) }

// NextNodeID returns the number the next added node will get.
func (t *Tree) NextNodeID() NodeID { return t.nextNode }

// ReserveNumbers makes the tree number new nodes above lastNode and new
// groups above lastGroup, so numbers of deleted items are never reused. It
// never lowers the counters.
func (t *Tree) ReserveNumbers(lastNode NodeID, lastGroup GroupID) {
	t.nextNode = max(t.nextNode, lastNode+1)
	t.nextGroup = max(t.nextGroup, lastGroup+1)
}

// GroupsInto returns the groups whose effect is id, ordered by number.
func (t *Tree) GroupsInto(id NodeID) []*Group {
	var out []*Group
	for _, g := range t.sortedGroups() {
		if g.Effect == id {
			t.noteGroup(g.ID)
			out = append(out, g)
		}
	}
	return out
}

// GroupsFrom returns the groups that have id among their causes, ordered by number.
func (t *Tree) GroupsFrom(id NodeID) []*Group {
	var out []*Group
	for _, g := range t.sortedGroups() {
		if slices.Contains(g.Causes, id) {
			t.noteGroup(g.ID)
			out = append(out, g)
		}
	}
	return out
}

// Clone returns a deep copy of the tree. It allocates in a few large blocks,
// since the workflow clones a tree on every change.
func (t *Tree) Clone() *Tree {
	c := &Tree{
		Title:     t.Title,
		nodes:     make(map[NodeID]*Node, len(t.nodes)),
		byText:    maps.Clone(t.byText),
		groups:    make(map[GroupID]*Group, len(t.groups)),
		keys:      maps.Clone(t.keys),
		nextNode:  t.nextNode,
		nextGroup: t.nextGroup,
	}
	nodes := make([]Node, 0, len(t.nodes))
	for id, n := range t.nodes {
		nodes = append(nodes, *n)
		c.nodes[id] = &nodes[len(nodes)-1]
	}
	total := 0
	for _, g := range t.groups {
		total += len(g.Causes)
	}
	groups := make([]Group, 0, len(t.groups))
	causes := make([]NodeID, 0, total)
	for id, g := range t.groups {
		start := len(causes)
		causes = append(causes, g.Causes...)
		cp := *g
		cp.Causes = causes[start:len(causes):len(causes)]
		groups = append(groups, cp)
		c.groups[id] = &groups[len(groups)-1]
	}
	return c
}
