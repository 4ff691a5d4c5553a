package tree

// Apply merges parsed statements into a tree: it resolves references, adds
// or reuses nodes and links, and rolls everything back on the first error.

import (
	"cmp"
	"fmt"
	"slices"
)

// stApplier carries the state of one Apply call.
type stApplier struct {
	t         *Tree
	title     string // the tree's title before Apply, for rollback
	nextNode  NodeID
	nextGroup GroupID
	ch        Changes
	seen      map[NodeID]bool // nodes added or already listed in ExistingNodes
	targets   []target        // the against= of declarations, resolved after them
	titleLine int
	errs      ErrorList
}

// Apply resolves stmts against t and adds what they declare: a TITLE sets the
// title, declarations add nodes, IF/THEN statements add links. Nodes are
// found by #N or by exact normalised text; a text not found becomes a new
// node (a cause unless declared otherwise). Declarations are applied before
// links, so a link may name a node declared further down. A link that already
// exists is skipped and reported; a declaration of an existing node is a
// reference and must not contradict it. Apply is atomic: on error t is left
// unchanged and the error is an ErrorList of at most ten errors.
func (t *Tree) Apply(stmts []Statement) (*Changes, error) {
	a := &stApplier{t: t, title: t.Title, nextNode: t.nextNode, nextGroup: t.nextGroup,
		seen: map[NodeID]bool{}}
	for _, kind := range []StatementKind{StatementTitle, StatementNode, StatementLink} {
		for i := range stmts {
			if stmts[i].Kind == kind && len(a.errs) < maxStmtErrors {
				a.statement(&stmts[i])
			}
		}
	}
	if len(a.errs) == 0 {
		a.checkTargets()
	}
	for i := range stmts {
		if k := stmts[i].Kind; k < StatementTitle || k > StatementLink {
			a.fail(stErr(stmts[i].Line, stmts[i].Col, ErrSyntax, "unknown statement kind %d", k))
		}
	}
	if len(a.errs) > 0 {
		a.rollback()
		slices.SortStableFunc(a.errs, func(x, y *SyntaxError) int {
			return cmp.Or(cmp.Compare(x.Line, y.Line), cmp.Compare(x.Col, y.Col))
		})
		return nil, a.errs
	}
	return &a.ch, nil
}

func (a *stApplier) fail(err *SyntaxError) {
	if len(a.errs) < maxStmtErrors {
		a.errs = append(a.errs, err)
	}
}

// rollback undoes everything Apply added.
func (a *stApplier) rollback() {
	t := a.t
	for _, id := range a.ch.NewGroups {
		t.dropGroup(id)
	}
	for _, id := range a.ch.NewNodes {
		delete(t.byText, t.nodes[id].Text)
		delete(t.nodes, id)
	}
	t.Title, t.nextNode, t.nextGroup = a.title, a.nextNode, a.nextGroup
}

func (a *stApplier) statement(st *Statement) {
	switch st.Kind {
	case StatementTitle:
		if a.titleLine != 0 {
			a.fail(stErr(st.Line, st.Col, ErrSyntax, "the title is already set at line %d", a.titleLine))
			return
		}
		a.titleLine = st.Line
		a.t.Title, a.ch.Title = st.Title, st.Title
	case StatementNode:
		a.declare(st.Line, &st.Node)
	case StatementLink:
		a.link(st)
	}
}

// touch records a reference to a node that existed before Apply.
func (a *stApplier) touch(id NodeID) {
	if !a.seen[id] {
		a.seen[id] = true
		a.ch.ExistingNodes = append(a.ch.ExistingNodes, id)
	}
}

// normalize normalises a reference's text, reporting a failure at the reference.
func (a *stApplier) normalize(line int, r Ref) (string, bool) {
	norm, err := NormalizeText(r.Text)
	if err != nil {
		a.fail(&SyntaxError{Line: line, Col: r.Col, Msg: err.Error(), Err: err})
		return "", false
	}
	return norm, true
}

// byNumber returns node r.ID, checking the text of a [#N text] reference.
func (a *stApplier) byNumber(line int, r Ref) (*Node, bool) {
	n, ok := a.t.nodes[r.ID]
	if !ok {
		a.fail(stErr(line, r.Col, ErrUnknownNode, "%s does not exist", r.ID))
		return nil, false
	}
	if r.Text == "" {
		return n, true
	}
	norm, ok := a.normalize(line, r)
	if ok && norm != n.Text {
		a.fail(stErr(line, r.Col, ErrRefMismatch, "%s says %q, not %q", r.ID, n.Text, norm))
		return nil, false
	}
	return n, ok
}

// resolve finds the node a link names, adding a new cause for a new text.
func (a *stApplier) resolve(line int, r Ref) (NodeID, bool) {
	if r.ID != 0 {
		n, ok := a.byNumber(line, r)
		if ok {
			a.touch(n.ID)
			return n.ID, true
		}
		return 0, false
	}
	norm, ok := a.normalize(line, r)
	if !ok {
		return 0, false
	}
	if id, ok := a.t.byText[norm]; ok {
		a.touch(id)
		return id, true
	}
	return a.add(line, r.Col, Node{Text: norm, Kind: KindCause})
}

// add adds a node and records it.
func (a *stApplier) add(line, col int, n Node) (NodeID, bool) {
	stored, err := a.t.AddNode(n)
	if err != nil {
		a.fail(&SyntaxError{Line: line, Col: col, Msg: err.Error(), Err: err})
		return 0, false
	}
	a.ch.NewNodes = append(a.ch.NewNodes, stored.ID)
	a.seen[stored.ID] = true
	return stored.ID, true
}

// declare adds a declared node, or checks a declaration of an existing one.
func (a *stApplier) declare(line int, d *NodeDecl) {
	if !d.Kind.Valid() || d.Weight < 0 || d.Weight > WeightHigh || d.ID < 0 {
		a.fail(stErr(line, d.Col, ErrInvalidNode, "invalid declaration (kind %q, weight %d, number %d)", d.Kind, d.Weight, d.ID))
		return
	}
	var n *Node
	if d.Text == "" && d.ID == 0 {
		a.fail(stErr(line, d.Col, ErrEmptyText, "%s", ErrEmptyText))
		return
	}
	if d.Text == "" {
		var ok bool
		if n, ok = a.byNumber(line, d.Ref); !ok {
			return
		}
	} else {
		norm, ok := a.normalize(line, d.Ref)
		if !ok {
			return
		}
		if n, ok = a.existing(line, d, norm); !ok {
			return
		}
		if n == nil {
			id, ok := a.add(line, d.Col, Node{ID: d.ID, Kind: d.Kind, Text: norm, Weight: d.Weight, Evidence: d.Evidence,
				Unverified: d.Unverified, RootMarked: d.RootMarked, BlameWorded: d.BlameWorded})
			if ok && d.Against.Col != 0 {
				a.targets = append(a.targets, target{line: line, node: id, fresh: true, ref: d.Against})
			}
			return
		}
	}
	if err := contradicts(n, d); err != "" {
		a.fail(stErr(line, d.Col, ErrDuplicateNode, "%s", err))
		return
	}
	if d.Against.Col != 0 {
		a.targets = append(a.targets, target{line: line, node: n.ID, ref: d.Against})
	}
	a.touch(n.ID)
}

// existing returns the node a declaration with text norm names, nil for a
// new node, and false when its number and its text name different nodes.
func (a *stApplier) existing(line int, d *NodeDecl, norm string) (*Node, bool) {
	byText, hasText := a.t.byText[norm]
	byID, hasID := a.t.nodes[d.ID]
	switch {
	case hasText && d.ID != 0 && byText != d.ID:
		a.fail(stErr(line, d.Col, ErrDuplicateNode, "%q is already %s, not %s", norm, byText, d.ID))
		return nil, false
	case hasText:
		return a.t.nodes[byText], true
	case hasID:
		a.fail(stErr(line, d.Col, ErrDuplicateNode, "%s already exists and says %q", d.ID, byID.Text))
		return nil, false
	}
	return nil, true
}

// kindName is the word used for a kind in messages.
func kindName(k Kind) string {
	switch k {
	case KindUDE:
		return "a UDE"
	case KindInjection:
		return "an injection"
	case KindDesiredEffect:
		return "a desired effect"
	case KindNegativeEffect:
		return "a negative effect"
	}
	return "a " + string(k)
}

// contradicts says how declaration d disagrees with the existing node n, or "".
func contradicts(n *Node, d *NodeDecl) string {
	switch {
	case n.Kind != d.Kind:
		return fmt.Sprintf("%s is already %s, not %s", n.ID, kindName(n.Kind), kindName(d.Kind))
	case d.Weight != 0 && d.Weight != cmp.Or(n.Weight, DefaultWeight):
		return fmt.Sprintf("%s already has weight %d, not %d", n.ID, cmp.Or(n.Weight, DefaultWeight), d.Weight)
	case d.Unverified && !n.Unverified:
		return fmt.Sprintf("%s exists and is not marked unverified", n.ID)
	case d.RootMarked && !n.RootMarked:
		return fmt.Sprintf("%s exists and is not marked as a root", n.ID)
	case d.BlameWorded && !n.BlameWorded:
		return fmt.Sprintf("%s exists and is not marked blame-worded", n.ID)
	case d.Evidence != "" && d.Evidence != n.Evidence:
		return fmt.Sprintf("%s already has other evidence", n.ID)
	}
	return ""
}

// link adds the group an IF/THEN statement states, or skips an existing one.
func (a *stApplier) link(st *Statement) {
	causes := make([]NodeID, 0, len(st.Causes))
	ok := true
	for _, r := range st.Causes {
		id, found := a.resolve(st.Line, r)
		causes, ok = append(causes, id), ok && found
	}
	effect, found := a.resolve(st.Line, st.Effect)
	if !ok || !found {
		return
	}
	if st.Status != "" && !linkStatusValid(st.Status) {
		a.fail(stErr(st.Line, st.Col, ErrSyntax, "unknown status %q", st.Status))
		return
	}
	var kb keyBuf
	if id, dup := a.t.keys[string(kb.of(effect, causes))]; dup {
		a.ch.SkippedGroups = append(a.ch.SkippedGroups, id)
		return
	}
	g, err := a.t.AddGroup(Group{ID: st.Group, Effect: effect, Causes: causes, Status: st.Status})
	if err != nil {
		a.fail(&SyntaxError{Line: st.Line, Col: st.Col, Msg: err.Error(), Err: err})
		return
	}
	a.ch.NewGroups = append(a.ch.NewGroups, g.ID)
}
