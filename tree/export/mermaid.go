package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/untangle-rca/untangle/tree"
)

// Okabe–Ito colours (colour-blind safe), the palette tree/render paints with too.
const (
	colourVermillion = "#D55E00" // UDE borders; disputed links
	colourGreen      = "#009E73" // injection and desired-effect borders
	colourPurple     = "#CC79A7" // premise borders
)

// mermaidClassDefs are the Mermaid classes, in the order they are declared.
var mermaidClassDefs = []struct{ name, style string }{
	// The same fills and borders as the PNG and SVG of tree/render.
	{"ude", "fill:#F9D9C4,stroke:" + colourVermillion + ",stroke-width:3px,color:#1A1A1A"},
	{"cause", "fill:#FFFFFF,stroke:#0072B2,color:#1A1A1A"},
	{"root", "fill:#DDEFFA,stroke:#0072B2,stroke-width:2px,color:#1A1A1A"},
	{"core", "fill:#FBE3AE,stroke:#000000,stroke-width:4px,color:#1A1A1A,font-weight:bold"},
	{"premise", "fill:#F5E1EC,stroke:" + colourPurple + ",stroke-width:2px,color:#1A1A1A"},
	{"injection", "fill:#CCEBE3,stroke:" + colourGreen + ",stroke-width:2px,color:#1A1A1A"},
	{"desired", "fill:#E3F4EE,stroke:" + colourGreen + ",stroke-width:3px,color:#1A1A1A"},
	{"junction", "fill:#FFFFFF,stroke:#000000,color:#000000,font-size:10px"},
	{"disputed", "stroke:" + colourVermillion + ",stroke-width:2px,stroke-dasharray:6 4"},
	{"unverified", "stroke-dasharray:3 3"},
}

// mermaidEntities maps the characters Mermaid (or the HTML it renders) would
// read as syntax to Mermaid entity codes, which it decodes after parsing.
var mermaidEntities = map[rune]string{
	'"': "#quot;", '#': "#35;", '&': "#amp;", '<': "#lt;", '>': "#gt;",
	'[': "#91;", ']': "#93;", '(': "#40;", ')': "#41;", '{': "#123;", '}': "#125;",
	'|': "#124;", '`': "#96;", '\\': "#92;", '*': "#42;", '_': "#95;", '~': "#126;",
}

// mermaidEscape makes s safe inside a double-quoted Mermaid label.
func mermaidEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if e, ok := mermaidEntities[r]; ok {
			b.WriteString(e)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mermaidLabel is a node's number and wrapped, escaped text.
func mermaidLabel(n *tree.Node) string {
	lines := wrap(n.Text, wrapWidth)
	for i, l := range lines {
		lines[i] = mermaidEscape(l)
	}
	return mermaidEscape(n.ID.String()) + " " + strings.Join(lines, "<br/>")
}

// mermaidShapes gives each kind its own outline, so kinds differ without colour.
var mermaidShapes = map[tree.Kind][2]string{
	tree.KindUDE:           {`["`, `"]`},
	tree.KindCause:         {`("`, `")`},
	tree.KindPremise:       {`[/"`, `"/]`},
	tree.KindInjection:     {`{{"`, `"}}`},
	tree.KindDesiredEffect: {`(["`, `"])`},
}

// mermaidKindClass is the class of a node kind before analysis roles apply.
var mermaidKindClass = map[tree.Kind]string{
	tree.KindUDE:           "ude",
	tree.KindCause:         "cause",
	tree.KindPremise:       "premise",
	tree.KindInjection:     "injection",
	tree.KindDesiredEffect: "desired",
}

// mermaidClass picks a node's main class: core beats its kind, and root
// replaces the plain cause and UDE look.
func mermaidClass(n *tree.Node, r roles) string {
	switch {
	case r.core[n.ID]:
		return "core"
	case r.root[n.ID] && (n.Kind == tree.KindCause || n.Kind == tree.KindUDE):
		return "root"
	}
	return mermaidKindClass[n.Kind]
}

// mermaidWriter accumulates a flowchart and the styling it needs.
type mermaidWriter struct {
	b       strings.Builder
	classes map[string][]string // class name → element ids
	looks   map[linkLook][]int  // indexes of the links with a special look
	links   int                 // links written so far
}

// linkLook is how a link is drawn.
type linkLook int

// The looks of a link: plain, disputed in the challenge pass, or left out
// of the analysis because it is not accepted yet.
const (
	lookPlain linkLook = iota
	lookDisputed
	lookLeftOut
)

// mermaidLinkStyles are the linkStyle of the special looks, in output order.
var mermaidLinkStyles = []struct {
	look  linkLook
	style string
}{
	{lookDisputed, "stroke:" + colourVermillion + ",stroke-width:2px,stroke-dasharray:6 4"},
	{lookLeftOut, "stroke:#999999,stroke-width:1px,stroke-dasharray:2 3"},
}

// Mermaid renders t as a Mermaid `flowchart BT` (causes below, UDEs on top):
// numbered, wrapped and escaped node labels, AND groups as small junction
// nodes, and classes in the PNG palette for UDEs, root and core causes,
// premises, injections, desired effects, disputed links and unverified
// nodes. Links the analysis left out as not yet accepted are thin and grey.
// a may be nil; then roots are found from the links alone.
func Mermaid(t *tree.Tree, a *tree.Analysis) []byte {
	w := &mermaidWriter{classes: map[string][]string{}, looks: map[linkLook][]int{}}
	w.header(t.Title)
	r := nodeRoles(t, a)
	for _, n := range t.Nodes() {
		w.node(n, r)
	}
	leftOut := map[tree.GroupID]bool{}
	if a != nil {
		for _, id := range a.Unreviewed {
			leftOut[id] = true
		}
	}
	for _, g := range t.Groups() {
		look := lookPlain
		switch {
		case g.Status == tree.StatusDisputed:
			look = lookDisputed
		case leftOut[g.ID]:
			look = lookLeftOut
		}
		w.group(g, look)
	}
	w.styles()
	return []byte(w.b.String())
}

// mermaidTitleLookalikes replaces the characters Mermaid's title rendering
// would turn into markup (it shows "&" as "&amp;" and drops anything in angle
// brackets) with characters that look the same.
var mermaidTitleLookalikes = strings.NewReplacer("&", "\uFF06", "<", "\u2039", ">", "\u203A")

// header writes the optional front-matter title and the diagram type.
func (w *mermaidWriter) header(title string) {
	if title = collapse(title); title != "" {
		var quoted bytes.Buffer
		enc := json.NewEncoder(&quoted) // a JSON string is a valid YAML double-quoted scalar
		enc.SetEscapeHTML(false)
		_ = enc.Encode(mermaidTitleLookalikes.Replace(title)) // a string always encodes
		fmt.Fprintf(&w.b, "---\ntitle: %s---\n", quoted.Bytes())
	}
	w.b.WriteString("flowchart BT\n")
}

// node writes one node and records its classes.
func (w *mermaidWriter) node(n *tree.Node, r roles) {
	id := fmt.Sprintf("n%d", int(n.ID))
	shape := mermaidShapes[n.Kind]
	fmt.Fprintf(&w.b, "    %s%s%s%s\n", id, shape[0], mermaidLabel(n), shape[1])
	w.classes[mermaidClass(n, r)] = append(w.classes[mermaidClass(n, r)], id)
	if n.Unverified {
		w.classes["unverified"] = append(w.classes["unverified"], id)
	}
}

// group writes a plain link, or an AND junction with its links.
func (w *mermaidWriter) group(g *tree.Group, look linkLook) {
	effect := fmt.Sprintf("n%d", int(g.Effect))
	if !g.IsAnd() {
		w.link(fmt.Sprintf("n%d", int(g.Causes[0])), effect, true, look)
		return
	}
	j := fmt.Sprintf("g%d", int(g.ID))
	fmt.Fprintf(&w.b, "    %s((\"AND\"))\n", j)
	w.classes["junction"] = append(w.classes["junction"], j)
	if look == lookDisputed {
		w.classes["disputed"] = append(w.classes["disputed"], j)
	}
	for _, c := range g.Causes {
		w.link(fmt.Sprintf("n%d", int(c)), j, false, look)
	}
	w.link(j, effect, true, look)
}

// mermaidLinkOps are the edge operators keyed by {arrow head, disputed}.
var mermaidLinkOps = map[[2]bool]string{
	{true, false}: "-->", {false, false}: "---",
	{true, true}: "-.->", {false, true}: "-.-",
}

// link writes one edge; disputed edges are dotted, and special looks are
// styled at the end.
func (w *mermaidWriter) link(from, to string, arrow bool, look linkLook) {
	op := mermaidLinkOps[[2]bool{arrow, look == lookDisputed}]
	fmt.Fprintf(&w.b, "    %s %s %s\n", from, op, to)
	if look != lookPlain {
		w.looks[look] = append(w.looks[look], w.links)
	}
	w.links++
}

// styles writes the class definitions, class assignments and link styles.
func (w *mermaidWriter) styles() {
	for _, c := range mermaidClassDefs {
		fmt.Fprintf(&w.b, "    classDef %s %s\n", c.name, c.style)
	}
	for _, c := range mermaidClassDefs {
		if ids := w.classes[c.name]; len(ids) > 0 {
			fmt.Fprintf(&w.b, "    class %s %s\n", strings.Join(ids, ","), c.name)
		}
	}
	for _, ls := range mermaidLinkStyles {
		links := w.looks[ls.look]
		if len(links) == 0 {
			continue
		}
		idx := make([]string, len(links))
		for i, d := range links {
			idx[i] = fmt.Sprint(d)
		}
		fmt.Fprintf(&w.b, "    linkStyle %s %s\n", strings.Join(idx, ","), ls.style)
	}
}
