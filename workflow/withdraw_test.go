package workflow_test

import (
	"slices"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

func TestWithdrawReviews(t *testing.T) {
	tests := []struct {
		name       string
		setUp      func(e *env, id int64)
		actor      workflow.Actor
		wantCode   string
		wantGroups []tree.GroupID
		reviews    string
		accepted   []tree.GroupID // links accepted afterwards
	}{
		{name: "a hold on a link not accepted yet no longer counts", actor: carol,
			wantGroups: []tree.GroupID{3}, reviews: "1 UALICE holds; 1 UBOB holds; ", accepted: []tree.GroupID{1}},
		{name: "a link accepted before stays accepted", actor: bob,
			reviews: "1 UALICE holds; 1 UBOB holds; 3 UCAROL holds; ", accepted: []tree.GroupID{1}},
		{name: "a withdrawn objection lets the others' holds accept the link", actor: carol,
			setUp: func(e *env, id int64) {
				e.must(e.svc.Review(e.ctx, carol, id, 3, false))
				e.must(e.svc.Review(e.ctx, alice, id, 3, true))
				e.must(e.svc.Review(e.ctx, bob, id, 3, true))
			},
			wantGroups: []tree.GroupID{3}, reviews: "1 UALICE holds; 1 UBOB holds; 3 UALICE holds; 3 UBOB holds; ",
			accepted: []tree.GroupID{1, 3}},
		{name: "outside the challenge pass", actor: carol, wantCode: workflow.EWrongPhase,
			setUp:   func(e *env, id int64) { e.phase(id, workflow.PhaseFixing) },
			reviews: "1 UALICE holds; 1 UBOB holds; 3 UCAROL holds; ", accepted: []tree.GroupID{1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			id := e.start(false)
			challengeSeed(e, id)
			if tc.setUp != nil {
				tc.setUp(e, id)
			}
			res, err := e.svc.WithdrawReviews(e.ctx, tc.actor, id)
			if code := workflow.ErrorCode(err); code != tc.wantCode {
				t.Fatalf("WithdrawReviews: err = %v, want code %q", err, tc.wantCode)
			}
			if err == nil && !slices.Equal(res.Groups, tc.wantGroups) {
				t.Errorf("links withdrawn from = %v, want %v", res.Groups, tc.wantGroups)
			}
			reviews, err := e.svc.Reviews(e.ctx, fac, id)
			if err != nil {
				t.Fatal(err)
			}
			if got := formatReviews(reviews); got != tc.reviews {
				t.Errorf("reviews = %q, want %q", got, tc.reviews)
			}
			tr, err := e.svc.Tree(e.ctx, fac, id)
			if err != nil {
				t.Fatal(err)
			}
			var accepted []tree.GroupID
			for _, g := range tr.Groups() {
				if g.Status == tree.StatusAccepted {
					accepted = append(accepted, g.ID)
				}
			}
			if !slices.Equal(accepted, tc.accepted) {
				t.Errorf("accepted links = %v, want %v", accepted, tc.accepted)
			}
		})
	}
}
