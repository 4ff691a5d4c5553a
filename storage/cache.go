package storage

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// treeCacheSize bounds how many RCA trees are kept in memory.
const treeCacheSize = 64

// treeCache keeps the last tree loaded for recently used RCAs, keyed by the
// RCA's tree_version, so commands do not rebuild an unchanged tree. Only
// trees read from committed data are stored (see Tx.Tree), readers get
// their own clone, and a committed change is applied to the cached tree in
// place (see advance). A write changes a spare copy that it hands back
// (see Tx.EditTree), so a change of a few nodes copies none of the tree.
type treeCache struct {
	mu           sync.Mutex // guards entries (the map, not the trees)
	entries      map[int64]*cacheEntry
	hits, misses atomic.Int64
	disabled     bool // set by WithoutTreeCache before first use
}

// cacheEntry is one RCA's cached tree. Its lock guards version, tree and
// spare: readers clone the tree under the read lock, a commit changes it in
// place under the write lock. The tree never leaves the cache. The spare is
// a second copy at the same version that one write transaction at a time
// borrows and changes in place instead of cloning the tree (see
// Tx.EditTree); nil while lent, or when there is none.
type cacheEntry struct {
	mu      sync.RWMutex
	version int64
	tree    *tree.Tree // nil once a change failed to apply: the entry is dead
	spare   *tree.Tree
}

// cachedChange is what a transaction changed in one RCA's tree: the tree
// version it started from, the version it leaves, and its changes in order.
type cachedChange struct {
	from, to int64
	changes  []workflow.TreeChange
}

func newTreeCache() *treeCache { return &treeCache{entries: map[int64]*cacheEntry{}} }

// entry returns the entry of rcaID, or nil.
func (c *treeCache) entry(rcaID int64) *cacheEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries[rcaID]
}

// get returns a clone of the cached tree of rcaID at version, if any.
func (c *treeCache) get(rcaID, version int64) (*tree.Tree, bool) {
	if c.disabled {
		c.misses.Add(1)
		return nil, false
	}
	if e := c.entry(rcaID); e != nil {
		e.mu.RLock()
		defer e.mu.RUnlock()
		if e.version == version && e.tree != nil {
			c.hits.Add(1)
			return e.tree.Clone(), true
		}
	}
	c.misses.Add(1)
	return nil, false
}

// put stores a clone of t as the tree of rcaID at version, unless a newer
// version is cached, evicting another entry when the cache is full. The check
// and the store happen under c.mu, as advance's change in place does, so a
// reader's older tree never replaces an entry a commit has just advanced.
func (c *treeCache) put(rcaID, version int64, t *tree.Tree) {
	if c.disabled {
		return
	}
	e := &cacheEntry{version: version, tree: t.Clone()}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[rcaID]; ok {
		old.mu.RLock()
		newer := old.version > version && old.tree != nil
		old.mu.RUnlock()
		if newer {
			return
		}
	} else if len(c.entries) >= treeCacheSize {
		for id := range c.entries {
			delete(c.entries, id)
			break
		}
	}
	c.entries[rcaID] = e
}

// advance applies a committed change to the cached tree of rcaID in place,
// if the cache holds the version the change started from. A change that
// does not apply cleanly drops the entry, so the next load reads the tables.
// It holds c.mu throughout, so put cannot swap the entry meanwhile.
func (c *treeCache) advance(rcaID int64, ch cachedChange) {
	if c.disabled {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[rcaID]
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.spare = nil // at the old version; the writer hands its own back
	if e.tree == nil || e.version != ch.from {
		return // another load or commit got there first; versions keep it right
	}
	for _, change := range ch.changes {
		if err := applyToTree(e.tree, change); err != nil {
			e.tree = nil
			delete(c.entries, rcaID)
			return
		}
	}
	e.version = ch.to
}

// lend hands out the spare tree of rcaID at version, if there is one, for a
// write transaction to change in place; giveBack returns it.
func (c *treeCache) lend(rcaID, version int64) (*tree.Tree, bool) {
	if c.disabled {
		return nil, false
	}
	e := c.entry(rcaID)
	if e == nil {
		return nil, false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.tree == nil || e.version != version || e.spare == nil {
		return nil, false
	}
	t := e.spare
	e.spare = nil
	c.hits.Add(1)
	return t, true
}

// giveBack keeps t, a tree of rcaID at version that no one else holds, as
// the entry's spare, when the entry is at that version and has none.
func (c *treeCache) giveBack(rcaID, version int64, t *tree.Tree) {
	if c.disabled {
		return
	}
	e := c.entry(rcaID)
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.tree != nil && e.version == version && e.spare == nil {
		e.spare = t
	}
}

// copyChange returns a deep copy of ch, so that a change kept until its
// transaction commits cannot be altered by the caller meanwhile.
func copyChange(ch workflow.TreeChange) workflow.TreeChange {
	out := workflow.TreeChange{Nodes: slices.Clone(ch.Nodes), Groups: slices.Clone(ch.Groups)}
	for i := range out.Nodes {
		out.Nodes[i].Before = copyNode(out.Nodes[i].Before)
		out.Nodes[i].After = copyNode(out.Nodes[i].After)
	}
	for i := range out.Groups {
		out.Groups[i].Before = copyGroup(out.Groups[i].Before)
		out.Groups[i].After = copyGroup(out.Groups[i].After)
	}
	return out
}

func copyNode(n *tree.Node) *tree.Node {
	if n == nil {
		return nil
	}
	c := *n
	return &c
}

func copyGroup(g *tree.Group) *tree.Group {
	if g == nil {
		return nil
	}
	c := *g
	c.Causes = slices.Clone(g.Causes)
	return &c
}

// TreeCacheStats returns how many tree loads were served from the cache and
// how many had to read the tables, since Open.
func (db *DB) TreeCacheStats() (hits, misses int64) {
	return db.trees.hits.Load(), db.trees.misses.Load()
}
