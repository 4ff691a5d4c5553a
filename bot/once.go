package bot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
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

// submissions remembers the envelopes that may come twice (view
// submissions, events, clicks) while and after they are handled; see onceKey.
type submissions struct {
	mu    sync.Mutex
	seen  map[string]*submission
	sweep time.Time // when the next claim drops the expired entries
}

// sweepEvery spaces the sweeps of expired submissions: a sweep visits every
// remembered envelope, thousands of them in a busy workspace, under the lock
// every envelope takes.
const sweepEvery = time.Second

// submission is one handled (or in-flight) envelope and its ack.
type submission struct {
	done  chan struct{} // closed when the first handling has set ack
	ack   any
	until time.Time // forgotten after this
}

// newSubmissions returns an empty memory.
func newSubmissions() *submissions { return &submissions{seen: map[string]*submission{}} }

// claim returns the submission of key and whether this caller is the first;
// a first claim is remembered for ttl after it was made (ttl 0: until forget).
func (s *submissions) claim(key string, now time.Time, ttl time.Duration) (*submission, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !now.Before(s.sweep) {
		for k, sub := range s.seen {
			if now.After(sub.until) {
				delete(s.seen, k)
			}
		}
		s.sweep = now.Add(sweepEvery)
	}
	if sub, ok := s.seen[key]; ok && !now.After(sub.until) {
		return sub, false
	}
	if ttl == 0 {
		ttl = submissionMemory // forgotten when handled; this only bounds a leak
	}
	sub := &submission{done: make(chan struct{}), until: now.Add(ttl)}
	s.seen[key] = sub
	return sub, true
}

// forget drops the submission of key, so the next one is handled afresh.
func (s *submissions) forget(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.seen, key)
}

// onceKey identifies an envelope that may arrive more than once, and says
// how long to remember it; "" for the others.
//   - An Events API envelope by its envelope id: Slack redelivers an unacked
//     event with the same id and retry_attempt > 0.
//   - A view submission by view id, hash and the values submitted: Slack sends
//     each submission in its own envelope. A view updated by the app gets a
//     new hash, so each step of a multi-step modal is a submission of its own,
//     and a modal corrected after a field error submits other values.
//   - A click (block_actions) by person, message or view version, and the
//     element with its value, only while the first is being handled (ttl 0):
//     a double click races the first click's handler, while a click after
//     it sees the state that handler left.
func onceKey(evt socketmode.Event) (string, time.Duration) {
	if evt.Request == nil {
		return "", 0
	}
	if evt.Type == socketmode.EventTypeEventsAPI && evt.Request.EnvelopeID != "" {
		return "envelope/" + evt.Request.EnvelopeID, submissionMemory
	}
	cb, ok := evt.Data.(slack.InteractionCallback)
	if !ok {
		return "", 0
	}
	switch {
	case cb.Type == slack.InteractionTypeViewSubmission && cb.View.ID != "" && cb.View.Hash != "":
		state := rawField(evt.Request.Payload, "view", "state")
		if state == nil {
			var err error
			if state, err = json.Marshal(cb.View.State); err != nil {
				return "", 0
			}
		}
		return "view/" + cb.View.ID + "/" + cb.View.Hash + "/" + digest(state), submissionMemory
	case cb.Type == slack.InteractionTypeBlockActions:
		return "click/" + cb.User.ID + "/" + digest(withoutVolatile(evt.Request.Payload)), 0
	}
	return "", 0
}

// withoutVolatile returns an interaction payload as Slack sent it, less the
// values that differ between the two clicks of a double click: what is left
// is the surface and its version (message blocks, or view hash and state)
// and the actions. Hashing it costs a fraction of encoding slack-go's parsed
// blocks again. Inside a JSON string a quote is always escaped, so a field
// pattern only ever matches a real field.
func withoutVolatile(payload []byte) []byte {
	fields := [...]string{`"trigger_id":"`, `"action_ts":"`, `"response_url":"`}
	out := make([]byte, 0, len(payload))
	rest := payload
	for {
		at, name := -1, ""
		for _, f := range fields {
			if i := bytes.Index(rest, []byte(f)); i >= 0 && (at < 0 || i < at) {
				at, name = i, f
			}
		}
		if at < 0 {
			return append(out, rest...)
		}
		value := at + len(name)
		out = append(out, rest[:value]...)
		rest = rest[stringEnd(rest, value):]
	}
}

// digest is a short hash of parts, each prefixed by its length so that
// moving bytes from one part to the next changes it.
func digest(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		_ = binary.Write(h, binary.LittleEndian, uint64(len(p)))
		h.Write(p)
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// refused reports whether an ack sends field errors back to the modal.
func refused(ack any) bool {
	resp, ok := ack.(*slack.ViewSubmissionResponse)
	return ok && resp != nil && resp.ResponseAction == slack.RAErrors
}

// routeOnce routes an envelope, except that a view submission, event or
// click already handled (or being handled) is not handled again: it gets the
// first one's ack and no after-ack work, so a modal submitted twice creates
// one RCA, one node, one message, a redelivered event acts once, and a
// double click moves an RCA one phase. A submission refused with field
// errors is not remembered: it changed nothing, and may be sent again.
func (b *Bot) routeOnce(ctx context.Context, evt socketmode.Event, r *reply) {
	key, ttl := onceKey(evt)
	if key == "" {
		b.route(ctx, evt, r)
		return
	}
	sub, first := b.ops.submissions.claim(key, time.Now(), ttl)
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
		if ttl == 0 || refused(r.ack) {
			b.ops.submissions.forget(key)
		}
		close(sub.done)
	}()
	b.route(ctx, evt, r)
}
