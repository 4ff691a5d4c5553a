package workflow_test

import (
	"fmt"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// TestLifecycleAcrossRestarts runs a whole RCA, closing and reopening the
// database after every step and redelivering every step's key: the replay
// returns the first result and changes nothing.
func TestLifecycleAcrossRestarts(t *testing.T) {
	e := newEnv(t)
	id := e.start(false)
	steps := []struct {
		name string
		run  func(key string) (*workflow.Result, error)
	}{
		{"symptom", func(k string) (*workflow.Result, error) {
			return e.svc.AddSymptom(e.key(k), alice, id, workflow.SymptomInput{Text: "Checkout requests fail", Weight: 3})
		}},
		{"second symptom", func(k string) (*workflow.Result, error) {
			return e.svc.AddSymptom(e.key(k), bob, id, workflow.SymptomInput{Text: "Refund jobs pile up"})
		}},
		{"wiring", func(k string) (*workflow.Result, error) { return e.svc.Advance(e.key(k), fac, id) }},
		{"paste", func(k string) (*workflow.Result, error) {
			return e.svc.PasteStatements(e.key(k), carol, id, "IF [DB pool is exhausted] THEN [#1]\n"+
				"IF [DB pool is exhausted] THEN [#2]\nIF [A slow query holds connections] AND [Pool size is 5] THEN [DB pool is exhausted]\n")
		}},
		{"root", func(k string) (*workflow.Result, error) { return e.svc.MarkRoot(e.key(k), alice, id, 5, true) }},
		{"skip", func(k string) (*workflow.Result, error) { return e.svc.Skip(e.key(k), alice, id, 4) }},
		{"challenge", func(k string) (*workflow.Result, error) { return e.svc.Advance(e.key(k), fac, id) }},
		{"review 1a", func(k string) (*workflow.Result, error) { return e.svc.Review(e.key(k), alice, id, 1, true) }},
		{"review 1b", func(k string) (*workflow.Result, error) { return e.svc.Review(e.key(k), bob, id, 1, true) }},
		{"review 2a", func(k string) (*workflow.Result, error) { return e.svc.Review(e.key(k), alice, id, 2, true) }},
		{"review 2b", func(k string) (*workflow.Result, error) { return e.svc.Review(e.key(k), carol, id, 2, true) }},
		{"raise 3", func(k string) (*workflow.Result, error) {
			return e.svc.Raise(e.key(k), bob, id, workflow.RaiseInput{Group: 3, Category: workflow.CatCauseInsufficient})
		}},
		{"repair 3", func(k string) (*workflow.Result, error) {
			return e.svc.Repair(e.key(k), carol, id, workflow.RepairInput{Reservation: 1, Action: workflow.RepairAddPremise,
				Text: "Queries have no timeout"})
		}},
		{"decide 3", func(k string) (*workflow.Result, error) { return e.svc.Decide(e.key(k), fac, id, 3, true) }},
		{"fixing", func(k string) (*workflow.Result, error) { return e.svc.Advance(e.key(k), fac, id) }},
		{"fix", func(k string) (*workflow.Result, error) {
			return e.svc.ProposeFix(e.key(k), alice, id, workflow.FixInput{Node: 4, Injection: "Add a query timeout", Owner: alice.UserID})
		}},
	}
	for i, s := range steps {
		key := fmt.Sprintf("Ev%02d", i)
		first, err := s.run(key)
		if err != nil {
			t.Fatalf("step %s: %v", s.name, err)
		}
		log := e.auditCount(id)
		before := string(tree.Format(e.tree(id)))
		e.reopen()
		again, err := s.run(key)
		if err != nil || !again.Replayed || fmt.Sprint(again.NewNodes, again.Groups, again.Status) != fmt.Sprint(first.NewNodes, first.Groups, first.Status) {
			t.Fatalf("step %s replay = %+v, %v; want the first result %+v", s.name, again, err, first)
		}
		if e.auditCount(id) != log || string(tree.Format(e.tree(id))) != before {
			t.Fatalf("step %s: the replay changed the RCA", s.name)
		}
	}
	sum, err := e.svc.Finish(e.key("Ev-finish"), fac, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.CoreCauses) == 0 || len(sum.Fixes) != 1 || sum.RCA.Phase != workflow.PhaseClosed {
		t.Fatalf("summary = %+v", sum)
	}
	e.reopen()
	if r, _ := e.svc.RCA(e.ctx, fac, id); r.Phase != workflow.PhaseClosed {
		t.Fatalf("phase after reopen = %s", r.Phase)
	}
}
