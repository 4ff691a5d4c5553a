package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"time"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/workflow"
)

// The ticket job runs beside the reminder scheduler, under the same lease
// (one replica at a time): every Config.TrackerSync, jittered, it files the
// tickets whose filing failed or was cut short, then reads the state of
// every filed ticket and applies a change to its fix (workflow.SyncTicket:
// done → fix done, reopened → in progress), audited and announced in the
// RCA's channel. It reads one ticket at a time, a little apart, and stops a
// round when the tracker asks to slow down, waiting at least its Retry-After.

// Timings of the ticket job.
const (
	ticketFirstRound = 2 * time.Second        // after start: resume filings cut short
	ticketPace       = 250 * time.Millisecond // between two status reads
)

// startTicketJob starts the ticket job when a tracker is set and returns the
// function that stops it, waiting for a round in progress.
func (b *Bot) startTicketJob(ctx context.Context) (stop func()) {
	if b.tickets == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		wait := ticketFirstRound
		for {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			wait = b.ticketRound(ctx)
		}
	}()
	b.log.Info("ticket job scheduled", "tracker", b.tickets.tracker.Name(), "every", b.tickets.sync.String())
	return func() { cancel(); <-done }
}

// jittered spreads d over its last fifth, so trackers see no lockstep and
// a ticket's change still shows within d.
func jittered(d time.Duration) time.Duration {
	return d - rand.N(d/5+1)
}

// ticketRound runs one round while this process holds the scheduler lease
// and returns the wait before the next one.
func (b *Bot) ticketRound(ctx context.Context) (next time.Duration) {
	next = jittered(b.tickets.sync)
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("panic in the ticket job", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	budget, ok := b.ticketLease()
	if !ok {
		return min(next, LeaseRenew)
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	b.fileDue(ctx, b.log, 0)
	return max(next, b.syncTickets(ctx))
}

// ticketLease reports whether the job may run now and for how long: always
// without a Leader, else while the scheduler lease is held.
func (b *Bot) ticketLease() (time.Duration, bool) {
	l := b.cfg.Leader
	if l == nil {
		return b.cfg.AfterBudget, true
	}
	if held, _ := l.Held(); !held {
		return 0, false
	}
	return min(b.cfg.AfterBudget, time.Until(l.Until())), true
}

// syncTickets reads every filed ticket's state and applies the changes. It
// returns the wait the tracker asked for when it stopped early, else 0.
func (b *Bot) syncTickets(ctx context.Context) time.Duration {
	list, err := b.svc.FiledTickets(ctx)
	if err != nil {
		b.log.Error("ticket sync: could not load the filed tickets", "error", err)
		return 0
	}
	tr := b.tickets.tracker
	for i, t := range list {
		if i > 0 {
			select {
			case <-ctx.Done():
				return 0
			case <-time.After(ticketPace):
			}
		}
		if _, ok := b.ticketLease(); !ok {
			return 0
		}
		log := b.log.With("rca", t.RCAID, "fix", t.FixID, "ticket", t.Key)
		st, err := tr.Status(ctx, t.Key)
		var te *workflow.TrackerError
		switch {
		case err == nil:
		case errors.As(err, &te) && te.Fault == workflow.FaultRetryable:
			log.Warn("ticket sync: the tracker asks to wait; the round stops", "retry_after", te.RetryAfter.String(), "error", err.Error())
			return te.RetryAfter
		case errors.As(err, &te) && te.Fault == workflow.FaultAuth:
			log.Error("ticket sync: the tracker refused the credential; the round stops", "error", te.Explain())
			return 0
		default:
			log.Warn("ticket sync: could not read the ticket", "error", err.Error())
			continue
		}
		res, err := b.svc.SyncTicket(ctx, t.FixID, tr.Name(), st)
		if err != nil {
			log.Error("ticket sync: could not apply the ticket's state", "error", err)
			continue
		}
		if res != nil {
			log.Info("ticket state changed", "state", string(st.State), "from", string(res.From), "to", string(res.To))
			b.ticketSynced(ctx, log, res, st)
		}
	}
	return 0
}

// ticketSynced redraws the RCA and announces a fix that its ticket moved.
func (b *Bot) ticketSynced(ctx context.Context, log *slog.Logger, res *workflow.TicketSync, st workflow.TicketStatus) {
	if res.From == res.To {
		return
	}
	rca, err := b.svc.TicketSummary(ctx, res.Ticket.RCAID)
	if err != nil {
		log.Warn("redraw after a ticket's new state", "error", err)
		return
	}
	// The redraw sees the RCA as its facilitator does: a private one too.
	facilitator := workflow.Actor{UserID: rca.RCA.Facilitator}
	announce := func(ctx context.Context) {
		sum, err := b.svc.TicketSummary(ctx, res.Ticket.RCAID)
		if err != nil || sum.RCA.ChannelID == "" {
			if err != nil {
				log.Warn("announce a ticket's new state", "error", err)
			}
			return
		}
		text := fmt.Sprintf(":ticket: %s is *%s* in %s, so the fix “%s” is now *%s*.\n%s", ticketLink(res.Ticket.Key, res.Ticket.URL),
			Escape(firstNonEmpty(st.Name, string(st.State))), Escape(b.tickets.tracker.Name()), truncateEscaped(res.Fix.Injection, 300),
			res.To.Label(), fixProgressText(sum.Progress))
		if _, _, err := b.api.PostMessageContext(ctx, sum.RCA.ChannelID, slack.MsgOptionText(Truncate(text, maxText), false)); err != nil {
			log.Warn("announce a ticket's new state", "error", err)
		}
		b.redrawFixMessage(ctx, log, &sum.RCA, res.Fix.ID)
	}
	b.changed(facilitator, res.Ticket.RCAID, change{jobs: []func(context.Context){announce}})
}
