package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/storage/storagetest"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

var epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func mustOpen(tb testing.TB, path string) *storage.DB {
	tb.Helper()
	db, err := storage.Open(context.Background(), path, storage.WithClock(func() time.Time { return epoch }))
	if err != nil {
		tb.Fatalf("Open(%s): %v", path, err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func createRCA(tb testing.TB, db *storage.DB) int64 {
	tb.Helper()
	var id int64
	_, err := db.Update(context.Background(), "", func(tx workflow.Tx) ([]byte, error) {
		var err error
		id, err = tx.CreateRCA(&workflow.RCA{Title: "Payments down", Creator: "U1", Facilitator: "U1",
			Phase: workflow.PhaseCollecting, Participants: []string{"U1", "U2"}})
		return nil, err
	})
	if err != nil {
		tb.Fatalf("create rca: %v", err)
	}
	return id
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		path := be.New(t)
		mustOpen(t, path).Close()
		raw, err := sql.Open(be.Driver, path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future.sql', '')`); err != nil {
			t.Fatal(err)
		}
		raw.Close()
		_, err = storage.Open(context.Background(), path)
		if err == nil || !strings.Contains(err.Error(), "newer untangle") {
			t.Fatalf("Open of a newer database: err = %v, want a refusal naming a newer untangle", err)
		}
	})
}

func TestDeliveryKeyAppliedOnce(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		path := be.New(t)
		db := mustOpen(t, path)
		id := createRCA(t, db)
		calls := 0
		apply := func(db *storage.DB) []byte {
			res, err := db.Update(context.Background(), "Ev123", func(tx workflow.Tx) ([]byte, error) {
				calls++
				_, err := tx.Audit(&workflow.AuditEntry{RCAID: id, Actor: "U1", Action: "ping"})
				return []byte(`{"n":` + string(rune('0'+calls)) + `}`), err
			})
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			return res
		}
		first := apply(db)
		db.Close()
		db = mustOpen(t, path)
		second := apply(db)
		if calls != 1 || string(first) != string(second) {
			t.Fatalf("calls = %d, results %s then %s; want one call and equal results", calls, first, second)
		}
		var log []workflow.AuditEntry
		if err := db.View(context.Background(), func(tx workflow.Tx) error {
			var err error
			log, err = tx.AuditLog(id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(log) != 1 {
			t.Fatalf("audit entries = %d, want 1", len(log))
		}
	})
}

func TestFailedUpdateRecordsNothing(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		db := mustOpen(t, be.New(t))
		id := createRCA(t, db)
		boom := errors.New("boom")
		_, err := db.Update(context.Background(), "k1", func(tx workflow.Tx) ([]byte, error) {
			if _, err := tx.Audit(&workflow.AuditEntry{RCAID: id, Actor: "U1", Action: "x"}); err != nil {
				return nil, err
			}
			return nil, boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want boom", err)
		}
		handled, err := db.Handled(context.Background(), "k1")
		if err != nil || handled {
			t.Fatalf("Handled = %v, %v; want false after a failed update", handled, err)
		}
	})
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		path := be.New(t)
		db := mustOpen(t, path)
		id := createRCA(t, db)
		if _, err := db.Update(context.Background(), "", func(tx workflow.Tx) ([]byte, error) {
			_, err := tx.Audit(&workflow.AuditEntry{RCAID: id, Actor: "U1", Action: "x"})
			return nil, err
		}); err != nil {
			t.Fatal(err)
		}
		raw, err := sql.Open(be.Driver, path)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		queries := []string{`UPDATE audit_log SET actor = 'U9'`, `DELETE FROM audit_log`}
		if be.Name == "postgres" {
			queries = append(queries, `TRUNCATE audit_log`)
		}
		for _, q := range queries {
			if _, err := raw.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want append-only refusal", q, err)
			}
		}
	})
}

func TestTreeRoundTripDeleteRestore(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		path := be.New(t)
		db := mustOpen(t, path)
		id := createRCA(t, db)
		ude := &tree.Node{ID: 1, Kind: tree.KindUDE, Text: "Checkout fails", Weight: 3}
		a := &tree.Node{ID: 2, Kind: tree.KindCause, Text: "DB pool exhausted"}
		b := &tree.Node{ID: 3, Kind: tree.KindCause, Text: "No circuit breaker"}
		g := &tree.Group{ID: 1, Effect: 1, Causes: []tree.NodeID{2, 3}, Status: tree.StatusUnreviewed}
		add := workflow.TreeChange{
			Nodes:  []workflow.NodeChange{{After: ude, Author: "U1"}, {After: a, Author: "U2"}, {After: b, Author: "U2"}},
			Groups: []workflow.GroupChange{{After: g}},
		}
		update(t, db, func(tx workflow.Tx) error { return tx.ApplyChange(id, add) })
		db.Close()
		db = mustOpen(t, path)
		got := loadTree(t, db, id)
		if got.NumNodes() != 3 || got.NumGroups() != 1 {
			t.Fatalf("loaded %d nodes, %d links; want 3, 1", got.NumNodes(), got.NumGroups())
		}
		if n, _ := got.Node(1); n.Weight != 3 || n.Kind != tree.KindUDE {
			t.Fatalf("node #1 = %+v", n)
		}
		// Delete #3: it leaves the AND group.
		del := workflow.TreeChange{
			Nodes:  []workflow.NodeChange{{Before: b}},
			Groups: []workflow.GroupChange{{Before: g, After: &tree.Group{ID: 1, Effect: 1, Causes: []tree.NodeID{2}}}},
		}
		update(t, db, func(tx workflow.Tx) error { return tx.ApplyChange(id, del) })
		got = loadTree(t, db, id)
		if _, ok := got.Node(3); ok || got.NextNodeID() != 4 {
			t.Fatalf("after delete: node #3 present=%v, next id %s; want absent, #4", ok, got.NextNodeID())
		}
		// Restore it under the same number.
		update(t, db, func(tx workflow.Tx) error {
			return tx.ApplyChange(id, workflow.TreeChange{
				Nodes:  []workflow.NodeChange{{After: b}},
				Groups: []workflow.GroupChange{{Before: del.Groups[0].After, After: g}},
			})
		})
		got = loadTree(t, db, id)
		if gr, _ := got.Group(1); len(gr.Causes) != 2 {
			t.Fatalf("after restore link 1 = %+v, want two causes", gr)
		}
		var info workflow.NodeInfo
		if err := db.View(context.Background(), func(tx workflow.Tx) error {
			var err error
			info, err = tx.NodeInfo(id, 3)
			return err
		}); err != nil || info.Author != "U2" {
			t.Fatalf("NodeInfo(#3) = %+v, %v; want author U2", info, err)
		}
	})
}

func TestNumbersNotReusedAfterDelete(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		db := mustOpen(t, be.New(t))
		id := createRCA(t, db)
		n1 := &tree.Node{ID: 1, Kind: tree.KindUDE, Text: "A"}
		n2 := &tree.Node{ID: 2, Text: "B"}
		n3 := &tree.Node{ID: 3, Text: "C"}
		g1 := &tree.Group{ID: 1, Effect: 1, Causes: []tree.NodeID{2}}
		g2 := &tree.Group{ID: 2, Effect: 1, Causes: []tree.NodeID{3}}
		update(t, db, func(tx workflow.Tx) error {
			return tx.ApplyChange(id, workflow.TreeChange{
				Nodes:  []workflow.NodeChange{{After: n1}, {After: n2}, {After: n3}},
				Groups: []workflow.GroupChange{{After: g1}, {After: g2}},
			})
		})
		update(t, db, func(tx workflow.Tx) error {
			return tx.ApplyChange(id, workflow.TreeChange{
				Nodes:  []workflow.NodeChange{{Before: n3}},
				Groups: []workflow.GroupChange{{Before: g2}},
			})
		})
		tr := loadTree(t, db, id)
		n, err := tr.AddNode(tree.Node{Text: "D"})
		if err != nil {
			t.Fatal(err)
		}
		g, err := tr.AddGroup(tree.Group{Effect: 1, Causes: []tree.NodeID{n.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if n.ID != 4 || g.ID != 3 || tr.NumNodes() != 3 || tr.NumGroups() != 2 {
			t.Fatalf("new node %s link %d (%d nodes, %d links); want #4, 3, 3 nodes, 2 links", n.ID, g.ID, tr.NumNodes(), tr.NumGroups())
		}
	})
}

func TestUniqueViolationIsConflict(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		db := mustOpen(t, be.New(t))
		id := createRCA(t, db)
		_, err := db.Update(context.Background(), "", func(tx workflow.Tx) ([]byte, error) {
			return nil, tx.ApplyChange(id, workflow.TreeChange{Nodes: []workflow.NodeChange{
				{After: &tree.Node{ID: 1, Text: "same"}}, {After: &tree.Node{ID: 2, Text: "same"}}}})
		})
		if workflow.ErrorCode(err) != workflow.EConflict {
			t.Fatalf("duplicate text: code %q (%v), want conflict", workflow.ErrorCode(err), err)
		}
	})
}

func TestListAndChannel(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		db := mustOpen(t, be.New(t))
		var closedID, privID int64
		update(t, db, func(tx workflow.Tx) error {
			var err error
			if closedID, err = tx.CreateRCA(&workflow.RCA{Title: "old", Creator: "U1", Facilitator: "U1",
				Phase: workflow.PhaseClosed, Participants: []string{"U1"}}); err != nil {
				return err
			}
			if privID, err = tx.CreateRCA(&workflow.RCA{Title: "secret", Creator: "U1", Facilitator: "U1", Private: true,
				Phase: workflow.PhaseWiring, ChannelID: "C9", Participants: []string{"U1"}}); err != nil {
				return err
			}
			_, err = tx.CreateRCA(&workflow.RCA{Title: "open", Creator: "U2", Facilitator: "U2",
				Phase: workflow.PhaseCollecting, Participants: []string{"U2"}})
			return err
		})
		tests := []struct {
			name string
			user string
			want []string
		}{
			{name: "participant sees private, open first", user: "U1", want: []string{"open", "secret", "old"}},
			{name: "outsider does not see private", user: "U7", want: []string{"open", "old"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				var got []string
				if err := db.View(context.Background(), func(tx workflow.Tx) error {
					rs, err := tx.ListRCAs(tc.user)
					for _, r := range rs {
						got = append(got, r.Title)
					}
					return err
				}); err != nil {
					t.Fatal(err)
				}
				if strings.Join(got, ",") != strings.Join(tc.want, ",") {
					t.Fatalf("ListRCAs(%s) = %v, want %v", tc.user, got, tc.want)
				}
			})
		}
		if err := db.View(context.Background(), func(tx workflow.Tx) error {
			r, err := tx.RCAByChannel("C9")
			if err == nil && r.ID != privID {
				t.Errorf("RCAByChannel(C9) = %d, want %d", r.ID, privID)
			}
			if _, err := tx.RCAByChannel("C0"); workflow.ErrorCode(err) != workflow.ENotFound {
				t.Errorf("RCAByChannel(C0) code = %q, want not_found", workflow.ErrorCode(err))
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		_ = closedID
	})
}

func TestConcurrentWritersNeverLocked(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		db := mustOpen(t, be.New(t))
		id := createRCA(t, db)
		var wg sync.WaitGroup
		errs := make(chan error, 200)
		for w := 0; w < 20; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 10; i++ {
					_, err := db.Update(context.Background(), "", func(tx workflow.Tx) ([]byte, error) {
						_, err := tx.Audit(&workflow.AuditEntry{RCAID: id, Actor: "U1", Action: "x"})
						return nil, err
					})
					if err != nil {
						errs <- err
					}
					if err := db.View(context.Background(), func(tx workflow.Tx) error { _, err := tx.AuditLog(id); return err }); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("concurrent access: %v", err)
		}
		var n int
		db.View(context.Background(), func(tx workflow.Tx) error { log, err := tx.AuditLog(id); n = len(log); return err })
		if n != 200 {
			t.Fatalf("audit entries = %d, want 200", n)
		}
	})
}

func update(tb testing.TB, db *storage.DB, fn func(tx workflow.Tx) error) {
	tb.Helper()
	if _, err := db.Update(context.Background(), "", func(tx workflow.Tx) ([]byte, error) { return nil, fn(tx) }); err != nil {
		tb.Fatalf("Update: %v", err)
	}
}

func loadTree(tb testing.TB, db *storage.DB, id int64) *tree.Tree {
	tb.Helper()
	var tr *tree.Tree
	if err := db.View(context.Background(), func(tx workflow.Tx) error {
		var err error
		tr, err = tx.Tree(id)
		return err
	}); err != nil {
		tb.Fatalf("load tree: %v", err)
	}
	return tr
}

func TestPruneDeliveries(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		now := epoch
		db, err := storage.Open(context.Background(), be.New(t),
			storage.WithClock(func() time.Time { return now }))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for i, key := range []string{"old", "new"} {
			now = epoch.Add(time.Duration(i) * 48 * time.Hour)
			if _, err := db.Update(context.Background(), key, func(workflow.Tx) ([]byte, error) { return nil, nil }); err != nil {
				t.Fatal(err)
			}
		}
		n, err := db.PruneDeliveries(context.Background(), epoch.Add(24*time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("PruneDeliveries = %d, %v; want 1", n, err)
		}
		for key, want := range map[string]bool{"old": false, "new": true} {
			if got, _ := db.Handled(context.Background(), key); got != want {
				t.Errorf("Handled(%s) = %v, want %v", key, got, want)
			}
		}
	})
}

func TestViewIsReadOnly(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		db := mustOpen(t, be.New(t))
		err := db.View(context.Background(), func(tx workflow.Tx) error {
			_, err := tx.CreateRCA(&workflow.RCA{Title: "x", Creator: "U1", Facilitator: "U1", Phase: workflow.PhaseCollecting})
			return err
		})
		if err == nil {
			t.Fatal("a write inside View succeeded")
		}
	})
}

// TestTreeCacheSeesOnlyCommittedTrees loads a tree (caching it), changes it
// in a transaction that rolls back, then in one that commits, and checks what
// every later load sees.
func TestTreeCacheSeesOnlyCommittedTrees(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		path := be.New(t)
		db := mustOpen(t, path)
		id := createRCA(t, db)
		update(t, db, func(tx workflow.Tx) error {
			return tx.ApplyChange(id, workflow.TreeChange{Nodes: []workflow.NodeChange{{After: &tree.Node{ID: 1, Kind: tree.KindUDE, Text: "A"}}}})
		})
		first := loadTree(t, db, id)
		first.SetText(1, "mutated by a caller") // callers get their own copy
		boom := errors.New("boom")
		_, err := db.Update(context.Background(), "", func(tx workflow.Tx) ([]byte, error) {
			if err := tx.ApplyChange(id, workflow.TreeChange{Nodes: []workflow.NodeChange{{After: &tree.Node{ID: 2, Text: "B"}}}}); err != nil {
				return nil, err
			}
			inside, err := tx.Tree(id)
			if err != nil || inside.NumNodes() != 2 {
				t.Errorf("inside the transaction: %v nodes, %v; want 2", inside.NumNodes(), err)
			}
			return nil, boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		got := loadTree(t, db, id)
		if n, _ := got.Node(1); got.NumNodes() != 1 || n.Text != "A" {
			t.Fatalf("after rollback: %d nodes, #1 %q; want 1 node saying A", got.NumNodes(), n.Text)
		}
		update(t, db, func(tx workflow.Tx) error {
			return tx.ApplyChange(id, workflow.TreeChange{Nodes: []workflow.NodeChange{{After: &tree.Node{ID: 2, Text: "C"}}}})
		})
		if got := loadTree(t, db, id); got.NumNodes() != 2 {
			t.Fatalf("after commit: %d nodes, want 2", got.NumNodes())
		}
		db.Close()
		db = mustOpen(t, path)
		if got := loadTree(t, db, id); got.NumNodes() != 2 {
			t.Fatalf("after reopen: %d nodes, want 2", got.NumNodes())
		}
	})
}

// TestNumbersAfterDeletingAlmostEverything covers the placeholder paths of
// the number reservation: one live node left, and none.
func TestNumbersAfterDeletingAlmostEverything(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		tests := []struct {
			name     string
			deleteUD bool // also delete the UDE
			live     int
		}{
			{name: "one live node", live: 1},
			{name: "no live node", deleteUD: true, live: 0},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				db := mustOpen(t, be.New(t))
				id := createRCA(t, db)
				u := &tree.Node{ID: 1, Kind: tree.KindUDE, Text: "U"}
				c := &tree.Node{ID: 2, Text: "C"}
				g := &tree.Group{ID: 1, Effect: 1, Causes: []tree.NodeID{2}}
				update(t, db, func(tx workflow.Tx) error {
					return tx.ApplyChange(id, workflow.TreeChange{Nodes: []workflow.NodeChange{{After: u}, {After: c}},
						Groups: []workflow.GroupChange{{After: g}}})
				})
				del := workflow.TreeChange{Nodes: []workflow.NodeChange{{Before: c}}, Groups: []workflow.GroupChange{{Before: g}}}
				if tc.deleteUD {
					del.Nodes = append(del.Nodes, workflow.NodeChange{Before: u})
				}
				update(t, db, func(tx workflow.Tx) error { return tx.ApplyChange(id, del) })
				tr := loadTree(t, db, id)
				if tr.NumNodes() != tc.live || tr.NumGroups() != 0 || tr.NextNodeID() != 3 {
					t.Fatalf("%d nodes, %d links, next %s; want %d, 0, #3", tr.NumNodes(), tr.NumGroups(), tr.NextNodeID(), tc.live)
				}
				a, _ := tr.AddNode(tree.Node{Text: "A"})
				b, _ := tr.AddNode(tree.Node{Text: "B"})
				ng, err := tr.AddGroup(tree.Group{Effect: a.ID, Causes: []tree.NodeID{b.ID}})
				if err != nil || ng.ID != 2 {
					t.Fatalf("new link = %+v, %v; want number 2", ng, err)
				}
			})
		}
	})
}

// forEach runs fn once per backend, as subtests named after the backend, so
// the same suite checks the SQLite and the PostgreSQL implementation.
func forEach(t *testing.T, fn func(t *testing.T, be storagetest.Backend)) {
	t.Helper()
	for _, b := range storagetest.Backends() {
		t.Run(b.Name, func(t *testing.T) { fn(t, b) })
	}
}

// rawOpen opens dsn with the backend's driver, beside the storage package.
func rawOpen(tb testing.TB, be storagetest.Backend, dsn string) *sql.DB {
	tb.Helper()
	raw, err := sql.Open(be.Driver, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { raw.Close() })
	return raw
}

// TestTreeKeepsAgainst stores the Future Reality Tree part of a tree: an
// injection against the node it fixes, and a desired effect against the
// symptom it is the counterpart of, added and then changed.
func TestTreeKeepsAgainst(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		path := be.New(t)
		db := mustOpen(t, path)
		id := createRCA(t, db)
		ude := &tree.Node{ID: 1, Kind: tree.KindUDE, Text: "Checkout fails"}
		cause := &tree.Node{ID: 2, Kind: tree.KindCause, Text: "DB pool exhausted"}
		fix := &tree.Node{ID: 3, Kind: tree.KindInjection, Text: "The pool is sized for peak load", Against: 2}
		good := &tree.Node{ID: 4, Kind: tree.KindDesiredEffect, Text: "Every checkout goes through", Against: 1}
		update(t, db, func(tx workflow.Tx) error {
			return tx.ApplyChange(id, workflow.TreeChange{Nodes: []workflow.NodeChange{{After: ude}, {After: cause}, {After: fix}, {After: good}}})
		})
		moved := *fix
		moved.Against = 1
		update(t, db, func(tx workflow.Tx) error {
			return tx.ApplyChange(id, workflow.TreeChange{Nodes: []workflow.NodeChange{{Before: fix, After: &moved}}})
		})
		db.Close()
		got := loadTree(t, mustOpen(t, path), id)
		for _, want := range []struct{ node, against tree.NodeID }{{1, 0}, {3, 1}, {4, 1}} {
			if n, ok := got.Node(want.node); !ok || n.Against != want.against {
				t.Errorf("node %s = %+v, want against %s", want.node, n, want.against)
			}
		}
	})
}
