package tree

// The parser's attribute lists: "(weight=high, unverified)" after a node,
// "(status=accepted, evidence=…)" after a link, checked and copied into the
// statement.

import (
	"slices"
	"strings"
)

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
