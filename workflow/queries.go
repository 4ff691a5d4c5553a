package workflow

import (
	"context"

	"github.com/untangle-rca/untangle/tree"
)

// Reviews returns every participant's verdict on the RCA's links, by link
// then user. Reviews of a link changed by a repair or grown by AddCauses
// were cleared then; those of a removed link stay (Undo may bring it back).
func (s *Service) Reviews(ctx context.Context, actor Actor, rcaID int64) ([]Review, error) {
	var out []Review
	err := s.view(ctx, actor, rcaID, func(tx Tx, r *RCA) error {
		var err error
		out, err = tx.Reviews(r.ID)
		return err
	})
	return out, err
}

// Reservations returns every reservation of the RCA in any status, oldest
// first, including those whose link or node is gone.
func (s *Service) Reservations(ctx context.Context, actor Actor, rcaID int64) ([]Reservation, error) {
	var out []Reservation
	err := s.view(ctx, actor, rcaID, func(tx Tx, r *RCA) error {
		var err error
		out, err = tx.Reservations(r.ID)
		return err
	})
	return out, err
}

// Snapshot is one consistent read of an RCA: everything its kept Slack
// messages (dashboard, walk, outline, challenge cards) show, read in one
// transaction so they never mix two states.
type Snapshot struct {
	RCA          RCA
	Tree         *tree.Tree
	Analysis     *tree.Analysis
	Reviews      []Review
	Reservations []Reservation // every status, oldest first
	Progress     *Progress
	Walk         WalkStep
	Fixes        []Fix       // oldest first
	FixProgress  FixProgress // what the done fixes remove
}

// Snapshot reads the RCA, its tree and analysis, reviews, reservations,
// progress and walk step in one read transaction.
func (s *Service) Snapshot(ctx context.Context, actor Actor, rcaID int64) (*Snapshot, error) {
	var out *Snapshot
	err := s.view(ctx, actor, rcaID, func(tx Tx, r *RCA) error {
		in, err := loadReminderInput(tx, r)
		if err != nil {
			return err
		}
		out = &Snapshot{RCA: *r, Tree: in.Tree, Reviews: in.Reviews, Reservations: in.Reservations,
			Progress: ComputeProgress(in), Walk: NextStep(in.Tree, in.Skips)}
		out.Analysis = tree.Analyze(in.Tree, s.analysisOptions(r))
		out.Fixes, out.FixProgress = in.Fixes, ProgressOf(in.Tree, in.Fixes, s.analysisOptions(r))
		return nil
	})
	return out, err
}
