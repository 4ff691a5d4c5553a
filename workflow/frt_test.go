package workflow_test

import (
	"slices"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// summary is the RCA's summary, as a participant sees it.
func (e *env) summary(id int64) *workflow.Summary {
	e.t.Helper()
	sum, err := e.svc.Summary(e.ctx, alice, id)
	if err != nil {
		e.t.Fatalf("Summary: %v", err)
	}
	return sum
}

// TestNegativeBranchAndDesirableEffects raises a negative branch on a fix,
// trims it, adds a desirable effect and rewords a removed symptom's
// counterpart, then reads it all back after reopening the database.
func TestNegativeBranchAndDesirableEffects(t *testing.T) {
	e, id := challengeEnv(t)
	e.acceptAll(id)
	e.phase(id, workflow.PhaseFixing)
	fix := e.must(e.svc.ProposeFix(e.ctx, alice, id, workflow.FixInput{Node: 3, Injection: "Add an index and a query timeout"})).Fix

	errs := []struct {
		name  string
		in    workflow.NegativeInput
		code  string
		field string
	}{
		{name: "no effect", in: workflow.NegativeInput{Fix: fix}, code: workflow.EInvalid, field: "effect"},
		{name: "unknown fix", in: workflow.NegativeInput{Fix: 99, Effect: "x"}, code: workflow.ENotFound, field: "fix"},
		{name: "too many steps", in: workflow.NegativeInput{Fix: fix, Effect: "x", Steps: make([]string, workflow.MaxBranchSteps+1)},
			code: workflow.EInvalid, field: "steps"},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.RaiseNegative(e.ctx, bob, id, tc.in)
			if workflow.ErrorCode(err) != tc.code || workflow.ErrorField(err) != tc.field {
				t.Fatalf("err = %v, want %s/%s", err, tc.code, tc.field)
			}
		})
	}
	if _, err := e.svc.RaiseNegative(e.ctx, eve, id, workflow.NegativeInput{Fix: fix, Effect: "x"}); workflow.ErrorCode(err) != workflow.EForbidden {
		t.Fatalf("a stranger raised a negative branch: %v", err)
	}

	res := e.must(e.svc.RaiseNegative(e.ctx, bob, id, workflow.NegativeInput{Fix: fix,
		Steps: []string{"Slow queries fail fast"}, Effect: "Month-end reports time out"}))
	if len(res.NewNodes) != 2 {
		t.Fatalf("new nodes = %v, want the step and the effect", res.NewNodes)
	}
	step, end := res.NewNodes[0], res.NewNodes[1]
	sum := e.summary(id)
	if u := sum.Untrimmed(); len(u) != 1 || u[0].End != end || !slices.Equal(u[0].Steps, []tree.NodeID{step, end}) {
		t.Fatalf("untrimmed = %+v, want the branch ending in %s", u, end)
	}
	if _, err := e.svc.TrimNegative(e.ctx, carol, id, 3, "Not a step"); workflow.ErrorCode(err) != workflow.EInvalid {
		t.Fatalf("trimming a cause: %v", err)
	}
	e.must(e.svc.TrimNegative(e.ctx, carol, id, step, "Reports read from a replica without the timeout"))
	e.must(e.svc.AddDesirable(e.ctx, alice, id, fix, "The checkout page answers within a second"))
	sum = e.summary(id)
	if len(sum.Combined.Removed) == 0 {
		t.Fatal("the fix removes nothing; the test tree changed")
	}
	ude := sum.Combined.Removed[0]
	e.must(e.svc.SetCounterparts(e.ctx, alice, id, map[tree.NodeID]string{ude: "Customers pay without errors"}))

	e.reopen()
	sum = e.summary(id)
	if len(sum.Negative) != 1 || !sum.Negative[0].Trimmed || len(sum.Untrimmed()) != 0 {
		t.Fatalf("negative branches after the trim = %+v", sum.Negative)
	}
	if c := tree.Counterparts(sum.Tree)[ude]; c == nil || c.Text != "Customers pay without errors" {
		t.Fatalf("counterpart of %s = %v", ude, c)
	}
	frt, err := sum.FutureTree()
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, n := range frt.Nodes() {
		texts = append(texts, n.Text)
	}
	for _, want := range []string{"Customers pay without errors", "The checkout page answers within a second",
		"Month-end reports time out", "Reports read from a replica without the timeout", "Add an index and a query timeout"} {
		if !slices.Contains(texts, want) {
			t.Errorf("the Future Reality Tree lacks %q: %q", want, texts)
		}
	}
	if sum.Open.UnreviewedLinks != nil {
		t.Errorf("the Future Reality Tree's links count as unreviewed: %v", sum.Open.UnreviewedLinks)
	}
	// Back to the suggestion: the counterpart goes.
	e.must(e.svc.SetCounterparts(e.ctx, alice, id, map[tree.NodeID]string{ude: ""}))
	if c := tree.Counterparts(e.tree(id)); len(c) != 0 {
		t.Errorf("counterparts after clearing = %v", c)
	}
	// A dropped fix's branches are no risk any more.
	if _, err := e.svc.RaiseNegative(e.ctx, bob, id, workflow.NegativeInput{Fix: fix, Effect: "Batch jobs are killed"}); err != nil {
		t.Fatal(err)
	}
	drop := workflow.FixDropped
	e.must(e.svc.UpdateFix(e.ctx, fac, id, fix, workflow.FixEdit{Status: &drop, Reason: "replaced"}))
	sum = e.summary(id)
	if u := sum.Untrimmed(); len(u) != 0 {
		t.Errorf("untrimmed after dropping the fix = %+v", u)
	}
	if frt, err = sum.FutureTree(); err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"Add an index and a query timeout", "Batch jobs are killed", "Month-end reports time out",
		"Reports read from a replica without the timeout", "The checkout page answers within a second"} {
		if _, ok := frt.NodeByText(gone); ok {
			t.Errorf("the Future Reality Tree keeps %q of the dropped fix", gone)
		}
	}
}
