package tree

import (
	"errors"
	"fmt"
	"slices"
)

// Injection is a change proposed against a Current State Tree, as the Future
// Reality Tree needs it: its text and the symptoms it removes on its own.
type Injection struct {
	Text    string
	Removes []NodeID // UDEs of the CST that no longer hold with this injection alone
}

// DesiredPrefix starts the text of a desired effect made from a removed symptom.
const DesiredPrefix = "No longer: "

// FutureTree builds the Future Reality Tree of cst with injections in place;
// combined is the elimination of all of them together (see Eliminate). The
// tree keeps the symptoms that remain and every holding node and link that
// still leads to them, the Future Reality Tree part cst already has
// (injections, desired effects, negative branches and their links), one
// injection node per distinct text, and one desired effect per removed
// symptom (the team's counterpart of it, see Counterparts, or else worded
// by DesirableWording), caused by each injection that removes
// it alone (OR), or by all injections together (AND) when only the
// combination does. New nodes are numbered after every number of cst.
func FutureTree(title string, cst *Tree, combined Elimination, injections []Injection) (*Tree, error) {
	frt := New(title)
	holding := map[NodeID]bool{}
	for _, id := range combined.Holding {
		holding[id] = true
	}
	removed := map[NodeID]bool{}
	for _, id := range combined.Removed {
		removed[id] = true
	}
	counter := Counterparts(cst)
	for _, n := range cst.Nodes() {
		// A counterpart of a symptom the fixes do not remove is no effect yet.
		if n.Kind.Future() {
			holding[n.ID] = counter[n.Against] != n || removed[n.Against]
		}
	}
	for _, n := range cst.Nodes() {
		if !holding[n.ID] {
			continue
		}
		if _, err := frt.AddNode(*n); err != nil {
			return nil, fmt.Errorf("future reality tree: keep %s: %w", n.ID, err)
		}
	}
	var lastGroup GroupID
	for _, g := range cst.Groups() {
		lastGroup = max(lastGroup, g.ID)
		if holding[g.Effect] && allHold(g.Causes, holding) {
			if _, err := frt.AddGroup(Group{ID: g.ID, Effect: g.Effect, Causes: g.Causes, Status: g.Status}); err != nil {
				return nil, fmt.Errorf("future reality tree: keep link %d: %w", g.ID, err)
			}
		}
	}
	if err := pruneToRemaining(frt, combined.Remaining); err != nil {
		return nil, err
	}
	frt.ReserveNumbers(cst.NextNodeID()-1, lastGroup)
	nodes, err := addInjections(frt, injections)
	if err != nil {
		return nil, err
	}
	for _, ude := range combined.Removed {
		if err := addDesiredEffect(frt, cst, counter, ude, injections, nodes); err != nil {
			return nil, err
		}
	}
	for _, n := range frt.Nodes() {
		if _, ok := frt.Node(n.Against); n.Against != 0 && !ok {
			n.Against = 0 // its target is fixed away: the picture shows what remains
		}
	}
	return frt, nil
}

// pruneToRemaining removes the nodes that no longer lead to a remaining
// symptom: with the injections in place they are no part of any problem left.
func pruneToRemaining(frt *Tree, remaining []NodeID) error {
	keep := map[NodeID]bool{}
	queue := slices.Clone(remaining)
	for _, n := range frt.Nodes() {
		if n.Kind.Future() {
			queue = append(queue, n.ID)
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if keep[id] {
			continue
		}
		keep[id] = true
		for _, g := range frt.GroupsInto(id) {
			queue = append(queue, g.Causes...)
		}
	}
	for _, n := range frt.Nodes() {
		if !keep[n.ID] {
			if err := frt.RemoveNode(n.ID); err != nil {
				return fmt.Errorf("future reality tree: prune %s: %w", n.ID, err)
			}
		}
	}
	return nil
}

func allHold(ids []NodeID, holding map[NodeID]bool) bool {
	for _, id := range ids {
		if !holding[id] {
			return false
		}
	}
	return true
}

// addInjections adds one injection node per distinct text and returns the
// node of each injection, in order.
func addInjections(frt *Tree, injections []Injection) ([]NodeID, error) {
	out := make([]NodeID, len(injections))
	for i, in := range injections {
		if n, ok := frt.NodeByText(in.Text); ok && n.Kind == KindInjection {
			out[i] = n.ID
			continue
		}
		n, err := addUnique(frt, Node{Kind: KindInjection, Text: in.Text})
		if err != nil {
			return nil, fmt.Errorf("future reality tree: injection %q: %w", in.Text, err)
		}
		out[i] = n.ID
	}
	return out, nil
}

// addDesiredEffect adds the desired effect of a removed symptom and its
// links from the injections that remove it.
func addDesiredEffect(frt, cst *Tree, counter map[NodeID]*Node, ude NodeID, injections []Injection, nodes []NodeID) error {
	if _, ok := cst.Node(ude); !ok {
		return nil
	}
	text := CounterpartText(cst, counter, ude)
	de, ok := frt.NodeByText(text)
	if !ok || de.Kind != KindDesiredEffect {
		var err error
		if de, err = addUnique(frt, Node{Kind: KindDesiredEffect, Text: text}); err != nil {
			return fmt.Errorf("future reality tree: desired effect of %s: %w", ude, err)
		}
	}
	var all []NodeID
	linked := false
	for i, in := range injections {
		if !slices.Contains(all, nodes[i]) {
			all = append(all, nodes[i])
		}
		if slices.Contains(in.Removes, ude) {
			if err := addLink(frt, de.ID, nodes[i]); err != nil {
				return err
			}
			linked = true
		}
	}
	if linked || len(all) == 0 {
		return nil
	}
	return addLink(frt, de.ID, all...)
}

// addLink adds a group, accepting one that already exists.
func addLink(t *Tree, effect NodeID, causes ...NodeID) error {
	if _, err := t.AddGroup(Group{Effect: effect, Causes: causes}); err != nil && !errors.Is(err, ErrDuplicateLink) {
		return fmt.Errorf("future reality tree: link into %s: %w", effect, err)
	}
	return nil
}

// addUnique adds n, numbering its text when another node already says it.
func addUnique(t *Tree, n Node) (*Node, error) {
	text := n.Text
	for i := 2; ; i++ {
		added, err := t.AddNode(n)
		if !errors.Is(err, ErrDuplicateNode) || i > 50 {
			return added, err
		}
		suffix := fmt.Sprintf(" (%d)", i)
		n.Text = clipRunes(text, MaxTextRunes-len(suffix)) + suffix
	}
}

// clipRunes shortens s to at most max runes, ending with "…" when it cut.
func clipRunes(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max-1]) + "…"
}
