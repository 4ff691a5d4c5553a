package workflow

import (
	"context"
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
		return annotate(tx, t, r, res, actor)
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
		return annotate(tx, t, r, res, actor)
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
// for the result's new nodes. Only similar causes of RCAs the actor may see
// are kept; those that everyone reading r's channel may see are marked
// Shared, the others may be told to the actor alone.
func annotate(tx Tx, t *tree.Tree, r *RCA, res *Result, actor Actor) error {
	if len(res.NewNodes) == 0 {
		return nil
	}
	past, err := tx.PastCauses()
	if err != nil {
		return err
	}
	load := rcaLoader(tx)
	visible, shared := seenBy(load, Only(actor.UserID)), seenBy(load, AudienceOf(r))
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
		if err := describePast(tx, load, similar); err != nil {
			return err
		}
		for _, m := range similar {
			m.Node, m.Text = id, n.Text
			if m.Shared, err = shared(m.Past); err != nil {
				return err
			}
			m.Shared = m.Shared && r.ChannelID != ""
			res.Similar = append(res.Similar, m)
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
