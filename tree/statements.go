package tree

// This file holds the statement syntax: a line-oriented text form of a tree
// ("UDE [..]", "IF [..] AND [..] THEN [..]"), its parser, Apply (which merges
// parsed statements into a tree) and the writer. docs/statements.md is the
// user-facing description of the syntax; keep the two in step.

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// MaxStatementBytes is the largest statement document ParseStatements
// accepts: 64 MiB holds a tree of about 190,000 nodes (a 100,000-node tree
// takes about 33 MB). Callers reading user input set their own, smaller limits.
const MaxStatementBytes = 64 << 20

// maxStmtErrors is how many errors are collected before parsing stops.
const maxStmtErrors = 10

// maxStmtNumber is the largest node or link number the syntax accepts.
const maxStmtNumber = 1<<31 - 1

// Errors of the statement syntax beyond the model's own (which Apply wraps).
var (
	// ErrNoStatements is returned by Parse for input with no node in it.
	ErrNoStatements = errors.New("no statements found")
	// ErrTooLarge is returned for input longer than MaxStatementBytes.
	ErrTooLarge = errors.New("statements are too large")
	// ErrSyntax marks a malformed line.
	ErrSyntax = errors.New("syntax error")
	// ErrRefMismatch marks a [#N text] reference whose text is not node N's.
	ErrRefMismatch = errors.New("the number and the text name different nodes")
)

// SyntaxError is a problem at a position in a statement document. Line and
// Col are 1-based; Col counts characters (runes), not bytes.
type SyntaxError struct {
	Line, Col int
	Msg       string
	Err       error // the underlying cause (ErrSyntax or a model error), for errors.Is
}

// Error returns "line:col: msg".
func (e *SyntaxError) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

// Unwrap returns the underlying cause.
func (e *SyntaxError) Unwrap() error { return e.Err }

// ErrorList is the errors found in one document, in line order, at most ten.
type ErrorList []*SyntaxError

// Error joins the errors, one per line.
func (l ErrorList) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap returns the errors, so errors.Is and errors.As see each of them.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// StatementKind says what a Statement does.
type StatementKind int

// The kinds of statement.
const (
	StatementTitle StatementKind = iota + 1 // TITLE [..]: names the tree
	StatementNode                           // UDE [..], CAUSE [..], ...: declares a node
	StatementLink                           // IF [..] AND [..] THEN [..]: adds a group
)

// Ref names a node: by number (#N), by text ([text]) or both ([#N text]).
type Ref struct {
	Col  int    // column of the reference on its statement's line
	ID   NodeID // the number after #, 0 when the node is named by text only
	Text string // the text with escapes resolved, not normalised; "" for a bare #N
}

// NodeDecl is what a declaration says about a node. Zero fields were not given.
type NodeDecl struct {
	Ref
	Kind        Kind
	Weight      int
	Evidence    string
	Unverified  bool
	RootMarked  bool
	BlameWorded bool
	// Against is an injection's target (against=#N or against=[text]); its
	// Col is 0 when none is given.
	Against Ref
}

// Statement is one parsed line of a statement document.
type Statement struct {
	Kind      StatementKind
	Line, Col int        // where the statement starts
	Title     string     // StatementTitle: the new title
	Node      NodeDecl   // StatementNode: the declared node
	Causes    []Ref      // StatementLink: the causes, ANDed
	Effect    Ref        // StatementLink: the effect
	Status    LinkStatus // StatementLink: "" means unreviewed
	Group     GroupID    // StatementLink: the link's number, 0 for the next free one
}

// Changes is what Apply did to a tree.
type Changes struct {
	Title         string    // the title a TITLE statement set, "" when none did
	NewNodes      []NodeID  // nodes added, in the order they were added
	ExistingNodes []NodeID  // nodes that were already there and were referred to
	NewGroups     []GroupID // links added, in order
	SkippedGroups []GroupID // existing links that were stated again (not an error)
}

// Parse reads a whole statement document into a new tree.
func Parse(src []byte) (*Tree, error) {
	stmts, err := ParseStatements(src)
	if err != nil {
		return nil, err
	}
	t := New("")
	var decls, links int
	for i := range stmts {
		switch stmts[i].Kind {
		case StatementNode:
			decls++
		case StatementLink:
			links++
		}
	}
	t.reserve(decls, links)
	if _, err := t.Apply(stmts); err != nil {
		return nil, err
	}
	if t.NumNodes() == 0 {
		return nil, ErrNoStatements
	}
	return t, nil
}

// ParseStatements reads a statement document without resolving references.
// Empty input and input with only comments give an empty list. On error the
// result is an ErrorList (or an error wrapping ErrTooLarge). A large document
// is read in parts, one per processor, at the same time; the result is the
// same as reading it in one go.
func ParseStatements(src []byte) ([]Statement, error) {
	if len(src) > MaxStatementBytes {
		return nil, fmt.Errorf("%w: the input is %d bytes and the limit is %d bytes (%d MiB)",
			ErrTooLarge, len(src), MaxStatementBytes, MaxStatementBytes>>20)
	}
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	return parseInParts(src, min(runtime.GOMAXPROCS(0), maxParseParts, len(src)/minPartBytes+1))
}

// parseInParts parses src split into at most n parts, at the same time.
func parseInParts(src []byte, n int) ([]Statement, error) {
	parts := splitLines(src, n)
	results := make([]parsedPart, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts[1:] {
		wg.Go(func() { results[i+1] = parsePart(p.src, p.firstLine) })
	}
	results[0] = parsePart(parts[0].src, 1)
	wg.Wait()
	var errs ErrorList
	total := 0
	for _, r := range results {
		errs = append(errs, r.errs[:min(len(r.errs), maxStmtErrors-len(errs))]...)
		total += len(r.stmts)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if total == 0 {
		return nil, nil
	}
	if len(results) == 1 {
		return results[0].stmts, nil
	}
	stmts := make([]Statement, 0, total)
	for _, r := range results {
		stmts = append(stmts, r.stmts...)
	}
	return stmts, nil
}

// Reading in parts: at most maxParseParts, each of at least minPartBytes.
const (
	maxParseParts = 4
	minPartBytes  = 512 << 10
)

// linePart is a run of whole lines and the number of its first line.
type linePart struct {
	src       []byte
	firstLine int
}

// splitLines cuts src into at most n parts of about equal size at line ends.
func splitLines(src []byte, n int) []linePart {
	parts := make([]linePart, 0, n)
	line := 1
	for k := n; k > 1; k-- {
		cut := len(src) / k
		nl := bytes.IndexByte(src[cut:], '\n')
		if nl < 0 {
			break
		}
		cut += nl + 1
		parts = append(parts, linePart{src: src[:cut], firstLine: line})
		line += bytes.Count(src[:cut], []byte("\n"))
		src = src[cut:]
	}
	return append(parts, linePart{src: src, firstLine: line})
}

// parsedPart is what parsePart found in one part.
type parsedPart struct {
	stmts []Statement
	errs  ErrorList
}

// parsePart parses the lines of one part, numbering them from firstLine, and
// stops after maxStmtErrors errors.
func parsePart(src []byte, firstLine int) parsedPart {
	out := parsedPart{stmts: make([]Statement, 0, bytes.Count(src, []byte("\n"))+1)}
	var lx lineLexer
	for lineNo := firstLine; len(out.errs) < maxStmtErrors; lineNo++ {
		line, rest, more := bytes.Cut(src, []byte("\n"))
		st, ok, err := lx.parseLine(bytes.TrimSuffix(line, []byte("\r")), lineNo)
		switch {
		case err != nil:
			out.errs = append(out.errs, err)
		case ok:
			out.stmts = append(out.stmts, st)
		}
		if !more {
			break
		}
		src = rest
	}
	return out
}

// stParser parses the tokens of one line.
type stParser struct {
	toks []stToken
	pos  int
	line int
}

func (p *stParser) peek() stToken { return p.toks[p.pos] }

func (p *stParser) next() stToken {
	tok := p.toks[p.pos]
	if tok.kind != tokEOL {
		p.pos++
	}
	return tok
}

func (p *stParser) isWord(word string) bool {
	tok := p.peek()
	return tok.kind == tokWord && strings.EqualFold(tok.val, word)
}

func (p *stParser) isPunct(c string) bool {
	tok := p.peek()
	return tok.kind == tokPunct && tok.val == c
}

func (p *stParser) expected(what string, tok stToken) *SyntaxError {
	return stErr(p.line, tok.col, ErrSyntax, "expected %s, found %s", what, tok.describe())
}

// declKind returns the node kind an upper-case declaration keyword declares.
func declKind(kw string) (Kind, bool) {
	switch kw {
	case "UDE":
		return KindUDE, true
	case "CAUSE", "ROOT":
		return KindCause, true
	case "PREMISE":
		return KindPremise, true
	case "INJECTION":
		return KindInjection, true
	case "DESIRED", "DESIRED_EFFECT":
		return KindDesiredEffect, true
	case "NEGATIVE", "NEGATIVE_EFFECT":
		return KindNegativeEffect, true
	}
	return "", false
}

const statementKeywords = "IF, UDE, CAUSE, ROOT, PREMISE, INJECTION, DESIRED, NEGATIVE or TITLE"

// statement parses a whole line.
func (p *stParser) statement() (Statement, bool, *SyntaxError) {
	first := p.peek()
	if first.kind == tokEOL {
		return Statement{}, false, nil
	}
	st := Statement{Line: p.line, Col: first.col}
	var err *SyntaxError
	if first.kind == tokRef {
		p.next()
		if _, ok := declKind(strings.ToUpper(p.peek().val)); !ok || p.peek().kind != tokWord {
			return st, false, p.expected("a node kind (UDE, CAUSE, ROOT, PREMISE, INJECTION, DESIRED or NEGATIVE) after "+first.val, p.peek())
		}
		st.Node.ID = first.ref.ID
	}
	tok := p.peek()
	kw := strings.ToUpper(tok.val)
	_, isDecl := declKind(kw)
	switch {
	case tok.kind == tokWord && kw == "IF":
		err = p.link(&st)
	case tok.kind == tokWord && kw == "TITLE":
		err = p.title(&st)
	case tok.kind == tokWord && isDecl:
		err = p.decl(&st, kw)
	default:
		err = p.expected("a statement ("+statementKeywords+")", tok)
	}
	if err == nil && p.peek().kind != tokEOL {
		err = p.expected("end of line", p.peek())
	}
	return st, err == nil, err
}

// title parses TITLE [text] or TITLE "text".
func (p *stParser) title(st *Statement) *SyntaxError {
	p.next()
	st.Kind = StatementTitle
	tok := p.next()
	switch tok.kind {
	case tokText:
		st.Title = collapseSpace(tok.val)
	case tokString:
		st.Title = tok.val
	default:
		return p.expected(`"[" or a quoted string after TITLE`, tok)
	}
	return nil
}

// collapseSpace trims s and turns runs of white space into one space.
func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// decl parses KIND[(attrs)] [text] after an optional #N already read.
func (p *stParser) decl(st *Statement, kw string) *SyntaxError {
	kwTok := p.next()
	st.Kind = StatementNode
	d := &st.Node
	d.Kind, _ = declKind(kw)
	d.RootMarked = kw == "ROOT"
	prefixID := d.ID
	var attrID NodeID
	if p.isPunct("(") {
		attrs, err := p.attrs()
		if err != nil {
			return err
		}
		if attrID, err = p.nodeAttrs(d, attrs); err != nil {
			return err
		}
	}
	ref, err := p.ref("after " + strings.ToUpper(kwTok.val))
	if err != nil {
		return err
	}
	d.Ref = ref
	return p.mergeIDs(&d.ID, ref.Col, prefixID, attrID, ref.ID)
}

// mergeIDs sets *dst to the one number given (if any) and rejects two different ones.
func (p *stParser) mergeIDs(dst *NodeID, col int, ids ...NodeID) *SyntaxError {
	*dst = 0
	for _, id := range ids {
		if id == 0 {
			continue
		}
		if *dst != 0 && *dst != id {
			return stErr(p.line, col, ErrSyntax, "the node is given two numbers, %s and %s", *dst, id)
		}
		*dst = id
	}
	return nil
}

// ref parses a node reference: [text], [#N], [#N text] or #N.
func (p *stParser) ref(where string) (Ref, *SyntaxError) {
	tok := p.next()
	if tok.kind != tokText && tok.kind != tokRef {
		return Ref{}, p.expected(`"[" or #N `+where, tok)
	}
	return tok.ref, nil
}

// link parses IF ref {AND ref} [,] THEN ref [(attrs)].
func (p *stParser) link(st *Statement) *SyntaxError {
	p.next()
	st.Kind = StatementLink
	r, err := p.ref("after IF")
	if err != nil {
		return err
	}
	st.Causes = []Ref{r}
	for !p.isWord("THEN") {
		switch {
		case p.isWord("AND"):
			p.next()
			if r, err = p.ref("after AND"); err != nil {
				return err
			}
			st.Causes = append(st.Causes, r)
		case p.isPunct(","):
			p.next()
			if !p.isWord("THEN") {
				return p.expected(`THEN after ","`, p.peek())
			}
		default:
			return p.expected("AND or THEN", p.peek())
		}
	}
	p.next()
	if st.Effect, err = p.ref("after THEN"); err != nil {
		return err
	}
	if !p.isPunct("(") {
		return nil
	}
	attrs, err := p.attrs()
	if err != nil {
		return err
	}
	return p.linkAttrs(st, attrs)
}

// stAttr is one name[=value] inside parentheses.
type stAttr struct {
	name  string // lower case
	col   int
	value *stToken
}

// attrs parses "(" [attr {"," attr}] ")" and rejects repeated names.
func (p *stParser) attrs() ([]stAttr, *SyntaxError) {
	p.next()
	var out []stAttr
	if p.isPunct(")") {
		p.next()
		return nil, nil
	}
	for {
		tok := p.next()
		if tok.kind != tokWord {
			return nil, p.expected("an attribute name", tok)
		}
		a := stAttr{name: strings.ToLower(tok.val), col: tok.col}
		if slices.ContainsFunc(out, func(b stAttr) bool { return b.name == a.name }) {
			return nil, stErr(p.line, tok.col, ErrSyntax, "attribute %s is given twice", a.name)
		}
		if p.isPunct("=") {
			p.next()
			v := p.next()
			if v.kind != tokWord && v.kind != tokNumber && v.kind != tokString && v.kind != tokRef && v.kind != tokText {
				return nil, p.expected("a value after "+a.name+"=", v)
			}
			a.value = &v
		}
		out = append(out, a)
		switch tok := p.next(); {
		case tok.kind == tokPunct && tok.val == ")":
			return out, nil
		case tok.kind != tokPunct || tok.val != ",":
			return nil, p.expected(`"," or ")"`, tok)
		}
	}
}

// flag checks that a flag attribute has no value.
func (p *stParser) flag(a stAttr) *SyntaxError {
	if a.value != nil {
		return stErr(p.line, a.col, ErrSyntax, "attribute %s takes no value", a.name)
	}
	return nil
}

// valueOf returns the value of a name=value attribute of the given token kind.
func (p *stParser) valueOf(a stAttr, kind stTokKind, what string) (string, *SyntaxError) {
	if a.value == nil || a.value.kind != kind {
		return "", stErr(p.line, a.col, ErrSyntax, "attribute %s needs %s, as in %s", a.name, what, attrExample(a.name))
	}
	return a.value.val, nil
}

// attrExample shows how to write the attribute called name.
func attrExample(name string) string {
	switch name {
	case "evidence":
		return `evidence="https://…"`
	case "status":
		return "status=accepted"
	case "against":
		return "against=#12 or against=[text]"
	}
	return name + "=12"
}

// number parses the value of an id= attribute.
func (p *stParser) number(a stAttr) (int, *SyntaxError) {
	v, err := p.valueOf(a, tokNumber, "a number")
	if err != nil {
		return 0, err
	}
	return stNumber(v, p.line, a.value.col)
}

// weightOf reads a weight value: 1, 2, 3, low, medium or high; 0 if it is none of them.
func weightOf(v *stToken) int {
	if v == nil || v.kind == tokString {
		return 0
	}
	switch strings.ToLower(v.val) {
	case "1", "low":
		return WeightLow
	case "2", "medium":
		return WeightMedium
	case "3", "high":
		return WeightHigh
	}
	return 0
}

// nodeAttrs applies declaration attributes to d and returns the id= number, if any.
func (p *stParser) nodeAttrs(d *NodeDecl, attrs []stAttr) (NodeID, *SyntaxError) {
	var id int
	var err *SyntaxError
	for _, a := range attrs {
		switch a.name {
		case "weight":
			if d.Weight = weightOf(a.value); d.Weight == 0 {
				return 0, stErr(p.line, a.col, ErrSyntax, "attribute weight needs 1, 2 or 3 (low, medium or high), as in weight=3")
			}
		case "unverified":
			d.Unverified, err = true, p.flag(a)
		case "root":
			d.RootMarked, err = true, p.flag(a)
		case "blame":
			d.BlameWorded, err = true, p.flag(a)
		case "evidence":
			d.Evidence, err = p.valueOf(a, tokString, "a quoted string")
		case "id":
			id, err = p.number(a)
		case "against":
			d.Against, err = p.target(a)
		default:
			err = stErr(p.line, a.col, ErrSyntax,
				"unknown attribute %q (expected weight, unverified, root, blame, evidence, against or id)", a.name)
		}
		if err != nil {
			return 0, err
		}
	}
	return NodeID(id), nil
}

// linkAttrs applies link attributes (status and id) to st.
func (p *stParser) linkAttrs(st *Statement, attrs []stAttr) *SyntaxError {
	var err *SyntaxError
	for _, a := range attrs {
		switch a.name {
		case string(StatusAccepted), string(StatusDisputed), string(StatusUnreviewed):
			err = p.setStatus(st, a, LinkStatus(a.name), p.flag(a))
		case "status":
			v, verr := p.valueOf(a, tokWord, "accepted, disputed or unreviewed")
			err = p.setStatus(st, a, LinkStatus(strings.ToLower(v)), verr)
		case "id":
			var n int
			n, err = p.number(a)
			st.Group = GroupID(n)
		default:
			err = stErr(p.line, a.col, ErrSyntax,
				"unknown attribute %q (expected accepted, disputed, unreviewed, status or id)", a.name)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *stParser) setStatus(st *Statement, a stAttr, s LinkStatus, err *SyntaxError) *SyntaxError {
	switch {
	case err != nil:
		return err
	case !linkStatusValid(s):
		return stErr(p.line, a.col, ErrSyntax, "unknown status %q (expected accepted, disputed or unreviewed)", s)
	case st.Status != "" && st.Status != s:
		return stErr(p.line, a.col, ErrSyntax, "the link is given two statuses, %s and %s", st.Status, s)
	}
	st.Status = s
	return nil
}

func linkStatusValid(s LinkStatus) bool {
	return s == StatusUnreviewed || s == StatusAccepted || s == StatusDisputed
}

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

// Format writes t in the statement syntax: the title, a declaration for every
// node in number order, then one IF/THEN line per link in number order. Only
// attributes that differ from the defaults are written; numbers are written
// only where Parse would not assign the same ones. Parse(Format(t)) gives
// back the same nodes, links and title.
func Format(t *Tree) []byte {
	var b bytes.Buffer
	if t.Title != "" {
		b.WriteString("TITLE " + formatTitle(t.Title) + "\n\n")
	}
	prev := NodeID(0)
	for _, n := range t.Nodes() {
		b.WriteString(formatDecl(n, prev) + "\n")
		prev = n.ID
	}
	groups := t.Groups()
	if len(groups) > 0 && prev != 0 {
		b.WriteString("\n")
	}
	prevGroup := GroupID(0)
	for _, g := range groups {
		b.WriteString(FormatGroup(t, g) + formatLinkAttrs(g, prevGroup) + "\n")
		prevGroup = g.ID
	}
	return b.Bytes()
}

// formatTitle writes a title as [text] when that reads back the same, else quoted.
func formatTitle(title string) string {
	plain := utf8.ValidString(title) && collapseSpace(title) == title &&
		!strings.ContainsFunc(title, func(r rune) bool { return unicode.IsControl(r) || r == 0xFEFF })
	if plain {
		return "[" + escapeText(title) + "]"
	}
	return strconv.Quote(title)
}

// formatDecl writes the declaration of n, whose predecessor in number order is prev.
func formatDecl(n *Node, prev NodeID) string {
	var b strings.Builder
	if n.ID != prev+1 {
		b.WriteString(n.ID.String() + " ")
	}
	kw := declKeyword(n)
	b.WriteString(kw)
	var attrs []string
	if n.Weight != 0 {
		attrs = append(attrs, "weight="+strconv.Itoa(n.Weight))
	}
	if n.Unverified {
		attrs = append(attrs, "unverified")
	}
	if n.RootMarked && kw != "ROOT" {
		attrs = append(attrs, "root")
	}
	if n.BlameWorded {
		attrs = append(attrs, "blame")
	}
	if n.Evidence != "" {
		attrs = append(attrs, "evidence="+strconv.Quote(n.Evidence))
	}
	if n.Against != 0 {
		attrs = append(attrs, "against="+n.Against.String())
	}
	if len(attrs) > 0 {
		b.WriteString("(" + strings.Join(attrs, ", ") + ")")
	}
	b.WriteString(" [" + escapeText(n.Text) + "]")
	return b.String()
}

// declKeyword is the keyword that declares n.
func declKeyword(n *Node) string {
	switch n.Kind {
	case KindUDE:
		return "UDE"
	case KindPremise:
		return "PREMISE"
	case KindInjection:
		return "INJECTION"
	case KindDesiredEffect:
		return "DESIRED"
	case KindNegativeEffect:
		return "NEGATIVE"
	}
	if n.RootMarked {
		return "ROOT"
	}
	return "CAUSE"
}

// formatLinkAttrs writes the attributes of g that differ from the defaults.
func formatLinkAttrs(g *Group, prev GroupID) string {
	var attrs []string
	if g.Status != "" && g.Status != StatusUnreviewed {
		attrs = append(attrs, string(g.Status))
	}
	if g.ID != prev+1 {
		attrs = append(attrs, "id="+strconv.Itoa(int(g.ID)))
	}
	if len(attrs) == 0 {
		return ""
	}
	return " (" + strings.Join(attrs, ", ") + ")"
}

// escapeText escapes a text for the inside of brackets: backslashes, closing
// brackets, and a leading #N that would otherwise read as a reference.
func escapeText(s string) string {
	s = escapeLabel(s)
	if len(s) > 1 && s[0] == '#' && isDigit(rune(s[1])) {
		s = `\` + s
	}
	return s
}

// escapeLabel escapes backslashes and closing brackets.
func escapeLabel(s string) string {
	if !strings.ContainsAny(s, `\]`) {
		return s
	}
	return strings.NewReplacer(`\`, `\\`, `]`, `\]`).Replace(s)
}

// FormatGroup writes g as one line, IF [cause] AND [cause] THEN [effect],
// naming nodes by their text. It writes no attributes.
func FormatGroup(t *Tree, g *Group) string {
	return formatGroup(t, g, func(n *Node) string { return "[" + escapeText(n.Text) + "]" })
}

// FormatGroupNumbered writes g as IF [#3 cause] AND [#5 cause] THEN [#8 effect];
// the result parses back as references to those nodes.
func FormatGroupNumbered(t *Tree, g *Group) string {
	return formatGroup(t, g, func(n *Node) string { return "[" + n.ID.String() + " " + escapeLabel(n.Text) + "]" })
}

func formatGroup(t *Tree, g *Group, ref func(*Node) string) string {
	name := func(id NodeID) string {
		if n, ok := t.nodes[id]; ok {
			return ref(n)
		}
		return id.String()
	}
	var b strings.Builder
	for i, c := range g.Causes {
		if i == 0 {
			b.WriteString("IF ")
		} else {
			b.WriteString(" AND ")
		}
		b.WriteString(name(c))
	}
	b.WriteString(" THEN " + name(g.Effect))
	return b.String()
}
