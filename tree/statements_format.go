package tree

// The statement writer: Format and FormatGroup turn a tree back into the
// statement syntax that Parse reads.

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

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
