package tree

// This file holds the statement syntax: a line-oriented text form of a tree
// ("UDE [..]", "IF [..] AND [..] THEN [..]") and its parser; the lexer,
// attribute lists, Apply (which merges parsed statements into a tree) and
// the writer live in the other statements_*.go files. docs/statements.md is
// the user-facing description of the syntax; keep the two in step.

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
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
