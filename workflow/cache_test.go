package workflow_test

import (
	"bytes"
	"testing"

	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// TestCachedTreeMatchesDatabase runs every kind of tree change and checks
// after each one that the tree the service sees (served from storage's
// cache) equals the tree rebuilt from the tables by a second, cold handle.
func TestCachedTreeMatchesDatabase(t *testing.T) {
	e := newEnv(t)
	id := e.start(false)
	text := "Checkout requests fail for every card"
	weight := 1
	steps := []struct {
		name string
		run  func() (*workflow.Result, error)
	}{
		{"seed", func() (*workflow.Result, error) { e.seed(id); return &workflow.Result{}, nil }},
		{"paste", func() (*workflow.Result, error) {
			return e.svc.PasteStatements(e.ctx, carol, id, "IF [Pool size is 5] AND [#3] THEN [#2]\nUDE [Pager storm]\n")
		}},
		{"edit", func() (*workflow.Result, error) {
			return e.svc.Edit(e.ctx, alice, id, workflow.EditInput{Node: 1, Text: &text, Weight: &weight})
		}},
		{"delete", func() (*workflow.Result, error) { return e.svc.Delete(e.ctx, bob, id, 3) }},
		{"undo delete", func() (*workflow.Result, error) { return e.svc.Undo(e.ctx, bob, id) }},
		{"delete again", func() (*workflow.Result, error) { return e.svc.Delete(e.ctx, fac, id, 4) }},
		{"add after delete", func() (*workflow.Result, error) {
			return e.svc.AddCauses(e.ctx, alice, id, workflow.AddCausesInput{Effect: 2, NewTexts: []string{"Breaker disabled"}})
		}},
		{"wiring", func() (*workflow.Result, error) { return e.svc.Advance(e.ctx, fac, id) }},
		{"root", func() (*workflow.Result, error) { return e.svc.MarkRoot(e.ctx, bob, id, 3, true) }},
		{"challenge", func() (*workflow.Result, error) { return e.svc.Advance(e.ctx, fac, id) }},
		{"review", func() (*workflow.Result, error) { return e.svc.Review(e.ctx, alice, id, 1, true) }},
		{"accept", func() (*workflow.Result, error) { return e.svc.Review(e.ctx, bob, id, 1, true) }},
		{"raise node", func() (*workflow.Result, error) {
			return e.svc.Raise(e.ctx, carol, id, workflow.RaiseInput{Node: 3, Category: workflow.CatEntityExistence})
		}},
		{"raise link", func() (*workflow.Result, error) {
			return e.svc.Raise(e.ctx, carol, id, workflow.RaiseInput{Group: 1, Category: workflow.CatReversal})
		}},
		{"flip", func() (*workflow.Result, error) {
			return e.svc.Repair(e.ctx, bob, id, workflow.RepairInput{Reservation: 2, Action: workflow.RepairFlip})
		}},
		{"evidence", func() (*workflow.Result, error) {
			return e.svc.Repair(e.ctx, bob, id, workflow.RepairInput{Reservation: 1, Action: workflow.RepairEvidence, Evidence: "https://x"})
		}},
		{"undo flip", func() (*workflow.Result, error) { return e.svc.Undo(e.ctx, bob, id) }},
		{"reject", func() (*workflow.Result, error) { return e.svc.Decide(e.ctx, fac, id, 3, false) }},
	}
	for _, s := range steps {
		hits, _ := e.db.TreeCacheStats()
		if _, err := s.run(); err != nil {
			t.Fatalf("step %s: %v", s.name, err)
		}
		warm := e.tree(id)
		cold := coldTree(t, e, id)
		w, _ := warm.MarshalJSON()
		c, _ := cold.MarshalJSON()
		if !bytes.Equal(w, c) || warm.NextNodeID() != cold.NextNodeID() {
			t.Fatalf("after %s the cached tree differs from the tables:\ncached %s (next %s)\ntables %s (next %s)",
				s.name, w, warm.NextNodeID(), c, cold.NextNodeID())
		}
		if after, _ := e.db.TreeCacheStats(); after == hits {
			t.Fatalf("step %s: no tree load was served from the cache", s.name)
		}
	}
}

// coldTree reads the tree through a second database handle with an empty cache.
func coldTree(t *testing.T, e *env, id int64) *tree.Tree {
	t.Helper()
	db, err := storage.Open(e.ctx, e.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tr, err := workflow.New(db, e.clock).Tree(e.ctx, fac, id)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}
