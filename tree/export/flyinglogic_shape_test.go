package export_test

import (
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/export"
)

// xmlNode is a generic XML element, for reading a document the way a DOM
// reader does.
type xmlNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []xmlNode  `xml:",any"`
	Text     string     `xml:",chardata"`
}

func (n *xmlNode) attr(name string) (string, bool) {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

func (n *xmlNode) child(tag string) *xmlNode {
	for i := range n.Children {
		if n.Children[i].XMLName.Local == tag {
			return &n.Children[i]
		}
	}
	return nil
}

// find returns the first descendant at the end of path (tags separated by
// spaces, any depth between them, like a CSS descendant selector).
func (n *xmlNode) find(path ...string) *xmlNode {
	if len(path) == 0 {
		return n
	}
	for i := range n.Children {
		c := &n.Children[i]
		if c.XMLName.Local == path[0] {
			if f := c.find(path[1:]...); f != nil {
				return f
			}
		}
		if f := c.find(path...); f != nil {
			return f
		}
	}
	return nil
}

// flRead is what a Thinking Processes tool takes from a Flying Logic file.
type flRead struct {
	title    string
	entities map[string]flEntity // by eid
	edges    [][2]string         // entity eids, cause → effect
	and      [][]string          // per junctor, the cause eids
}

type flEntity struct {
	class, title, note, description string
}

// readFlyingLogic reads a Flying Logic document in the shape that Flying
// Logic saves and the open-source TP Studio importer reads: the title in
// documentInfo's title (or a root-level attribute), the vertices and edges
// anywhere under decisionGraph, each one's values in its attributes element
// (or directly inside it), the vertex type in the "type" attribute, the
// entity class as <attribute key="entityClass"><entityClass name="…"/>, and
// junctors between causes and their effect.
func readFlyingLogic(t *testing.T, data []byte) flRead {
	t.Helper()
	var root xmlNode
	if err := xml.Unmarshal(data, &root); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	if root.XMLName.Local != "flyingLogic" {
		t.Fatalf("root element is <%s>, not <flyingLogic>", root.XMLName.Local)
	}
	if v, ok := root.attr("majorversion"); !ok || v == "" {
		t.Error("the root has no majorversion, which Flying Logic requires")
	}
	out := flRead{entities: map[string]flEntity{}}
	for _, c := range root.Children {
		if c.XMLName.Local == "attribute" {
			if k, _ := c.attr("key"); k == "title" {
				out.title = c.Text
			}
		}
	}
	if info := root.child("documentInfo"); info != nil && out.title == "" {
		out.title, _ = info.attr("title")
	}
	junctors := map[string]bool{}
	if vs := root.find("decisionGraph", "vertices"); vs != nil {
		for _, v := range vs.Children {
			eid, _ := v.attr("eid")
			values, class := flValues(&v)
			switch values["type"] {
			case "junctor":
				junctors[eid] = true
			case "entity":
				out.entities[eid] = flEntity{class: class, title: values["title"], note: values["note"], description: values["description"]}
			}
		}
	}
	into := map[string][]string{}
	out.readEdges(root.find("decisionGraph", "edges"), junctors, into)
	for j := range junctors {
		out.and = append(out.and, into[j])
	}
	return out
}

// flValues reads a vertex's keyed values and its entity class.
func flValues(v *xmlNode) (map[string]string, string) {
	host := v
	if a := v.child("attributes"); a != nil {
		host = a
	}
	values := map[string]string{}
	class := ""
	for _, a := range host.Children {
		key, _ := a.attr("key")
		if ec := a.child("entityClass"); key == "entityClass" && ec != nil {
			class, _ = ec.attr("name")
			continue
		}
		values[key] = a.Text
	}
	return values, class
}

// readEdges records entity-to-entity edges, and which causes go into each junctor.
func (r *flRead) readEdges(edges *xmlNode, junctors map[string]bool, into map[string][]string) {
	if edges == nil {
		return
	}
	out := map[string]string{}
	for _, e := range edges.Children {
		src, _ := e.attr("source")
		dst, _ := e.attr("target")
		switch {
		case junctors[src]:
			out[src] = dst
		case junctors[dst]:
			into[dst] = append(into[dst], src)
		default:
			r.edges = append(r.edges, [2]string{src, dst})
		}
	}
	for j, target := range out {
		for _, c := range into[j] {
			r.edges = append(r.edges, [2]string{c, target})
		}
	}
}

// tpStudioTypes is how TP Studio names the Flying Logic classes it knows; a
// class it does not know (Precondition) is read as a plain effect.
var tpStudioTypes = map[string]string{
	"Undesirable Effect": "ude", "Intermediate Effect": "effect", "Injection": "injection", "Desirable Effect": "desiredEffect",
}

// TestFlyingLogicShape checks our document against the shape Flying Logic
// writes and TP Studio's importer reads: the title, every entity's class,
// text and note, every link (AND groups through junctors) come back.
func TestFlyingLogicShape(t *testing.T) {
	h, hA := hostile(t)
	data, err := export.FlyingLogic(h, hA)
	if err != nil {
		t.Fatal(err)
	}
	got := readFlyingLogic(t, data)
	if got.title != h.Title {
		t.Errorf("title read as %q, want %q", got.title, h.Title)
	}
	if len(got.entities) != h.NumNodes() {
		t.Fatalf("%d entities read, want %d", len(got.entities), h.NumNodes())
	}
	byNumber := map[tree.NodeID]string{}
	for eid, e := range got.entities {
		var n *tree.Node
		for _, c := range h.Nodes() {
			if c.Text == e.title {
				n = c
			}
		}
		if n == nil {
			t.Errorf("entity %s titled %q is no node", eid, e.title)
			continue
		}
		byNumber[n.ID] = eid
		want := map[tree.Kind]string{tree.KindUDE: "Undesirable Effect", tree.KindCause: "Intermediate Effect",
			tree.KindPremise: "Precondition", tree.KindInjection: "Injection", tree.KindDesiredEffect: "Desirable Effect"}[n.Kind]
		if e.class != want {
			t.Errorf("%s %q read with class %q, want %q", n.ID, n.Text, e.class, want)
		}
		if tp, ok := tpStudioTypes[e.class]; n.Kind != tree.KindPremise && (!ok || tp == "") {
			t.Errorf("%s: TP Studio reads class %q as a generic effect", n.ID, e.class)
		}
		if !strings.HasPrefix(e.note, n.ID.String()) || e.description != e.note {
			t.Errorf("%s: note %q, description %q", n.ID, e.note, e.description)
		}
	}
	var wantEdges, gotEdges []string
	for _, g := range h.Groups() {
		for _, c := range g.Causes {
			wantEdges = append(wantEdges, fmt.Sprint(byNumber[c], "→", byNumber[g.Effect]))
		}
	}
	for _, e := range got.edges {
		gotEdges = append(gotEdges, fmt.Sprint(e[0], "→", e[1]))
	}
	slices.Sort(wantEdges)
	slices.Sort(gotEdges)
	if !slices.Equal(gotEdges, wantEdges) {
		t.Errorf("links read as %v, want %v", gotEdges, wantEdges)
	}
	ands := 0
	for _, g := range h.Groups() {
		if g.IsAnd() {
			ands++
		}
	}
	if len(got.and) != ands {
		t.Errorf("%d AND junctors read, want %d", len(got.and), ands)
	}
}
