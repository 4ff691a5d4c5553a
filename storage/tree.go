package storage

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// Tree loads the RCA's live (not deleted) nodes and links, with their stored
// numbers. New nodes and links added to the returned tree get numbers above
// every number ever used in the RCA, deleted ones included, so an undo can
// always bring a deleted node back under its old number.
//
// A tree read from committed data (the transaction has changed no tree yet)
// is cached under the RCA's tree_version, which every ApplyChange bumps; the
// next load at the same version is a clone of the cached tree.
func (t *Tx) Tree(rcaID int64) (*tree.Tree, error) {
	if err := t.lock(rcaID); err != nil {
		return nil, err
	}
	var title string
	var maxNode, maxGroup int
	var version int64
	if err := t.queryRow(`SELECT title, tree_version,
		(SELECT COALESCE(MAX(num), 0) FROM nodes WHERE rca_id = rcas.id),
		(SELECT COALESCE(MAX(num), 0) FROM groups WHERE rca_id = rcas.id)
		FROM rcas WHERE id = ?`, rcaID).Scan(&title, &version, &maxNode, &maxGroup); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, notFound("There is no RCA #%d.", rcaID)
		}
		return nil, fmt.Errorf("storage: load tree of rca %d: %w", rcaID, err)
	}
	if !t.dirty {
		if tr, ok := t.trees.get(rcaID, version); ok {
			tr.Title = title
			return tr, nil
		}
	}
	tr, err := t.buildTree(rcaID, title, maxNode, maxGroup)
	if err != nil {
		return nil, fmt.Errorf("storage: load tree of rca %d: %w", rcaID, err)
	}
	if !t.dirty {
		t.trees.put(rcaID, version, tr)
	}
	return tr, nil
}

// buildTree reads the RCA's live nodes and links into a tree.
func (t *Tx) buildTree(rcaID int64, title string, maxNode, maxGroup int) (*tree.Tree, error) {
	nodes, err := t.loadNodes(rcaID)
	if err != nil {
		return nil, err
	}
	groups, err := t.loadGroups(rcaID)
	if err != nil {
		return nil, err
	}
	tr, err := tree.Build(title, nodes, groups)
	if err != nil {
		return nil, err
	}
	// Numbers of deleted nodes and links are never reused.
	tr.ReserveNumbers(tree.NodeID(maxNode), tree.GroupID(maxGroup))
	return tr, nil
}

func (t *Tx) loadNodes(rcaID int64) ([]tree.Node, error) {
	rows, err := t.query(`SELECT num, kind, text, weight, evidence, unverified, root_marked,
		blame_worded, against FROM nodes WHERE rca_id = ? AND deleted_at IS NULL ORDER BY num`, rcaID)
	if err != nil {
		return nil, fmt.Errorf("query nodes: %w", err)
	}
	defer rows.Close()
	var out []tree.Node
	for rows.Next() {
		var n tree.Node
		var unverified, root, blame int
		if err := rows.Scan(&n.ID, &n.Kind, &n.Text, &n.Weight, &n.Evidence, &unverified, &root, &blame, &n.Against); err != nil {
			return nil, fmt.Errorf("scan node: %w", err)
		}
		n.Unverified, n.RootMarked, n.BlameWorded = unverified != 0, root != 0, blame != 0
		out = append(out, n)
	}
	return out, rows.Err()
}

func (t *Tx) loadGroups(rcaID int64) ([]tree.Group, error) {
	rows, err := t.query(`SELECT g.num, g.effect, g.status, c.node_num FROM groups g
		JOIN group_causes c ON c.rca_id = g.rca_id AND c.group_num = g.num
		WHERE g.rca_id = ? AND g.deleted_at IS NULL ORDER BY g.num, c.position`, rcaID)
	if err != nil {
		return nil, fmt.Errorf("query links: %w", err)
	}
	defer rows.Close()
	var groups []tree.Group
	for rows.Next() {
		var g tree.Group
		var cause tree.NodeID
		if err := rows.Scan(&g.ID, &g.Effect, &g.Status, &cause); err != nil {
			return nil, fmt.Errorf("scan link: %w", err)
		}
		if n := len(groups); n > 0 && groups[n-1].ID == g.ID {
			groups[n-1].Causes = append(groups[n-1].Causes, cause)
			continue
		}
		g.Causes = []tree.NodeID{cause}
		groups = append(groups, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query links: %w", err)
	}
	return groups, nil
}

// ApplyChange writes a tree change: nodes first (deletions, then the rest),
// then links. A node or link that was deleted earlier comes back when the
// change adds it under its old number.
func (t *Tx) ApplyChange(rcaID int64, ch workflow.TreeChange) error {
	if err := t.lock(rcaID); err != nil {
		return err
	}
	t.dirty = true
	var version int64
	err := t.queryRow(`UPDATE rcas SET tree_version = tree_version + 1 WHERE id = ?
		RETURNING tree_version`, rcaID).Scan(&version)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("There is no RCA #%d.", rcaID)
	}
	if err != nil {
		return fmt.Errorf("storage: rca %d: bump tree version: %w", rcaID, err)
	}
	if err := t.writeChange(rcaID, ch); err != nil {
		return err
	}
	t.advance(rcaID, version, ch)
	return nil
}

// advance remembers ch, the change that made the tree of rcaID version
// version, so that the cached tree can be brought to that version in place
// once this transaction commits (see DB.Update).
func (t *Tx) advance(rcaID, version int64, ch workflow.TreeChange) {
	if t.pending == nil {
		t.pending = map[int64]*cachedChange{}
	}
	p, ok := t.pending[rcaID]
	if !ok {
		p = &cachedChange{from: version - 1}
		t.pending[rcaID] = p
	}
	p.to = version
	p.changes = append(p.changes, copyChange(ch))
}

// applyToTree makes in memory the change writeChange makes in the tables.
func applyToTree(tr *tree.Tree, ch workflow.TreeChange) error {
	for _, c := range ch.Groups {
		if c.Before != nil {
			if err := tr.RemoveGroup(c.Before.ID); err != nil {
				return err
			}
		}
	}
	for _, c := range ch.Nodes {
		if c.Before != nil && c.After == nil {
			if err := tr.RemoveNode(c.Before.ID); err != nil {
				return err
			}
		}
	}
	for _, c := range ch.Nodes {
		if err := applyNodeToTree(tr, c); err != nil {
			return err
		}
	}
	for _, c := range ch.Groups {
		if c.After != nil {
			if _, err := tr.AddGroup(*c.After); err != nil {
				return err
			}
		}
	}
	return nil
}

func applyNodeToTree(tr *tree.Tree, c workflow.NodeChange) error {
	switch {
	case c.After == nil:
		return nil
	case c.Before == nil:
		_, err := tr.AddNode(*c.After)
		return err
	}
	n, ok := tr.Node(c.After.ID)
	if !ok {
		return fmt.Errorf("node %s is not in the cached tree", c.After.ID)
	}
	if err := tr.SetText(n.ID, c.After.Text); err != nil {
		return err
	}
	*n = *c.After
	return nil
}

// writeChange writes the rows of a tree change.
func (t *Tx) writeChange(rcaID int64, ch workflow.TreeChange) error {
	for _, pass := range []bool{true, false} {
		for _, c := range ch.Nodes {
			if (c.After == nil) != pass {
				continue
			}
			if err := t.applyNode(rcaID, c); err != nil {
				return fmt.Errorf("storage: rca %d: %w", rcaID, err)
			}
		}
	}
	for _, pass := range []bool{true, false} {
		for _, c := range ch.Groups {
			if (c.After == nil) != pass {
				continue
			}
			if err := t.applyGroup(rcaID, c); err != nil {
				return fmt.Errorf("storage: rca %d: %w", rcaID, err)
			}
		}
	}
	return nil
}

func (t *Tx) applyNode(rcaID int64, c workflow.NodeChange) error {
	switch {
	case c.After == nil && c.Before != nil:
		res, err := t.exec(`UPDATE nodes SET deleted_at = ? WHERE rca_id = ? AND num = ? AND deleted_at IS NULL`,
			formatTime(t.now), rcaID, c.Before.ID)
		if err != nil {
			return fmt.Errorf("delete node %s: %w", c.Before.ID, err)
		}
		return expectOne(res, "Node %s no longer exists.", c.Before.ID)
	case c.After == nil:
		return nil
	}
	n := c.After
	args := []any{string(n.Kind), n.Text, n.Weight, n.Evidence, boolInt(n.Unverified), boolInt(n.RootMarked),
		boolInt(n.BlameWorded), int(n.Against)}
	if c.Before != nil {
		res, err := t.exec(`UPDATE nodes SET kind = ?, text = ?, weight = ?, evidence = ?, unverified = ?,
			root_marked = ?, blame_worded = ?, against = ? WHERE rca_id = ? AND num = ? AND deleted_at IS NULL`,
			append(args, rcaID, n.ID)...)
		if err != nil {
			return fmt.Errorf("update node %s: %w", n.ID, err)
		}
		return expectOne(res, "Node %s no longer exists.", n.ID)
	}
	res, err := t.exec(`UPDATE nodes SET kind = ?, text = ?, weight = ?, evidence = ?, unverified = ?,
		root_marked = ?, blame_worded = ?, against = ?, deleted_at = NULL WHERE rca_id = ? AND num = ? AND deleted_at IS NOT NULL`,
		append(args, rcaID, n.ID)...)
	if err != nil {
		return fmt.Errorf("restore node %s: %w", n.ID, err)
	}
	if k, _ := res.RowsAffected(); k == 1 {
		return nil
	}
	if _, err := t.exec(`INSERT INTO nodes (rca_id, num, kind, text, weight, evidence, unverified, root_marked,
		blame_worded, against, source_link, author, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append(append([]any{rcaID, n.ID}, args...), c.SourceLink, c.Author, formatTime(t.now))...); err != nil {
		return fmt.Errorf("insert node %s: %w", n.ID, err)
	}
	return nil
}

func (t *Tx) applyGroup(rcaID int64, c workflow.GroupChange) error {
	switch {
	case c.After == nil && c.Before != nil:
		res, err := t.exec(`UPDATE groups SET deleted_at = ? WHERE rca_id = ? AND num = ? AND deleted_at IS NULL`,
			formatTime(t.now), rcaID, c.Before.ID)
		if err != nil {
			return fmt.Errorf("delete link %d: %w", c.Before.ID, err)
		}
		return expectOne(res, "Link %d no longer exists.", c.Before.ID)
	case c.After == nil:
		return nil
	}
	g := c.After
	status := g.Status
	if status == "" {
		status = tree.StatusUnreviewed
	}
	res, err := t.exec(`UPDATE groups SET effect = ?, status = ?, deleted_at = NULL WHERE rca_id = ? AND num = ?
		AND (deleted_at IS NULL) = ?`, g.Effect, string(status), rcaID, g.ID, c.Before != nil)
	if err != nil {
		return fmt.Errorf("update link %d: %w", g.ID, err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		if c.Before != nil {
			return notFound("Link %d no longer exists.", g.ID)
		}
		if _, err := t.exec(`INSERT INTO groups (rca_id, num, effect, status, created_at) VALUES (?, ?, ?, ?, ?)`,
			rcaID, g.ID, g.Effect, string(status), formatTime(t.now)); err != nil {
			return fmt.Errorf("insert link %d: %w", g.ID, err)
		}
	}
	if _, err := t.exec(`DELETE FROM group_causes WHERE rca_id = ? AND group_num = ?`, rcaID, g.ID); err != nil {
		return fmt.Errorf("rewrite causes of link %d: %w", g.ID, err)
	}
	for i, cause := range g.Causes {
		if _, err := t.exec(`INSERT INTO group_causes (rca_id, group_num, position, node_num) VALUES (?, ?, ?, ?)`,
			rcaID, g.ID, i, cause); err != nil {
			return fmt.Errorf("rewrite causes of link %d: %w", g.ID, err)
		}
	}
	return nil
}

// NodeInfo returns who added a node and where it came from.
func (t *Tx) NodeInfo(rcaID int64, id tree.NodeID) (workflow.NodeInfo, error) {
	if err := t.lock(rcaID); err != nil {
		return workflow.NodeInfo{}, err
	}
	var info workflow.NodeInfo
	var created string
	err := t.queryRow(`SELECT author, source_link, created_at FROM nodes
		WHERE rca_id = ? AND num = ? AND deleted_at IS NULL`, rcaID, id).Scan(&info.Author, &info.SourceLink, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return info, notFound("Node %s does not exist in this RCA.", id)
	}
	if err != nil {
		return info, fmt.Errorf("storage: node %s of rca %d: %w", id, rcaID, err)
	}
	if info.CreatedAt, err = parseTime(created); err != nil {
		return info, fmt.Errorf("storage: node %s of rca %d: %w", id, rcaID, err)
	}
	return info, nil
}

// Skips returns the nodes skipped in the wiring walk.
func (t *Tx) Skips(rcaID int64) ([]tree.NodeID, error) {
	if err := t.lock(rcaID); err != nil {
		return nil, err
	}
	rows, err := t.query(`SELECT node_num FROM walk_skips WHERE rca_id = ? ORDER BY node_num`, rcaID)
	if err != nil {
		return nil, fmt.Errorf("storage: skips of rca %d: %w", rcaID, err)
	}
	defer rows.Close()
	var out []tree.NodeID
	for rows.Next() {
		var id tree.NodeID
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("storage: skips of rca %d: %w", rcaID, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// SetSkip remembers or forgets that a node was skipped in the walk.
func (t *Tx) SetSkip(rcaID int64, id tree.NodeID, skipped bool) error {
	if err := t.lock(rcaID); err != nil {
		return err
	}
	q := `DELETE FROM walk_skips WHERE rca_id = ? AND node_num = ?`
	if skipped {
		q = `INSERT INTO walk_skips (rca_id, node_num) VALUES (?, ?) ON CONFLICT DO NOTHING`
	}
	if _, err := t.exec(q, rcaID, id); err != nil {
		return fmt.Errorf("storage: skip %s in rca %d: %w", id, rcaID, err)
	}
	return nil
}
