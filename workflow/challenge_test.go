package workflow_test

import (
	"slices"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

func challengeEnv(t *testing.T) (*env, int64) {
	e := newEnv(t)
	id := e.start(false)
	e.seed(id)
	e.phase(id, workflow.PhaseChallenging)
	return e, id
}

func (e *env) status(id int64, g tree.GroupID) tree.LinkStatus {
	e.t.Helper()
	gr, ok := e.tree(id).Group(g)
	if !ok {
		e.t.Fatalf("link %d missing", g)
	}
	return gr.Status
}

func TestAcceptanceRule(t *testing.T) {
	e, id := challengeEnv(t)
	steps := []struct {
		name  string
		actor workflow.Actor
		holds bool
		want  tree.LinkStatus
	}{
		{name: "one holds is not enough", actor: alice, holds: true, want: tree.StatusUnreviewed},
		{name: "same person again changes nothing", actor: alice, holds: true, want: tree.StatusUnreviewed},
		{name: "second person accepts", actor: bob, holds: true, want: tree.StatusAccepted},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			res := e.must(e.svc.Review(e.ctx, s.actor, id, 1, s.holds))
			if res.Status != s.want || e.status(id, 1) != s.want {
				t.Fatalf("status = %s (stored %s), want %s", res.Status, e.status(id, 1), s.want)
			}
		})
	}
	// A "does not hold" vote blocks acceptance of another link.
	e.must(e.svc.Review(e.ctx, alice, id, 3, true))
	e.must(e.svc.Review(e.ctx, bob, id, 3, false))
	if res := e.must(e.svc.Review(e.ctx, carol, id, 3, true)); res.Status != tree.StatusUnreviewed {
		t.Fatalf("link with a 'does not hold' vote = %s, want unreviewed", res.Status)
	}
	if _, err := e.svc.Review(e.ctx, alice, id, 42, true); workflow.ErrorCode(err) != workflow.ENotFound {
		t.Fatalf("review unknown link: %v", err)
	}
	if _, err := e.svc.Review(e.ctx, eve, id, 1, true); workflow.ErrorCode(err) != workflow.EForbidden {
		t.Fatalf("outsider review: %v", err)
	}
}

func TestAcceptanceWithFewParticipants(t *testing.T) {
	e := newEnv(t)
	r, err := e.svc.Start(e.ctx, fac, workflow.StartInput{Title: "Solo"})
	if err != nil {
		t.Fatal(err)
	}
	e.must(e.svc.AddSymptom(e.ctx, fac, r.ID, workflow.SymptomInput{Text: "U"}))
	e.must(e.svc.AddCauses(e.ctx, fac, r.ID, workflow.AddCausesInput{Effect: 1, NewTexts: []string{"C"}}))
	e.phase(r.ID, workflow.PhaseChallenging)
	if res := e.must(e.svc.Review(e.ctx, fac, r.ID, 1, true)); res.Status != tree.StatusAccepted {
		t.Fatalf("single participant holds: %s, want accepted", res.Status)
	}
}

func TestRaiseValidation(t *testing.T) {
	e, id := challengeEnv(t)
	tests := []struct {
		name  string
		in    workflow.RaiseInput
		code  string
		field string
	}{
		{name: "unknown category", in: workflow.RaiseInput{Group: 1, Category: "vibes"}, code: workflow.EInvalid, field: "category"},
		{name: "no target", in: workflow.RaiseInput{Category: workflow.CatClarity}, code: workflow.EInvalid, field: "target"},
		{name: "two targets", in: workflow.RaiseInput{Group: 1, Node: 1, Category: workflow.CatClarity}, code: workflow.EInvalid, field: "target"},
		{name: "link category on node", in: workflow.RaiseInput{Node: 1, Category: workflow.CatReversal}, code: workflow.EInvalid, field: "category"},
		{name: "unknown link", in: workflow.RaiseInput{Group: 9, Category: workflow.CatReversal}, code: workflow.ENotFound, field: "link"},
		{name: "unknown node", in: workflow.RaiseInput{Node: 9, Category: workflow.CatClarity}, code: workflow.ENotFound, field: "node"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.Raise(e.ctx, alice, id, tc.in)
			if workflow.ErrorCode(err) != tc.code || workflow.ErrorField(err) != tc.field {
				t.Fatalf("err = %v, want %s/%s", err, tc.code, tc.field)
			}
		})
	}
}

// TestRepairs raises each category and applies its repair.
func TestRepairs(t *testing.T) {
	tests := []struct {
		name   string
		raise  workflow.RaiseInput
		repair workflow.RepairInput
		check  func(t *testing.T, tr *tree.Tree, res *workflow.Result)
	}{
		{name: "insufficiency adds a premise to the AND group",
			raise:  workflow.RaiseInput{Group: 1, Category: workflow.CatCauseInsufficient},
			repair: workflow.RepairInput{Action: workflow.RepairAddPremise, Text: "Retries are unbounded"},
			check: func(t *testing.T, tr *tree.Tree, res *workflow.Result) {
				g, _ := tr.Group(1)
				n, _ := tr.Node(res.NewNodes[0])
				if !slices.Equal(g.Causes, []tree.NodeID{2, n.ID}) || n.Kind != tree.KindPremise {
					t.Fatalf("link 1 = %+v, new node %+v", g, n)
				}
			}},
		{name: "additional cause adds an OR link",
			raise:  workflow.RaiseInput{Group: 1, Category: workflow.CatAdditionalCause},
			repair: workflow.RepairInput{Action: workflow.RepairAddCause, Text: "Card network outage"},
			check: func(t *testing.T, tr *tree.Tree, res *workflow.Result) {
				if gs := tr.GroupsInto(1); len(gs) != 2 {
					t.Fatalf("links into #1 = %d, want 2", len(gs))
				}
			}},
		{name: "reversal flips",
			raise:  workflow.RaiseInput{Group: 1, Category: workflow.CatReversal},
			repair: workflow.RepairInput{Action: workflow.RepairFlip},
			check: func(t *testing.T, tr *tree.Tree, _ *workflow.Result) {
				if g, _ := tr.Group(1); g.Effect != 2 || !slices.Equal(g.Causes, []tree.NodeID{1}) {
					t.Fatalf("flipped link = %+v", g)
				}
			}},
		{name: "clarity rewords a node of the link",
			raise:  workflow.RaiseInput{Group: 1, Category: workflow.CatClarity},
			repair: workflow.RepairInput{Action: workflow.RepairReword, Node: 2, Text: "Payment API calls time out after 30 s"},
			check: func(t *testing.T, tr *tree.Tree, _ *workflow.Result) {
				if n, _ := tr.Node(2); n.Text != "Payment API calls time out after 30 s" {
					t.Fatalf("#2 = %q", n.Text)
				}
			}},
		{name: "entity existence on a node is verified by evidence",
			raise:  workflow.RaiseInput{Node: 4, Category: workflow.CatEntityExistence},
			repair: workflow.RepairInput{Action: workflow.RepairEvidence, Evidence: "https://git/config#L3"},
			check: func(t *testing.T, tr *tree.Tree, _ *workflow.Result) {
				if n, _ := tr.Node(4); n.Unverified || n.Evidence != "https://git/config#L3" {
					t.Fatalf("#4 = %+v", n)
				}
			}},
		{name: "causality removes the link",
			raise:  workflow.RaiseInput{Group: 3, Category: workflow.CatCausalityExists},
			repair: workflow.RepairInput{Action: workflow.RepairRemoveLink},
			check: func(t *testing.T, tr *tree.Tree, _ *workflow.Result) {
				if _, ok := tr.Group(3); ok {
					t.Fatal("link 3 still there")
				}
			}},
		{name: "predicted effect adds X caused by the link's causes",
			raise:  workflow.RaiseInput{Group: 1, Category: workflow.CatPredictedEffect},
			repair: workflow.RepairInput{Action: workflow.RepairAddEffect, Text: "Gateway logs show 504s", Evidence: "https://logs/q"},
			check: func(t *testing.T, tr *tree.Tree, res *workflow.Result) {
				gs := tr.GroupsInto(res.NewNodes[0])
				if len(gs) != 1 || !slices.Equal(gs[0].Causes, []tree.NodeID{2}) {
					t.Fatalf("links into X = %+v", gs)
				}
			}},
		{name: "tautology rewords",
			raise:  workflow.RaiseInput{Node: 5, Category: workflow.CatTautology},
			repair: workflow.RepairInput{Action: workflow.RepairReword, Text: "Refund queue depth exceeds 10k"},
			check: func(t *testing.T, tr *tree.Tree, _ *workflow.Result) {
				if n, _ := tr.Node(5); n.Text != "Refund queue depth exceeds 10k" {
					t.Fatalf("#5 = %q", n.Text)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, id := challengeEnv(t)
			e.must(e.svc.Review(e.ctx, alice, id, 1, true))
			raised := e.must(e.svc.Raise(e.ctx, carol, id, tc.raise))
			if tc.raise.Group != 0 && (raised.Status != tree.StatusDisputed || e.status(id, tc.raise.Group) != tree.StatusDisputed) {
				t.Fatalf("raised link status = %s, want disputed", raised.Status)
			}
			if tc.raise.Category == workflow.CatEntityExistence {
				if n, _ := e.tree(id).Node(tc.raise.Node); !n.Unverified {
					t.Fatal("entity existence did not mark the node unverified")
				}
			}
			in := tc.repair
			in.Reservation = raised.Reservation
			res := e.must(e.svc.Repair(e.ctx, bob, id, in))
			tc.check(t, e.tree(id), res)
			p, err := e.svc.Progress(e.ctx, alice, id)
			if err != nil || p.OpenReservations != 0 {
				t.Fatalf("progress after repair = %+v, %v", p, err)
			}
			if _, err := e.svc.Repair(e.ctx, bob, id, in); workflow.ErrorCode(err) != workflow.EConflict {
				t.Fatalf("second repair: %v, want conflict", err)
			}
		})
	}
}

func TestRepairClearsReviewsAndRules(t *testing.T) {
	e, id := challengeEnv(t)
	raised := e.must(e.svc.Raise(e.ctx, carol, id, workflow.RaiseInput{Group: 2, Category: workflow.CatCauseInsufficient}))
	if _, err := e.svc.Repair(e.ctx, bob, id, workflow.RepairInput{Reservation: raised.Reservation, Action: workflow.RepairFlip}); workflow.ErrorField(err) != "action" {
		t.Fatalf("wrong repair for category: %v", err)
	}
	if _, err := e.svc.Repair(e.ctx, bob, id, workflow.RepairInput{Reservation: raised.Reservation, Action: workflow.RepairDismiss}); workflow.ErrorCode(err) != workflow.EForbidden {
		t.Fatalf("bob dismissing carol's reservation: %v", err)
	}
	if _, err := e.svc.Repair(e.ctx, bob, id, workflow.RepairInput{Reservation: 999, Action: workflow.RepairDismiss}); workflow.ErrorCode(err) != workflow.ENotFound {
		t.Fatalf("unknown reservation: %v", err)
	}
	e.must(e.svc.Review(e.ctx, alice, id, 2, true))
	e.must(e.svc.Review(e.ctx, bob, id, 2, true))
	if e.status(id, 2) != tree.StatusDisputed {
		t.Fatal("reviews must not accept a link with an open reservation")
	}
	e.must(e.svc.Repair(e.ctx, carol, id, workflow.RepairInput{Reservation: raised.Reservation, Action: workflow.RepairAddPremise, Text: "Pool size is 5"}))
	if s := e.status(id, 2); s != tree.StatusUnreviewed {
		t.Fatalf("repaired link status = %s, want unreviewed (reviews cleared)", s)
	}
	p, _ := e.svc.Progress(e.ctx, alice, id)
	if p.ReviewsPerLink[2] != 0 {
		t.Fatalf("reviews of repaired link = %d, want 0", p.ReviewsPerLink[2])
	}
}

func TestDecide(t *testing.T) {
	e, id := challengeEnv(t)
	raised := e.must(e.svc.Raise(e.ctx, carol, id, workflow.RaiseInput{Group: 1, Category: workflow.CatClarity}))
	if _, err := e.svc.Decide(e.ctx, alice, id, 1, true); workflow.ErrorCode(err) != workflow.EForbidden {
		t.Fatalf("participant decide: %v", err)
	}
	res := e.must(e.svc.Decide(e.ctx, fac, id, 1, true))
	if res.Status != tree.StatusAccepted || e.status(id, 1) != tree.StatusAccepted {
		t.Fatalf("accept = %+v", res)
	}
	p, _ := e.svc.Progress(e.ctx, fac, id)
	if p.OpenReservations != 0 || p.Accepted != 1 {
		t.Fatalf("progress = %+v; reservation %d should be dismissed", p, raised.Reservation)
	}
	e.must(e.svc.Decide(e.ctx, fac, id, 3, false))
	if _, ok := e.tree(id).Group(3); ok {
		t.Fatal("rejected link still there")
	}
	e.must(e.svc.Undo(e.ctx, fac, id))
	if _, ok := e.tree(id).Group(3); !ok {
		t.Fatal("undo did not bring the rejected link back")
	}
}

func TestProgressCounts(t *testing.T) {
	e, id := challengeEnv(t)
	e.must(e.svc.Review(e.ctx, alice, id, 1, true))
	e.must(e.svc.Review(e.ctx, bob, id, 1, true))
	e.must(e.svc.Raise(e.ctx, carol, id, workflow.RaiseInput{Group: 2, Category: workflow.CatTautology}))
	p, err := e.svc.Progress(e.ctx, fac, id)
	if err != nil {
		t.Fatal(err)
	}
	want := workflow.Progress{Links: 3, Accepted: 1, Disputed: 1, Unreviewed: 1, OpenReservations: 1, UDEs: 2, Nodes: 5}
	if p.Links != want.Links || p.Accepted != want.Accepted || p.Disputed != want.Disputed ||
		p.Unreviewed != want.Unreviewed || p.OpenReservations != want.OpenReservations || p.UDEs != want.UDEs || p.Nodes != want.Nodes {
		t.Fatalf("progress = %+v", p)
	}
	if !slices.Equal(p.NotReviewed, []string{carol.UserID, fac.UserID}) || p.Done {
		t.Fatalf("not reviewed = %v, done = %v", p.NotReviewed, p.Done)
	}
}

func TestReservationOnRemovedLinkIsNotPending(t *testing.T) {
	e, id := challengeEnv(t)
	e.must(e.svc.Raise(e.ctx, carol, id, workflow.RaiseInput{Group: 3, Category: workflow.CatClarity}))
	if p, _ := e.svc.Progress(e.ctx, fac, id); p.OpenReservations != 1 {
		t.Fatalf("open reservations = %d, want 1", p.OpenReservations)
	}
	e.must(e.svc.DeleteLink(e.ctx, fac, id, 3))
	p, err := e.svc.Progress(e.ctx, fac, id)
	if err != nil || p.OpenReservations != 0 || p.Links != 2 {
		t.Fatalf("after removing the link: %+v, %v", p, err)
	}
}

// A reservation raised with its natural repair is settled in the same
// transaction: the link grows its premise, the reservation is resolved, and
// the result says how the link read before.
func TestRaiseWithRepair(t *testing.T) {
	e, id := challengeEnv(t)
	before := e.tree(id)
	g, _ := before.Group(2)
	was, causes := tree.FormatGroupNumbered(before, g), len(g.Causes)
	res := e.must(e.svc.Raise(e.ctx, carol, id, workflow.RaiseInput{Group: 2, Category: workflow.CatCauseInsufficient,
		Repair: &workflow.RepairInput{Action: workflow.RepairAddPremise, Text: "Pool size is 5"}}))
	if after, _ := e.tree(id).Group(2); len(after.Causes) != causes+1 || after.Status != tree.StatusUnreviewed {
		t.Fatalf("link 2 after raise with repair: %+v", after)
	}
	if res.Before[2] != was {
		t.Errorf("Before[2] = %q, want %q", res.Before[2], was)
	}
	all, err := e.svc.Reservations(e.ctx, alice, id)
	if err != nil || len(all) != 1 || all[0].Status == workflow.ResOpen {
		t.Fatalf("the reservation should be raised and resolved: %+v %v", all, err)
	}
	// A repair that does not answer the category is refused, and nothing is raised.
	_, err = e.svc.Raise(e.ctx, carol, id, workflow.RaiseInput{Group: 1, Category: workflow.CatCauseInsufficient,
		Repair: &workflow.RepairInput{Action: workflow.RepairFlip}})
	if workflow.ErrorField(err) != "action" {
		t.Fatalf("a flip for a cause insufficiency: %v", err)
	}
	if all, _ := e.svc.Reservations(e.ctx, alice, id); len(all) != 1 {
		t.Errorf("a refused raise left %d reservations", len(all))
	}
}

// Snapshot reads everything the kept messages show, as one state.
func TestSnapshot(t *testing.T) {
	e, id := challengeEnv(t)
	e.must(e.svc.Review(e.ctx, alice, id, 1, true))
	e.must(e.svc.Raise(e.ctx, carol, id, workflow.RaiseInput{Group: 2, Category: workflow.CatClarity}))
	s, err := e.svc.Snapshot(e.ctx, alice, id)
	if err != nil {
		t.Fatal(err)
	}
	if s.RCA.ID != id || s.Tree.NumGroups() != e.tree(id).NumGroups() || s.Analysis == nil {
		t.Errorf("snapshot: rca %d, %d links, analysis %v", s.RCA.ID, s.Tree.NumGroups(), s.Analysis != nil)
	}
	if len(s.Reviews) != 1 || len(s.Reservations) != 1 || s.Progress.OpenReservations != 1 {
		t.Errorf("snapshot: %d reviews, %d reservations, progress %+v", len(s.Reviews), len(s.Reservations), s.Progress)
	}
	if _, err := e.svc.Snapshot(e.ctx, workflow.Actor{UserID: "UNOBODY"}, id+100); workflow.ErrorCode(err) != workflow.ENotFound {
		t.Errorf("snapshot of a missing RCA: %v", err)
	}
}
