package workflow_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// TestConcurrentCommands runs 20 goroutines adding causes, reviews and
// reservations to one RCA at once: every command commits, none sees a locked
// database, and the audit log grows by exactly one entry per command.
func TestConcurrentCommands(t *testing.T) {
	e := newEnv(t)
	id := e.start(false)
	e.seed(id)
	e.phase(id, workflow.PhaseWiring)
	users := make([]workflow.Actor, 20)
	var people []string
	for i := range users {
		users[i] = workflow.Actor{UserID: fmt.Sprintf("UW%02d", i)}
		people = append(people, users[i].UserID)
	}
	e.must(e.svc.AddParticipants(e.ctx, fac, id, people))
	before := e.auditCount(id)
	const perWorker = 3
	run := func(fn func(i, j int) error) {
		var wg sync.WaitGroup
		errs := make(chan error, len(users)*perWorker)
		for i := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; j < perWorker; j++ {
					if err := fn(i, j); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if strings.Contains(err.Error(), "locked") || strings.Contains(err.Error(), "busy") {
				t.Errorf("a caller saw: %v", err)
			} else {
				t.Errorf("command failed: %v", err)
			}
		}
	}
	run(func(i, j int) error {
		_, err := e.svc.AddCauses(e.ctx, users[i], id, workflow.AddCausesInput{Effect: tree.NodeID(1 + j%2),
			NewTexts: []string{fmt.Sprintf("Condition %d-%d holds", i, j)}})
		return err
	})
	tr := e.tree(id)
	if got, want := tr.NumNodes(), 5+len(users)*perWorker; got != want {
		t.Fatalf("nodes = %d, want %d (a write was lost)", got, want)
	}
	e.phase(id, workflow.PhaseChallenging)
	phaseEntries := 1
	run(func(i, j int) error {
		g := tree.GroupID(4 + i*perWorker + j) // links 4.. were added above, one per command
		if j == 2 {
			_, err := e.svc.Raise(e.ctx, users[i], id, workflow.RaiseInput{Group: g, Category: workflow.CatClarity, Note: "wording"})
			return err
		}
		_, err := e.svc.Review(e.ctx, users[i], id, g, true)
		return err
	})
	log, err := e.svc.AuditLog(e.ctx, fac, id)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(log)-before, 2*len(users)*perWorker+phaseEntries; got != want {
		t.Fatalf("audit entries = %d, want %d (one per command)", got, want)
	}
	p, err := e.svc.Progress(e.ctx, fac, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.OpenReservations != len(users) || p.Disputed != len(users) || p.Links != 3+len(users)*perWorker {
		t.Fatalf("progress = %+v, want %d open reservations and disputed links", p, len(users))
	}
	if n := len(p.Reviewers); n != len(users) {
		t.Fatalf("reviewers = %d, want %d (a review was lost)", n, len(users))
	}
}

// TestConcurrentRedelivery delivers the same key from 10 goroutines at once:
// exactly one applies it, the others get its result back.
func TestConcurrentRedelivery(t *testing.T) {
	e := newEnv(t)
	id := e.start(false)
	before := e.auditCount(id)
	var wg sync.WaitGroup
	results := make([]*workflow.Result, 10)
	errs := make([]error, 10)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = e.svc.AddSymptom(e.key("Ev-same"), alice, id, workflow.SymptomInput{Text: "Login fails"})
		}()
	}
	wg.Wait()
	applied := 0
	for i, res := range results {
		if errs[i] != nil {
			t.Fatalf("delivery %d: %v", i, errs[i])
		}
		if !res.Replayed {
			applied++
		}
		if len(res.NewNodes) != 1 || res.NewNodes[0] != 1 {
			t.Fatalf("delivery %d result = %+v, want node #1", i, res)
		}
	}
	if applied != 1 || e.auditCount(id) != before+1 || e.tree(id).NumNodes() != 1 {
		t.Fatalf("applied %d times, audit +%d, %d nodes; want once", applied, e.auditCount(id)-before, e.tree(id).NumNodes())
	}
}
