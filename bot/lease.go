package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// Leases hands out named, time-limited leases on scheduled work, so that of
// several replicas on one database exactly one runs a job at a time, and
// another takes over once the holder stopped renewing. storage implements
// it in the database the replicas share.
type Leases interface {
	// AcquireLease takes the lease name for holder until ttl from now, or
	// renews it when holder has it already, and reports whether holder
	// holds it. The holder must stop the leased work before ttl has passed
	// since the call, unless a renewal succeeded meanwhile.
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	// ReleaseLease ends holder's lease at once; it does nothing when holder
	// does not hold it.
	ReleaseLease(ctx context.Context, name, holder string) error
}

// SchedulerLease names the lease of the scheduled work (reminders, fix
// nudges, digests, the ticket job and the pruning of old delivery keys):
// one replica at a time holds it.
const SchedulerLease = "scheduler"

// LeaseTTL is how long one grant of a lease lasts, and LeaseRenew how often
// its holder renews it: a replica that dies is replaced within LeaseTTL plus
// LeaseRenew.
const (
	LeaseTTL   = 30 * time.Second
	LeaseRenew = 10 * time.Second
)

// HolderID returns a lease holder id unique to this process: host name,
// process id and a random suffix, so a restarted process on the same host
// never passes for its predecessor.
func HolderID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	var r [4]byte
	_, _ = rand.Read(r[:]) // crypto/rand.Read never fails
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(r[:]))
}

// Leader keeps one named lease for this process and tells whether the work
// behind it may run now. Expiry is judged by the clock now, the same clock
// the database judges expiry with.
type Leader struct {
	leases Leases
	name   string
	holder string
	now    func() time.Time
	log    *slog.Logger

	gained chan struct{} // a value after each gain, for work that starts at once

	mu    sync.Mutex
	until time.Time // the lease is ours until then; zero when it is not
	terms uint64    // how many times the lease was gained, to tell takeovers apart
}

// NewLeader returns a Leader of lease name for holder; now nil means
// time.Now, log nil means slog.Default.
func NewLeader(l Leases, name, holder string, now func() time.Time, log *slog.Logger) *Leader {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Leader{leases: l, name: name, holder: holder, now: now, log: log, gained: make(chan struct{}, 1)}
}

// Holder returns this process's holder id.
func (l *Leader) Holder() string { return l.holder }

// Renew asks once for the lease (takes it, or extends it when held) and
// reports whether this process holds it now. A failed ask ends the lease
// at once: the work stops rather than risk running beside another holder.
func (l *Leader) Renew(ctx context.Context) bool {
	asked := l.now()
	ok, err := l.leases.AcquireLease(ctx, l.name, l.holder, LeaseTTL)
	if err != nil {
		l.log.Warn("lease renewal failed; scheduled work stops", "lease", l.name, "error", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	wasHeld := !l.until.IsZero() && asked.Before(l.until)
	switch {
	case ok && !wasHeld:
		l.terms++
		l.log.Info("lease gained; running the scheduled work", "lease", l.name, "holder", l.holder)
		select {
		case l.gained <- struct{}{}:
		default:
		}
	case !ok && wasHeld:
		l.log.Warn("lease lost; scheduled work stops", "lease", l.name, "holder", l.holder)
	}
	l.until = time.Time{}
	if ok {
		l.until = asked.Add(LeaseTTL)
	}
	return ok
}

// Gained receives a value after the lease was gained, so the leased work
// can start at once (a takeover's catch-up) rather than at its next tick.
func (l *Leader) Gained() <-chan struct{} { return l.gained }

// Held reports whether this process holds the lease now, and the term it
// holds it in: a term that changed since the last look means the lease was
// lost and gained again meanwhile, and another replica may have run.
func (l *Leader) Held() (held bool, term uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return !l.until.IsZero() && l.now().Before(l.until), l.terms
}

// Until returns when the current grant ends; zero when not held.
func (l *Leader) Until() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.until
}

// Run renews the lease at once and then every LeaseRenew until ctx ends,
// and then releases it so another replica takes over without waiting.
func (l *Leader) Run(ctx context.Context) {
	tick := time.NewTicker(LeaseRenew)
	defer tick.Stop()
	for {
		l.Renew(ctx)
		select {
		case <-ctx.Done():
			l.release()
			return
		case <-tick.C:
		}
	}
}

func (l *Leader) release() {
	l.mu.Lock()
	l.until = time.Time{}
	l.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := l.leases.ReleaseLease(ctx, l.name, l.holder); err != nil {
		l.log.Warn("could not release the lease; another replica takes over once it expires", "lease", l.name, "error", err)
	}
}
