package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// submissionMemory is how long a view submission or event is remembered to
// recognise it when it comes again (a double click on Submit, a client
// retry, Slack redelivering an event).
const submissionMemory = 5 * time.Minute

// submissions remembers the view submissions and events handled recently:
// submissions by view id, hash and values (Slack sends each submission in
// its own envelope, so the envelope id cannot tell a second submission of
// the same modal apart), events by envelope id.
type submissions struct {
	mu   sync.Mutex
	seen map[string]*submission
}

// submission is one handled (or in-flight) envelope and its ack.
type submission struct {
	done chan struct{} // closed when the first handling has set ack
	ack  any
	at   time.Time
}

// newSubmissions returns an empty memory of view submissions.
func newSubmissions() *submissions { return &submissions{seen: map[string]*submission{}} }

// claim returns the submission of key and whether this caller is the first.
func (s *submissions) claim(key string, now time.Time) (*submission, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, sub := range s.seen {
		if now.Sub(sub.at) > submissionMemory {
			delete(s.seen, k)
		}
	}
	if sub, ok := s.seen[key]; ok {
		return sub, false
	}
	sub := &submission{done: make(chan struct{}), at: now}
	s.seen[key] = sub
	return sub, true
}

// forget drops the submission of key, so the next one is handled afresh.
func (s *submissions) forget(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.seen, key)
}

// submissionKey identifies an envelope that may arrive more than once: an
// Events API envelope by its envelope id (Slack redelivers an unacked event
// with the same id and retry_attempt > 0), and a view submission by view
// id, hash and the values submitted; "" for every other envelope. A view updated by the app gets a
// new hash, so each step of a multi-step modal is a submission of its own,
// and a modal corrected after a field error submits other values.
func submissionKey(evt socketmode.Event) string {
	if evt.Type == socketmode.EventTypeEventsAPI && evt.Request != nil && evt.Request.EnvelopeID != "" {
		return "envelope/" + evt.Request.EnvelopeID
	}
	cb, ok := evt.Data.(slack.InteractionCallback)
	if !ok || cb.Type != slack.InteractionTypeViewSubmission || cb.View.ID == "" || cb.View.Hash == "" {
		return ""
	}
	state, err := json.Marshal(cb.View.State)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(state)
	return cb.View.ID + "/" + cb.View.Hash + "/" + hex.EncodeToString(sum[:12])
}

// refused reports whether an ack sends field errors back to the modal.
func refused(ack any) bool {
	resp, ok := ack.(*slack.ViewSubmissionResponse)
	return ok && resp != nil && resp.ResponseAction == slack.RAErrors
}

// routeOnce routes an envelope, except that a view submission or event
// already handled (or being handled) is not handled again: it gets the first
// one's ack and no after-ack work, so a modal submitted twice creates one
// RCA, one node, one message, and a redelivered event acts once. A submission refused with field
// errors is not remembered: it changed nothing, and may be sent again.
func (b *Bot) routeOnce(ctx context.Context, evt socketmode.Event, r *reply) {
	key := submissionKey(evt)
	if key == "" {
		b.route(ctx, evt, r)
		return
	}
	sub, first := b.ops.submissions.claim(key, time.Now())
	if !first {
		r.log.Info("envelope seen before; answering as the first one", "once_key", key)
		select {
		case <-sub.done:
		case <-ctx.Done():
			return
		}
		if refused(sub.ack) {
			b.route(ctx, evt, r)
			return
		}
		r.ack = sub.ack
		return
	}
	defer func() {
		sub.ack = r.ack
		if refused(r.ack) {
			b.ops.submissions.forget(key)
		}
		close(sub.done)
	}()
	b.route(ctx, evt, r)
}
