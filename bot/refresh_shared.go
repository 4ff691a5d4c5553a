package bot

// Kept messages across replicas. With a KeptStore, the refresher of each
// replica takes a per-RCA lease in the database for the length of a run,
// so one replica at a time redraws an RCA, and reads what was last sent
// from the database rather than from memory. Every change first bumps the
// RCA's kept version; a run marks the version it drew, and after releasing
// the lease looks again: a version ahead means a change arrived meanwhile
// (perhaps on another replica, which could not take the lease and left the
// redraw to the holder), so it runs once more. A replica that dies holding
// the lease leaves the version ahead of what was drawn; every replica
// sweeps for such RCAs and redraws them once the lease has expired.

import (
	"context"
	"strconv"
	"time"

	"github.com/untangle-rca/untangle/workflow"
)

// KeptStore coordinates the redraws of the kept messages between replicas
// on one database: leases per RCA and a version that counts the changes.
// storage implements it next to the RCAs.
type KeptStore interface {
	Leases
	// BumpKept records that the RCA's kept messages are behind its state,
	// as actor changed it, and returns the new kept version.
	BumpKept(ctx context.Context, rcaID int64, actor string) (int64, error)
	// KeptVersion returns the RCA's kept version and the version its kept
	// messages last showed.
	KeptVersion(ctx context.Context, rcaID int64) (version, drawn int64, err error)
	// MarkKeptDrawn records that the RCA's kept messages show version; what
	// was recorded drawn never goes back.
	MarkKeptDrawn(ctx context.Context, rcaID, version int64) error
	// StaleKept returns the RCAs whose kept version is ahead of what was
	// drawn, each with the user who changed it last.
	StaleKept(ctx context.Context) (map[int64]string, error)
}

const (
	// keptLeaseTTL is how long one grant of an RCA's redraw lease lasts;
	// the run renews it every keptLeaseTTL/3. A replica that dies in a run
	// holds up that RCA's redraws this long at most.
	keptLeaseTTL = 6 * time.Second
	// keptRetry is how often a replica asks again for the lease of an RCA
	// whose change carries more than a redraw (a walk to repost, a picture
	// to post), which only this replica knows.
	keptRetry = 250 * time.Millisecond
	// keptSweep is how often each replica looks for RCAs whose redraw a
	// dead replica left undone.
	keptSweep = 3 * time.Second
)

// keptLease names the lease of an RCA's redraws.
func keptLease(rcaID int64) string { return "kept:" + strconv.FormatInt(rcaID, 10) }

// onlyRedraw reports whether c asks for nothing but a redraw of the latest
// state, which whichever replica holds the lease does as well.
func (c *change) onlyRedraw() bool {
	return !c.repostWalk && !c.outline && c.outlinePage == 0 && len(c.cards) == 0 && len(c.jobs) == 0
}

// drawShared runs one redraw of an RCA under its lease. It returns false
// when the lease was held elsewhere and c was put back to be tried again.
func (f *refresher) drawShared(ctx context.Context, rcaID int64, k *rcaKept, actor workflow.Actor, c change) bool {
	if _, err := f.shared.BumpKept(ctx, rcaID, actor.UserID); err != nil {
		f.log.Warn("refresh: record a change of the kept messages", "rca", rcaID, "error", err)
	}
	name := keptLease(rcaID)
	ok, err := f.shared.AcquireLease(ctx, name, f.holder, keptLeaseTTL)
	if err != nil {
		f.log.Warn("refresh: ask for the redraw lease", "rca", rcaID, "error", err)
	}
	if !ok {
		// The holder sees the version ahead and draws again, the messages
		// held back here after a 429 included.
		f.log.Debug("refresh: another replica holds the redraw lease and draws this change", "rca", rcaID)
		clear(k.held)
		if c.onlyRedraw() {
			return true
		}
		f.mu.Lock()
		c.merge(k.next)
		k.next, k.pending = c, true
		f.mu.Unlock()
		return false
	}
	runCtx, stop := context.WithCancel(ctx)
	renewed := make(chan struct{})
	go func() { defer close(renewed); f.renewKept(runCtx, stop, rcaID, name) }()
	clear(k.ts) // another replica may have posted or changed them
	clear(k.sent)
	v0, _, verr := f.shared.KeptVersion(runCtx, rcaID)
	f.draw(runCtx, rcaID, k, actor, c)
	if verr == nil && runCtx.Err() == nil && len(k.held) == 0 {
		if err := f.shared.MarkKeptDrawn(runCtx, rcaID, v0); err != nil {
			f.log.Warn("refresh: record the kept messages drawn", "rca", rcaID, "error", err)
		}
	}
	stop()
	<-renewed
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := f.shared.ReleaseLease(rctx, name, f.holder); err != nil {
		f.log.Warn("refresh: release the redraw lease", "rca", rcaID, "error", err)
	}
	if v, _, err := f.shared.KeptVersion(rctx, rcaID); err == nil && v > v0 {
		f.mu.Lock()
		if !k.pending {
			k.pending, k.actor = true, actor
		}
		f.mu.Unlock()
	}
	return true
}

// renewKept renews an RCA's lease name until ctx ends, and calls stop when
// a renewal fails: another replica may take the work over by then.
func (f *refresher) renewKept(ctx context.Context, stop context.CancelFunc, rcaID int64, name string) {
	tick := time.NewTicker(keptLeaseTTL / 3)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		ok, err := f.shared.AcquireLease(ctx, name, f.holder, keptLeaseTTL)
		if ctx.Err() != nil {
			return
		}
		if !ok {
			f.log.Warn("refresh: lost a lease; its work stops", "rca", rcaID, "lease", name, "error", err)
			stop()
			return
		}
	}
}

// setUpLease names the lease of an RCA's channel set-up.
func setUpLease(rcaID int64) string { return "setup:" + strconv.FormatInt(rcaID, 10) }

// holdSetUp takes the lease of an RCA's channel set-up and renews it until
// release, so that a replica finishing interrupted set-ups never sets up a
// channel another replica is setting up; false when another replica holds
// it. Without a KeptStore it always succeeds.
func (f *refresher) holdSetUp(ctx context.Context, rcaID int64) (release func(), ok bool) {
	if f.shared == nil {
		return func() {}, true
	}
	name := setUpLease(rcaID)
	ok, err := f.shared.AcquireLease(ctx, name, f.holder, keptLeaseTTL)
	if err != nil {
		f.log.Warn("ask for the channel set-up lease", "rca", rcaID, "error", err)
	}
	if !ok {
		return nil, false
	}
	rctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	renewed := make(chan struct{})
	// A set-up half done is not stopped: what it did is bound to the RCA
	// step by step, and a lost lease only lets another replica resume it.
	go func() { defer close(renewed); f.renewKept(rctx, func() {}, rcaID, name) }()
	return func() {
		stop()
		<-renewed
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := f.shared.ReleaseLease(rctx, name, f.holder); err != nil {
			f.log.Warn("release the channel set-up lease", "rca", rcaID, "error", err)
		}
	}, true
}

// startSweep starts sweepKept when the replicas share the redraws.
func (f *refresher) startSweep() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.shared == nil || f.stopping {
		return
	}
	f.wg.Add(1)
	go f.sweepKept()
}

// sweepKept asks, at once and then every keptSweep until shutdown, for a
// redraw of every RCA whose kept messages are behind its state with no
// replica drawing them (a replica died in a run, or a shutdown dropped it).
func (f *refresher) sweepKept() {
	defer f.wg.Done()
	tick := time.NewTicker(keptSweep)
	defer tick.Stop()
	for {
		ctx, cancel := context.WithTimeout(f.base, keptSweep)
		stale, err := f.shared.StaleKept(ctx)
		cancel()
		if err != nil {
			f.log.Warn("refresh: look for kept messages left undrawn", "error", err)
		}
		for id, user := range stale {
			f.mu.Lock()
			k := f.rcas[id]
			busy := k != nil && (k.running || k.pending)
			f.mu.Unlock()
			if !busy {
				f.changed(workflow.Actor{UserID: user}, id, change{})
			}
		}
		select {
		case <-f.stop:
			return
		case <-tick.C:
		}
	}
}
