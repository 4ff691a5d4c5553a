package render

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/untangle-rca/untangle/tree"
)

// DOT returns the tree as Graphviz DOT: deterministic (nodes by number,
// junctions and edges by link), causes below effects, node shapes sized from
// the embedded fonts (fixedsize=shape) so that edges meet the boxes we paint,
// and labels readable by native Graphviz too. a may be nil; then roots are the
// causes with no incoming link and no core cause is marked.
func DOT(t *tree.Tree, a *tree.Analysis, opt Options) []byte {
	m, err := defaultMetrics()
	if err != nil {
		// The fonts are embedded; failing to parse them is a build defect.
		panic(err)
	}
	return buildScene(t, a, opt, m).dot()
}

// dot writes the scene as DOT.
func (s *scene) dot() []byte {
	var b bytes.Buffer
	b.WriteString("digraph cst {\n")
	fmt.Fprintf(&b, "  // %s\n", strings.ReplaceAll(s.title, "\n", " "))
	fmt.Fprintf(&b, "  graph [rankdir=BT, nodesep=0.3, ranksep=0.45, splines=spline, outputorder=edgesfirst, pad=0.2, label=%s, labelloc=t, fontname=\"Helvetica-Bold\", fontsize=%s];\n",
		quote(s.title), num(titleSize))
	fmt.Fprintf(&b, "  node [fontname=\"Helvetica\", fontsize=%s, fixedsize=shape, margin=0];\n", num(textSize))
	fmt.Fprintf(&b, "  edge [color=%q, penwidth=1.8, arrowsize=1.0, fontname=\"Helvetica-Bold\", fontsize=%s];\n", cssColor(colLink), num(headSize))
	for _, n := range s.nodes {
		b.WriteString("  ")
		b.WriteString(n.name)
		b.WriteString(" [")
		b.WriteString(n.dotAttrs())
		b.WriteString("];\n")
	}
	if len(s.top) > 1 {
		fmt.Fprintf(&b, "  { rank=max; %s; }\n", strings.Join(s.top, "; "))
	}
	for _, e := range s.edges {
		fmt.Fprintf(&b, "  %s -> %s [%s];\n", e.from, e.to, e.dotAttrs())
	}
	b.WriteString("}\n")
	return b.Bytes()
}

func (n *sceneNode) dotAttrs() string {
	size := fmt.Sprintf("width=%s, height=%s", num(n.w/72), num(n.h/72))
	if n.junction {
		return fmt.Sprintf("label=\"AND\", shape=ellipse, %s, fontname=\"Helvetica-Bold\", fontsize=%s, style=bold, color=%q",
			size, num(headSize), cssColor(colJunction))
	}
	st := styles[n.look]
	shape, style := "box", []string{"filled"}
	switch {
	case st.hexagon:
		shape = "hexagon"
	case st.radius > 0:
		style = append(style, "rounded")
	}
	if n.unverified {
		style = append(style, "dashed")
	}
	head := []string{n.header}
	head = append(head, n.badges...)
	if n.unverified {
		head = append(head, "(unverified?)")
	}
	if n.blame {
		head = append(head, "(blame wording!)")
	}
	label := strings.Join(head, " ") + "\n" + strings.Join(n.lines, "\n")
	attrs := fmt.Sprintf("label=%s, shape=%s, style=%q, %s, fillcolor=%q, color=%q, penwidth=%s",
		quote(label), shape, strings.Join(style, ","), size, cssColor(st.fill), cssColor(st.border), num(st.penWidth))
	if n.highlight {
		attrs += ", peripheries=2"
	}
	return attrs
}

func (e *sceneEdge) dotAttrs() string {
	var attrs []string
	attrs = append(attrs, "id="+quote(e.key))
	if !e.arrow {
		attrs = append(attrs, "arrowhead=none")
	}
	switch {
	case e.disputed:
		attrs = append(attrs, "style=dashed", fmt.Sprintf("color=%q", cssColor(colDisputed)), fmt.Sprintf("fontcolor=%q", cssColor(colDisputed)))
	case e.accepted:
		attrs = append(attrs, fmt.Sprintf("color=%q", cssColor(colInk)), "penwidth=2.6")
	}
	if e.label != "" {
		attrs = append(attrs, "label="+quote(e.label))
	}
	return strings.Join(attrs, ", ")
}

// quote returns s as a DOT double-quoted string; newlines become \n, and
// "&" becomes "&amp;" because Graphviz reads entities such as "&lt;" in
// labels as the characters they name.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '&':
			b.WriteString("&amp;")
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// num formats v with at most 4 decimals and no trailing zeros.
func num(v float64) string { return strconv.FormatFloat(math.Round(v*1e4)/1e4, 'f', -1, 64) }
