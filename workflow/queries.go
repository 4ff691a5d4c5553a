package workflow

import (
	"context"
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
