package workflow

import (
	"context"
	"fmt"
	"slices"

	"github.com/untangle-rca/untangle/tree"
)

// WalkStep is where the guided wiring walk stands.
type WalkStep struct {
	Node      *tree.Node    // the next node to ask "why did this happen?" about; nil when done
	Remaining int           // unexplained nodes still to visit, Node included, skipped ones excluded
	Skipped   []tree.NodeID // nodes skipped for now, in walk order
	Prompts   []string      // sufficiency prompts for effects with a single one-cause link, in walk order
}

// WalkOrder returns every node in the walk's deterministic order: UDEs by
// number, then their causes breadth-first (links by number, causes in order),
// then any node not reached, by number.
func WalkOrder(t *tree.Tree) []tree.NodeID {
	return walkOrder(t, groupsInto(t))
}

// groupsInto indexes the groups by effect, each list ordered by number.
func groupsInto(t *tree.Tree) map[tree.NodeID][]*tree.Group {
	into := map[tree.NodeID][]*tree.Group{}
	for _, g := range t.Groups() {
		into[g.Effect] = append(into[g.Effect], g)
	}
	return into
}

func walkOrder(t *tree.Tree, into map[tree.NodeID][]*tree.Group) []tree.NodeID {
	seen := map[tree.NodeID]bool{}
	var order, queue []tree.NodeID
	visit := func(id tree.NodeID) {
		if !seen[id] {
			seen[id] = true
			order = append(order, id)
			queue = append(queue, id)
		}
	}
	nodes := t.Nodes()
	for _, n := range nodes {
		if n.Kind == tree.KindUDE {
			visit(n.ID)
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, g := range into[id] {
			for _, c := range g.Causes {
				visit(c)
			}
		}
	}
	for _, n := range nodes {
		if !seen[n.ID] {
			order = append(order, n.ID)
		}
	}
	return order
}

// needsCause reports whether the walk should ask about n: a UDE, cause or
// premise with no link into it that nobody marked as a root.
func needsCause(n *tree.Node, into map[tree.NodeID][]*tree.Group) bool {
	switch n.Kind {
	case tree.KindInjection, tree.KindDesiredEffect:
		return false
	}
	return !n.RootMarked && len(into[n.ID]) == 0
}

// NextStep computes the walk over t with the given skipped nodes.
func NextStep(t *tree.Tree, skipped []tree.NodeID) WalkStep {
	var step WalkStep
	into := groupsInto(t)
	for _, id := range walkOrder(t, into) {
		n, _ := t.Node(id)
		if gs := into[id]; len(gs) == 1 && len(gs[0].Causes) == 1 {
			step.Prompts = append(step.Prompts, sufficiencyPrompt(t, id))
		}
		if !needsCause(n, into) {
			continue
		}
		if slices.Contains(skipped, id) {
			step.Skipped = append(step.Skipped, id)
			continue
		}
		step.Remaining++
		if step.Node == nil {
			cp := *n
			step.Node = &cp
		}
	}
	return step
}

// Walk returns the current step of the wiring walk.
func (s *Service) Walk(ctx context.Context, actor Actor, rcaID int64) (*WalkStep, error) {
	var step WalkStep
	err := s.view(ctx, actor, rcaID, func(tx Tx, r *RCA) error {
		t, err := tx.Tree(r.ID)
		if err != nil {
			return err
		}
		skips, err := tx.Skips(r.ID)
		if err != nil {
			return err
		}
		step = NextStep(t, skips)
		return nil
	})
	return &step, err
}

// Skip remembers that the walk should pass over node for now ("Skip for
// now"); adding a cause to it or Unskip brings it back.
func (s *Service) Skip(ctx context.Context, actor Actor, rcaID int64, node tree.NodeID) (*Result, error) {
	return s.setSkip(ctx, actor, rcaID, node, true)
}

// Unskip puts a skipped node back into the walk.
func (s *Service) Unskip(ctx context.Context, actor Actor, rcaID int64, node tree.NodeID) (*Result, error) {
	return s.setSkip(ctx, actor, rcaID, node, false)
}

func (s *Service) setSkip(ctx context.Context, actor Actor, rcaID int64, node tree.NodeID, skip bool) (*Result, error) {
	return s.run(ctx, actor, rcaID, CmdSkip, func(tx Tx, r *RCA, res *Result) error {
		if _, err := tx.NodeInfo(r.ID, node); err != nil {
			return err
		}
		if err := tx.SetSkip(r.ID, node, skip); err != nil {
			return err
		}
		res.Existing = []tree.NodeID{node}
		return audit(tx, r.ID, actor, "skip", fmt.Sprintf("node %s", node), !skip, skip)
	})
}
