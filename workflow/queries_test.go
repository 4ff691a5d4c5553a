package workflow_test

import (
	"fmt"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// challengeSeed runs a little challenge pass on the seed tree: alice and bob
// say link 1 holds, carol says link 3 holds, bob raises a clarity
// reservation on link 2 and one on node #4 that he then dismisses.
func challengeSeed(e *env, id int64) {
	e.t.Helper()
	e.seed(id)
	e.phase(id, workflow.PhaseChallenging)
	e.must(e.svc.Review(e.ctx, bob, id, 1, true))
	e.must(e.svc.Review(e.ctx, alice, id, 1, true))
	e.must(e.svc.Review(e.ctx, carol, id, 3, true))
	e.must(e.svc.Raise(e.ctx, bob, id, workflow.RaiseInput{Group: 2, Category: workflow.CatClarity, Note: "Which pool?"}))
	res := e.must(e.svc.Raise(e.ctx, bob, id, workflow.RaiseInput{Node: 4, Category: workflow.CatTautology}))
	e.must(e.svc.Repair(e.ctx, bob, id, workflow.RepairInput{Reservation: res.Reservation, Action: workflow.RepairDismiss}))
}

func TestReviewsAndReservations(t *testing.T) {
	tests := []struct {
		name     string
		private  bool
		actor    workflow.Actor
		rca      func(id int64) int64
		wantCode string
		reviews  string
		reserv   string
	}{
		{name: "a participant sees every review and reservation", actor: carol,
			reviews: "1 UALICE holds; 1 UBOB holds; 3 UCAROL holds; ",
			reserv:  "link 2 clarity open UBOB \"Which pool?\"; node #4 tautology dismissed UBOB \"\"; "},
		{name: "anyone may read a public RCA", actor: eve,
			reviews: "1 UALICE holds; 1 UBOB holds; 3 UCAROL holds; ",
			reserv:  "link 2 clarity open UBOB \"Which pool?\"; node #4 tautology dismissed UBOB \"\"; "},
		{name: "an outsider may not read a private RCA", private: true, actor: eve, wantCode: workflow.ENotFound},
		{name: "an RCA that does not exist", actor: fac, rca: func(id int64) int64 { return id + 41 }, wantCode: workflow.ENotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			id := e.start(tc.private)
			challengeSeed(e, id)
			if tc.rca != nil {
				id = tc.rca(id)
			}
			reviews, err := e.svc.Reviews(e.ctx, tc.actor, id)
			if code := workflow.ErrorCode(err); code != tc.wantCode {
				t.Fatalf("Reviews: err = %v, want code %q", err, tc.wantCode)
			}
			res, err := e.svc.Reservations(e.ctx, tc.actor, id)
			if code := workflow.ErrorCode(err); code != tc.wantCode {
				t.Fatalf("Reservations: err = %v, want code %q", err, tc.wantCode)
			}
			if got := formatReviews(reviews); got != tc.reviews {
				t.Errorf("reviews = %q, want %q", got, tc.reviews)
			}
			if got := formatReservations(res); got != tc.reserv {
				t.Errorf("reservations = %q, want %q", got, tc.reserv)
			}
		})
	}
}

func TestReviewsForgetARepairedLink(t *testing.T) {
	e := newEnv(t)
	id := e.start(false)
	challengeSeed(e, id)
	e.must(e.svc.Review(e.ctx, carol, id, 2, true))
	res := e.must(e.svc.Raise(e.ctx, alice, id, workflow.RaiseInput{Group: 1, Category: workflow.CatCauseInsufficient}))
	e.must(e.svc.Repair(e.ctx, alice, id, workflow.RepairInput{Reservation: res.Reservation, Action: workflow.RepairAddPremise,
		Text: "Retries are unbounded"}))
	reviews, err := e.svc.Reviews(e.ctx, fac, id)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := formatReviews(reviews), "2 UCAROL holds; 3 UCAROL holds; "; got != want {
		t.Errorf("reviews = %q, want %q", got, want)
	}
	all, err := e.svc.Reservations(e.ctx, fac, id)
	if err != nil {
		t.Fatal(err)
	}
	if last := all[len(all)-1]; last.ID != res.Reservation || last.Status != workflow.ResResolved || last.Group != 1 {
		t.Errorf("last reservation = %+v, want #%d resolved on link 1", last, res.Reservation)
	}
}

func formatReviews(rs []workflow.Review) string {
	var out string
	for _, r := range rs {
		verdict := "holds"
		if !r.Holds {
			verdict = "fails"
		}
		out += fmt.Sprintf("%d %s %s; ", r.Group, r.User, verdict)
	}
	return out
}

func formatReservations(rs []workflow.Reservation) string {
	var out string
	for _, r := range rs {
		on := fmt.Sprintf("link %d", r.Group)
		if r.Group == 0 {
			on = "node " + r.Node.String()
		}
		out += fmt.Sprintf("%s %s %s %s %q; ", on, r.Category, r.Status, r.RaisedBy, r.Note)
	}
	return out
}

// BenchmarkChallengeCardState150 reads what a challenge card shows on a
// stored 150-node RCA with 100 reviews: the way the bot read it before
// (Summary for the tree and open reservations, Progress for review counts,
// the audit log for who said it holds) and with Tree, Reservations and Reviews.
func BenchmarkChallengeCardState150(b *testing.B) {
	e := newEnv(b)
	id := storeGenerated(b, e, 150)
	e.phase(id, workflow.PhaseChallenging)
	for g := 1; g <= 50; g++ {
		for _, u := range []workflow.Actor{alice, bob} {
			if _, err := e.svc.Review(e.ctx, u, id, tree.GroupID(g), true); err != nil {
				b.Fatal(err)
			}
		}
	}
	reads := []struct {
		name string
		read func() error
	}{
		{name: "summary+progress+audit", read: func() error {
			if _, err := e.svc.Summary(e.ctx, alice, id); err != nil {
				return err
			}
			if _, err := e.svc.Progress(e.ctx, alice, id); err != nil {
				return err
			}
			_, err := e.svc.AuditLog(e.ctx, alice, id)
			return err
		}},
		{name: "tree+reservations+reviews", read: func() error {
			if _, err := e.svc.Tree(e.ctx, alice, id); err != nil {
				return err
			}
			if _, err := e.svc.Reservations(e.ctx, alice, id); err != nil {
				return err
			}
			_, err := e.svc.Reviews(e.ctx, alice, id)
			return err
		}},
	}
	for _, r := range reads {
		b.Run(r.name, func(b *testing.B) {
			for range b.N {
				if err := r.read(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
