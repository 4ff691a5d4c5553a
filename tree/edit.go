package tree

// Edits of an existing tree: rewording a node, changing or flipping a link,
// removing nodes and links.

import (
	"fmt"
	"slices"
)

// SetText rewords a node, keeping texts unique.
func (t *Tree) SetText(id NodeID, text string) error {
	n, ok := t.nodes[id]
	if !ok {
		return fmt.Errorf("%w: %s", ErrUnknownNode, id)
	}
	norm, err := NormalizeText(text)
	if err != nil {
		return err
	}
	if other, ok := t.byText[norm]; ok && other != id {
		return fmt.Errorf("%w: %s already says %q", ErrDuplicateNode, other, norm)
	}
	t.noteNode(id)
	delete(t.byText, n.Text)
	n.Text = norm
	t.byText[norm] = id
	return nil
}

// SetCauses replaces the causes of a group (to add a premise, say), with the
// same checks as AddGroup.
func (t *Tree) SetCauses(id GroupID, causes []NodeID) error {
	g, ok := t.groups[id]
	if !ok {
		return fmt.Errorf("%w: %d", ErrUnknownGroup, id)
	}
	next := Group{ID: id, Effect: g.Effect, Causes: causes}
	if err := t.checkGroup(next, id); err != nil {
		return err
	}
	t.noteGroup(id)
	t.dropGroup(id)
	g.Causes = slices.Clone(causes)
	t.putGroup(g)
	return nil
}

// Flip reverses a one-cause link: the effect becomes the cause.
func (t *Tree) Flip(id GroupID) error {
	g, ok := t.groups[id]
	if !ok {
		return fmt.Errorf("%w: %d", ErrUnknownGroup, id)
	}
	if len(g.Causes) != 1 {
		return fmt.Errorf("%w: only a link with one cause can be flipped", ErrInvalidNode)
	}
	next := Group{ID: id, Effect: g.Causes[0], Causes: []NodeID{g.Effect}}
	if err := t.checkGroup(next, id); err != nil {
		return err
	}
	t.noteGroup(id)
	t.dropGroup(id)
	g.Effect, g.Causes = next.Effect, next.Causes
	t.putGroup(g)
	return nil
}

// RemoveGroup deletes a group.
func (t *Tree) RemoveGroup(id GroupID) error {
	if _, ok := t.groups[id]; !ok {
		return fmt.Errorf("%w: %d", ErrUnknownGroup, id)
	}
	t.noteGroup(id)
	t.dropGroup(id)
	return nil
}

// RemoveNode deletes a node, the groups into it, and its place in the groups
// it belongs to; a group left without causes is deleted too.
func (t *Tree) RemoveNode(id NodeID) error {
	n, ok := t.nodes[id]
	if !ok {
		return fmt.Errorf("%w: %s", ErrUnknownNode, id)
	}
	t.noteNode(id)
	for _, g := range t.sortedGroups() {
		switch {
		case g.Effect == id:
			t.noteGroup(g.ID)
			t.dropGroup(g.ID)
		case slices.Contains(g.Causes, id):
			t.noteGroup(g.ID)
			t.dropGroup(g.ID)
			g.Causes = slices.DeleteFunc(g.Causes, func(c NodeID) bool { return c == id })
			// Keep the group unless it is now empty or equals a lower-numbered one.
			if _, dup := t.keys[keyOf(g.Effect, g.Causes)]; len(g.Causes) > 0 && !dup {
				t.putGroup(g)
			}
		}
	}
	for other, m := range t.nodes {
		if m.Against == id {
			t.noteNode(other)
			m.Against = 0
		}
	}
	delete(t.byText, n.Text)
	delete(t.nodes, id)
	return nil
}
