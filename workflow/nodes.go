package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/untangle-rca/untangle/tree"
)

// MaxEvidenceRunes is the longest evidence note or link.
const MaxEvidenceRunes = 1000

// SymptomInput is what the "Add symptom" modal collects.
type SymptomInput struct {
	Text       string
	Weight     int    // 1 low, 2 medium, 3 high; 0 means medium
	Evidence   string // a link or a note, optional
	SourceLink string // the chat message it came from, optional
}

// AddSymptom adds a UDE. Errors: EInvalid (text, weight, evidence), EConflict
// (a node already says this), EWrongPhase, EForbidden.
func (s *Service) AddSymptom(ctx context.Context, actor Actor, rcaID int64, in SymptomInput) (*Result, error) {
	if in.Weight < 0 || in.Weight > tree.WeightHigh {
		return nil, Invalidf("weight", "Impact must be low, medium or high.")
	}
	if err := checkEvidence(in.Evidence); err != nil {
		return nil, err
	}
	return s.run(ctx, actor, rcaID, CmdAddSymptom, func(tx Tx, r *RCA, res *Result) error {
		_, t, err := s.editTree(tx, r, actor, "add_symptom", in.SourceLink, func(t *tree.Tree) error {
			n, err := t.AddNode(tree.Node{Kind: tree.KindUDE, Text: in.Text, Weight: in.Weight,
				Evidence: strings.TrimSpace(in.Evidence)})
			if err != nil {
				return treeErr("text", err)
			}
			res.NewNodes = []tree.NodeID{n.ID}
			markBlame(t, res.NewNodes)
			return s.checkNewNodes(t, res.NewNodes, "text")
		})
		if err != nil {
			return err
		}
		return annotate(tx, t, res, actor)
	})
}

func checkEvidence(ev string) error {
	if len([]rune(ev)) > MaxEvidenceRunes {
		return Invalidf("evidence", "Please keep evidence under %d characters; link to longer material.", MaxEvidenceRunes)
	}
	return nil
}

// Logic says how several causes produce an effect.
type Logic string

// The two logics of the "Add cause" modal.
const (
	LogicOr  Logic = "or"  // each cause alone is enough: one link per cause
	LogicAnd Logic = "and" // only together: one AND group
)

// AddCausesInput is what the "Add cause" modal collects.
type AddCausesInput struct {
	Effect   tree.NodeID
	NewTexts []string      // new causes; a text equal to an existing node's refers to it
	Existing []tree.NodeID // existing nodes as causes
	Logic    Logic         // "" means OR for several causes
	Kind     tree.Kind     // kind of the new nodes: cause (default) or premise
	// Extend, when set, adds the causes INTO this existing link of Effect (AND,
	// answering the sufficiency prompt) instead of making new links.
	Extend tree.GroupID
}

// AddCauses wires causes into an effect. Errors: EInvalid (causes, logic,
// kind, new_texts), ENotFound (effect, existing), EConflict (the link exists).
// With Extend the causes join that link instead (audited as "extend_group",
// its reviews cleared); it adds ENotFound and EConflict on field "extend"
// (no such link, or a link of another effect) and EConflict on "existing" or
// "new_texts" for a cause already in the link.
func (s *Service) AddCauses(ctx context.Context, actor Actor, rcaID int64, in AddCausesInput) (*Result, error) {
	if err := checkCausesInput(&in); err != nil {
		return nil, err
	}
	return s.run(ctx, actor, rcaID, CmdAddCauses, func(tx Tx, r *RCA, res *Result) error {
		_, t, err := s.editTree(tx, r, actor, causesAction(in), "", func(t *tree.Tree) error {
			if err := wireCauses(t, in, res); err != nil {
				return err
			}
			return s.checkNewNodes(t, res.NewNodes, "new_texts")
		})
		if err != nil {
			return err
		}
		if err := clearExtended(tx, r, in); err != nil {
			return err
		}
		if err := tx.SetSkip(r.ID, in.Effect, false); err != nil {
			return err
		}
		res.Prompt = sufficiencyPrompt(t, in.Effect)
		return annotate(tx, t, res, actor)
	})
}

func checkCausesInput(in *AddCausesInput) error {
	if in.Logic == "" {
		in.Logic = LogicOr
		if in.Extend != 0 {
			in.Logic = LogicAnd
		}
	}
	if in.Logic != LogicOr && in.Logic != LogicAnd {
		return Invalidf("logic", "Choose whether each cause alone is enough or only together.")
	}
	if in.Kind == "" {
		in.Kind = tree.KindCause
	}
	if in.Kind != tree.KindCause && in.Kind != tree.KindPremise {
		return Invalidf("kind", "New causes are causes or premises.")
	}
	if len(in.NewTexts)+len(in.Existing) == 0 {
		return Invalidf("causes", "Add at least one cause: write a new one or pick an existing node.")
	}
	return nil
}

// wireCauses adds the new nodes and the links of in to t.
func wireCauses(t *tree.Tree, in AddCausesInput, res *Result) error {
	if _, ok := t.Node(in.Effect); !ok {
		return &Error{Code: ENotFound, Field: "effect", Message: fmt.Sprintf("Node %s does not exist in this RCA.", in.Effect)}
	}
	causes := slices.Clone(in.Existing)
	for _, id := range in.Existing {
		if _, ok := t.Node(id); !ok {
			return &Error{Code: ENotFound, Field: "existing", Message: fmt.Sprintf("Node %s does not exist in this RCA.", id)}
		}
		res.Existing = append(res.Existing, id)
	}
	for _, text := range in.NewTexts {
		if n, ok := t.NodeByText(text); ok {
			causes = append(causes, n.ID)
			res.Existing = append(res.Existing, n.ID)
			continue
		}
		n, err := t.AddNode(tree.Node{Kind: in.Kind, Text: text})
		if err != nil {
			return treeErr("new_texts", err)
		}
		causes = append(causes, n.ID)
		res.NewNodes = append(res.NewNodes, n.ID)
	}
	markBlame(t, res.NewNodes)
	causes = dedupe(causes)
	if in.Extend != 0 {
		return extendGroup(t, in, causes, res)
	}
	sets := [][]tree.NodeID{causes}
	if in.Logic == LogicOr {
		sets = sets[:0]
		for _, c := range causes {
			sets = append(sets, []tree.NodeID{c})
		}
	}
	for _, set := range sets {
		g, err := t.AddGroup(tree.Group{Effect: in.Effect, Causes: set})
		if err != nil {
			return treeErr("causes", err)
		}
		res.Groups = append(res.Groups, g.ID)
	}
	return nil
}

// dedupe drops repeated ids, keeping the first of each in order.
func dedupe(ids []tree.NodeID) []tree.NodeID {
	seen := map[tree.NodeID]bool{}
	return slices.DeleteFunc(ids, func(id tree.NodeID) bool {
		dup := seen[id]
		seen[id] = true
		return dup
	})
}

// sufficiencyPrompt asks whether a lone cause is enough for effect, when the
// effect has exactly one group and it has one cause.
func sufficiencyPrompt(t *tree.Tree, effect tree.NodeID) string {
	gs := t.GroupsInto(effect)
	if len(gs) != 1 || len(gs[0].Causes) != 1 {
		return ""
	}
	c, _ := t.Node(gs[0].Causes[0])
	e, _ := t.Node(effect)
	return fmt.Sprintf("Is [%s] always enough to produce [%s]? If not, add what else must be true (AND).", c.Text, e.Text)
}

// markBlame sets the blame mark of nodes whose text reads as blaming someone.
func markBlame(t *tree.Tree, ids []tree.NodeID) {
	for _, id := range ids {
		if n, ok := t.Node(id); ok {
			n.BlameWorded = CheckBlame(n.Text) != nil
		}
	}
}

// annotate adds wording hints, blame findings and similar past core causes
// for the result's new nodes. The similar causes are told privately to the
// actor, so only those of RCAs the actor may see are kept.
func annotate(tx Tx, t *tree.Tree, res *Result, actor Actor) error {
	if len(res.NewNodes) == 0 {
		return nil
	}
	past, err := tx.PastCauses()
	if err != nil {
		return err
	}
	visible := seenBy(tx, Only(actor.UserID))
	for _, id := range res.NewNodes {
		n, ok := t.Node(id)
		if !ok {
			continue
		}
		for _, h := range CheckWording(n.Kind, n.Text) {
			res.Hints = append(res.Hints, NodeHint{Node: id, Hint: h})
		}
		if f := CheckBlame(n.Text); f != nil {
			res.Blame = append(res.Blame, NodeBlame{Node: id, Finding: *f})
		}
		similar, err := similarTo(n.Text, past, 3, visible)
		if err != nil {
			return err
		}
		if err := markRegressions(tx, similar); err != nil {
			return err
		}
		for _, m := range similar {
			m.Node = id
			res.Similar = append(res.Similar, m)
		}
	}
	return nil
}

// Preview is what pasting statements would do, or why it cannot.
type Preview struct {
	NewNodes []tree.NodeID
	Existing []tree.NodeID
	NewLinks []string // each new link as an IF … THEN … line
	Skipped  []tree.GroupID
	Errors   []LineError
	Tree     *tree.Tree // the tree as it would be
}

// LineError is a problem on one line of pasted statements.
type LineError struct {
	Line, Col int
	Message   string
}

// PreviewStatements parses src against the RCA's tree without saving.
func (s *Service) PreviewStatements(ctx context.Context, actor Actor, rcaID int64, src string) (*Preview, error) {
	if err := s.checkPaste(src); err != nil {
		return nil, err
	}
	var p *Preview
	err := s.view(ctx, actor, rcaID, func(tx Tx, r *RCA) error {
		if err := Check(r, actor.UserID, CmdPaste); err != nil {
			return err
		}
		t, err := tx.Tree(r.ID)
		if err != nil {
			return err
		}
		p = previewOn(t, src)
		if len(p.Errors) > 0 {
			return nil
		}
		return s.checkNewNodes(p.Tree, p.NewNodes, "statements")
	})
	return p, err
}

func previewOn(t *tree.Tree, src string) *Preview {
	p := &Preview{Tree: t}
	stmts, err := tree.ParseStatements([]byte(src))
	var ch *tree.Changes
	if err == nil {
		ch, err = t.Apply(stmts)
	}
	if err != nil {
		p.Errors = lineErrors(err)
		return p
	}
	p.NewNodes, p.Existing, p.Skipped = ch.NewNodes, ch.ExistingNodes, ch.SkippedGroups
	for _, id := range ch.NewGroups {
		g, _ := t.Group(id)
		p.NewLinks = append(p.NewLinks, tree.FormatGroup(t, g))
	}
	return p
}

func lineErrors(err error) []LineError {
	var list tree.ErrorList
	if errors.As(err, &list) {
		out := make([]LineError, len(list))
		for i, e := range list {
			out[i] = LineError{Line: e.Line, Col: e.Col, Message: e.Msg}
		}
		return out
	}
	var se *tree.SyntaxError
	if errors.As(err, &se) {
		return []LineError{{Line: se.Line, Col: se.Col, Message: se.Msg}}
	}
	return []LineError{{Message: err.Error()}}
}

// PasteStatements applies IF/AND/THEN statements atomically. Errors: EInvalid
// on field "statements" naming each failing line.
func (s *Service) PasteStatements(ctx context.Context, actor Actor, rcaID int64, src string) (*Result, error) {
	if strings.TrimSpace(src) == "" {
		return nil, Invalidf("statements", "Paste at least one statement, such as IF [A] THEN [B].")
	}
	if err := s.checkPaste(src); err != nil {
		return nil, err
	}
	return s.run(ctx, actor, rcaID, CmdPaste, func(tx Tx, r *RCA, res *Result) error {
		ch, t, err := s.editTree(tx, r, actor, "paste_statements", "", func(t *tree.Tree) error {
			title := t.Title
			p := previewOn(t, src)
			t.Title = title
			if len(p.Errors) > 0 {
				return Invalidf("statements", "%s", formatLineErrors(p.Errors))
			}
			res.NewNodes, res.Existing, res.Skipped = p.NewNodes, p.Existing, p.Skipped
			markBlame(t, res.NewNodes)
			return s.checkNewNodes(t, res.NewNodes, "statements")
		})
		if err != nil {
			return err
		}
		for _, g := range ch.Groups {
			if g.Before == nil {
				res.Groups = append(res.Groups, g.After.ID)
			}
		}
		return annotate(tx, t, res, actor)
	})
}

func formatLineErrors(errs []LineError) string {
	lines := make([]string, len(errs))
	for i, e := range errs {
		if e.Line > 0 {
			lines[i] = fmt.Sprintf("Line %d, column %d: %s", e.Line, e.Col, e.Message)
		} else {
			lines[i] = e.Message
		}
	}
	return strings.Join(lines, "\n")
}

// MarkRoot marks (or unmarks) a node as a root where the team stops digging.
func (s *Service) MarkRoot(ctx context.Context, actor Actor, rcaID int64, node tree.NodeID, root bool) (*Result, error) {
	return s.run(ctx, actor, rcaID, CmdMarkRoot, func(tx Tx, r *RCA, res *Result) error {
		_, _, err := s.editTree(tx, r, actor, "mark_root", "", func(t *tree.Tree) error {
			n, ok := t.Node(node)
			if !ok {
				return &Error{Code: ENotFound, Field: "node", Message: fmt.Sprintf("Node %s does not exist in this RCA.", node)}
			}
			n.RootMarked = root
			return nil
		})
		return err
	})
}

// EditInput changes a node; nil fields stay as they are.
type EditInput struct {
	Node     tree.NodeID
	Text     *string
	Weight   *int
	Evidence *string
}

// Edit changes a node's text, weight or evidence; the audit log keeps every
// earlier version (see History). Errors: EInvalid, ENotFound, EConflict.
func (s *Service) Edit(ctx context.Context, actor Actor, rcaID int64, in EditInput) (*Result, error) {
	if in.Evidence != nil {
		if err := checkEvidence(*in.Evidence); err != nil {
			return nil, err
		}
	}
	if in.Weight != nil && (*in.Weight < 1 || *in.Weight > tree.WeightHigh) {
		return nil, Invalidf("weight", "Impact must be low, medium or high.")
	}
	return s.run(ctx, actor, rcaID, CmdEdit, func(tx Tx, r *RCA, res *Result) error {
		_, t, err := s.editTree(tx, r, actor, "edit", "", func(t *tree.Tree) error {
			return editNode(t, in)
		})
		if err != nil {
			return err
		}
		if in.Text != nil {
			res.Existing = []tree.NodeID{in.Node}
			n, _ := t.Node(in.Node)
			for _, h := range CheckWording(n.Kind, n.Text) {
				res.Hints = append(res.Hints, NodeHint{Node: in.Node, Hint: h})
			}
			if f := CheckBlame(n.Text); f != nil {
				res.Blame = append(res.Blame, NodeBlame{Node: in.Node, Finding: *f})
			}
		}
		return nil
	})
}

func editNode(t *tree.Tree, in EditInput) error {
	n, ok := t.Node(in.Node)
	if !ok {
		return &Error{Code: ENotFound, Field: "node", Message: fmt.Sprintf("Node %s does not exist in this RCA.", in.Node)}
	}
	if in.Text != nil {
		if err := t.SetText(in.Node, *in.Text); err != nil {
			return treeErr("text", err)
		}
		n.BlameWorded = CheckBlame(n.Text) != nil
	}
	if in.Weight != nil {
		if n.Kind != tree.KindUDE {
			return Invalidf("weight", "Only symptoms have an impact weight.")
		}
		n.Weight = *in.Weight
	}
	if in.Evidence != nil {
		n.Evidence = strings.TrimSpace(*in.Evidence)
	}
	return nil
}

// NodeVersion is one earlier state of a node, from the audit log.
type NodeVersion struct {
	Node   tree.Node
	Action string
	AtID   int64 // the audit entry
}

// History returns every recorded state of a node, oldest first. Authors are
// left out on purpose: reports never attribute a node to a person.
func (s *Service) History(ctx context.Context, actor Actor, rcaID int64, node tree.NodeID) ([]NodeVersion, error) {
	var out []NodeVersion
	err := s.view(ctx, actor, rcaID, func(tx Tx, r *RCA) error {
		log, err := tx.AuditLog(r.ID)
		if err != nil {
			return err
		}
		for _, e := range log {
			if e.Subject != "tree" {
				continue
			}
			var after snapshot
			if err := json.Unmarshal(e.After, &after); err != nil {
				return fmt.Errorf("read audit entry %d: %w", e.ID, err)
			}
			for _, n := range after.Nodes {
				if n.ID == node {
					out = append(out, NodeVersion{Node: n, Action: e.Action, AtID: e.ID})
				}
			}
		}
		return nil
	})
	return out, err
}

// Delete removes a node (softly: Undo brings it back) with its links. Only
// the node's author or the facilitator may delete it.
func (s *Service) Delete(ctx context.Context, actor Actor, rcaID int64, node tree.NodeID) (*Result, error) {
	return s.run(ctx, actor, rcaID, CmdDelete, func(tx Tx, r *RCA, res *Result) error {
		info, err := tx.NodeInfo(r.ID, node)
		if err != nil {
			return err
		}
		if info.Author != actor.UserID && !r.IsFacilitator(actor.UserID) {
			return FacilitatorOnly(r, "delete a node someone else added; raise a reservation instead")
		}
		ch, _, err := s.editTree(tx, r, actor, "delete", "", func(t *tree.Tree) error {
			return treeErr("node", t.RemoveNode(node))
		})
		for _, g := range ch.Groups {
			res.Groups = append(res.Groups, g.Before.ID)
		}
		return err
	})
}

// DeleteLink removes a link (facilitator, or the author of its effect node).
func (s *Service) DeleteLink(ctx context.Context, actor Actor, rcaID int64, group tree.GroupID) (*Result, error) {
	return s.run(ctx, actor, rcaID, CmdDelete, func(tx Tx, r *RCA, res *Result) error {
		t, err := tx.Tree(r.ID)
		if err != nil {
			return err
		}
		g, ok := t.Group(group)
		if !ok {
			return &Error{Code: ENotFound, Field: "link", Message: fmt.Sprintf("Link %d does not exist in this RCA.", group)}
		}
		info, err := tx.NodeInfo(r.ID, g.Effect)
		if err != nil {
			return err
		}
		if info.Author != actor.UserID && !r.IsFacilitator(actor.UserID) {
			return FacilitatorOnly(r, "remove a link into a node someone else added; raise a reservation instead")
		}
		res.Groups = []tree.GroupID{group}
		_, _, err = s.editTree(tx, r, actor, "delete_link", "", func(t *tree.Tree) error {
			return treeErr("link", t.RemoveGroup(group))
		})
		return err
	})
}

// Undo reverses the actor's most recent tree change that is not undone yet.
// Errors: ENotFound (nothing to undo), EConflict (the nodes changed since, or
// others have linked to a node the change added).
func (s *Service) Undo(ctx context.Context, actor Actor, rcaID int64) (*Result, error) {
	return s.run(ctx, actor, rcaID, CmdUndo, func(tx Tx, r *RCA, res *Result) error {
		e, err := tx.LastUndoable(r.ID, actor.UserID)
		if err != nil {
			return err
		}
		var before, after snapshot
		if err := json.Unmarshal(e.Before, &before); err != nil {
			return fmt.Errorf("read audit entry %d: %w", e.ID, err)
		}
		if err := json.Unmarshal(e.After, &after); err != nil {
			return fmt.Errorf("read audit entry %d: %w", e.ID, err)
		}
		ch, _, err := s.editTreeRef(tx, r, actor, "undo", "", e.ID, func(t *tree.Tree) error {
			return revert(t, before, after)
		})
		for _, c := range ch.Nodes {
			if c.Before == nil {
				res.NewNodes = append(res.NewNodes, c.After.ID)
			}
		}
		return err
	})
}

// revert turns the after side of a change in t back into its before side.
func revert(t *tree.Tree, before, after snapshot) error {
	stale := Errorf(EConflict, "That change cannot be undone any more: the nodes it touched have changed since.")
	for _, n := range after.Nodes {
		if cur, ok := t.Node(n.ID); !ok || *cur != n {
			return stale
		}
	}
	for _, g := range after.Groups {
		if cur, ok := t.Group(g.ID); !ok || cur.Effect != g.Effect || !slices.Equal(cur.Causes, g.Causes) {
			return stale
		}
	}
	for _, g := range after.Groups {
		if err := t.RemoveGroup(g.ID); err != nil {
			return treeErr("link", err)
		}
	}
	for _, n := range after.Nodes {
		if findNode(before.Nodes, n.ID) != nil {
			continue
		}
		if len(t.GroupsInto(n.ID))+len(t.GroupsFrom(n.ID)) > 0 {
			return Errorf(EConflict, "Others have linked to %s since; delete it explicitly instead of undoing.", n.ID)
		}
		if err := t.RemoveNode(n.ID); err != nil {
			return treeErr("node", err)
		}
	}
	for _, n := range before.Nodes {
		cur, ok := t.Node(n.ID)
		if !ok {
			if _, err := t.AddNode(n); err != nil {
				return treeErr("node", err)
			}
			continue
		}
		if err := t.SetText(n.ID, n.Text); err != nil {
			return treeErr("node", err)
		}
		*cur = n
	}
	for _, g := range before.Groups {
		if _, err := t.AddGroup(g); err != nil {
			return treeErr("link", err)
		}
	}
	return nil
}

func findNode(ns []tree.Node, id tree.NodeID) *tree.Node {
	for i := range ns {
		if ns[i].ID == id {
			return copyNode(&ns[i])
		}
	}
	return nil
}

// SourceLink returns the chat message a node was made from ("" when it was
// typed in). The author is not returned: nodes are never attributed.
func (s *Service) SourceLink(ctx context.Context, actor Actor, rcaID int64, node tree.NodeID) (string, error) {
	var link string
	err := s.view(ctx, actor, rcaID, func(tx Tx, r *RCA) error {
		info, err := tx.NodeInfo(r.ID, node)
		link = info.SourceLink
		return err
	})
	return link, err
}
