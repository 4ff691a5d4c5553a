package export

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/untangle-rca/untangle/tree"
)

// Flying Logic document constants. See docs/formats.md for what they are
// based on and how sure we are of each.
const (
	flMajorVersion = "5" // documents of Flying Logic 4
	flString       = "java.lang.String"
	flInteger      = "java.lang.Integer"
	flOperatorAnd  = "Fuzzy And"
	flOperatorOr   = "Fuzzy Or"
)

// Flying Logic entity classes of the Thinking Processes domain.
const (
	flClassUDE          = "Undesirable Effect"
	flClassIntermediate = "Intermediate Effect"
	flClassPrecondition = "Precondition"
	flClassInjection    = "Injection"
	flClassDesirable    = "Desirable Effect"
)

// flClasses maps node kinds to entity classes of the built-in Thinking
// Processes domain.
var flClasses = map[tree.Kind]string{
	tree.KindUDE:           flClassUDE,
	tree.KindCause:         flClassIntermediate,
	tree.KindPremise:       flClassPrecondition,
	tree.KindInjection:     flClassInjection,
	tree.KindDesiredEffect: flClassDesirable,
	// A negative branch ends in a new undesirable effect: Flying Logic has
	// one class for both kinds.
	tree.KindNegativeEffect: flClassUDE,
}

// flDocument is the root of a Flying Logic document, in the shape Flying
// Logic saves: the title in documentInfo, the graph under
// decisionGraph/logicGraph/graph, every vertex's and edge's values in an
// attributes element.
type flDocument struct {
	XMLName      xml.Name        `xml:"flyingLogic"`
	MajorVersion string          `xml:"majorversion,attr"`
	Info         *flDocumentInfo `xml:"documentInfo,omitempty"`
	Vertices     []flVertex      `xml:"decisionGraph>logicGraph>graph>vertices>vertex"`
	Edges        []flEdge        `xml:"decisionGraph>logicGraph>graph>edges>edge"`
}

// flDocumentInfo holds the values of Flying Logic's document inspector.
type flDocumentInfo struct {
	Title string `xml:"title,attr"`
}

// flAttribute is a keyed, typed value of a vertex or edge; the entity class
// is an attribute holding a reference element instead of text.
type flAttribute struct {
	Key         string      `xml:"key,attr"`
	Class       string      `xml:"class,attr,omitempty"`
	Value       string      `xml:",chardata"`
	EntityClass *flClassRef `xml:"entityClass,omitempty"`
}

// flClassRef refers to an entity class of a built-in domain by name.
type flClassRef struct {
	Name string `xml:"name,attr"`
}

// flVertex is an entity or a junctor.
type flVertex struct {
	EID        int           `xml:"eid,attr"`
	Attributes []flAttribute `xml:"attributes>attribute"`
}

// flEdge links two vertices, cause to effect.
type flEdge struct {
	EID        int           `xml:"eid,attr"`
	Source     int           `xml:"source,attr"`
	Target     int           `xml:"target,attr"`
	Attributes []flAttribute `xml:"attributes>attribute,omitempty"`
}

func flText(key, value string) flAttribute {
	return flAttribute{Key: key, Class: flString, Value: value}
}

func flInt(key string, value int) flAttribute {
	return flAttribute{Key: key, Class: flInteger, Value: fmt.Sprint(value)}
}

// flBuilder assigns element ids and collects vertices and edges.
type flBuilder struct {
	doc    flDocument
	next   int
	entity map[tree.NodeID]int
}

func (b *flBuilder) eid() int {
	b.next++
	return b.next
}

// FlyingLogic writes t as a Flying Logic document (.xlogic) titled after the
// tree: each node an entity of the matching Thinking Processes class (Undesirable Effect,
// Intermediate Effect, Precondition, Injection, Desirable Effect), each AND
// group a junctor with the "Fuzzy And" operator between its causes and its
// effect, and an entity with several cause groups (OR) the "Fuzzy Or"
// operator. The node number, root and core roles, evidence and open doubts go
// into the entity's note; link status into a user attribute. a may be nil.
func FlyingLogic(t *tree.Tree, a *tree.Analysis) ([]byte, error) {
	b := &flBuilder{entity: map[tree.NodeID]int{}}
	b.doc.MajorVersion = flMajorVersion
	if title := collapse(t.Title); title != "" {
		b.doc.Info = &flDocumentInfo{Title: title}
	}
	r := nodeRoles(t, a)
	into, _ := linkCounts(t)
	for _, n := range t.Nodes() {
		b.addEntity(n, r, into[n.ID] > 1)
	}
	for _, g := range t.Groups() {
		b.addGroup(g)
	}
	var out bytes.Buffer
	out.WriteString(xml.Header)
	enc := xml.NewEncoder(&out)
	enc.Indent("", "  ")
	if err := enc.Encode(b.doc); err != nil {
		return nil, fmt.Errorf("export flying logic document: %w", err)
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// flClassOf returns the entity class of a node kind.
func flClassOf(k tree.Kind) string {
	if c, ok := flClasses[k]; ok {
		return c
	}
	return flClassIntermediate
}

// addEntity adds one node as an entity vertex; an effect of several cause
// groups (OR) gets the Fuzzy Or operator.
func (b *flBuilder) addEntity(n *tree.Node, r roles, or bool) {
	eid := b.eid()
	b.entity[n.ID] = eid
	note := flNote(n, r)
	attrs := []flAttribute{
		flText("type", "entity"),
		{Key: "entityClass", EntityClass: &flClassRef{Name: flClassOf(n.Kind)}},
		flText("title", n.Text),
		flText("note", note),
		// The same note under the key other Thinking Processes tools read.
		flText("description", note),
		flInt("untangleNumber", int(n.ID)),
	}
	if n.Kind == tree.KindUDE {
		attrs = append(attrs, flInt("untangleImpact", n.Impact()))
	}
	if n.Against != 0 {
		attrs = append(attrs, flInt("untangleAgainst", int(n.Against)))
	}
	if or {
		attrs = append(attrs, flText("operator", flOperatorOr))
	}
	b.doc.Vertices = append(b.doc.Vertices, flVertex{EID: eid, Attributes: attrs})
}

// flNote is the entity note: number, roles, doubts and evidence.
func flNote(n *tree.Node, r roles) string {
	parts := []string{n.ID.String()}
	switch {
	case r.core[n.ID]:
		parts = append(parts, "core cause")
	case r.root[n.ID]:
		parts = append(parts, "root cause")
	}
	if n.Unverified {
		parts = append(parts, "unverified: evidence requested")
	}
	if n.Evidence != "" {
		parts = append(parts, "evidence: "+n.Evidence)
	}
	switch {
	case n.Against != 0 && n.Kind == tree.KindDesiredEffect:
		parts = append(parts, "counterpart of "+n.Against.String())
	case n.Against != 0:
		parts = append(parts, "injection against "+n.Against.String())
	case r.untrimmed[n.ID]:
		parts = append(parts, "negative branch, not trimmed")
	case n.Kind == tree.KindNegativeEffect:
		parts = append(parts, "negative branch, trimmed")
	}
	return strings.Join(parts, "; ")
}

// addGroup adds a link as one edge, or an AND group as a junctor with its edges.
func (b *flBuilder) addGroup(g *tree.Group) {
	effect := b.entity[g.Effect]
	if !g.IsAnd() {
		b.addEdge(b.entity[g.Causes[0]], effect, g.Status)
		return
	}
	j := b.eid()
	b.doc.Vertices = append(b.doc.Vertices, flVertex{EID: j, Attributes: []flAttribute{
		flText("type", "junctor"),
		flText("operator", flOperatorAnd),
	}})
	for _, c := range g.Causes {
		b.addEdge(b.entity[c], j, g.Status)
	}
	b.addEdge(j, effect, g.Status)
}

// addEdge adds one edge; links not yet accepted carry their status.
func (b *flBuilder) addEdge(source, target int, status tree.LinkStatus) {
	e := flEdge{EID: b.eid(), Source: source, Target: target}
	if status != tree.StatusAccepted && status != "" {
		e.Attributes = []flAttribute{flText("untangleStatus", string(status))}
	}
	b.doc.Edges = append(b.doc.Edges, e)
}
