package storage

import (
	"sync"
	"sync/atomic"

	"github.com/untangle-rca/untangle/tree"
)

// treeCacheSize bounds how many RCA trees are kept in memory.
const treeCacheSize = 64

// treeCache keeps the last tree loaded for recently used RCAs, keyed by the
// RCA's tree_version, so commands do not rebuild an unchanged tree. Only
// trees read from committed data are stored (see Tx.Tree), and callers always
// get their own clone.
type treeCache struct {
	mu           sync.Mutex
	entries      map[int64]cachedTree
	hits, misses atomic.Int64
	disabled     bool // set by WithoutTreeCache before first use
}

type cachedTree struct {
	version int64
	tree    *tree.Tree
}

func newTreeCache() *treeCache { return &treeCache{entries: map[int64]cachedTree{}} }

// get returns a clone of the cached tree of rcaID at version, if any.
func (c *treeCache) get(rcaID, version int64) (*tree.Tree, bool) {
	if c.disabled {
		c.misses.Add(1)
		return nil, false
	}
	c.mu.Lock()
	e, ok := c.entries[rcaID]
	c.mu.Unlock()
	if !ok || e.version != version {
		c.misses.Add(1)
		return nil, false
	}
	c.hits.Add(1)
	return e.tree.Clone(), true
}

// put stores a clone of t as the tree of rcaID at version, evicting another
// entry when the cache is full.
func (c *treeCache) put(rcaID, version int64, t *tree.Tree) {
	if !c.disabled {
		c.putOwned(rcaID, version, t.Clone())
	}
}

// putOwned is put for a tree nobody else holds: it is stored as it is.
func (c *treeCache) putOwned(rcaID, version int64, cp *tree.Tree) {
	if c.disabled {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[rcaID]; ok && old.version > version {
		return
	}
	if _, ok := c.entries[rcaID]; !ok && len(c.entries) >= treeCacheSize {
		for id := range c.entries {
			delete(c.entries, id)
			break
		}
	}
	c.entries[rcaID] = cachedTree{version: version, tree: cp}
}

// TreeCacheStats returns how many tree loads were served from the cache and
// how many had to read the tables, since Open.
func (db *DB) TreeCacheStats() (hits, misses int64) {
	return db.trees.hits.Load(), db.trees.misses.Load()
}
