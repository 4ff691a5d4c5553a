package workflow

// Progress: where an RCA stands (symptoms, causes, open links and
// reservations), for the dashboard, App Home and reminders.

import (
	"context"

	"github.com/untangle-rca/untangle/tree"
)

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
	p := &Progress{Phase: in.RCA.Phase, Nodes: in.Tree.NumNodes(),
		UDEs: len(nodesOfKind(in.Tree, tree.KindUDE)), ReviewsPerLink: map[tree.GroupID]int{}}
	for _, g := range in.Tree.Groups() {
		if intoFuture(in.Tree, g) {
			continue // the Future Reality Tree's links are not challenged
		}
		p.Links++
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
