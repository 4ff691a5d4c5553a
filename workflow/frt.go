package workflow

// This file holds the commands that grow the Future Reality Tree part of an
// RCA's tree while fixes are planned: a negative branch raised on a fix and
// trimmed by another injection, a desirable effect a fix produces, and the
// team's wording of the positive counterpart of a removed symptom. They are
// nodes and links of the RCA's tree (see tree.Kind.Future), so every export
// and picture carries them; the Current State Tree analysis ignores them.

import (
	"context"
	"fmt"
	"slices"

	"github.com/untangle-rca/untangle/tree"
)

// MaxBranchSteps is how many intermediate steps a negative branch may have.
const MaxBranchSteps = 5

// NegativeInput is a negative-branch reservation on a fix: IF the fix is
// done THEN, through Steps, the new undesirable Effect follows.
type NegativeInput struct {
	Fix    int64    // the fix the branch starts from
	Steps  []string // intermediate effects, in order; optional
	Effect string   // the new undesirable effect the branch ends in
}

// RaiseNegative records a negative branch on a fix: the fix's injection
// (added to the tree when it is not there yet), each step and the effect as
// negative effects, linked in a chain. NewNodes are the steps and the
// effect, in order. Anyone taking part may raise one while fixes are
// planned. Errors: EInvalid (steps, effect), ENotFound (fix), EConflict (a
// text another kind of node already says), EWrongPhase.
func (s *Service) RaiseNegative(ctx context.Context, actor Actor, rcaID int64, in NegativeInput) (*Result, error) {
	if len(in.Steps) > MaxBranchSteps {
		return nil, Invalidf("steps", "A negative branch has at most %d steps; keep the few that matter.", MaxBranchSteps)
	}
	return s.run(ctx, actor, rcaID, CmdFuture, func(tx Tx, r *RCA, res *Result) error {
		fix, err := liveFix(tx, r, in.Fix)
		if err != nil {
			return err
		}
		_, _, err = s.editTree(tx, r, actor, "raise_negative", "", func(t *tree.Tree) error {
			from, err := fixInjection(t, fix)
			if err != nil {
				return err
			}
			for i, text := range append(slices.Clone(in.Steps), in.Effect) {
				field := "effect"
				if i < len(in.Steps) {
					field = "steps"
				}
				n, err := futureNode(t, tree.KindNegativeEffect, text, field)
				if err != nil {
					return err
				}
				if err := futureLink(t, n.ID, from, field); err != nil {
					return err
				}
				res.NewNodes, from = append(res.NewNodes, n.ID), n.ID
			}
			return s.checkNewNodes(t, res.NewNodes, "effect")
		})
		return err
	})
}

// TrimNegative records an injection against a step of a negative branch:
// with it in place the step no longer holds, and neither does what follows
// only from it. NewNodes holds the injection. Errors: EInvalid (injection,
// or the node is no negative effect), ENotFound (step), EWrongPhase.
func (s *Service) TrimNegative(ctx context.Context, actor Actor, rcaID int64, step tree.NodeID, injection string) (*Result, error) {
	return s.run(ctx, actor, rcaID, CmdFuture, func(tx Tx, r *RCA, res *Result) error {
		_, _, err := s.editTree(tx, r, actor, "trim_negative", "", func(t *tree.Tree) error {
			n, ok := t.Node(step)
			switch {
			case !ok:
				return &Error{Code: ENotFound, Field: "step", Message: fmt.Sprintf("Node %s is no longer in the tree.", step)}
			case n.Kind != tree.KindNegativeEffect:
				return Invalidf("step", "%s is not part of a negative branch.", step)
			}
			text, err := tree.NormalizeText(injection)
			if err != nil {
				return treeErr("injection", err)
			}
			if old, ok := t.NodeByText(text); ok && old.Kind == tree.KindInjection && old.Against == step {
				res.Existing = append(res.Existing, old.ID)
				return nil
			}
			added, err := t.AddNode(tree.Node{Kind: tree.KindInjection, Text: text, Against: step})
			if err != nil {
				return treeErr("injection", err)
			}
			res.NewNodes = []tree.NodeID{added.ID}
			return s.checkNewNodes(t, res.NewNodes, "injection")
		})
		return err
	})
}

// AddDesirable records a desirable effect a fix produces: IF the fix's
// injection THEN the effect. NewNodes (or Existing, when the tree already
// has that desired effect) holds it. Errors: EInvalid (effect), ENotFound
// (fix), EConflict, EWrongPhase.
func (s *Service) AddDesirable(ctx context.Context, actor Actor, rcaID, fixID int64, effect string) (*Result, error) {
	return s.run(ctx, actor, rcaID, CmdFuture, func(tx Tx, r *RCA, res *Result) error {
		fix, err := liveFix(tx, r, fixID)
		if err != nil {
			return err
		}
		_, _, err = s.editTree(tx, r, actor, "add_desirable", "", func(t *tree.Tree) error {
			from, err := fixInjection(t, fix)
			if err != nil {
				return err
			}
			n, err := futureNode(t, tree.KindDesiredEffect, effect, "effect")
			if err != nil {
				return err
			}
			res.NewNodes = []tree.NodeID{n.ID}
			if err := futureLink(t, n.ID, from, "effect"); err != nil {
				return err
			}
			return s.checkNewNodes(t, res.NewNodes, "effect")
		})
		return err
	})
}

// SetCounterparts records the team's wording of the positive counterpart of
// removed symptoms (see tree.Counterparts), by symptom. A text equal to the
// suggested wording, or empty, goes back to the suggestion. Errors:
// EInvalid (a text, or a node that is no symptom), EConflict, EWrongPhase.
func (s *Service) SetCounterparts(ctx context.Context, actor Actor, rcaID int64, texts map[tree.NodeID]string) (*Result, error) {
	return s.run(ctx, actor, rcaID, CmdFuture, func(tx Tx, r *RCA, res *Result) error {
		_, _, err := s.editTree(tx, r, actor, "set_counterparts", "", func(t *tree.Tree) error {
			udes := make([]tree.NodeID, 0, len(texts))
			for id := range texts {
				udes = append(udes, id)
			}
			slices.Sort(udes)
			if len(udes) == 0 {
				return nil
			}
			for _, id := range udes {
				if err := setCounterpart(t, id, texts[id], res); err != nil {
					return err
				}
			}
			return s.checkNewNodes(t, res.NewNodes, counterpartField(udes[0]))
		})
		return err
	})
}

// counterpartField is the modal input of the counterpart of ude.
func counterpartField(ude tree.NodeID) string { return fmt.Sprintf("ude_%d", int(ude)) }

// setCounterpart sets, changes or removes the counterpart of one symptom.
func setCounterpart(t *tree.Tree, ude tree.NodeID, text string, res *Result) error {
	field := counterpartField(ude)
	n, ok := t.Node(ude)
	if !ok || n.Kind != tree.KindUDE {
		return Invalidf(field, "%s is not a symptom of this RCA.", ude)
	}
	old := tree.Counterparts(t)[ude]
	if text == "" || text == tree.DesirableWording(n.Text) {
		if old == nil {
			return nil
		}
		return treeErr(field, t.RemoveNode(old.ID))
	}
	norm, err := tree.NormalizeText(text)
	if err != nil {
		return treeErr(field, err)
	}
	if other, ok := t.NodeByText(norm); ok && other != old {
		return &Error{Code: EConflict, Field: field, Message: fmt.Sprintf("%s already says that; word the good outcome differently.", other.ID)}
	}
	if old != nil {
		return treeErr(field, t.SetText(old.ID, norm))
	}
	added, err := t.AddNode(tree.Node{Kind: tree.KindDesiredEffect, Text: norm, Against: ude})
	if err != nil {
		return treeErr(field, err)
	}
	res.NewNodes = append(res.NewNodes, added.ID)
	return nil
}

// liveFix returns the fix of r with id fixID; a dropped fix grows no branch.
func liveFix(tx Tx, r *RCA, fixID int64) (*Fix, error) {
	fixes, err := tx.Fixes(r.ID)
	if err != nil {
		return nil, err
	}
	for i := range fixes {
		if fixes[i].ID != fixID {
			continue
		}
		if fixes[i].Status == FixDropped {
			return nil, Errorf(EConflict, "That fix was dropped; its future no longer matters.")
		}
		return &fixes[i], nil
	}
	return nil, &Error{Code: ENotFound, Field: "fix", Message: "That fix is gone."}
}

// fixInjection returns the injection node of a fix, adding it against the
// fix's node when the tree does not have it yet. The Future Reality Tree
// finds a fix's node by its text.
func fixInjection(t *tree.Tree, f *Fix) (tree.NodeID, error) {
	if n, ok := t.NodeByText(f.Injection); ok {
		if n.Kind != tree.KindInjection {
			return 0, &Error{Code: EConflict, Field: "fix", Message: fmt.Sprintf("%s says the same as this fix; reword one of them first.", n.ID)}
		}
		return n.ID, nil
	}
	against := f.Node
	if _, ok := t.Node(against); !ok {
		against = 0 // the fixed node was removed since: the fix stands on its own
	}
	n, err := t.AddNode(tree.Node{Kind: tree.KindInjection, Text: f.Injection, Against: against})
	if err != nil {
		return 0, treeErr("fix", err)
	}
	return n.ID, nil
}

// futureNode returns the node of kind saying text: an existing one of that
// kind, or a new one.
func futureNode(t *tree.Tree, kind tree.Kind, text, field string) (*tree.Node, error) {
	norm, err := tree.NormalizeText(text)
	if err != nil {
		return nil, treeErr(field, err)
	}
	if n, ok := t.NodeByText(norm); ok {
		if n.Kind != kind {
			return nil, &Error{Code: EConflict, Field: field, Message: fmt.Sprintf("%s already says %q; word this effect differently.", n.ID, norm)}
		}
		return n, nil
	}
	n, err := t.AddNode(tree.Node{Kind: kind, Text: norm})
	if err != nil {
		return nil, treeErr(field, err)
	}
	return n, nil
}

// futureLink links cause to effect, accepted: the Future Reality Tree's links
// are the team's reasoning about what a fix will do, past the challenge
// pass. A link that is already there is kept.
func futureLink(t *tree.Tree, effect, cause tree.NodeID, field string) error {
	for _, g := range t.GroupsInto(effect) {
		if slices.Equal(g.Causes, []tree.NodeID{cause}) {
			return nil
		}
	}
	if _, err := t.AddGroup(tree.Group{Effect: effect, Causes: []tree.NodeID{cause}, Status: tree.StatusAccepted}); err != nil {
		return treeErr(field, err)
	}
	return nil
}

// liveBranches lists the negative branches of t, leaving out those that
// start only from fixes that were dropped.
func liveBranches(t *tree.Tree, fixes []Fix) []tree.NegativeBranch {
	dropped := map[string]bool{}
	for _, f := range fixes {
		if f.Status == FixDropped {
			dropped[f.Injection] = true
		}
	}
	var out []tree.NegativeBranch
	for _, b := range tree.FutureOf(t, tree.Options{}).Negative {
		if len(b.From) == 0 || slices.ContainsFunc(b.From, func(id tree.NodeID) bool {
			n, ok := t.Node(id)
			return ok && !dropped[n.Text]
		}) {
			out = append(out, b)
		}
	}
	return out
}

// Untrimmed returns the negative branches of the summary that no injection
// trims: the new harm the fixes would bring.
func (s *Summary) Untrimmed() []tree.NegativeBranch {
	var out []tree.NegativeBranch
	for _, b := range s.Negative {
		if !b.Trimmed {
			out = append(out, b)
		}
	}
	return out
}

// withoutDropped returns a copy of t without the injections of dropped
// fixes (texts in dropped, unless a live fix says the same) and without
// what follows only from them: negative and desirable effects left with no
// cause, and the injections that trimmed those.
func withoutDropped(t *tree.Tree, dropped []string, live []tree.Injection) *tree.Tree {
	isLive := func(text string) bool {
		return slices.ContainsFunc(live, func(in tree.Injection) bool { return in.Text == text })
	}
	out := t.Clone()
	for _, text := range dropped {
		if n, ok := out.NodeByText(text); ok && n.Kind == tree.KindInjection && !isLive(text) {
			_ = out.RemoveNode(n.ID) // it exists: found just now
		}
	}
	for changed := true; changed; {
		changed = false
		for _, n := range out.Nodes() {
			orphan := (n.Kind == tree.KindNegativeEffect || n.Kind == tree.KindDesiredEffect && n.Against == 0) && len(out.GroupsInto(n.ID)) == 0
			idle := n.Kind == tree.KindInjection && n.Against == 0 && len(out.GroupsFrom(n.ID)) == 0 && !isLive(n.Text)
			if orphan || idle {
				_ = out.RemoveNode(n.ID) // it exists: listed just now
				changed = true
			}
		}
	}
	return out
}

// intoFuture reports whether g leads into a node of the Future Reality Tree
// part of t (a negative or desired effect): such links are the team's
// reasoning about the fixes, not links of the Current State Tree to
// challenge.
func intoFuture(t *tree.Tree, g *tree.Group) bool {
	e, ok := t.Node(g.Effect)
	return ok && e.Kind.Future()
}
