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
)

// generation is how many changes the RCA has seen; a snapshot read at an
// older generation may be stale.
func (f *refresher) generation(k *rcaKept) uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return k.gen
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
	d.catchUp(ctx)
	return withTurnTaken(ctx, method)
}

// await waits d, redrawing clicked cards through their response_url as
// the clicks arrive (those are outside the paced tiers).
func (d *drawing) await(ctx context.Context, wait time.Duration) {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case <-timer.C:
			return
		case <-ctx.Done():
			return
		case <-d.k.wake:
			d.respond(ctx, d.f.takeClicks(d.k))
		}
	}
}

// catchUp reads the RCA again when it changed since the run's snapshot.
func (d *drawing) catchUp(ctx context.Context) {
	gen := d.f.generation(d.k)
	if gen == d.gen {
		return
	}
	s, err := d.f.svc.Snapshot(ctx, d.actor, d.rcaID)
	if err != nil {
		d.log.Info("refresh: cannot read the RCA again; drawing the state read before", "error", err)
		return
	}
	d.s, d.st, d.gen = s, challengeOf(s), gen
}
