package workflow_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// acceptAll reviews every link twice so the analysis counts it.
func (e *env) acceptAll(id int64) {
	e.t.Helper()
	for _, g := range e.tree(id).Groups() {
		e.must(e.svc.Review(e.ctx, alice, id, g.ID, true))
		e.must(e.svc.Review(e.ctx, bob, id, g.ID, true))
	}
}

func TestProposeFixAndFinish(t *testing.T) {
	e, id := challengeEnv(t)
	e.acceptAll(id)
	e.phase(id, workflow.PhaseFixing)
	tests := []struct {
		name  string
		in    workflow.FixInput
		code  string
		field string
	}{
		{name: "empty injection", in: workflow.FixInput{Node: 3}, code: workflow.EInvalid, field: "injection"},
		{name: "unknown node", in: workflow.FixInput{Node: 77, Injection: "x"}, code: workflow.ENotFound, field: "node"},
		{name: "past due", in: workflow.FixInput{Node: 3, Injection: "x", Due: e.clock.Now().AddDate(0, 0, -3)}, code: workflow.EInvalid, field: "due"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.ProposeFix(e.ctx, alice, id, tc.in)
			if workflow.ErrorCode(err) != tc.code || workflow.ErrorField(err) != tc.field {
				t.Fatalf("err = %v, want %s/%s", err, tc.code, tc.field)
			}
		})
	}
	// #3 feeds both UDEs, but #1 also needs #4 (AND): fixing #3 removes both.
	res := e.must(e.svc.ProposeFix(e.ctx, alice, id, workflow.FixInput{Node: 3, Injection: "Add an index and a query timeout",
		Owner: bob.UserID, Due: e.clock.Now().AddDate(0, 0, 14)}))
	if res.Elimination == nil || !slices.Equal(res.Elimination.Removed, []tree.NodeID{1, 5}) {
		t.Fatalf("elimination of #3 = %+v, want UDEs #1 and #5 removed", res.Elimination)
	}
	res = e.must(e.svc.ProposeFix(e.ctx, bob, id, workflow.FixInput{Node: 4, Injection: "Configure a circuit breaker"}))
	if !slices.Equal(res.Elimination.Removed, []tree.NodeID{1}) || !slices.Equal(res.Elimination.Remaining, []tree.NodeID{5}) ||
		!slices.Equal(res.Combined.Removed, []tree.NodeID{1, 5}) {
		t.Fatalf("fix #4 alone %+v, combined %+v", res.Elimination, res.Combined)
	}
	e.clock.Add(72 * time.Hour)
	if _, err := e.svc.Finish(e.ctx, alice, id); workflow.ErrorCode(err) != workflow.EForbidden {
		t.Fatalf("participant finish: %v", err)
	}
	// The circuit breaker has no owner: Finish refuses and names it.
	_, err := e.svc.Finish(e.ctx, fac, id)
	if workflow.ErrorCode(err) != workflow.EInvalid || workflow.ErrorField(err) != "owner" ||
		!strings.Contains(workflow.ErrorMessage(err), "“Configure a circuit breaker” (fix 2)") ||
		strings.Contains(workflow.ErrorMessage(err), "query timeout") {
		t.Fatalf("finish with an ownerless fix: %v", err)
	}
	owner := bob.UserID
	e.must(e.svc.UpdateFix(e.ctx, bob, id, 2, workflow.FixEdit{Owner: &owner}))
	sum, err := e.svc.Finish(e.ctx, fac, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.CoreCauses) != 1 || sum.CoreCauses[0].Node != 3 || sum.CoreCauses[0].Share != 1 || len(sum.CoreCauses[0].Chains) != 2 {
		t.Fatalf("core causes = %+v", sum.CoreCauses)
	}
	if len(sum.Fixes) != 2 || !strings.Contains(sum.Statements, "IF [A slow SQL query exhausts the DB pool]") {
		t.Fatalf("summary fixes %d, statements:\n%s", len(sum.Fixes), sum.Statements)
	}
	if sum.Duration != 72*time.Hour || sum.InPhase[workflow.PhaseFixing] != 72*time.Hour {
		t.Fatalf("durations %v %v", sum.Duration, sum.InPhase)
	}
	if len(sum.Open.UnreviewedLinks)+len(sum.Open.OpenReservations) != 0 {
		t.Fatalf("open items = %+v, want none", sum.Open)
	}
	for _, who := range []string{alice.UserID, bob.UserID, fac.UserID} {
		if strings.Contains(sum.Statements, who) {
			t.Fatalf("statements name %s", who)
		}
	}
	// The core cause is remembered for later RCAs.
	sim, err := e.svc.SimilarPastCauses(e.ctx, workflow.Only(alice.UserID), "A slow SQL query exhausts the database pool")
	if err != nil || len(sim) != 1 || sim[0].Past.RCAID != id || sim[0].Past.Node != 3 {
		t.Fatalf("similar = %+v, %v", sim, err)
	}
	none, _ := e.svc.SimilarPastCauses(e.ctx, workflow.Only(alice.UserID), "Certificate renewal is manual")
	if len(none) != 0 {
		t.Fatalf("unrelated text matched %+v", none)
	}
}

func TestUnreviewedLinksAreOpenItems(t *testing.T) {
	e, id := challengeEnv(t)
	e.must(e.svc.Review(e.ctx, alice, id, 1, true))
	e.must(e.svc.Review(e.ctx, bob, id, 1, true))
	sum, err := e.svc.Summary(e.ctx, alice, id)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sum.Open.UnreviewedLinks, []tree.GroupID{2, 3}) || !slices.Equal(sum.Analysis.Unreviewed, []tree.GroupID{2, 3}) {
		t.Fatalf("unreviewed = %v / %v", sum.Open.UnreviewedLinks, sum.Analysis.Unreviewed)
	}
}

// closeOnCause runs an RCA from start to finish with one symptom and its
// accepted cause, which becomes the remembered core cause.
func (e *env) closeOnCause(in workflow.StartInput, cause string) *workflow.RCA {
	e.t.Helper()
	return e.closeOnCauseWithFix(in, cause, "")
}

func TestRecurringAndSimilarOnNewNodes(t *testing.T) {
	e := newEnv(t)
	e.closeOnCause(workflow.StartInput{Title: "First outage", Participants: []string{alice.UserID}}, "Deploys skip the canary stage")
	e.closeOnCause(workflow.StartInput{Title: "Second outage", Participants: []string{alice.UserID}}, "Deploys always skip the canary stage")
	rec, err := e.svc.RecurringCauses(e.ctx, eve)
	if err != nil || len(rec) != 1 || len(rec[0]) != 2 {
		t.Fatalf("recurring = %+v, %v", rec, err)
	}
	r, _ := e.svc.Start(e.ctx, fac, workflow.StartInput{Title: "Third"})
	e.must(e.svc.AddSymptom(e.ctx, fac, r.ID, workflow.SymptomInput{Text: "Errors"}))
	res := e.must(e.svc.AddCauses(e.ctx, fac, r.ID, workflow.AddCausesInput{Effect: 1, NewTexts: []string{"Deploys skip canary stage"}}))
	if len(res.Similar) != 2 || res.Similar[0].Node != 2 {
		t.Fatalf("similar on new node = %+v", res.Similar)
	}
}

// TestFinishRemembersOnlyCoreCauses finishes an RCA whose symptoms are all
// fed through OR alternatives: every root explains them all, none removes any,
// so nothing is remembered as a core cause and the summary lists the roots as
// contributing causes, with the smallest fix set in place of core causes.
func TestFinishRemembersOnlyCoreCauses(t *testing.T) {
	e := newEnv(t)
	id := e.start(false)
	e.must(e.svc.PasteStatements(e.ctx, alice, id, `UDE [Checkout fails]
UDE [Refunds stall]
IF [Database is overloaded] THEN [Checkout fails]
IF [Database is overloaded] THEN [Refunds stall]
IF [Nightly batch job runs at peak] AND [Batch job has no rate limit] THEN [Database is overloaded]
IF [Marketing email drives a traffic spike] THEN [Database is overloaded]`))
	e.phase(id, workflow.PhaseChallenging)
	e.acceptAll(id)
	e.phase(id, workflow.PhaseFixing)
	sum, err := e.svc.Finish(e.ctx, fac, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Analysis.CoreCauses) != 0 || len(sum.Contributing) != 3 {
		t.Fatalf("core %v, contributing %+v", sum.Analysis.CoreCauses, sum.Contributing)
	}
	for _, c := range sum.Contributing {
		if c.Core || c.Share != 1 || c.RemovalShare != 0 {
			t.Errorf("contributing cause %+v", c)
		}
	}
	if len(sum.CoreCauses) != 2 || sum.CoreCauses[0].Core || sum.CoreCauses[1].Core {
		t.Fatalf("summary causes (the smallest fix set) = %+v", sum.CoreCauses)
	}
	for _, text := range []string{"Nightly batch job runs at peak", "Marketing email drives a traffic spike"} {
		if sim, err := e.svc.SimilarPastCauses(e.ctx, workflow.Only(alice.UserID), text); err != nil || len(sim) != 0 {
			t.Errorf("%q was remembered as a past core cause: %+v, %v", text, sim, err)
		}
	}
}

// TestMemoryKeepsPrivateRCAsPrivate: a private RCA closed on a core cause is
// remembered, but only its participants ever see it again.
func TestMemoryKeepsPrivateRCAsPrivate(t *testing.T) {
	e := newEnv(t)
	secret := e.closeOnCause(workflow.StartInput{Title: "Secret breach", Private: true, Participants: []string{alice.UserID}}, "Deploys skip the canary stage")
	e.closeOnCause(workflow.StartInput{Title: "Public outage"}, "Deploys always skip the canary stage")
	const similar = "Deploys skip canary stage"

	t.Run("similar cause hint", func(t *testing.T) {
		tests := []struct {
			name       string
			actor      workflow.Actor
			private    bool
			seesSecret bool
		}{
			{name: "outsider in own public RCA", actor: eve},
			{name: "outsider in own private RCA", actor: eve, private: true},
			{name: "participant of the private RCA", actor: alice, seesSecret: true},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r, err := e.svc.Start(e.ctx, tc.actor, workflow.StartInput{Title: "New " + tc.name, Private: tc.private})
				if err != nil {
					t.Fatal(err)
				}
				e.must(e.svc.AddSymptom(e.ctx, tc.actor, r.ID, workflow.SymptomInput{Text: "Errors"}))
				res := e.must(e.svc.AddCauses(e.ctx, tc.actor, r.ID, workflow.AddCausesInput{Effect: 1, NewTexts: []string{similar}}))
				saw := false
				for _, s := range res.Similar {
					saw = saw || s.Past.RCAID == secret.ID
				}
				if saw != tc.seesSecret || len(res.Similar) == 0 {
					t.Fatalf("similar = %+v; want the private RCA %v and the public one", res.Similar, tc.seesSecret)
				}
			})
		}
	})
	t.Run("audiences", func(t *testing.T) {
		tests := []struct {
			name string
			aud  workflow.Audience
			want int // similar causes found: the public one, plus the private one when allowed
		}{
			{name: "everyone in a public channel", aud: workflow.Audience{Public: true}, want: 1},
			{name: "the private RCA's own people", aud: workflow.Audience{Users: []string{fac.UserID, alice.UserID}}, want: 2},
			{name: "its people and an outsider", aud: workflow.Audience{Users: []string{alice.UserID, eve.UserID}}, want: 1},
			{name: "nobody named", aud: workflow.Audience{}, want: 1},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, err := e.svc.SimilarPastCauses(e.ctx, tc.aud, similar)
				if err != nil || len(got) != tc.want {
					t.Fatalf("SimilarPastCauses = %+v, %v; want %d", got, err, tc.want)
				}
			})
		}
	})
	t.Run("recurring causes", func(t *testing.T) {
		for _, tc := range []struct {
			viewer workflow.Actor
			groups int
		}{{eve, 0}, {bob, 0}, {alice, 1}, {fac, 1}} {
			rec, err := e.svc.RecurringCauses(e.ctx, tc.viewer)
			if err != nil || len(rec) != tc.groups {
				t.Fatalf("RecurringCauses(%s) = %+v, %v; want %d groups", tc.viewer.UserID, rec, err, tc.groups)
			}
			for _, g := range rec {
				for _, p := range g {
					if p.RCAID == secret.ID && tc.groups == 0 {
						t.Fatalf("%s sees the private RCA", tc.viewer.UserID)
					}
				}
			}
		}
	})
}
