package workflow_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/storage/storagetest"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

var errTest = errors.New("disk on fire")

func wrap(err error) error { return fmt.Errorf("outer: %w", err) }

var (
	fac   = workflow.Actor{UserID: "UFAC"}
	alice = workflow.Actor{UserID: "UALICE"}
	bob   = workflow.Actor{UserID: "UBOB"}
	carol = workflow.Actor{UserID: "UCAROL"}
	eve   = workflow.Actor{UserID: "UEVE"} // never a participant
)

// fakeClock is a settable clock safe for concurrent use.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

type env struct {
	t     testing.TB
	path  string
	db    *storage.DB
	clock *fakeClock
	svc   *workflow.Service
	ctx   context.Context
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	e := &env{t: tb, path: storagetest.New(tb),
		clock: &fakeClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}, ctx: context.Background()}
	e.open()
	tb.Cleanup(func() { e.db.Close() })
	return e
}

func (e *env) open() {
	e.t.Helper()
	db, err := storage.Open(e.ctx, e.path, storage.WithClock(e.clock.Now))
	if err != nil {
		e.t.Fatalf("open: %v", err)
	}
	e.db, e.svc = db, workflow.New(db, e.clock)
}

// reopen closes and reopens the database file.
func (e *env) reopen() {
	e.t.Helper()
	if err := e.db.Close(); err != nil {
		e.t.Fatal(err)
	}
	e.open()
}

func (e *env) start(private bool) int64 {
	e.t.Helper()
	r, err := e.svc.Start(e.ctx, fac, workflow.StartInput{Title: "Payment routing outage", Severity: "SEV1",
		Participants: []string{alice.UserID, bob.UserID, carol.UserID}, Private: private})
	if err != nil {
		e.t.Fatalf("Start: %v", err)
	}
	return r.ID
}

// key returns the test context with an idempotency key.
func (e *env) key(k string) context.Context { return workflow.WithKey(e.ctx, k) }

func (e *env) must(res *workflow.Result, err error) *workflow.Result {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("command failed: %v", err)
	}
	return res
}

func (e *env) tree(id int64) *tree.Tree {
	e.t.Helper()
	tr, err := e.svc.Tree(e.ctx, fac, id)
	if err != nil {
		e.t.Fatalf("Tree: %v", err)
	}
	return tr
}

func (e *env) phase(id int64, want workflow.Phase) {
	e.t.Helper()
	for {
		r, err := e.svc.RCA(e.ctx, fac, id)
		if err != nil {
			e.t.Fatal(err)
		}
		if r.Phase == want {
			return
		}
		if _, err := e.svc.Advance(e.ctx, fac, id); err != nil {
			e.t.Fatalf("advance to %s: %v", want, err)
		}
	}
}

func (e *env) auditCount(id int64) int {
	e.t.Helper()
	log, err := e.svc.AuditLog(e.ctx, fac, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return len(log)
}

// seed builds: UDE #1 ⇐ #2 ⇐ (#3 AND #4); UDE #5 ⇐ #3.
func (e *env) seed(id int64) {
	e.t.Helper()
	e.must(e.svc.AddSymptom(e.ctx, alice, id, workflow.SymptomInput{Text: "Checkout requests fail", Weight: 3}))
	e.must(e.svc.AddCauses(e.ctx, alice, id, workflow.AddCausesInput{Effect: 1, NewTexts: []string{"Payment API times out"}}))
	e.must(e.svc.AddCauses(e.ctx, bob, id, workflow.AddCausesInput{Effect: 2, Logic: workflow.LogicAnd,
		NewTexts: []string{"A slow SQL query exhausts the DB pool", "No circuit breaker is configured"}}))
	e.must(e.svc.AddSymptom(e.ctx, bob, id, workflow.SymptomInput{Text: "Refund jobs pile up"}))
	e.must(e.svc.AddCauses(e.ctx, bob, id, workflow.AddCausesInput{Effect: 5, Existing: []tree.NodeID{3}}))
}
