package bot

// The refresh path of the kept messages. After every command a handler
// calls Bot.changed for the RCA; one refresher per Bot then redraws that
// RCA's kept messages from one snapshot, one run at a time per RCA, so the
// redraws apply in order, a kept message is never posted twice, and the
// last run always draws the latest state. A burst of changes is gathered
// into one run (settle); a message whose blocks are the same as what was
// last sent is not sent again; a 429 holds back only the message it was
// about, until Slack's Retry-After has passed.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

const (
	// refreshSettle gathers a burst of changes (people clicking at once)
	// into one redraw.
	refreshSettle = 150 * time.Millisecond
	// refreshBudget bounds one redraw run, which may wait on the pacing of
	// posts (a thread of new cards at about one a second).
	refreshBudget = 15 * time.Minute
	// refSentPrefix + a kept message's ref holds the hash of what was last
	// sent, so a restart does not send an unchanged redraw again.
	refSentPrefix = "sent:"
)

// change is what a handler tells the refresher beyond "this RCA changed".
type change struct {
	repostWalk  bool                    // post the walk afresh at the bottom, retiring the old one
	outline     bool                    // post the outline when there is none (the Outline button)
	outlinePage int                     // show this outline page; 0 keeps the page
	cards       []tree.GroupID          // redraw these cards even outside the challenge pass
	statements  map[tree.GroupID]string // what those cards said, for links that are gone
	clicks      []cardClick             // cards to redraw through a click's response_url (card_click.go)
	// jobs post into the RCA's channel during the redraw (see draw), one at
	// a time in the order asked (the tree pictures), so two clicks never race.
	jobs []func(ctx context.Context)
}

// merge adds c2 to c.
func (c *change) merge(c2 change) {
	c.repostWalk = c.repostWalk || c2.repostWalk
	c.outline = c.outline || c2.outline
	if c2.outlinePage > 0 {
		c.outlinePage = c2.outlinePage
	}
	c.cards = append(c.cards, c2.cards...)
	c.clicks = append(c.clicks, c2.clicks...)
	c.jobs = append(c.jobs, c2.jobs...)
	for id, s := range c2.statements {
		if c.statements == nil {
			c.statements = map[tree.GroupID]string{}
		}
		c.statements[id] = s
	}
}

// rcaKept is the refresher's state of one RCA. pending, running, drawing,
// actor and next are guarded by refresher.mu; the rest belongs to the one
// running loop.
type rcaKept struct {
	pending, running bool
	drawing          bool // a run is drawing (or waiting for a turn to send)
	actor            workflow.Actor
	next             change
	wake             chan struct{} // a change arrived while the loop waits
	gen              uint64        // counts the changes, to tell a snapshot is stale (refresh_turn.go)
	closed           bool          // the last snapshot showed the RCA closed

	ts   map[string]string       // ref → message ts
	sent map[string]string       // ref → hash of what was last sent
	held map[string]time.Time    // ref → not before (Slack answered 429)
	last map[tree.GroupID]string // link → its IF/THEN as last drawn
}

// refresher redraws the kept messages of every RCA.
type refresher struct {
	api    *slack.Client
	svc    *workflow.Service
	refs   Refs
	log    *slog.Logger
	pace   *pacer // the Web API's pacer, to wait for a turn before drawing (refresh_turn.go); nil sends at once
	settle time.Duration
	// closedRedraw, when set, redraws what a closed RCA keeps beyond its
	// messages (the report canvas); a 429 it returns holds it back until
	// Slack's Retry-After has passed, then the loop draws it again.
	closedRedraw func(ctx context.Context, actor workflow.Actor, rcaID int64) error
	// shared, when set, makes the replicas on one database take turns at
	// each RCA's redraws, as holder (bot/refresh_shared.go).
	shared KeptStore
	holder string

	base   context.Context
	cancel context.CancelFunc
	stop   chan struct{} // closed on shutdown: runs draw once more and end
	wg     sync.WaitGroup

	mu       sync.Mutex
	rcas     map[int64]*rcaKept
	stopping bool
}

func newRefresher(api *slack.Client, svc *workflow.Service, refs Refs, log *slog.Logger) *refresher {
	base, cancel := context.WithCancel(context.Background())
	return &refresher{api: api, svc: svc, refs: refs, log: log, settle: refreshSettle,
		base: base, cancel: cancel, stop: make(chan struct{}), rcas: map[int64]*rcaKept{}}
}

// changed tells the refresher that an RCA changed, as actor saw it; its
// kept messages are redrawn shortly, after the ack.
func (f *refresher) changed(actor workflow.Actor, rcaID int64, c change) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k, ok := f.rcas[rcaID]
	if !ok {
		k = &rcaKept{wake: make(chan struct{}, 1), ts: map[string]string{}, sent: map[string]string{}, held: map[string]time.Time{}, last: map[tree.GroupID]string{}}
		f.rcas[rcaID] = k
	}
	k.pending, k.actor = true, actor
	k.gen++
	k.next.merge(c)
	if k.running || f.stopping {
		select {
		case k.wake <- struct{}{}:
		default:
		}
		return
	}
	k.running = true
	f.wg.Add(1)
	go f.loop(rcaID, k)
}

// loop redraws one RCA until nothing is pending or held back.
func (f *refresher) loop(rcaID int64, k *rcaKept) {
	defer f.wg.Done()
	wait := f.settle
	for {
		f.sleep(k, wait)
		f.mu.Lock()
		stopping := f.stopping
		if !k.pending && (len(k.held) == 0 || stopping) {
			k.running = false
			if k.closed && len(k.held) == 0 {
				delete(f.rcas, rcaID) // a closed RCA's state is read again from refs if it reopens
			}
			f.mu.Unlock()
			return
		}
		c, actor := k.next, k.actor
		k.next, k.pending, k.drawing = change{}, false, true
		f.mu.Unlock()

		ctx, cancel := context.WithTimeout(f.base, refreshBudget)
		wait = f.settle
		if f.shared == nil {
			f.draw(ctx, rcaID, k, actor, c)
		} else if !f.drawShared(ctx, rcaID, k, actor, c) {
			wait = keptRetry
		}
		cancel()
		f.mu.Lock()
		k.drawing = false
		f.mu.Unlock()
		if stopping {
			f.finish(rcaID, k)
			return
		}
		if next, ok := k.nextHeld(); ok {
			wait = max(time.Until(next), f.settle)
		}
	}
}

// draw redraws an RCA's kept messages and runs the change's jobs: before
// the dashboard, walk, outline and cards, so a picture someone asked for
// is not held up behind redraws waiting for Slack's pace (see redraw).
func (f *refresher) draw(ctx context.Context, rcaID int64, k *rcaKept, actor workflow.Actor, c change) {
	ran := false
	jobs := func() {
		if ran {
			return
		}
		ran = true
		for _, job := range c.jobs {
			f.safely(rcaID, func() { job(ctx) })
		}
	}
	f.safely(rcaID, func() { f.redraw(withOwnRateLimits(ctx), rcaID, k, actor, c, jobs) })
	jobs() // when the redraw ended early
}

// sleep waits d before the next run of an RCA's loop, or less: a change
// that arrives while the loop waits out a 429 is drawn after the settle
// time (the held message still waits its turn), and shutdown ends the wait.
func (f *refresher) sleep(k *rcaKept, d time.Duration) {
	deadline := time.Now().Add(d)
	for {
		timer := time.NewTimer(time.Until(deadline))
		select {
		case <-timer.C:
			return
		case <-f.stop:
			timer.Stop()
			return
		case <-k.wake:
			timer.Stop()
			if soon := time.Now().Add(f.settle); soon.Before(deadline) {
				deadline = soon
			}
		}
	}
}

// safely runs f, turning a panic into a logged error.
func (f *refresher) safely(rcaID int64, run func()) {
	defer func() {
		if p := recover(); p != nil {
			f.log.Error("panic in a redraw", "rca", rcaID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	run()
}

// finish ends the loop of an RCA at shutdown, saying what was left undrawn.
func (f *refresher) finish(rcaID int64, k *rcaKept) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k.running = false
	if k.pending || len(k.held) > 0 {
		f.log.Warn("shutting down with kept messages not redrawn; the next start redraws them", "rca", rcaID)
	}
}

// nextHeld is the earliest time a held-back message may be sent again.
func (k *rcaKept) nextHeld() (time.Time, bool) {
	var first time.Time
	for _, t := range k.held {
		if first.IsZero() || t.Before(first) {
			first = t
		}
	}
	return first, !first.IsZero()
}

// close stops taking changes, lets every run draw once more, and waits for
// them within ctx; what is still unsent then is dropped (the next start
// redraws it, see resync).
func (f *refresher) close(ctx context.Context) {
	f.mu.Lock()
	if f.stopping {
		f.mu.Unlock()
		return
	}
	f.stopping = true
	close(f.stop)
	f.mu.Unlock()
	done := make(chan struct{})
	go func() { f.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		f.cancel()
		<-done
	}
	f.cancel()
}

// keptHash is what identifies a drawn message: its text and blocks.
func keptHash(m keptMsg) string {
	data, _ := json.Marshal(m.blocks) // blocks built by the projection always marshal
	sum := sha256.Sum256(append([]byte(m.text+"\x00"), data...))
	return hex.EncodeToString(sum[:12])
}

// isRateLimited returns Slack's Retry-After when err is a 429.
func isRateLimited(err error) (time.Duration, bool) {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return max(rl.RetryAfter, time.Second), true
	}
	return 0, false
}
