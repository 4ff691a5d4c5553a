package workflow

// Changes to nodes already in the tree: editing, the edit history,
// deleting a node or a link, and undoing the last change.

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/untangle-rca/untangle/tree"
)

// EditInput changes a node; nil fields stay as they are.
type EditInput struct {
	Node     tree.NodeID
	Text     *string
	Weight   *int
	Evidence *string
}

// Edit changes a node's text, weight or evidence; the audit log keeps every
// earlier version (see History). Errors: EInvalid, ENotFound, EConflict.
func (s *Service) Edit(ctx context.Context, actor Actor, rcaID int64, in EditInput) (*Result, error) {
	if in.Evidence != nil {
		if err := checkEvidence(*in.Evidence); err != nil {
			return nil, err
		}
	}
	if in.Weight != nil && (*in.Weight < 1 || *in.Weight > tree.WeightHigh) {
		return nil, Invalidf("weight", "Impact must be low, medium or high.")
	}
	return s.run(ctx, actor, rcaID, CmdEdit, func(tx Tx, r *RCA, res *Result) error {
		_, t, err := s.editTree(tx, r, actor, "edit", "", func(t *tree.Tree) error {
			return editNode(t, in)
		})
		if err != nil {
			return err
		}
		if in.Text != nil {
			res.Existing = []tree.NodeID{in.Node}
			n, _ := t.Node(in.Node)
			for _, h := range CheckWording(n.Kind, n.Text) {
				res.Hints = append(res.Hints, NodeHint{Node: in.Node, Hint: h})
			}
			if f := CheckBlame(n.Text); f != nil {
				res.Blame = append(res.Blame, NodeBlame{Node: in.Node, Finding: *f})
			}
		}
		return nil
	})
}

func editNode(t *tree.Tree, in EditInput) error {
	n, ok := t.Node(in.Node)
	if !ok {
		return &Error{Code: ENotFound, Field: "node", Message: fmt.Sprintf("Node %s does not exist in this RCA.", in.Node)}
	}
	if in.Text != nil {
		if err := t.SetText(in.Node, *in.Text); err != nil {
			return treeErr("text", err)
		}
		n.BlameWorded = CheckBlame(n.Text) != nil
	}
	if in.Weight != nil {
		if n.Kind != tree.KindUDE {
			return Invalidf("weight", "Only symptoms have an impact weight.")
		}
		n.Weight = *in.Weight
	}
	if in.Evidence != nil {
		n.Evidence = strings.TrimSpace(*in.Evidence)
	}
	return nil
}

// NodeVersion is one earlier state of a node, from the audit log.
type NodeVersion struct {
	Node   tree.Node
	Action string
	AtID   int64 // the audit entry
}

// History returns every recorded state of a node, oldest first. Authors are
// left out on purpose: reports never attribute a node to a person.
func (s *Service) History(ctx context.Context, actor Actor, rcaID int64, node tree.NodeID) ([]NodeVersion, error) {
	var out []NodeVersion
	err := s.view(ctx, actor, rcaID, func(tx Tx, r *RCA) error {
		log, err := tx.AuditLog(r.ID)
		if err != nil {
			return err
		}
		for _, e := range log {
			if e.Subject != "tree" {
				continue
			}
			var after snapshot
			if err := json.Unmarshal(e.After, &after); err != nil {
				return fmt.Errorf("read audit entry %d: %w", e.ID, err)
			}
			for _, n := range after.Nodes {
				if n.ID == node {
					out = append(out, NodeVersion{Node: n, Action: e.Action, AtID: e.ID})
				}
			}
		}
		return nil
	})
	return out, err
}

// Delete removes a node (softly: Undo brings it back) with its links. Only
// the node's author or the facilitator may delete it.
func (s *Service) Delete(ctx context.Context, actor Actor, rcaID int64, node tree.NodeID) (*Result, error) {
	return s.run(ctx, actor, rcaID, CmdDelete, func(tx Tx, r *RCA, res *Result) error {
		info, err := tx.NodeInfo(r.ID, node)
		if err != nil {
			return err
		}
		if info.Author != actor.UserID && !r.IsFacilitator(actor.UserID) {
			return FacilitatorOnly(r, "delete a node someone else added; raise a reservation instead")
		}
		ch, _, err := s.editTree(tx, r, actor, "delete", "", func(t *tree.Tree) error {
			return treeErr("node", t.RemoveNode(node))
		})
		for _, g := range ch.Groups {
			res.Groups = append(res.Groups, g.Before.ID)
		}
		return err
	})
}

// DeleteLink removes a link (facilitator, or the author of its effect node).
func (s *Service) DeleteLink(ctx context.Context, actor Actor, rcaID int64, group tree.GroupID) (*Result, error) {
	return s.run(ctx, actor, rcaID, CmdDelete, func(tx Tx, r *RCA, res *Result) error {
		t, err := tx.Tree(r.ID)
		if err != nil {
			return err
		}
		g, ok := t.Group(group)
		if !ok {
			return &Error{Code: ENotFound, Field: "link", Message: fmt.Sprintf("Link %d does not exist in this RCA.", group)}
		}
		info, err := tx.NodeInfo(r.ID, g.Effect)
		if err != nil {
			return err
		}
		if info.Author != actor.UserID && !r.IsFacilitator(actor.UserID) {
			return FacilitatorOnly(r, "remove a link into a node someone else added; raise a reservation instead")
		}
		res.Groups = []tree.GroupID{group}
		_, _, err = s.editTree(tx, r, actor, "delete_link", "", func(t *tree.Tree) error {
			return treeErr("link", t.RemoveGroup(group))
		})
		return err
	})
}

// Undo reverses the actor's most recent tree change that is not undone yet.
// Errors: ENotFound (nothing to undo), EConflict (the nodes changed since, or
// others have linked to a node the change added).
func (s *Service) Undo(ctx context.Context, actor Actor, rcaID int64) (*Result, error) {
	return s.run(ctx, actor, rcaID, CmdUndo, func(tx Tx, r *RCA, res *Result) error {
		e, err := tx.LastUndoable(r.ID, actor.UserID)
		if err != nil {
			return err
		}
		var before, after snapshot
		if err := json.Unmarshal(e.Before, &before); err != nil {
			return fmt.Errorf("read audit entry %d: %w", e.ID, err)
		}
		if err := json.Unmarshal(e.After, &after); err != nil {
			return fmt.Errorf("read audit entry %d: %w", e.ID, err)
		}
		ch, _, err := s.editTreeRef(tx, r, actor, "undo", "", e.ID, func(t *tree.Tree) error {
			return revert(t, before, after)
		})
		for _, c := range ch.Nodes {
			if c.Before == nil {
				res.NewNodes = append(res.NewNodes, c.After.ID)
			}
		}
		return err
	})
}

// revert turns the after side of a change in t back into its before side.
func revert(t *tree.Tree, before, after snapshot) error {
	stale := Errorf(EConflict, "That change cannot be undone any more: the nodes it touched have changed since.")
	for _, n := range after.Nodes {
		if cur, ok := t.Node(n.ID); !ok || *cur != n {
			return stale
		}
	}
	for _, g := range after.Groups {
		if cur, ok := t.Group(g.ID); !ok || cur.Effect != g.Effect || !slices.Equal(cur.Causes, g.Causes) {
			return stale
		}
	}
	for _, g := range after.Groups {
		if err := t.RemoveGroup(g.ID); err != nil {
			return treeErr("link", err)
		}
	}
	for _, n := range after.Nodes {
		if findNode(before.Nodes, n.ID) != nil {
			continue
		}
		if len(t.GroupsInto(n.ID))+len(t.GroupsFrom(n.ID)) > 0 {
			return Errorf(EConflict, "Others have linked to %s since; delete it explicitly instead of undoing.", n.ID)
		}
		if err := t.RemoveNode(n.ID); err != nil {
			return treeErr("node", err)
		}
	}
	for _, n := range before.Nodes {
		cur, ok := t.Node(n.ID)
		if !ok {
			if _, err := t.AddNode(n); err != nil {
				return treeErr("node", err)
			}
			continue
		}
		if err := t.SetText(n.ID, n.Text); err != nil {
			return treeErr("node", err)
		}
		*cur = n
	}
	for _, g := range before.Groups {
		if _, err := t.AddGroup(g); err != nil {
			return treeErr("link", err)
		}
	}
	return nil
}

func findNode(ns []tree.Node, id tree.NodeID) *tree.Node {
	for i := range ns {
		if ns[i].ID == id {
			return copyNode(&ns[i])
		}
	}
	return nil
}
