package bot

// Waiting for a turn under the pacing. Slack's chat.update tier is shared
// by every RCA of the workspace, so under load a redraw may wait many
// seconds for its turn. The refresher reserves the turn itself before it
// draws a message, waits for it (answering clicks meanwhile, see
// card_click.go), and only then draws the message, from a newer snapshot
// when the RCA changed while it waited: what is sent is the state at send
// time, not the state the run started with.

import (
	"context"
	"time"

	"github.com/untangle-rca/untangle/workflow"
)

// generation is how many changes the RCA has seen; a snapshot read at an
// older generation may be stale.
func (f *refresher) generation(k *rcaKept) uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return k.gen
}

// pending reports whether a change of the RCA waits for the next run.
func (f *refresher) pending(k *rcaKept) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return k.pending
}

// turn reserves the next call of method (in the RCA's channel, for posts),
// waits for it, and reads the RCA again when it changed meanwhile. The
// returned context sends that call without pacing it again. A wait that
// would pass ctx's deadline is skipped, as the transport would.
func (d *drawing) turn(ctx context.Context, method string) context.Context {
	if d.f.pace == nil {
		return ctx
	}
	if wait := d.f.pace.delay(method, d.channel); wait > 0 && fitsDeadline(ctx, wait) {
		d.await(ctx, wait)
	}
	d.catchUp(ctx, false)
	return withTurnTaken(ctx, method)
}

// await waits wait, redrawing clicked cards through their response_url as
// the clicks arrive (those are outside the paced tiers), posting the
// challenge header as soon as the pass starts and the missing cards
// meanwhile.
func (d *drawing) await(ctx context.Context, wait time.Duration) {
	until := time.Now().Add(wait)
	timer := time.NewTimer(wait)
	defer timer.Stop()
	d.cardsMeanwhile(ctx, until)
	for {
		select {
		case <-timer.C:
			return
		case <-ctx.Done():
			return
		case <-d.k.wake:
			d.respond(ctx, d.f.takeClicks(d.k))
			d.headerNow(ctx)
			d.cardsMeanwhile(ctx, until)
		}
	}
}

// cardsMeanwhile posts the missing cards of the pass's window, in link
// order, while the run waits for a turn of another method until until:
// posts are paced per channel, apart from the workspace's chat.update, so
// the cards need not wait behind the dashboard, the walk and the outline.
func (d *drawing) cardsMeanwhile(ctx context.Context, until time.Time) {
	if d.urgent || d.s.RCA.Phase != workflow.PhaseChallenging {
		return
	}
	header := d.ref(ctx, refChallengeHeader)
	if header == "" {
		return
	}
	d.urgent = true
	defer func() { d.urgent = false }()
	last := lastCardShown(d.s.Tree)
	for _, g := range d.s.Tree.Groups() {
		if g.ID > last || time.Until(until) < paceRules["chat.postMessage"].every {
			return
		}
		ref := cardRef(g.ID)
		if d.ref(ctx, ref) != "" {
			continue
		}
		if d.keep(ctx, ref, postIfMissing, header) == "" {
			return // held back by a 429: the cards post in link order
		}
	}
}

// snapshotFresh is how old a snapshot may be and still be drawn from after
// the RCA changed: reading a big RCA again before every card posted (one a
// second per channel) would cost more than a few seconds of lag, which the
// next run makes up anyway.
const snapshotFresh = 5 * time.Second

// catchUp reads the RCA again when it changed since the run's snapshot and
// the snapshot is no longer fresh (or always, when now is set).
func (d *drawing) catchUp(ctx context.Context, now bool) {
	gen := d.f.generation(d.k)
	if gen == d.gen || (!now && time.Since(d.read) < snapshotFresh) {
		return
	}
	read := time.Now()
	s, err := d.f.svc.Snapshot(ctx, d.actor, d.rcaID)
	if err != nil {
		d.log.Info("refresh: cannot read the RCA again; drawing the state read before", "error", err)
		return
	}
	d.s, d.st, d.gen, d.read = s, challengeOf(s), gen, read
}

// headerNow posts the challenge header as soon as the pass starts, while
// the run waits for the turn of another message: it is what the team waits
// for after Start challenge pass, and posts are paced apart from updates.
func (d *drawing) headerNow(ctx context.Context) {
	if d.urgent {
		return
	}
	rca, err := d.f.svc.RCA(ctx, d.actor, d.rcaID)
	if err != nil || rca.Phase != workflow.PhaseChallenging || d.ref(ctx, refChallengeHeader) != "" {
		return
	}
	d.urgent = true
	defer func() { d.urgent = false }()
	d.catchUp(ctx, true)
	if d.s.RCA.Phase == workflow.PhaseChallenging && d.s.Tree.NumGroups() > 0 {
		d.keep(ctx, refChallengeHeader, postIfMissing, "")
	}
}
