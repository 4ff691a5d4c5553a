package workflow

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/untangle-rca/untangle/tree"
)

// MaxNoteRunes is the longest reservation note.
const MaxNoteRunes = 1000

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

// Progress counts where the RCA stands, for the dashboard and reminders.
type Progress struct {
	Phase            Phase
	UDEs             int
	Nodes            int
	Links            int
	Accepted         int
	Disputed         int
	Unreviewed       int
	OpenReservations int
	Unexplained      int      // nodes the walk still asks about, skipped ones included
	Skipped          int      // nodes skipped in the walk
	Reviewers        []string // participants who reviewed at least one link
	NotReviewed      []string // participants who have not reviewed anything yet
	Done             bool     // the current pass has no pending work
	ReviewsPerLink   map[tree.GroupID]int
}

// Progress returns the progress counts of an RCA.
func (s *Service) Progress(ctx context.Context, actor Actor, rcaID int64) (*Progress, error) {
	var p *Progress
	err := s.view(ctx, actor, rcaID, func(tx Tx, r *RCA) error {
		in, err := loadReminderInput(tx, r)
		if err != nil {
			return err
		}
		p = ComputeProgress(in)
		return nil
	})
	return p, err
}

// ComputeProgress is the pure computation behind Progress.
func ComputeProgress(in ReminderInput) *Progress {
	p := &Progress{Phase: in.RCA.Phase, Nodes: in.Tree.NumNodes(), Links: in.Tree.NumGroups(),
		UDEs: len(nodesOfKind(in.Tree, tree.KindUDE)), ReviewsPerLink: map[tree.GroupID]int{}}
	for _, g := range in.Tree.Groups() {
		switch g.Status {
		case tree.StatusAccepted:
			p.Accepted++
		case tree.StatusDisputed:
			p.Disputed++
		default:
			p.Unreviewed++
		}
	}
	p.OpenReservations = len(liveOpen(in.Tree, in.Reservations))
	step := NextStep(in.Tree, in.Skips)
	p.Unexplained, p.Skipped = step.Remaining+len(step.Skipped), len(step.Skipped)
	reviewed := map[string]bool{}
	for _, v := range in.Reviews {
		if _, ok := in.Tree.Group(v.Group); ok {
			reviewed[v.User] = true
			p.ReviewsPerLink[v.Group]++
		}
	}
	for _, u := range in.RCA.Participants {
		if reviewed[u] {
			p.Reviewers = append(p.Reviewers, u)
		} else {
			p.NotReviewed = append(p.NotReviewed, u)
		}
	}
	p.Done = pendingWork(p) == 0
	return p
}

// liveOpen returns the open reservations whose link or node still exists.
func liveOpen(t *tree.Tree, res []Reservation) []Reservation {
	var out []Reservation
	for _, r := range res {
		if r.Status != ResOpen {
			continue
		}
		_, linkOK := t.Group(r.Group)
		_, nodeOK := t.Node(r.Node)
		if (r.Group != 0 && linkOK) || (r.Group == 0 && nodeOK) {
			out = append(out, r)
		}
	}
	return out
}

// pendingWork counts what the current phase still waits for.
func pendingWork(p *Progress) int {
	switch p.Phase {
	case PhaseCollecting:
		if p.UDEs == 0 {
			return 1
		}
	case PhaseWiring:
		return p.Unexplained - p.Skipped
	case PhaseChallenging:
		return p.Unreviewed + p.Disputed + p.OpenReservations
	}
	return 0
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
