package storage_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/storage/storagetest"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// TestTreeCacheUnderConcurrentCommits commits changes while readers load
// the tree, and checks that every tree read is a whole committed state and
// that the cached tree ends equal to the tables.
func TestTreeCacheUnderConcurrentCommits(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		path := be.New(t)
		db := mustOpen(t, path)
		id := createRCA(t, db)
		const commits = 60
		done := make(chan struct{})
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() {
				for {
					select {
					case <-done:
						return
					default:
					}
					var tr *tree.Tree
					if err := db.View(context.Background(), func(tx workflow.Tx) error {
						var err error
						tr, err = tx.Tree(id)
						return err
					}); err != nil {
						t.Errorf("load tree: %v", err)
						return
					}
					for i := range tr.NumNodes() {
						if _, ok := tr.Node(tree.NodeID(i + 1)); !ok {
							t.Errorf("a tree of %d nodes lacks #%d", tr.NumNodes(), i+1)
							return
						}
					}
				}
			})
		}
		for i := range commits {
			n := &tree.Node{ID: tree.NodeID(i + 1), Kind: tree.KindUDE, Text: fmt.Sprintf("Symptom %d", i)}
			update(t, db, func(tx workflow.Tx) error {
				if _, err := tx.Tree(id); err != nil { // a write loads the tree first, as the workflow does
					return err
				}
				return tx.ApplyChange(id, workflow.TreeChange{Nodes: []workflow.NodeChange{{After: n}}})
			})
		}
		close(done)
		wg.Wait()
		hits, _ := db.TreeCacheStats()
		warm := loadTree(t, db, id)
		if after, _ := db.TreeCacheStats(); after == hits {
			t.Fatal("the last load was not served from the cache")
		}
		db.Close()
		cold := loadTree(t, mustOpen(t, path), id)
		w, _ := warm.MarshalJSON()
		c, _ := cold.MarshalJSON()
		if string(w) != string(c) || warm.NumNodes() != commits {
			t.Fatalf("cached tree differs from the tables:\ncached %s\ntables %s", w, c)
		}
	})
}

// TestTreeCacheKeepsTheCommittedChange changes a TreeChange after handing it
// to ApplyChange and checks that the cache holds what was written.
func TestTreeCacheKeepsTheCommittedChange(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		db := mustOpen(t, be.New(t))
		id := createRCA(t, db)
		update(t, db, func(tx workflow.Tx) error {
			return tx.ApplyChange(id, workflow.TreeChange{Nodes: []workflow.NodeChange{{After: &tree.Node{ID: 1, Kind: tree.KindUDE, Text: "A"}}}})
		})
		loadTree(t, db, id) // cache it
		update(t, db, func(tx workflow.Tx) error {
			n := &tree.Node{ID: 2, Text: "B"}
			g := &tree.Group{ID: 1, Effect: 1, Causes: []tree.NodeID{2}}
			err := tx.ApplyChange(id, workflow.TreeChange{Nodes: []workflow.NodeChange{{After: n}},
				Groups: []workflow.GroupChange{{After: g}}})
			n.Text, g.Causes[0] = "changed afterwards", 1
			return err
		})
		hits, _ := db.TreeCacheStats()
		tr := loadTree(t, db, id)
		if after, _ := db.TreeCacheStats(); after == hits {
			t.Fatal("the load was not served from the cache")
		}
		n, ok := tr.Node(2)
		g, gok := tr.Group(1)
		if !ok || n.Text != "B" || !gok || g.Causes[0] != 2 {
			t.Fatalf("cached tree has #2 %v and link %v; want #2 saying B caused into #1", n, g)
		}
	})
}

// TestUpdateWaitsItsTurn holds the writer with one transaction and checks
// that another one, whose context ends while it waits, gives up without
// running, and that a third runs once the first has committed.
func TestUpdateWaitsItsTurn(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		db := mustOpen(t, be.New(t))
		id := createRCA(t, db)
		inside, release := make(chan struct{}), make(chan struct{})
		first := make(chan error, 1)
		go func() {
			_, err := db.Update(context.Background(), "", func(tx workflow.Tx) ([]byte, error) {
				close(inside)
				<-release
				return nil, tx.ApplyChange(id, workflow.TreeChange{Nodes: []workflow.NodeChange{{After: &tree.Node{ID: 1, Kind: tree.KindUDE, Text: "A"}}}})
			})
			first <- err
		}()
		<-inside
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		ran := false
		_, err := db.Update(ctx, "", func(workflow.Tx) ([]byte, error) { ran = true; return nil, nil })
		if !errors.Is(err, context.Canceled) || ran {
			t.Fatalf("a write whose context ended while waiting: ran %v, error %v; want not run, context.Canceled", ran, err)
		}
		close(release)
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		if got := loadTree(t, db, id); got.NumNodes() != 1 {
			t.Fatalf("after the first write: %d nodes, want 1", got.NumNodes())
		}
	})
}

// TestEditTreeReusesOneTree checks that write transactions change the
// cache's spare tree in place instead of cloning the cached tree, and that
// what a transaction changed and did not commit never reaches the next one.
func TestEditTreeReusesOneTree(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		path := be.New(t)
		db := mustOpen(t, path)
		id := createRCA(t, db)
		node := func(n int) *tree.Node {
			return &tree.Node{ID: tree.NodeID(n), Kind: tree.KindUDE, Text: fmt.Sprintf("Symptom %d", n)}
		}
		// edit loads the tree for a change, lets fn change it, and commits
		// when fn returns nil; it returns the tree it was lent.
		edit := func(fn func(tx workflow.Tx, tr *tree.Tree) error) (lent *tree.Tree, err error) {
			_, err = db.Update(context.Background(), "", func(tx workflow.Tx) ([]byte, error) {
				tr, err := tx.EditTree(id)
				if err != nil {
					return nil, err
				}
				lent = tr
				return nil, fn(tx, tr)
			})
			return lent, err
		}
		add := func(n int) func(tx workflow.Tx, tr *tree.Tree) error {
			return func(tx workflow.Tx, tr *tree.Tree) error {
				if _, err := tr.AddNode(*node(n)); err != nil {
					return err
				}
				return tx.ApplyChange(id, workflow.TreeChange{Nodes: []workflow.NodeChange{{After: node(n)}}})
			}
		}
		for n := 1; n <= 3; n++ {
			if _, err := edit(add(n)); err != nil {
				t.Fatal(err)
			}
		}
		first, err := edit(add(4))
		if err != nil {
			t.Fatal(err)
		}
		abandoned := errors.New("abandoned")
		second, err := edit(func(tx workflow.Tx, tr *tree.Tree) error {
			if tr.NumNodes() != 4 {
				t.Errorf("the lent tree has %d nodes, want 4", tr.NumNodes())
			}
			if err := tr.SetText(1, "Reworded"); err != nil {
				return err
			}
			if err := tr.RemoveNode(2); err != nil {
				return err
			}
			if _, err := tr.AddNode(tree.Node{Text: "Never stored"}); err != nil {
				return err
			}
			n, _ := tr.Node(3)
			n.RootMarked = true
			return abandoned
		})
		if !errors.Is(err, abandoned) {
			t.Fatalf("Update = %v, want the abandoned change's error", err)
		}
		third, err := edit(add(5))
		if err != nil {
			t.Fatal(err)
		}
		if first != second || second != third {
			t.Error("the transactions cloned the tree instead of reusing the spare")
		}
		warm, _ := loadTree(t, db, id).MarshalJSON()
		lent, err := edit(func(workflow.Tx, *tree.Tree) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		spare, _ := lent.MarshalJSON()
		cold, _ := loadTree(t, mustOpenUncached(t, path), id).MarshalJSON()
		if string(warm) != string(cold) || string(spare) != string(cold) {
			t.Fatalf("cached trees differ from the tables:\ncached %s\nspare  %s\ntables %s", warm, spare, cold)
		}
	})
}

// mustOpenUncached opens the database without a tree cache, so trees are
// read from the tables.
func mustOpenUncached(tb testing.TB, path string) *storage.DB {
	tb.Helper()
	db, err := storage.Open(context.Background(), path, storage.WithoutTreeCache())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
