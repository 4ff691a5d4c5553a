package workflow

import (
	"context"
	"fmt"
	"slices"

	"github.com/untangle-rca/untangle/tree"
)

// WithdrawReviews forgets the reviews the actor gave on links that are not
// accepted yet: the actor left the RCA's channel, and only people in it
// count towards "two participants say it holds". A link accepted while they
// were in it stays accepted. The status of every link concerned is worked
// out again (a withdrawn "does not hold" may let a link be accepted), and
// Result.Groups lists the links whose reviews changed. Errors: EWrongPhase
// (outside the challenge pass), EForbidden.
func (s *Service) WithdrawReviews(ctx context.Context, actor Actor, rcaID int64) (*Result, error) {
	return s.run(ctx, actor, rcaID, CmdReview, func(tx Tx, r *RCA, res *Result) error {
		c, err := loadChallenge(tx, r)
		if err != nil {
			return err
		}
		for _, v := range c.reviews {
			if g, ok := c.t.Group(v.Group); v.User == actor.UserID && ok && g.Status != tree.StatusAccepted &&
				!slices.Contains(res.Groups, v.Group) {
				res.Groups = append(res.Groups, v.Group)
			}
		}
		if len(res.Groups) == 0 {
			return nil
		}
		slices.Sort(res.Groups)
		for _, id := range res.Groups {
			if err := tx.ClearReviews(r.ID, id); err != nil {
				return err
			}
			for _, v := range c.reviews {
				if v.Group == id && v.User != actor.UserID {
					if err := tx.PutReview(v); err != nil {
						return err
					}
				}
			}
		}
		if c.reviews, err = tx.Reviews(r.ID); err != nil {
			return err
		}
		for _, id := range res.Groups {
			g, _ := c.t.Group(id)
			if err := setStatus(tx, r, g, c.status(g)); err != nil {
				return err
			}
		}
		return audit(tx, r.ID, actor, "withdraw_reviews", fmt.Sprintf("links %v", res.Groups), nil, nil)
	})
}
