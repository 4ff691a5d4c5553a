package trackertest

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/workflow"
)

// ClientOptions is how Conformance wants a client built.
type ClientOptions struct {
	Timeout  time.Duration // per request
	BadToken bool          // a credential the fake refuses
}

// NewClient builds the client under test against s.
type NewClient func(t *testing.T, s *Server, o ClientOptions) workflow.Tracker

// SampleDraft is a small, valid draft with the given marker nonce.
func SampleDraft(nonce string) workflow.TicketDraft {
	return workflow.TicketDraft{
		Title: "Add a circuit breaker to the payment client", RCATitle: "Payment outage",
		RCALink:      "https://acme.slack.com/archives/C0123/p1700000000000100",
		Neutralises:  workflow.TicketNode{ID: 4, Text: "The business layer has no circuit breaker configured"},
		RemovesAlone: []workflow.TicketNode{{ID: 1, Text: "Checkout returns HTTP 502"}},
		RemovesTogether: []workflow.TicketNode{{ID: 1, Text: "Checkout returns HTTP 502"},
			{ID: 2, Text: "Payment routing was down for 45 minutes"}},
		Chains: []workflow.TicketChain{{Symptom: workflow.TicketNode{ID: 1, Text: "Checkout returns HTTP 502"},
			Steps: []workflow.TicketStep{{
				Causes: []workflow.TicketNode{{ID: 3, Text: "A slow query exhausts the pool"}, {ID: 4, Text: "No circuit breaker"}},
				Effect: workflow.TicketNode{ID: 1, Text: "Checkout returns HTTP 502"}}}}},
		Owner: "Alice", OwnerEmail: "alice@example.com", Due: time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC),
		Labels: []string{"rca", "rca-2026-12-01-payment-outage"},
		Marker: workflow.TicketMarker(7, 3, nonce),
	}
}

// Conformance runs the behaviour every tracker client must have against
// its fake: create, read, find and the credential check; every fault
// mapped to the right kind with nothing filed; retries within the budget;
// exactly one ticket when the answer to a create never comes.
func Conformance(t *testing.T, start func() *Server, client NewClient) {
	fresh := func(t *testing.T) (*Server, workflow.Tracker) {
		s := start()
		t.Cleanup(s.Close)
		return s, client(t, s, ClientOptions{Timeout: 2 * time.Second})
	}
	ctx := context.Background()
	t.Run("CreateReadFind", func(t *testing.T) {
		s, c := fresh(t)
		checkLifecycle(ctx, t, s, c)
	})
	t.Run("CheckAccess", func(t *testing.T) {
		s, c := fresh(t)
		if desc, err := c.CheckAccess(ctx); err != nil || desc == "" {
			t.Fatalf("CheckAccess = %q, %v", desc, err)
		}
		bad := client(t, s, ClientOptions{Timeout: 2 * time.Second, BadToken: true})
		_, err := bad.CheckAccess(ctx)
		var te *workflow.TrackerError
		if !errors.As(err, &te) || te.Fault != workflow.FaultAuth || te.Credential == "" || te.Need == "" {
			t.Fatalf("CheckAccess with a bad token = %v; want an auth fault naming the credential and what it needs", err)
		}
	})
	t.Run("Faults", func(t *testing.T) { checkFaults(ctx, t, fresh) })
	t.Run("ExactlyOnceAfterTimeout", func(t *testing.T) {
		s := start()
		t.Cleanup(s.Close)
		c := client(t, s, ClientOptions{Timeout: 300 * time.Millisecond})
		s.Inject(OpCreate, Fault{TimeoutAfterCreate: true})
		var waits []time.Duration
		ref, err := workflow.FileTicket(ctx, c, SampleDraft("once01"), false, recordingPolicy(&waits))
		if err != nil {
			t.Fatalf("FileTicket: %v", err)
		}
		tickets := s.Tickets()
		if len(tickets) != 1 || tickets[0].Key != ref.Key {
			t.Fatalf("after a timeout-after-create: %d tickets, ref %q; want exactly the one filed", len(tickets), ref.Key)
		}
		if !slices.ContainsFunc(s.Calls(), func(c Call) bool { return c.Op == OpFind }) {
			t.Fatal("the ticket was not looked up by its marker before filing again")
		}
		// A restart that lost the outcome looks up first and files nothing.
		again, err := workflow.FileTicket(ctx, c, SampleDraft("once01"), true, recordingPolicy(&waits))
		if err != nil || again.Key != ref.Key || len(s.Tickets()) != 1 {
			t.Fatalf("filing again with maybeFiled = %v, %v (%d tickets); want the same ticket", again, err, len(s.Tickets()))
		}
	})
	t.Run("RetriesThenFiles", func(t *testing.T) {
		s, c := fresh(t)
		s.Inject(OpCreate, Fault{Status: http.StatusTooManyRequests, RetryAfter: 7 * time.Second})
		s.Inject(OpCreate, Fault{Status: http.StatusServiceUnavailable})
		var waits []time.Duration
		if _, err := workflow.FileTicket(ctx, c, SampleDraft("retry1"), false, recordingPolicy(&waits)); err != nil {
			t.Fatalf("FileTicket: %v", err)
		}
		if len(s.Tickets()) != 1 || len(waits) != 2 || waits[0] < 6*time.Second || waits[0] > 8*time.Second {
			t.Fatalf("tickets %d, waits %v; want one ticket after waiting the 7 s asked for, then a backoff", len(s.Tickets()), waits)
		}
	})
	t.Run("RefusalStopsAtOnce", func(t *testing.T) {
		s, c := fresh(t)
		s.Inject(OpCreate, Fault{Status: http.StatusUnauthorized})
		var waits []time.Duration
		_, err := workflow.FileTicket(ctx, c, SampleDraft("refuse"), false, recordingPolicy(&waits))
		if workflow.TrackerFaultOf(err) != workflow.FaultAuth || len(waits) != 0 || len(s.Tickets()) != 0 {
			t.Fatalf("FileTicket = %v after waits %v; want the auth fault at once, nothing filed", err, waits)
		}
	})
	t.Run("LookupFailsThenFiles", func(t *testing.T) {
		s, c := fresh(t)
		s.Inject(OpFind, Fault{Status: http.StatusServiceUnavailable})
		var waits []time.Duration
		ref, err := workflow.FileTicket(ctx, c, SampleDraft("lookup"), true, recordingPolicy(&waits))
		if err != nil || len(s.Tickets()) != 1 || s.Tickets()[0].Key != ref.Key || len(waits) != 1 {
			t.Fatalf("FileTicket = %v, %v after waits %v; want one ticket after retrying the lookup", ref, err, waits)
		}
	})
	t.Run("BudgetRunsOut", func(t *testing.T) {
		s, c := fresh(t)
		for range 10 {
			s.Inject(OpCreate, Fault{Status: http.StatusBadGateway})
		}
		var waits []time.Duration
		p := recordingPolicy(&waits)
		p.Budget = 5 * time.Second
		_, err := workflow.FileTicket(ctx, c, SampleDraft("budget"), false, p)
		if workflow.TrackerFaultOf(err) != workflow.FaultRetryable || len(s.Tickets()) != 0 {
			t.Fatalf("FileTicket = %v with %d tickets; want a retryable fault and nothing filed", err, len(s.Tickets()))
		}
	})
}

// recordingPolicy waits on a fake clock and records each wait.
func recordingPolicy(waits *[]time.Duration) workflow.RetryPolicy {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	return workflow.RetryPolicy{Budget: time.Minute, Base: time.Second, Max: 8 * time.Second,
		Now: func() time.Time { return now },
		Sleep: func(_ context.Context, d time.Duration) error {
			*waits = append(*waits, d)
			now = now.Add(d)
			return nil
		}}
}

func checkLifecycle(ctx context.Context, t *testing.T, s *Server, c workflow.Tracker) {
	t.Helper()
	d := SampleDraft("abc123")
	ref, err := c.Create(ctx, d)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	got := s.Tickets()
	if len(got) != 1 || got[0].Key != ref.Key || got[0].Title != d.Title || ref.URL == "" {
		t.Fatalf("Create = %+v; fake holds %+v", ref, got)
	}
	for _, st := range []struct {
		set  State
		want workflow.TicketState
	}{{StateOpen, workflow.TicketOpen}, {StateDone, workflow.TicketDone}, {StateOpen, workflow.TicketOpen},
		{StateCanceled, workflow.TicketCanceled}, {StateInProgress, inProgress(s)}} {
		if err := s.SetState(ref.Key, st.set); err != nil {
			t.Fatal(err)
		}
		status, err := c.Status(ctx, ref.Key)
		if err != nil || status.State != st.want || status.Name == "" {
			t.Fatalf("Status after %s = %+v, %v; want %s", st.set, status, err, st.want)
		}
	}
	found, ok, err := c.FindByMarker(ctx, d.Marker)
	if err != nil || !ok || found.Key != ref.Key {
		t.Fatalf("FindByMarker = %+v, %v, %v; want %s", found, ok, err, ref.Key)
	}
	if _, ok, err := c.FindByMarker(ctx, workflow.TicketMarker(7, 3, "abc12")); err != nil || ok {
		t.Fatalf("FindByMarker of a marker that is a prefix of the filed one = %v, %v; want not found", ok, err)
	}
}

// inProgress is what a started ticket reads as: GitHub has no such state.
func inProgress(s *Server) workflow.TicketState {
	if s.Kind == "github" {
		return workflow.TicketOpen
	}
	return workflow.TicketInProgress
}

func checkFaults(ctx context.Context, t *testing.T, fresh func(*testing.T) (*Server, workflow.Tracker)) {
	invalid := http.StatusUnprocessableEntity
	for _, tc := range []struct {
		name  string
		op    Op
		f     Fault
		want  workflow.TrackerFault
		after time.Duration // the wait the error must carry
	}{
		{"create 401", OpCreate, Fault{Status: 401}, workflow.FaultAuth, 0},
		{"create 403", OpCreate, Fault{Status: 403}, workflow.FaultAuth, 0},
		{"create 404", OpCreate, Fault{Status: 404}, workflow.FaultGone, 0},
		{"create 410", OpCreate, Fault{Status: 410}, workflow.FaultGone, 0},
		{"create invalid", OpCreate, Fault{Status: invalid, Message: "title: nope | <b>"}, workflow.FaultInvalid, 0},
		{"create 429", OpCreate, Fault{Status: 429, RetryAfter: 30 * time.Second}, workflow.FaultRetryable, 30 * time.Second},
		{"create 500", OpCreate, Fault{Status: 500}, workflow.FaultRetryable, 0},
		{"create 503", OpCreate, Fault{Status: 503}, workflow.FaultRetryable, 0},
		{"read 404", OpRead, Fault{Status: 404}, workflow.FaultGone, 0},
		{"read 502", OpRead, Fault{Status: 502}, workflow.FaultRetryable, 0},
		{"find 500", OpFind, Fault{Status: 500}, workflow.FaultRetryable, 0},
		{"check 401", OpCheck, Fault{Status: 401}, workflow.FaultAuth, 0},
		{"check 404", OpCheck, Fault{Status: 404}, workflow.FaultGone, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, c := fresh(t)
			if s.Kind == "jira" && tc.f.Status == invalid {
				tc.f.Status = http.StatusBadRequest // Jira refuses fields with 400
			}
			var ref workflow.TicketRef
			if tc.op == OpRead {
				var err error
				if ref, err = c.Create(ctx, SampleDraft("read01")); err != nil {
					t.Fatal(err)
				}
			}
			s.Inject(tc.op, tc.f)
			err := callOp(ctx, c, tc.op, ref)
			var te *workflow.TrackerError
			if !errors.As(err, &te) || te.Fault != tc.want {
				t.Fatalf("%s: %v; want fault %s", tc.name, err, tc.want)
			}
			if tc.after > 0 && (te.RetryAfter < tc.after-2*time.Second || te.RetryAfter > tc.after+time.Second) {
				t.Fatalf("RetryAfter = %v; want about %v", te.RetryAfter, tc.after)
			}
			if tc.want == workflow.FaultInvalid && te.Message == "" {
				t.Fatal("an invalid fault must carry the tracker's message")
			}
			if tc.op == OpCreate && len(s.Tickets()) != 0 {
				t.Fatalf("a failed create left %d tickets", len(s.Tickets()))
			}
			if te.Explain() == "" {
				t.Fatal("Explain is empty")
			}
		})
	}
}

func callOp(ctx context.Context, c workflow.Tracker, op Op, ref workflow.TicketRef) error {
	var err error
	switch op {
	case OpCreate:
		_, err = c.Create(ctx, SampleDraft("fault1"))
	case OpRead:
		_, err = c.Status(ctx, ref.Key)
	case OpFind:
		_, _, err = c.FindByMarker(ctx, SampleDraft("find01").Marker)
	case OpCheck:
		_, err = c.CheckAccess(ctx)
	}
	return err
}

// FileOne starts a fake, files d through the client under test and returns
// the ticket as the fake stored it.
func FileOne(t *testing.T, start func() *Server, client NewClient, d workflow.TicketDraft) Ticket {
	t.Helper()
	s := start()
	t.Cleanup(s.Close)
	if _, err := client(t, s, ClientOptions{Timeout: 2 * time.Second}).Create(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return s.Tickets()[0]
}
