package workflow

// Repairs settle a reservation: each category's repairs change the tree
// (add a premise or a cause, flip, reword, attach evidence, add a predicted
// effect, remove the link) or dismiss it.

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/untangle-rca/untangle/tree"
)

// RepairAction is how a reservation is settled.
type RepairAction string

// The repairs of the challenge pass.
const (
	RepairAddPremise RepairAction = "add_premise" // add a cause into the link's AND group
	RepairAddCause   RepairAction = "add_cause"   // add another (OR) link into the effect
	RepairFlip       RepairAction = "flip"        // reverse a one-cause link
	RepairReword     RepairAction = "reword"      // change a node's text
	RepairEvidence   RepairAction = "evidence"    // attach evidence; the node is verified
	RepairAddEffect  RepairAction = "add_effect"  // add the predicted effect X of the cause, with evidence
	RepairRemoveLink RepairAction = "remove_link" // remove the link
	RepairDismiss    RepairAction = "dismiss"     // close without change (raiser or facilitator)
)

// RepairsFor returns the repairs that settle a reservation of category c, in
// the order the modal offers them; dismiss is always possible.
func RepairsFor(c Category) []RepairAction {
	switch c {
	case CatClarity:
		return []RepairAction{RepairReword, RepairDismiss}
	case CatEntityExistence:
		return []RepairAction{RepairEvidence, RepairReword, RepairRemoveLink, RepairDismiss}
	case CatCausalityExists:
		return []RepairAction{RepairEvidence, RepairRemoveLink, RepairDismiss}
	case CatCauseInsufficient:
		return []RepairAction{RepairAddPremise, RepairDismiss}
	case CatAdditionalCause:
		return []RepairAction{RepairAddCause, RepairDismiss}
	case CatReversal:
		return []RepairAction{RepairFlip, RepairDismiss}
	case CatPredictedEffect:
		return []RepairAction{RepairAddEffect, RepairEvidence, RepairRemoveLink, RepairDismiss}
	case CatTautology:
		return []RepairAction{RepairReword, RepairRemoveLink, RepairDismiss}
	}
	return nil
}

// nodeCategories are the categories that may be raised on a node rather than a link.
func nodeCategory(c Category) bool {
	return c == CatClarity || c == CatEntityExistence || c == CatPredictedEffect || c == CatTautology
}

// RepairInput settles a reservation.
type RepairInput struct {
	Reservation int64
	Action      RepairAction
	Text        string      // new text: premise, cause, predicted effect, or rewording
	Node        tree.NodeID // an existing node instead of Text (premise, cause), or the node to reword
	Evidence    string      // for evidence and add_effect
	Note        string      // why, kept as the resolution
}

// Repair applies a repair to the tree and resolves the reservation; the
// repaired link goes back to unreviewed with its reviews cleared.
// Errors: EInvalid (action, text, node, evidence), ENotFound, EConflict
// (reservation not open), EForbidden (dismissing someone else's).
func (s *Service) Repair(ctx context.Context, actor Actor, rcaID int64, in RepairInput) (*Result, error) {
	if err := checkEvidence(in.Evidence); err != nil {
		return nil, err
	}
	return s.run(ctx, actor, rcaID, CmdRepair, func(tx Tx, r *RCA, res *Result) error {
		return s.repair(tx, r, actor, in, res)
	})
}

// repair settles a reservation inside a command's transaction.
func (s *Service) repair(tx Tx, r *RCA, actor Actor, in RepairInput, res *Result) error {
	c, err := loadChallenge(tx, r)
	if err != nil {
		return err
	}
	rv, err := openReservation(c, in.Reservation)
	if err != nil {
		return err
	}
	if !slices.Contains(RepairsFor(rv.Category), in.Action) {
		return Invalidf("action", "That repair does not answer a %s reservation.", strings.ReplaceAll(string(rv.Category), "_", " "))
	}
	if in.Action == RepairDismiss && rv.RaisedBy != actor.UserID && !r.IsFacilitator(actor.UserID) {
		return FacilitatorOnly(r, "dismiss a reservation someone else raised")
	}
	was := linkStatements(c.t)
	if err := s.applyRepair(tx, r, actor, c, rv, in, res); err != nil {
		return err
	}
	if err := keepChangedLinks(tx, r.ID, was, res); err != nil {
		return err
	}
	before := *rv
	if err := s.resolve(tx, r, rv, in, res); err != nil {
		return err
	}
	return audit(tx, r.ID, actor, "resolve", fmt.Sprintf("reservation %d", rv.ID), before,
		linkAudit{Reservation: rv, Status: res.Status})
}

func openReservation(c *challenge, id int64) (*Reservation, error) {
	for i := range c.res {
		if c.res[i].ID == id {
			if c.res[i].Status != ResOpen {
				return nil, Errorf(EConflict, "This reservation was already settled.")
			}
			return &c.res[i], nil
		}
	}
	return nil, &Error{Code: ENotFound, Field: "reservation", Message: "That reservation does not exist in this RCA."}
}

// applyRepair changes the tree as the repair says.
func (s *Service) applyRepair(tx Tx, r *RCA, actor Actor, c *challenge, rv *Reservation, in RepairInput, res *Result) error {
	if in.Action == RepairDismiss || (in.Action == RepairEvidence && rv.Node == 0) {
		return nil
	}
	ch, _, err := s.editTree(tx, r, actor, "repair_"+string(in.Action), "", func(t *tree.Tree) error {
		return repairTree(t, rv, in, res)
	})
	if err != nil {
		return err
	}
	for _, gc := range ch.Groups {
		if gc.After != nil && gc.Before != nil {
			if err := tx.ClearReviews(r.ID, gc.After.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

func repairTree(t *tree.Tree, rv *Reservation, in RepairInput, res *Result) error {
	var g *tree.Group
	if rv.Group != 0 {
		var ok bool
		if g, ok = t.Group(rv.Group); !ok {
			return Errorf(EConflict, "The link of this reservation no longer exists.")
		}
	}
	switch in.Action {
	case RepairAddPremise:
		id, err := nodeFor(t, in, tree.KindPremise, res)
		if err != nil {
			return err
		}
		res.Groups = []tree.GroupID{g.ID}
		return treeErr("node", t.SetCauses(g.ID, append(slices.Clone(g.Causes), id)))
	case RepairAddCause:
		id, err := nodeFor(t, in, tree.KindCause, res)
		if err != nil {
			return err
		}
		ng, err := t.AddGroup(tree.Group{Effect: g.Effect, Causes: []tree.NodeID{id}})
		if err != nil {
			return treeErr("node", err)
		}
		res.Groups = []tree.GroupID{ng.ID}
		return nil
	case RepairFlip:
		res.Groups = []tree.GroupID{g.ID}
		return treeErr("link", t.Flip(g.ID))
	case RepairRemoveLink:
		if g == nil {
			return Invalidf("action", "This reservation is about a node; delete the node instead.")
		}
		res.Groups = []tree.GroupID{g.ID}
		return treeErr("link", t.RemoveGroup(g.ID))
	case RepairReword:
		return reword(t, rv, g, in, res)
	case RepairEvidence:
		return attachEvidence(t, rv.Node, in, res)
	case RepairAddEffect:
		return addPredicted(t, rv, g, in, res)
	}
	return Invalidf("action", "Unknown repair.")
}

// nodeFor returns the existing node of in, or adds a node with in.Text.
func nodeFor(t *tree.Tree, in RepairInput, kind tree.Kind, res *Result) (tree.NodeID, error) {
	if in.Node != 0 {
		if _, ok := t.Node(in.Node); !ok {
			return 0, &Error{Code: ENotFound, Field: "node", Message: fmt.Sprintf("Node %s does not exist in this RCA.", in.Node)}
		}
		res.Existing = append(res.Existing, in.Node)
		return in.Node, nil
	}
	if n, ok := t.NodeByText(in.Text); ok {
		res.Existing = append(res.Existing, n.ID)
		return n.ID, nil
	}
	n, err := t.AddNode(tree.Node{Kind: kind, Text: in.Text})
	if err != nil {
		return 0, treeErr("text", err)
	}
	res.NewNodes = append(res.NewNodes, n.ID)
	markBlame(t, res.NewNodes)
	return n.ID, nil
}

func reword(t *tree.Tree, rv *Reservation, g *tree.Group, in RepairInput, res *Result) error {
	target := rv.Node
	if target == 0 {
		target = in.Node
		if g == nil || (target != g.Effect && !slices.Contains(g.Causes, target)) {
			return Invalidf("node", "Pick the node of this link that you want to reword.")
		}
	}
	if err := t.SetText(target, in.Text); err != nil {
		return treeErr("text", err)
	}
	n, _ := t.Node(target)
	n.BlameWorded = CheckBlame(n.Text) != nil
	res.Existing = []tree.NodeID{target}
	return nil
}

func attachEvidence(t *tree.Tree, id tree.NodeID, in RepairInput, res *Result) error {
	ev := strings.TrimSpace(in.Evidence)
	if ev == "" {
		return Invalidf("evidence", "Add a link or a note that shows it is true.")
	}
	n, ok := t.Node(id)
	if !ok {
		return Errorf(EConflict, "The node of this reservation no longer exists.")
	}
	n.Evidence, n.Unverified = ev, false
	res.Existing = []tree.NodeID{id}
	return nil
}

// addPredicted adds the predicted effect X of the cause under reservation: a
// new node, caused by the link's causes (or by the node), with its evidence.
func addPredicted(t *tree.Tree, rv *Reservation, g *tree.Group, in RepairInput, res *Result) error {
	if strings.TrimSpace(in.Evidence) == "" {
		return Invalidf("evidence", "Say where the predicted effect can be seen.")
	}
	causes := []tree.NodeID{rv.Node}
	if g != nil {
		causes = slices.Clone(g.Causes)
	}
	n, err := t.AddNode(tree.Node{Kind: tree.KindCause, Text: in.Text, Evidence: strings.TrimSpace(in.Evidence)})
	if err != nil {
		return treeErr("text", err)
	}
	res.NewNodes = []tree.NodeID{n.ID}
	markBlame(t, res.NewNodes)
	ng, err := t.AddGroup(tree.Group{Effect: n.ID, Causes: causes})
	if err != nil {
		return treeErr("text", err)
	}
	res.Groups = []tree.GroupID{ng.ID}
	return nil
}

// resolve closes the reservation and recomputes its link's status; the
// caller audits.
func (s *Service) resolve(tx Tx, r *RCA, rv *Reservation, in RepairInput, res *Result) error {
	rv.Status, rv.ResolvedAt = ResResolved, s.clock.Now().UTC()
	if in.Action == RepairDismiss {
		rv.Status = ResDismissed
	}
	rv.Resolution = strings.TrimSpace(string(in.Action) + ": " + strings.TrimSpace(in.Note+" "+in.Evidence))
	if err := tx.UpdateReservation(rv); err != nil {
		return err
	}
	res.Reservation = rv.ID
	c, err := loadChallenge(tx, r)
	if err != nil {
		return err
	}
	if rv.Group != 0 {
		if g, ok := c.t.Group(rv.Group); ok {
			if err := setStatus(tx, r, g, c.status(g)); err != nil {
				return err
			}
			res.Status = g.Status
		}
	}
	return nil
}
