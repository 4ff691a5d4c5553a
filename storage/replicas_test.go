package storage_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/storage/storagetest"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// The storage implements the bot's interfaces on both backends.
var (
	_ bot.Refs   = (*storage.DB)(nil)
	_ bot.Leases = (*storage.DB)(nil)
)

// clock is a settable clock safe for concurrent use.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }
func openAt(tb testing.TB, dsn string, c *clock) *storage.DB {
	tb.Helper()
	db, err := storage.Open(context.Background(), dsn, storage.WithClock(c.Now))
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// TestCommandsFromTwoStores runs workflow commands on one RCA from two
// Store values on one database at once, as two replicas do: every command
// is kept, the node numbers are unique and dense, and each store then
// loads the whole tree, whichever store wrote it.
func TestCommandsFromTwoStores(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		dsn := be.New(t)
		c := &clock{now: epoch}
		dbs := []*storage.DB{openAt(t, dsn, c), openAt(t, dsn, c)}
		svcs := []*workflow.Service{workflow.New(dbs[0], c), workflow.New(dbs[1], c)}
		ctx := context.Background()
		fac := workflow.Actor{UserID: "UFAC"}
		r, err := svcs[0].Start(ctx, fac, workflow.StartInput{Title: "Payments down", Participants: []string{"UA", "UB"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, db := range dbs {
			loadTree(t, db, r.ID) // both caches hold the empty tree
		}
		const workers, each = 6, 5
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					text := fmt.Sprintf("Symptom %d.%d", w, i)
					if _, err := svcs[w%2].AddSymptom(ctx, fac, r.ID, workflow.SymptomInput{Text: text}); err != nil {
						t.Errorf("AddSymptom %q: %v", text, err)
					}
				}
			})
		}
		wg.Wait()
		for i, db := range dbs {
			tr := loadTree(t, db, r.ID)
			var ids []int
			for _, n := range tr.Nodes() {
				ids = append(ids, int(n.ID))
			}
			slices.Sort(ids)
			if len(ids) != workers*each || ids[0] != 1 || ids[len(ids)-1] != workers*each {
				t.Fatalf("store %d sees %d nodes numbered %v; want 1…%d", i, len(ids), ids, workers*each)
			}
		}
		log, err := svcs[1].AuditLog(ctx, fac, r.ID)
		if err != nil || len(log) != 1+workers*each {
			t.Fatalf("audit log has %d entries (%v); want %d", len(log), err, 1+workers*each)
		}
	})
}

// TestTreeCacheAcrossStores changes a tree through one store while the
// other has it cached: the other's next load sees the change.
func TestTreeCacheAcrossStores(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		dsn := be.New(t)
		a, b := mustOpen(t, dsn), mustOpen(t, dsn)
		id := createRCA(t, a)
		update(t, a, func(tx workflow.Tx) error {
			return tx.ApplyChange(id, workflow.TreeChange{Nodes: []workflow.NodeChange{{After: &tree.Node{ID: 1, Kind: tree.KindUDE, Text: "A"}}}})
		})
		loadTree(t, a, id)
		hits, _ := a.TreeCacheStats()
		if loadTree(t, a, id); func() int64 { h, _ := a.TreeCacheStats(); return h }() == hits {
			t.Fatal("store a did not cache the tree")
		}
		update(t, b, func(tx workflow.Tx) error {
			return tx.ApplyChange(id, workflow.TreeChange{Nodes: []workflow.NodeChange{
				{Before: &tree.Node{ID: 1, Kind: tree.KindUDE, Text: "A"}, After: &tree.Node{ID: 1, Kind: tree.KindUDE, Text: "A, edited by b"}},
				{After: &tree.Node{ID: 2, Text: "B"}}}})
		})
		got := loadTree(t, a, id)
		if n, _ := got.Node(1); got.NumNodes() != 2 || n.Text != "A, edited by b" {
			t.Fatalf("store a sees %d nodes, #1 %q; want b's change", got.NumNodes(), n.Text)
		}
	})
}

// TestDeliveryKeyAcrossStores delivers one key through two stores from
// several goroutines at once: the command applies once and every caller
// gets its result.
func TestDeliveryKeyAcrossStores(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		dsn := be.New(t)
		dbs := []*storage.DB{mustOpen(t, dsn), mustOpen(t, dsn)}
		id := createRCA(t, dbs[0])
		var wg sync.WaitGroup
		results := make([]string, 10)
		for i := range results {
			wg.Go(func() {
				res, err := dbs[i%2].Update(context.Background(), "Ev-once", func(tx workflow.Tx) ([]byte, error) {
					e := &workflow.AuditEntry{RCAID: id, Actor: "U1", Action: "ping"}
					if _, err := tx.Audit(e); err != nil {
						return nil, err
					}
					return fmt.Appendf(nil, "entry %d", e.ID), nil
				})
				if err != nil {
					t.Errorf("delivery %d: %v", i, err)
				}
				results[i] = string(res)
			})
		}
		wg.Wait()
		var log []workflow.AuditEntry
		if err := dbs[1].View(context.Background(), func(tx workflow.Tx) error {
			var err error
			log, err = tx.AuditLog(id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(log) != 1 {
			t.Fatalf("the delivery was applied %d times, want once", len(log))
		}
		for i, r := range results {
			if want := fmt.Sprintf("entry %d", log[0].ID); r != want {
				t.Errorf("delivery %d returned %q, want %q", i, r, want)
			}
		}
	})
}

// TestMigrationsOnceWhenStartingTogether opens one new database from
// several goroutines at once, as replicas starting together do: all open
// it, and every migration is recorded once.
func TestMigrationsOnceWhenStartingTogether(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		dsn := be.New(t)
		dbs := make([]*storage.DB, 4)
		var wg sync.WaitGroup
		for i := range dbs {
			wg.Go(func() {
				db, err := storage.Open(context.Background(), dsn)
				if err != nil {
					t.Errorf("replica %d: %v", i, err)
					return
				}
				dbs[i] = db
				t.Cleanup(func() { db.Close() })
			})
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		v, err := dbs[0].SchemaVersion(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		raw := rawOpen(t, be, dsn)
		var rows int
		if err := raw.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&rows); err != nil || rows != v {
			t.Fatalf("schema_migrations has %d rows (%v), want %d, one per migration", rows, err, v)
		}
	})
}

// TestLeaseLifecycle takes, renews, refuses, hands over and releases a
// lease between two stores on one database sharing a clock.
func TestLeaseLifecycle(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		dsn := be.New(t)
		c := &clock{now: epoch}
		a, b := openAt(t, dsn, c), openAt(t, dsn, c)
		ctx := context.Background()
		const ttl = 30 * time.Second
		steps := []struct {
			name    string
			advance time.Duration
			db      *storage.DB
			holder  string
			want    bool
		}{
			{"a takes the free lease", 0, a, "replica-a", true},
			{"b is refused while a holds it", 10 * time.Second, b, "replica-b", false},
			{"a renews", 10 * time.Second, a, "replica-a", true},
			{"b is still refused after the first term", 20 * time.Second, b, "replica-b", false},
			{"b takes over once a's renewal expired", 11 * time.Second, b, "replica-b", true},
			{"a, back too late, is refused", 0, a, "replica-a", false},
			{"b renews", 25 * time.Second, b, "replica-b", true},
		}
		for _, s := range steps {
			c.Add(s.advance)
			got, err := s.db.AcquireLease(ctx, "reminders", s.holder, ttl)
			if err != nil || got != s.want {
				t.Fatalf("%s: AcquireLease = %v, %v; want %v", s.name, got, err, s.want)
			}
		}
		if err := a.ReleaseLease(ctx, "reminders", "replica-a"); err != nil {
			t.Fatal(err)
		}
		if got, _ := a.AcquireLease(ctx, "reminders", "replica-a", ttl); got {
			t.Fatal("a release by a non-holder freed b's lease")
		}
		if got, _ := a.AcquireLease(ctx, "tracker-sync", "replica-a", ttl); !got {
			t.Fatal("another lease name is independent, yet a could not take it")
		}
		if err := b.ReleaseLease(ctx, "reminders", "replica-b"); err != nil {
			t.Fatal(err)
		}
		if got, err := a.AcquireLease(ctx, "reminders", "replica-a", ttl); err != nil || !got {
			t.Fatalf("after b released: AcquireLease = %v, %v; want a to take it at once", got, err)
		}
	})
}

// TestLeaseNeverTwoHolders lets ten contenders on two stores race for an
// expired lease, round after round: exactly one wins each round.
func TestLeaseNeverTwoHolders(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		dsn := be.New(t)
		c := &clock{now: epoch}
		dbs := []*storage.DB{openAt(t, dsn, c), openAt(t, dsn, c)}
		for round := range 15 {
			c.Add(time.Minute) // the last round's lease has expired
			var mu sync.Mutex
			var winners []string
			var wg sync.WaitGroup
			for i := range 10 {
				wg.Go(func() {
					holder := fmt.Sprintf("replica-%d", i)
					ok, err := dbs[i%2].AcquireLease(context.Background(), "scheduler", holder, 30*time.Second)
					if err != nil {
						t.Errorf("round %d, %s: %v", round, holder, err)
					}
					if ok {
						mu.Lock()
						winners = append(winners, holder)
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if len(winners) != 1 {
				t.Fatalf("round %d: holders %v, want exactly one", round, winners)
			}
		}
	})
}

// TestCrossedLocksAreRetried runs two commands that each touch two RCAs in
// opposite orders from two stores at once. On PostgreSQL one of them is
// chosen as the deadlock victim and runs again; both must commit, each once.
func TestCrossedLocksAreRetried(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		dsn := be.New(t)
		dbs := []*storage.DB{mustOpen(t, dsn), mustOpen(t, dsn)}
		ids := []int64{createRCA(t, dbs[0]), createRCA(t, dbs[0])}
		var both sync.WaitGroup // both commands hold their first RCA
		both.Add(2)
		var once [2]sync.Once
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() {
				first, second := ids[i], ids[1-i]
				_, err := dbs[i].Update(context.Background(), "", func(tx workflow.Tx) ([]byte, error) {
					if _, err := tx.RCA(first); err != nil {
						return nil, err
					}
					once[i].Do(func() {
						both.Done()
						waitUpTo(&both, time.Second) // SQLite runs one at a time: the other never comes
					})
					for _, id := range []int64{first, second} {
						if _, err := tx.Audit(&workflow.AuditEntry{RCAID: id, Actor: "U1", Action: fmt.Sprint("crossed ", i)}); err != nil {
							return nil, err
						}
					}
					return nil, nil
				})
				if err != nil {
					t.Errorf("command %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		for _, id := range ids {
			var log []workflow.AuditEntry
			if err := dbs[0].View(context.Background(), func(tx workflow.Tx) error {
				var err error
				log, err = tx.AuditLog(id)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if len(log) != 2 || log[0].Action == log[1].Action {
				t.Fatalf("rca %d has %d entries %v; want one of each command", id, len(log), log)
			}
		}
	})
}

// waitUpTo waits for wg, or for d to pass.
func waitUpTo(wg *sync.WaitGroup, d time.Duration) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
	}
}
