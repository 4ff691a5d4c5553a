package bot

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/storage/storagetest"
	"github.com/untangle-rca/untangle/workflow"
)

// replica is a second process on the database of a remindEnv: its own
// connection, workflow, bot, scheduler and lease holder, sharing the fake
// Slack and the clock.
type replica struct {
	leader *Leader
	sched  *scheduler
	bot    *Bot
}

func (e *remindEnv) replica(holder string) *replica {
	e.t.Helper()
	db, err := storage.Open(e.ctx, e.dbPath, storage.WithClock(e.clock.Now))
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { db.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := workflow.New(db, workflow.ClockFunc(e.clock.Now), workflow.WithLocation(e.loc))
	l := NewLeader(db, SchedulerLease, holder, e.clock.Now, log)
	b, err := New(Config{Refs: db, BotToken: e.fake.BotToken(), AppToken: e.fake.AppToken(), APIURL: e.fake.APIURL(),
		Location: e.loc, Now: e.clock.Now, Logger: log, Leader: l}, svc)
	if err != nil {
		e.t.Fatal(err)
	}
	s, err := b.newScheduler()
	if err != nil {
		e.t.Fatal(err)
	}
	return &replica{leader: l, sched: s, bot: b}
}

// TestLeaseSchedulerFailover runs two replicas on one database with an
// injected clock. Both try the lease and tick every 10 s, as the real loops
// do; only the holder posts. The holder then dies (stops renewing and
// ticking), and the other must take over within the lease's time and post
// the next slot once: nothing doubled, nothing skipped.
func TestLeaseSchedulerFailover(t *testing.T) {
	for _, be := range storagetest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			day := func(d, hh, mm, ss int) time.Time { return remindAt(time.UTC, 2026, 3, d, hh, mm, ss) } // 2nd: a Monday
			e := newRemindEnvOn(t, time.UTC, day(2, 10, 30, 0), be.New(t))
			e.startRCA(day(20, 23, 0, 0))
			a, b := e.replica("replica-a"), e.replica("replica-b")
			alive := map[*replica]bool{a: true, b: true}
			step := func(at time.Time) {
				e.clock.Set(at)
				var wg sync.WaitGroup
				for _, r := range []*replica{a, b} {
					if alive[r] {
						r.leader.Renew(e.ctx)
						wg.Go(func() { r.sched.tick(e.ctx) })
					}
				}
				wg.Wait()
				for _, r := range []*replica{a, b} {
					if held, _ := r.leader.Held(); alive[r] && !held && !r.sched.prev.IsZero() {
						t.Fatalf("at %v %s ticked without the lease", at, r.leader.Holder())
					}
				}
			}
			for at := day(3, 9, 59, 0); at.Before(day(3, 10, 2, 0)); at = at.Add(LeaseRenew) {
				step(at)
			}
			e.wantReminders("Tuesday's slot with both replicas up", 1)
			holder, other := a, b
			if held, _ := b.leader.Held(); held {
				holder, other = b, a
			}
			if held, _ := other.leader.Held(); held {
				t.Fatal("both replicas hold the lease")
			}
			// The holder dies just before Wednesday's slot.
			for at := day(4, 9, 59, 0); at.Before(day(4, 10, 0, 0)); at = at.Add(LeaseRenew) {
				step(at)
			}
			alive[holder] = false
			died := e.clock.Now()
			var took time.Time
			for at := died.Add(LeaseRenew); at.Before(day(4, 10, 3, 0)); at = at.Add(LeaseRenew) {
				step(at)
				if held, _ := other.leader.Held(); held && took.IsZero() {
					took = at
				}
			}
			if took.IsZero() || took.Sub(died) > LeaseTTL+LeaseRenew {
				t.Fatalf("the other replica took the lease at %v, %v after the holder died; want within %v", took, took.Sub(died), LeaseTTL+LeaseRenew)
			}
			e.wantReminders("Wednesday's slot after the failover", 2)
			if st := e.state(1); !st.LastReminded.Equal(day(4, 10, 0, 0)) {
				t.Fatalf("last reminded slot %v, want Wednesday 10:00", st.LastReminded)
			}
			// The dead holder comes back: it must not post Wednesday again.
			alive[holder] = true
			for at := day(4, 10, 5, 0); at.Before(day(5, 10, 6, 0)); at = at.Add(10 * time.Minute) {
				step(at)
			}
			e.wantReminders("Thursday's slot after the old holder returned", 3)
		})
	}
}

// TestLeaseLostStopsAtOnce: a holder whose renewal failed (or was refused)
// does not tick, even within the time of its last grant.
func TestLeaseLostStopsAtOnce(t *testing.T) {
	day := func(d, hh, mm, ss int) time.Time { return remindAt(time.UTC, 2026, 3, d, hh, mm, ss) }
	e := newRemindEnv(t, time.UTC, day(2, 10, 30, 0))
	e.startRCA(day(20, 23, 0, 0))
	a, b := e.replica("replica-a"), e.replica("replica-b")
	e.clock.Set(day(3, 9, 59, 50))
	if !a.leader.Renew(e.ctx) {
		t.Fatal("replica a did not get the free lease")
	}
	if err := e.db.ReleaseLease(e.ctx, SchedulerLease, "replica-a"); err != nil {
		t.Fatal(err)
	}
	if !b.leader.Renew(e.ctx) {
		t.Fatal("replica b did not get the released lease")
	}
	if a.leader.Renew(e.ctx) {
		t.Fatal("replica a renewed a lease b holds")
	}
	e.clock.Set(day(3, 10, 0, 1))
	a.sched.tick(e.ctx)
	e.wantReminders("a lost the lease", 0)
	b.sched.tick(e.ctx)
	e.wantReminders("b holds the lease", 1)
}

// TestLeaseHealthAndMetrics: /healthz names the replica and whether it holds
// the scheduler lease, and /metrics has the holder id as its one label.
func TestLeaseHealthAndMetrics(t *testing.T) {
	e := newRemindEnv(t, time.UTC, remindAt(time.UTC, 2026, 3, 2, 10, 30, 0))
	a, b := e.replica("replica-a"), e.replica("replica-b")
	a.leader.Renew(e.ctx)
	b.leader.Renew(e.ctx)
	for _, tc := range []struct {
		r         *replica
		lease     string
		heldValue string
	}{{a, "held", "1"}, {b, "standby", "0"}} {
		h := tc.r.bot.Health(e.ctx, Probes{})
		if h.Replica != tc.r.leader.Holder() || h.SchedulerLease != tc.lease {
			t.Errorf("%s: health names replica %q with lease %q, want %q", tc.r.leader.Holder(), h.Replica, h.SchedulerLease, tc.lease)
		}
		handler, err := tc.r.bot.Handler(Probes{})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		body := rec.Body.String()
		for _, want := range []string{`untangle_replica_info{replica="` + tc.r.leader.Holder() + `"} 1`, "untangle_scheduler_lease_held " + tc.heldValue + "\n"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: /metrics lacks %q", tc.r.leader.Holder(), want)
			}
		}
	}
}

// TestLeaderRunReleasesOnStop: Run takes the free lease at once and, when
// stopped, releases it, so another replica gets it without waiting for it
// to expire.
func TestLeaderRunReleasesOnStop(t *testing.T) {
	for _, be := range storagetest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			db, err := storage.Open(t.Context(), be.New(t))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			a, b := NewLeader(db, SchedulerLease, HolderID(), nil, log), NewLeader(db, SchedulerLease, HolderID(), nil, log)
			if a.Holder() == b.Holder() {
				t.Fatalf("two leaders share the holder id %q", a.Holder())
			}
			ctx, stop := context.WithCancel(t.Context())
			done := make(chan struct{})
			go func() { defer close(done); a.Run(ctx) }()
			deadline := time.Now().Add(10 * time.Second)
			for held, _ := a.Held(); !held; held, _ = a.Held() {
				if time.Now().After(deadline) {
					t.Fatal("Run did not take the free lease")
				}
				time.Sleep(10 * time.Millisecond)
			}
			if b.Renew(t.Context()) {
				t.Fatal("a second leader got the lease while Run holds it")
			}
			stop()
			<-done
			if held, _ := a.Held(); held {
				t.Fatal("the stopped leader still holds the lease")
			}
			if !b.Renew(t.Context()) {
				t.Fatal("the lease was not released when Run stopped")
			}
		})
	}
}
