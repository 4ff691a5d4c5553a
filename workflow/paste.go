package workflow

// Pasted statements: previewed against the RCA's tree without saving, then
// applied in one transaction.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/untangle-rca/untangle/tree"
)

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
		return annotate(tx, t, r, res, actor)
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
