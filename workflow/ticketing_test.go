package workflow_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/workflow"
	"github.com/untangle-rca/untangle/workflow/tracker/github"
	"github.com/untangle-rca/untangle/workflow/tracker/trackertest"
)

// ticketEnv is an RCA planning fixes with one fix owned by bob.
func ticketEnv(t *testing.T) (*env, int64, int64) {
	e, id := challengeEnv(t)
	e.acceptAll(id)
	e.phase(id, workflow.PhaseFixing)
	fix := e.must(e.svc.ProposeFix(e.ctx, alice, id, workflow.FixInput{Node: 3, Injection: "Add a query timeout", Owner: bob.UserID})).Fix
	return e, id, fix
}

func ticketAudits(t *testing.T, e *env, id int64, action string) int {
	t.Helper()
	log, err := e.svc.AuditLog(e.ctx, fac, id)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range log {
		if a.Action == action {
			n++
		}
	}
	return n
}

// TestTicketFiledOnceAcrossRedeliveryClicksAndCrash asks twice (a
// redelivery, a double click), claims from two processes, lets the first
// die after the tracker filed the ticket, and has the second finish: one
// intent, one ticket, the fix linked to it.
func TestTicketFiledOnceAcrossRedeliveryClicksAndCrash(t *testing.T) {
	e, id, fix := ticketEnv(t)
	first, err := e.svc.RequestTicket(e.ctx, bob, id, fix)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.svc.RequestTicket(e.ctx, carol, id, fix)
	if err != nil || again.Nonce != first.Nonce || again.State != workflow.FilingIntent {
		t.Fatalf("asking again: %+v %v, want the first intent %+v", again, err, first)
	}
	if n := ticketAudits(t, e, id, "ticket_requested"); n != 1 {
		t.Errorf("%d intents audited, want 1", n)
	}
	if _, err := e.svc.RequestTicket(e.ctx, eve, id, fix); workflow.ErrorCode(err) != workflow.EForbidden {
		t.Errorf("an outsider asks: %v", err)
	}

	const ttl, lag = time.Minute, 15 * time.Second
	claimA, ok, err := e.svc.ClaimTicket(e.ctx, fix, workflow.ClaimOptions{Holder: "A", TTL: ttl, Force: false, Lag: lag})
	if err != nil || !ok || claimA.MaybeFiled {
		t.Fatalf("first claim: %+v %v %v", claimA, ok, err)
	}
	for _, who := range []string{"A", "B"} { // a double click in A, a redelivery to B
		if _, ok, err := e.svc.ClaimTicket(e.ctx, fix, workflow.ClaimOptions{Holder: who, TTL: ttl, Force: true, Lag: lag}); ok || err != nil {
			t.Fatalf("%s claimed a filing in flight: %v %v", who, ok, err)
		}
	}

	fake := trackertest.NewGitHub()
	defer fake.Close()
	tr, err := github.New(github.Config{Repo: trackertest.GitHubRepo, Token: trackertest.GitHubToken, APIURL: fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := e.svc.TicketSummary(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	draft, err := sum.TicketDraft(&claimA.Ticket)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Create(e.ctx, draft); err != nil { // A files, then dies before recording it
		t.Fatal(err)
	}

	e.clock.Add(ttl)
	claimB, ok, err := e.svc.ClaimTicket(e.ctx, fix, workflow.ClaimOptions{Holder: "B", TTL: ttl, Force: false, Lag: lag})
	if err != nil || !ok || !claimB.MaybeFiled || claimB.Ticket.Attempts != 2 {
		t.Fatalf("claim after A's ran out: %+v %v %v", claimB, ok, err)
	}
	ref, err := workflow.FileTicket(e.ctx, tr, draft, claimB.MaybeFiled, workflow.RetryPolicy{Budget: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := e.svc.TicketFiled(e.ctx, fix, ref)
	if err != nil || rec.State != workflow.FilingFiled || rec.Key != ref.Key {
		t.Fatalf("record the ticket: %+v %v", rec, err)
	}
	if n := len(fake.Tickets()); n != 1 {
		t.Fatalf("%d tickets filed, want 1", n)
	}
	if _, ok, _ := e.svc.ClaimTicket(e.ctx, fix, workflow.ClaimOptions{Holder: "C", TTL: ttl, Force: true, Lag: lag}); ok {
		t.Error("a filed ticket was claimed again")
	}
	sum, err = e.svc.Summary(e.ctx, fac, id)
	if err != nil {
		t.Fatal(err)
	}
	if f := sum.Fixes[0].Fix; f.TicketKey != ref.Key || f.Ticket != ref.URL {
		t.Errorf("the fix shows ticket %q %q, want %+v", f.TicketKey, f.Ticket, ref)
	}
	if n := ticketAudits(t, e, id, "ticket_filed"); n != 1 {
		t.Errorf("%d filings audited, want 1", n)
	}
}

// TestTicketDraftFromSummary checks what the workflow puts in a ticket.
func TestTicketDraftFromSummary(t *testing.T) {
	e, id, fix := ticketEnv(t)
	rec, err := e.svc.RequestTicket(e.ctx, bob, id, fix)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := e.svc.TicketSummary(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	d, err := sum.TicketDraft(rec)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	if d.Title != "Add a query timeout" || d.RCATitle != "Payment routing outage" || d.Neutralises.Text != "A slow SQL query exhausts the DB pool" {
		t.Errorf("draft head: %+v", d)
	}
	if d.Marker != workflow.TicketMarker(id, fix, rec.Nonce) || len(d.Labels) != 1 || d.Labels[0] != "rca" {
		t.Errorf("marker %q, labels %v", d.Marker, d.Labels)
	}
	removed := map[string]bool{}
	for _, n := range d.RemovesAlone {
		removed[n.Text] = true
	}
	if !removed["Refund jobs pile up"] || len(d.RemovesTogether) < len(d.RemovesAlone) {
		t.Errorf("removes alone %v, together %v", d.RemovesAlone, d.RemovesTogether)
	}
	if len(d.Chains) != len(d.RemovesAlone) {
		t.Fatalf("%d chains for %d symptoms removed: %+v", len(d.Chains), len(d.RemovesAlone), d.Chains)
	}
	for _, c := range d.Chains {
		if len(c.Steps) == 0 || c.Steps[len(c.Steps)-1].Effect != c.Symptom || !removed[c.Symptom.Text] {
			t.Errorf("chain %+v does not end at a symptom the fix removes", c)
		}
	}
	other := workflow.FixTicket{FixID: 99, RCAID: id, Nonce: rec.Nonce}
	if _, err := sum.TicketDraft(&other); workflow.ErrorCode(err) != workflow.ENotFound {
		t.Errorf("a draft of no fix: %v", err)
	}
	// A dropped fix gets no ticket.
	e.must(e.svc.UpdateFix(e.ctx, fac, id, fix, workflow.FixEdit{Status: status(workflow.FixDropped), Reason: "moot"}))
	other2 := e.must(e.svc.ProposeFix(e.ctx, alice, id, workflow.FixInput{Node: 4, Injection: "Configure a breaker"})).Fix
	e.must(e.svc.UpdateFix(e.ctx, fac, id, other2, workflow.FixEdit{Status: status(workflow.FixDropped), Reason: "moot"}))
	if _, err := e.svc.RequestTicket(e.ctx, bob, id, other2); workflow.ErrorCode(err) != workflow.EInvalid {
		t.Errorf("a dropped fix asks for a ticket: %v", err)
	}
	if err := e.svc.RequestTickets(e.ctx, id); err != nil {
		t.Fatal(err)
	}
	if rec2, err := e.svc.FixTicketOf(e.ctx, other2); err != nil || rec2 != nil {
		t.Errorf("finishing asked a ticket for a dropped fix: %+v %v", rec2, err)
	}
}

// TestTicketFailureKeepsTheFixAndWaits records each fault: the fix stays,
// the failure is news once, and the next try waits (a click does not when
// no attempt can still be in flight).
func TestTicketFailureKeepsTheFixAndWaits(t *testing.T) {
	faults := []*workflow.TrackerError{
		{Fault: workflow.FaultAuth, Tracker: "GitHub Issues", Status: 401, Credential: "UNTANGLE_GITHUB_TOKEN", Need: "Issues: read and write"},
		{Fault: workflow.FaultAuth, Tracker: "GitHub Issues", Status: 403, Credential: "UNTANGLE_GITHUB_TOKEN", Need: "Issues: read and write"},
		{Fault: workflow.FaultGone, Tracker: "GitHub Issues", Status: 404, Message: "Not Found"},
		{Fault: workflow.FaultGone, Tracker: "GitHub Issues", Status: 410, Message: "Issues are disabled"},
		{Fault: workflow.FaultInvalid, Tracker: "GitHub Issues", Status: 422, Message: "title is too long"},
		{Fault: workflow.FaultRetryable, Tracker: "GitHub Issues", Status: 429, RetryAfter: time.Minute},
		{Fault: workflow.FaultRetryable, Tracker: "GitHub Issues", Status: 503},
		{Fault: workflow.FaultRetryable, Tracker: "GitHub Issues", Unknown: true},
	}
	e, id, fix := ticketEnv(t)
	if _, err := e.svc.RequestTicket(e.ctx, bob, id, fix); err != nil {
		t.Fatal(err)
	}
	const ttl, lag, wait = time.Minute, 15 * time.Second, 10 * time.Minute
	for _, f := range faults {
		name := string(f.Fault) + "/" + f.Error()
		if _, ok, err := e.svc.ClaimTicket(e.ctx, fix, workflow.ClaimOptions{Holder: "A", TTL: ttl, Force: false, Lag: lag}); !ok || err != nil {
			t.Fatalf("%s: claim: %v %v", name, ok, err)
		}
		rec, news, err := e.svc.TicketFailed(e.ctx, fix, f, wait)
		if err != nil || !news || rec.State != workflow.FilingFailed || rec.Fault != f.Fault || rec.LastError != f.Explain() {
			t.Fatalf("%s: recorded %+v news=%v %v", name, rec, news, err)
		}
		if due, _ := e.svc.TicketsToFile(e.ctx); len(due) != 0 {
			t.Errorf("%s: due before the wait: %+v", name, due)
		}
		if _, ok, _ := e.svc.ClaimTicket(e.ctx, fix, workflow.ClaimOptions{Holder: "A", TTL: ttl, Force: true, Lag: lag}); ok {
			t.Errorf("%s: a click claimed while an attempt may still show up", name)
		}
		e.clock.Add(lag)
		if _, ok, _ := e.svc.ClaimTicket(e.ctx, fix, workflow.ClaimOptions{Holder: "A", TTL: ttl, Force: false, Lag: lag}); ok {
			t.Errorf("%s: the job claimed before the wait", name)
		}
		if _, ok, err := e.svc.ClaimTicket(e.ctx, fix, workflow.ClaimOptions{Holder: "A", TTL: ttl, Force: true, Lag: lag}); !ok || err != nil {
			t.Errorf("%s: a click after the lag could not claim: %v", name, err)
		}
		if _, news, _ := e.svc.TicketFailed(e.ctx, fix, f, wait); news {
			t.Errorf("%s: the same failure twice is news", name)
		}
		e.clock.Add(wait)
		e.clock.Add(ttl) // the click's claim ran out too
		if due, _ := e.svc.TicketsToFile(e.ctx); len(due) != 1 || due[0].FixID != fix {
			t.Errorf("%s: not due after the wait: %+v", name, due)
		}
	}
	sum, err := e.svc.Summary(e.ctx, fac, id)
	if err != nil || len(sum.Fixes) != 1 || sum.Fixes[0].Fix.Status != workflow.FixProposed {
		t.Fatalf("the fix after the faults: %+v %v", sum, err)
	}
	if _, _, err := e.svc.TicketFailed(e.ctx, fix, errors.New("plain"), wait); err != nil {
		t.Errorf("a failure that is no tracker error: %v", err)
	}
}

// TestSyncTicket walks a ticket through its states and checks the fix.
func TestSyncTicket(t *testing.T) {
	e, id, fix := ticketEnv(t)
	if _, err := e.svc.RequestTicket(e.ctx, bob, id, fix); err != nil {
		t.Fatal(err)
	}
	if res, err := e.svc.SyncTicket(e.ctx, fix, "Jira", workflow.TicketStatus{State: workflow.TicketDone}); res != nil || err != nil {
		t.Fatalf("a ticket not filed yet synced: %+v %v", res, err)
	}
	if _, err := e.svc.TicketFiled(e.ctx, fix, workflow.TicketRef{Key: "OPS-7", URL: "https://acme.atlassian.net/browse/OPS-7"}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		ticket   workflow.TicketState
		from, to workflow.FixStatus
		changed  bool
	}{
		{workflow.TicketOpen, "", "", false},
		{workflow.TicketInProgress, workflow.FixProposed, workflow.FixInProgress, true},
		{workflow.TicketDone, workflow.FixInProgress, workflow.FixDone, true},
		{workflow.TicketDone, "", "", false},
		{workflow.TicketOpen, workflow.FixDone, workflow.FixInProgress, true},
		{workflow.TicketCanceled, workflow.FixInProgress, workflow.FixDropped, true},
		{workflow.TicketInProgress, workflow.FixDropped, workflow.FixInProgress, true},
	}
	audits := 0
	for i, s := range steps {
		res, err := e.svc.SyncTicket(e.ctx, fix, "Jira", workflow.TicketStatus{State: s.ticket, Name: string(s.ticket)})
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if (res != nil) != s.changed {
			t.Fatalf("step %d (%s): changed %v, want %v", i, s.ticket, res != nil, s.changed)
		}
		if res == nil {
			continue
		}
		audits++
		if res.From != s.from || res.To != s.to || res.Fix.Status != s.to {
			t.Errorf("step %d (%s): %s → %s, want %s → %s", i, s.ticket, res.From, res.To, s.from, s.to)
		}
		if s.to == workflow.FixDropped && !strings.Contains(res.Fix.Reason, "OPS-7 was closed in Jira") {
			t.Errorf("dropped without the reason: %q", res.Fix.Reason)
		}
	}
	if n := ticketAudits(t, e, id, "ticket_status"); n != audits {
		t.Errorf("%d ticket changes audited, want %d", n, audits)
	}
}

// TestClaimTicketConcurrently has several processes claim one filing at
// once (a double click landing on two replicas): exactly one gets it.
func TestClaimTicketConcurrently(t *testing.T) {
	e, id, fix := ticketEnv(t)
	if _, err := e.svc.RequestTicket(e.ctx, bob, id, fix); err != nil {
		t.Fatal(err)
	}
	const n = 8
	got := make(chan bool, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, ok, err := e.svc.ClaimTicket(e.ctx, fix, workflow.ClaimOptions{Holder: fmt.Sprint("P", i), TTL: time.Minute, Force: true})
			if err != nil {
				t.Error(err)
			}
			got <- ok
		})
	}
	wg.Wait()
	close(got)
	claimed := 0
	for ok := range got {
		if ok {
			claimed++
		}
	}
	if claimed != 1 {
		t.Errorf("%d of %d concurrent claims succeeded, want 1", claimed, n)
	}
}
