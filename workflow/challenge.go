package workflow

import (
	"context"
	"fmt"
	"strings"

	"github.com/untangle-rca/untangle/tree"
)

// MaxNoteRunes is the longest reservation note.
const MaxNoteRunes = 1000

// challenge is the challenge-pass state of one RCA inside a transaction.
type challenge struct {
	t       *tree.Tree
	reviews []Review
	res     []Reservation
	need    int
}

func loadChallenge(tx Tx, r *RCA) (*challenge, error) {
	t, err := tx.Tree(r.ID)
	if err != nil {
		return nil, err
	}
	reviews, err := tx.Reviews(r.ID)
	if err != nil {
		return nil, err
	}
	res, err := tx.Reservations(r.ID)
	if err != nil {
		return nil, err
	}
	return &challenge{t: t, reviews: reviews, res: res, need: min(2, max(1, len(r.Participants)))}, nil
}

// status applies the acceptance rule to a link: disputed while a reservation
// on it is open; accepted when enough participants (two, or all if fewer) say
// it holds and nobody says it does not; a link already accepted (for example
// by the facilitator) stays accepted until a reservation is raised.
func (c *challenge) status(g *tree.Group) tree.LinkStatus {
	for _, r := range c.res {
		if r.Group == g.ID && r.Status == ResOpen {
			return tree.StatusDisputed
		}
	}
	if g.Status == tree.StatusAccepted {
		return tree.StatusAccepted
	}
	holds := 0
	for _, v := range c.reviews {
		if v.Group != g.ID {
			continue
		}
		if !v.Holds {
			return tree.StatusUnreviewed
		}
		holds++
	}
	if holds >= c.need {
		return tree.StatusAccepted
	}
	return tree.StatusUnreviewed
}

// setStatus stores a link's new status; it is not an undoable tree change,
// and the calling command records the status in its own audit entry.
func setStatus(tx Tx, r *RCA, g *tree.Group, status tree.LinkStatus) error {
	if g.Status == status {
		return nil
	}
	after := copyGroup(g)
	after.Status = status
	if err := tx.ApplyChange(r.ID, TreeChange{Groups: []GroupChange{{Before: copyGroup(g), After: after}}}); err != nil {
		return err
	}
	g.Status = status
	return nil
}

// linkAudit is what a challenge command records about a link.
type linkAudit struct {
	Holds       *bool           `json:"holds,omitempty"`
	Reservation *Reservation    `json:"reservation,omitempty"`
	Unverified  bool            `json:"unverified,omitempty"`
	Dismissed   []int64         `json:"dismissed,omitempty"`
	Accept      *bool           `json:"accept,omitempty"`
	Status      tree.LinkStatus `json:"status,omitempty"`
}

func (c *challenge) group(id tree.GroupID) (*tree.Group, error) {
	g, ok := c.t.Group(id)
	if !ok {
		return nil, &Error{Code: ENotFound, Field: "link", Message: fmt.Sprintf("Link %d does not exist in this RCA.", id)}
	}
	return g, nil
}

// Review records whether the actor thinks a link holds and applies the
// acceptance rule. Errors: ENotFound (link), EWrongPhase, EForbidden.
func (s *Service) Review(ctx context.Context, actor Actor, rcaID int64, group tree.GroupID, holds bool) (*Result, error) {
	return s.run(ctx, actor, rcaID, CmdReview, func(tx Tx, r *RCA, res *Result) error {
		c, err := loadChallenge(tx, r)
		if err != nil {
			return err
		}
		g, err := c.group(group)
		if err != nil {
			return err
		}
		if err := tx.PutReview(Review{RCAID: r.ID, Group: group, User: actor.UserID, Holds: holds}); err != nil {
			return err
		}
		if c.reviews, err = tx.Reviews(r.ID); err != nil {
			return err
		}
		res.Groups = []tree.GroupID{group}
		if err := setStatus(tx, r, g, c.status(g)); err != nil {
			return err
		}
		res.Status = g.Status
		return audit(tx, r.ID, actor, "review", fmt.Sprintf("link %d", group), nil, linkAudit{Holds: &holds, Status: g.Status})
	})
}

// RaiseInput is what the "Raise a reservation" modal collects: a link or a node.
type RaiseInput struct {
	Group    tree.GroupID
	Node     tree.NodeID
	Category Category
	Note     string
	// Repair, when set, settles the new reservation at once in the same
	// transaction (its Reservation field is filled in): the natural repair
	// of a category that has one, typed in the same form.
	Repair *RepairInput
}

func checkRaise(in RaiseInput) error {
	switch {
	case !in.Category.Valid():
		return Invalidf("category", "Pick one of the eight categories of reservation.")
	case (in.Group == 0) == (in.Node == 0):
		return Invalidf("target", "Raise a reservation on one link or on one node.")
	case in.Node != 0 && !nodeCategory(in.Category):
		return Invalidf("category", "That category is about a link; raise it on the link.")
	case len([]rune(in.Note)) > MaxNoteRunes:
		return Invalidf("note", "Please keep the note under %d characters.", MaxNoteRunes)
	}
	return nil
}

// Raise opens a reservation on a link (which becomes disputed) or a node (an
// entity-existence reservation marks it unverified).
func (s *Service) Raise(ctx context.Context, actor Actor, rcaID int64, in RaiseInput) (*Result, error) {
	if err := checkRaise(in); err != nil {
		return nil, err
	}
	return s.run(ctx, actor, rcaID, CmdRaise, func(tx Tx, r *RCA, res *Result) error {
		c, err := loadChallenge(tx, r)
		if err != nil {
			return err
		}
		rv := &Reservation{RCAID: r.ID, Group: in.Group, Node: in.Node, Category: in.Category,
			Note: strings.TrimSpace(in.Note), RaisedBy: actor.UserID, Status: ResOpen}
		if in.Node != 0 {
			if _, ok := c.t.Node(in.Node); !ok {
				return &Error{Code: ENotFound, Field: "node", Message: fmt.Sprintf("Node %s does not exist in this RCA.", in.Node)}
			}
		} else if _, err := c.group(in.Group); err != nil {
			return err
		}
		if res.Reservation, err = tx.AddReservation(rv); err != nil {
			return err
		}
		entry := linkAudit{Reservation: rv}
		if in.Node != 0 {
			if entry.Unverified, err = markUnverified(tx, r, c.t, in, res); err != nil {
				return err
			}
		} else {
			c.res = append(c.res, *rv)
			g, _ := c.t.Group(in.Group)
			res.Groups = []tree.GroupID{g.ID}
			if err := setStatus(tx, r, g, c.status(g)); err != nil {
				return err
			}
			res.Status, entry.Status = g.Status, g.Status
		}
		if err := audit(tx, r.ID, actor, "raise", fmt.Sprintf("reservation %d", rv.ID), nil, entry); err != nil {
			return err
		}
		if in.Repair == nil {
			return nil
		}
		if err := Check(r, actor.UserID, CmdRepair); err != nil {
			return err
		}
		repair := *in.Repair
		repair.Reservation = res.Reservation
		return s.repair(tx, r, actor, repair, res)
	})
}

// markUnverified flags the node of an entity-existence reservation and
// reports whether it changed it.
func markUnverified(tx Tx, r *RCA, t *tree.Tree, in RaiseInput, res *Result) (bool, error) {
	res.Existing = []tree.NodeID{in.Node}
	n, _ := t.Node(in.Node)
	if in.Category != CatEntityExistence || n.Unverified {
		return false, nil
	}
	after := *n
	after.Unverified = true
	if err := tx.ApplyChange(r.ID, TreeChange{Nodes: []NodeChange{{Before: copyNode(n), After: &after}}}); err != nil {
		return false, err
	}
	return true, nil
}

// Decide lets the facilitator settle a link: accept marks it accepted and
// dismisses its open reservations; reject removes it (Undo brings it back).
func (s *Service) Decide(ctx context.Context, actor Actor, rcaID int64, group tree.GroupID, accept bool) (*Result, error) {
	return s.run(ctx, actor, rcaID, CmdDecide, func(tx Tx, r *RCA, res *Result) error {
		c, err := loadChallenge(tx, r)
		if err != nil {
			return err
		}
		if _, err := c.group(group); err != nil {
			return err
		}
		res.Groups = []tree.GroupID{group}
		if !accept {
			_, _, err := s.editTree(tx, r, actor, "reject_link", "", func(t *tree.Tree) error {
				return treeErr("link", t.RemoveGroup(group))
			})
			return err
		}
		entry := linkAudit{Accept: &accept, Status: tree.StatusAccepted}
		for i := range c.res {
			if rv := &c.res[i]; rv.Group == group && rv.Status == ResOpen {
				in := RepairInput{Action: RepairDismiss, Note: "accepted by the facilitator"}
				if err := s.resolve(tx, r, rv, in, res); err != nil {
					return err
				}
				entry.Dismissed = append(entry.Dismissed, rv.ID)
			}
		}
		g, err := loadGroup(tx, r, group)
		if err != nil {
			return err
		}
		res.Status = tree.StatusAccepted
		if err := setStatus(tx, r, g, tree.StatusAccepted); err != nil {
			return err
		}
		return audit(tx, r.ID, actor, "decide", fmt.Sprintf("link %d", group), nil, entry)
	})
}

func loadGroup(tx Tx, r *RCA, id tree.GroupID) (*tree.Group, error) {
	t, err := tx.Tree(r.ID)
	if err != nil {
		return nil, err
	}
	g, ok := t.Group(id)
	if !ok {
		return nil, &Error{Code: ENotFound, Field: "link", Message: fmt.Sprintf("Link %d does not exist in this RCA.", id)}
	}
	return g, nil
}

// linkStatements is every link of t as IF/THEN text with node numbers.
func linkStatements(t *tree.Tree) map[tree.GroupID]string {
	out := make(map[tree.GroupID]string, t.NumGroups())
	for _, g := range t.Groups() {
		out[g.ID] = tree.FormatGroupNumbered(t, g)
	}
	return out
}

// keepChangedLinks sets res.Before to the links of was that the command
// removed or changed, as they read before it, read in the command's own
// transaction.
func keepChangedLinks(tx Tx, rcaID int64, was map[tree.GroupID]string, res *Result) error {
	t, err := tx.Tree(rcaID)
	if err != nil {
		return err
	}
	now := linkStatements(t)
	for id, text := range was {
		if now[id] != text {
			if res.Before == nil {
				res.Before = map[tree.GroupID]string{}
			}
			res.Before[id] = text
		}
	}
	return nil
}
