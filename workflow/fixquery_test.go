package workflow_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

func TestProgressOf(t *testing.T) {
	// Three symptoms, each with its own cause, and #7 feeding #1 and #2 through an AND.
	cst, err := tree.Parse([]byte(`UDE [Checkout fails]
UDE [Refunds pile up]
UDE [Alerts fire late]
IF [The pool is exhausted] AND [No breaker is configured] THEN [Checkout fails]
IF [The pool is exhausted] THEN [Refunds pile up]
IF [Alert thresholds are stale] THEN [Alerts fire late]
`))
	if err != nil {
		t.Fatal(err)
	}
	id := func(text string) tree.NodeID {
		for _, n := range cst.Nodes() {
			if n.Text == text {
				return n.ID
			}
		}
		t.Fatalf("no node %q", text)
		return 0
	}
	pool, breaker, stale := id("The pool is exhausted"), id("No breaker is configured"), id("Alert thresholds are stale")
	fix := func(node tree.NodeID, s workflow.FixStatus) workflow.Fix { return workflow.Fix{Node: node, Status: s} }
	tests := []struct {
		name  string
		fixes []workflow.Fix
		want  string
	}{
		{"no fix", nil, "No fix yet"},
		{"nothing done", []workflow.Fix{fix(pool, workflow.FixAgreed), fix(stale, workflow.FixProposed)},
			"0 of 2 fixes done; every symptom still open"},
		{"the AND member alone removes checkout only",
			[]workflow.Fix{fix(breaker, workflow.FixDone), fix(pool, workflow.FixInProgress), fix(stale, workflow.FixDone)},
			"2 of 3 fixes done; symptoms #1, #3 removed, #2 still open"},
		{"a removal waits for every fix it needs", []workflow.Fix{fix(pool, workflow.FixInProgress), fix(stale, workflow.FixDone)},
			"1 of 2 fixes done; symptom #3 removed, #1, #2 still open"},
		{"all done", []workflow.Fix{fix(pool, workflow.FixDone), fix(stale, workflow.FixDone)},
			"2 of 2 fixes done; every symptom removed"},
		{"a dropped fix counts for nothing", []workflow.Fix{fix(pool, workflow.FixDropped), fix(stale, workflow.FixDone)},
			"1 of 1 fixes done (1 dropped); symptom #3 removed, #1, #2 still open"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := workflow.ProgressOf(cst, tc.fixes, tree.Options{}).Text(); got != tc.want {
				t.Errorf("Text() = %q, want %q", got, tc.want)
			}
		})
	}
	p := workflow.ProgressOf(cst, []workflow.Fix{fix(pool, workflow.FixInProgress), fix(stale, workflow.FixDone)}, tree.Options{})
	if !slices.Equal(p.Pending, []tree.NodeID{1, 2}) || !slices.Equal(p.Removed, []tree.NodeID{3}) {
		t.Errorf("progress = %+v, want #1, #2 pending and #3 removed", p)
	}
}

func TestOpenFixesForAViewer(t *testing.T) {
	e := newEnv(t)
	fixing := func(private bool, participants ...string) int64 {
		r, err := e.svc.Start(e.ctx, fac, workflow.StartInput{Title: "Outage", Participants: participants, Private: private})
		if err != nil {
			t.Fatal(err)
		}
		e.must(e.svc.AddSymptom(e.ctx, fac, r.ID, workflow.SymptomInput{Text: "Checkout fails"}))
		e.must(e.svc.AddCauses(e.ctx, fac, r.ID, workflow.AddCausesInput{Effect: 1, NewTexts: []string{"The pool is exhausted"}}))
		e.phase(r.ID, workflow.PhaseChallenging)
		e.must(e.svc.Decide(e.ctx, fac, r.ID, 1, true))
		e.phase(r.ID, workflow.PhaseFixing)
		return r.ID
	}
	propose := func(rca int64, owner string, days int) int64 {
		in := workflow.FixInput{Node: 2, Injection: "Cap the pool", Owner: owner}
		if days > 0 {
			in.Due = e.clock.Now().AddDate(0, 0, days)
		}
		return e.must(e.svc.ProposeFix(e.ctx, fac, rca, in)).Fix
	}
	team := fixing(false, alice.UserID, bob.UserID)
	other := fixing(false, carol.UserID)
	secret := fixing(true, bob.UserID)
	bobLater := propose(team, bob.UserID, 10)
	aliceSoon := propose(team, alice.UserID, 3)
	bobSoon := propose(team, bob.UserID, 1)
	aliceUndated := propose(team, alice.UserID, 0)
	carolOther := propose(other, carol.UserID, 1)
	aliceElsewhere := propose(other, alice.UserID, 20) // alice owns it without being in "other" first
	secretFix := propose(secret, bob.UserID, 1)
	done := propose(team, alice.UserID, 2)
	e.must(e.svc.UpdateFix(e.ctx, alice, team, done, workflow.FixEdit{Status: status(workflow.FixDone)}))
	e.clock.Add(2 * 24 * time.Hour) // bobSoon, carolOther and secretFix are overdue now

	type row struct {
		fix           int64
		mine, overdue bool
	}
	list := func(a workflow.Actor) []row {
		items, err := e.svc.OpenFixes(e.ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		var out []row
		for _, it := range items {
			out = append(out, row{it.Fix.ID, it.Mine, it.Overdue})
		}
		return out
	}
	tests := []struct {
		who  workflow.Actor
		want []row
	}{
		{alice, []row{{aliceSoon, true, false}, {aliceElsewhere, true, false}, {aliceUndated, true, false},
			{bobSoon, false, true}, {carolOther, false, true}, {bobLater, false, false}}},
		{bob, []row{{bobSoon, true, true}, {secretFix, true, true}, {bobLater, true, false},
			{aliceSoon, false, false}, {aliceUndated, false, false}}},
		{eve, nil},
	}
	for _, tc := range tests {
		if got := list(tc.who); !slices.Equal(got, tc.want) {
			t.Errorf("open fixes of %s = %v, want %v", tc.who.UserID, got, tc.want)
		}
	}
	// Alice joined "other" as the owner of a fix there, so its fixes are her team's too.
	if got := list(carol); !slices.Equal(got, []row{{carolOther, true, true}, {aliceElsewhere, false, false}}) {
		t.Errorf("open fixes of carol = %v", got)
	}
}

func TestRegressionOfAFixedCause(t *testing.T) {
	e := newEnv(t)
	first := e.closeOnCauseWithFix(workflow.StartInput{Title: "First outage", Participants: []string{alice.UserID}},
		"Deploys skip the canary stage", "Gate deploys on the canary")
	sim, err := e.svc.SimilarPastCauses(e.ctx, workflow.Only(alice.UserID), "Deploys always skip the canary stage")
	if err != nil || len(sim) != 1 || sim[0].Regression {
		t.Fatalf("before the fix is done: %+v, %v", sim, err)
	}
	e.must(e.svc.UpdateFix(e.ctx, alice, first.ID, 1, workflow.FixEdit{Status: status(workflow.FixDone)}))
	sim, err = e.svc.SimilarPastCauses(e.ctx, workflow.Only(alice.UserID), "Deploys always skip the canary stage")
	if err != nil || len(sim) != 1 || !sim[0].Regression || len(sim[0].Fixed) != 1 || sim[0].Fixed[0].Injection != "Gate deploys on the canary" {
		t.Fatalf("after the fix is done: %+v, %v", sim, err)
	}
	// The same flag reaches a new RCA's command result.
	r, err := e.svc.Start(e.ctx, fac, workflow.StartInput{Title: "Second", Participants: []string{alice.UserID}})
	if err != nil {
		t.Fatal(err)
	}
	e.must(e.svc.AddSymptom(e.ctx, alice, r.ID, workflow.SymptomInput{Text: "Checkout fails again"}))
	res := e.must(e.svc.AddCauses(e.ctx, alice, r.ID, workflow.AddCausesInput{Effect: 1, NewTexts: []string{"Deploys always skip the canary stage"}}))
	if len(res.Similar) != 1 || !res.Similar[0].Regression || res.Similar[0].Past.RCAID != first.ID {
		t.Fatalf("similar on the new cause = %+v", res.Similar)
	}
	res = e.must(e.svc.AddCauses(e.ctx, alice, r.ID, workflow.AddCausesInput{Effect: 1, NewTexts: []string{"Alert thresholds are stale"}}))
	if len(res.Similar) != 0 {
		t.Fatalf("an unrelated cause is no regression: %+v", res.Similar)
	}
}

// closeOnCauseWithFix runs an RCA from start to finish with one symptom and
// its accepted cause, which becomes the remembered core cause, and, unless
// fix is "", a fix owned by alice against the cause.
func (e *env) closeOnCauseWithFix(in workflow.StartInput, cause, fix string) *workflow.RCA {
	e.t.Helper()
	r, err := e.svc.Start(e.ctx, fac, in)
	if err != nil {
		e.t.Fatal(err)
	}
	e.must(e.svc.AddSymptom(e.ctx, fac, r.ID, workflow.SymptomInput{Text: "Checkout fails in " + in.Title}))
	e.must(e.svc.AddCauses(e.ctx, fac, r.ID, workflow.AddCausesInput{Effect: 1, NewTexts: []string{cause}}))
	e.phase(r.ID, workflow.PhaseChallenging)
	e.must(e.svc.Decide(e.ctx, fac, r.ID, 1, true))
	e.phase(r.ID, workflow.PhaseFixing)
	if fix != "" {
		e.must(e.svc.ProposeFix(e.ctx, fac, r.ID, workflow.FixInput{Node: 2, Injection: fix, Owner: alice.UserID}))
	}
	if _, err := e.svc.Finish(e.ctx, fac, r.ID); err != nil {
		e.t.Fatal(err)
	}
	return r
}

// TestSimilarIsSharedOnlyWhereAllMaySee: a new cause like both a public and
// a private past core cause, added in a public RCA with a channel, may be
// posted there for the public past RCA only; the result carries the new
// cause's text, each past RCA's channel and its fixes with their status.
func TestSimilarIsSharedOnlyWhereAllMaySee(t *testing.T) {
	e := newEnv(t)
	secret := e.closeOnCauseWithFix(workflow.StartInput{Title: "Secret breach", Private: true, Participants: []string{alice.UserID}},
		"Deploys skip the canary stage", "")
	public := e.closeOnCauseWithFix(workflow.StartInput{Title: "Public outage", Participants: []string{alice.UserID}},
		"Deploys always skip the canary stage", "Gate deploys on the canary")
	e.must(e.svc.BindChannel(e.ctx, fac, public.ID, "C0PUBLIC"))
	r, err := e.svc.Start(e.ctx, fac, workflow.StartInput{Title: "Third", Participants: []string{alice.UserID}})
	if err != nil {
		t.Fatal(err)
	}
	for _, channel := range []string{"", "C0THIRD"} {
		cause := strings.TrimSpace("Deploys skip canary stage " + channel)
		if channel != "" {
			e.must(e.svc.BindChannel(e.ctx, fac, r.ID, channel))
		}
		e.must(e.svc.AddSymptom(e.ctx, alice, r.ID, workflow.SymptomInput{Text: "Checkout fails " + channel}))
		res := e.must(e.svc.AddCauses(e.ctx, alice, r.ID, workflow.AddCausesInput{Effect: 1, NewTexts: []string{cause}}))
		if len(res.Similar) != 2 {
			t.Fatalf("alice sees both past causes: %+v", res.Similar)
		}
		for _, s := range res.Similar {
			wantShared := channel != "" && s.Past.RCAID == public.ID
			if s.Shared != wantShared || s.Text != cause {
				t.Errorf("in channel %q, past RCA %d: shared %v, text %q", channel, s.Past.RCAID, s.Shared, s.Text)
			}
			switch s.Past.RCAID {
			case public.ID:
				if s.Past.Channel != "C0PUBLIC" || len(s.Fixes) != 1 || s.Fixes[0].Injection != "Gate deploys on the canary" {
					t.Errorf("public past cause: %+v", s)
				}
			case secret.ID:
				if len(s.Fixes) != 0 {
					t.Errorf("secret past cause has fixes: %+v", s.Fixes)
				}
			}
		}
	}
}
