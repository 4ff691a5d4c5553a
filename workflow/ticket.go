package workflow

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// RetryPolicy bounds how long FileTicket keeps trying.
type RetryPolicy struct {
	Budget time.Duration // total time for every attempt and wait
	Base   time.Duration // first backoff, doubled after each failure
	Max    time.Duration // longest single backoff
	// Sleep waits for d or until ctx is done; nil means a real timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now tells the time; nil means time.Now.
	Now func() time.Time
}

// DefaultRetryPolicy tries for up to two minutes, starting at one second.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{Budget: 2 * time.Minute, Base: time.Second, Max: 30 * time.Second}
}

// FileTicket files d in t exactly once. When maybeFiled is true (an earlier
// attempt's outcome is unknown, e.g. the process died after recording the
// intent) and whenever an attempt times out after sending, it first looks
// the ticket up by d.Marker and returns it if found. Retryable faults are
// retried with jittered exponential backoff, honouring the tracker's
// Retry-After, while the budget lasts; then the last *TrackerError is
// returned so the caller can try again later. Other faults return at once.
// After a timeout, a tracker whose search lags (SearchLagger) is not filed
// in again until a lookup after the lag has missed too. A caller passing
// maybeFiled should do so no sooner than that lag after the lost attempt.
func FileTicket(ctx context.Context, t Tracker, d TicketDraft, maybeFiled bool, p RetryPolicy) (TicketRef, error) {
	if err := d.Validate(); err != nil {
		return TicketRef{}, err
	}
	p = p.withDefaults()
	deadline := p.Now().Add(p.Budget)
	backoff := p.Base
	f := &filing{t: t, d: d, maybeFiled: maybeFiled, now: p.Now}
	for {
		ref, done, err := f.attempt(ctx)
		if done {
			return ref, err
		}
		wait := backoff
		var te *TrackerError
		if errors.As(err, &te) && te.RetryAfter > 0 {
			wait = te.RetryAfter
		} else {
			wait = wait/2 + rand.N(wait/2+1) // jitter keeps replicas apart
		}
		if p.Now().Add(wait).After(deadline) {
			return TicketRef{}, err
		}
		if serr := p.Sleep(ctx, wait); serr != nil {
			return TicketRef{}, fmt.Errorf("%w (stopped waiting: %v)", err, serr)
		}
		backoff = min(backoff*2, p.Max)
	}
}

// SearchLagger is implemented by a Tracker whose FindByMarker may miss a
// ticket for a while after it was filed (a search index that follows).
type SearchLagger interface {
	// SearchLag is how long after filing a lookup can still miss the ticket.
	SearchLag() time.Duration
}

// filing is one FileTicket call's state.
type filing struct {
	t          Tracker
	d          TicketDraft
	maybeFiled bool      // an earlier create may have filed the ticket
	trustAfter time.Time // a lookup that misses before this proves nothing
	now        func() time.Time
}

// attempt looks the ticket up when it may exist, else creates it. done is
// false only for a retryable failure.
func (f *filing) attempt(ctx context.Context) (TicketRef, bool, error) {
	if f.maybeFiled {
		ref, found, err := f.t.FindByMarker(ctx, f.d.Marker)
		if err != nil {
			return TicketRef{}, TrackerFaultOf(err) != FaultRetryable, err
		}
		if found {
			return ref, true, nil
		}
		if wait := f.trustAfter.Sub(f.now()); wait > 0 {
			return TicketRef{}, false, &TrackerError{Fault: FaultRetryable, Tracker: f.t.Name(), Op: "look the ticket up",
				Message: "its search may not show a ticket filed moments ago yet", RetryAfter: wait}
		}
	}
	ref, err := f.t.Create(ctx, f.d)
	if err == nil {
		return ref, true, nil
	}
	var te *TrackerError
	if errors.As(err, &te) && te.Unknown {
		f.maybeFiled = true
		if l, ok := f.t.(SearchLagger); ok {
			f.trustAfter = f.now().Add(l.SearchLag())
		}
	}
	return TicketRef{}, TrackerFaultOf(err) != FaultRetryable, err
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	def := DefaultRetryPolicy()
	if p.Budget <= 0 {
		p.Budget = def.Budget
	}
	if p.Base <= 0 {
		p.Base = def.Base
	}
	if p.Max < p.Base {
		p.Max = max(def.Max, p.Base)
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Sleep == nil {
		p.Sleep = sleepCtx
	}
	return p
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
