package export_test

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/export"
)

// parsedFL is our own reading of a Flying Logic document.
type parsedFL struct {
	XMLName xml.Name `xml:"flyingLogic"`
	Major   string   `xml:"majorversion,attr"`
	Info    struct {
		Title string `xml:"title,attr"`
	} `xml:"documentInfo"`
	Vertices []struct {
		EID   int    `xml:"eid,attr"`
		Attrs []attr `xml:"attributes>attribute"`
	} `xml:"decisionGraph>logicGraph>graph>vertices>vertex"`
	Edges []struct {
		EID    int    `xml:"eid,attr"`
		Source int    `xml:"source,attr"`
		Target int    `xml:"target,attr"`
		Attrs  []attr `xml:"attributes>attribute"`
	} `xml:"decisionGraph>logicGraph>graph>edges>edge"`
}

type attr struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
	Class *struct {
		Name string `xml:"name,attr"`
	} `xml:"entityClass"`
}

// entityClass is the name in a vertex's entityClass attribute ("" if none).
func entityClass(attrs []attr) string {
	for _, a := range attrs {
		if a.Key == "entityClass" && a.Class != nil {
			return a.Class.Name
		}
	}
	return ""
}

func attrValue(attrs []attr, key string) string {
	for _, a := range attrs {
		if a.Key == key {
			return a.Value
		}
	}
	return ""
}

func parseFL(t *testing.T, data []byte) parsedFL {
	t.Helper()
	var doc parsedFL
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("document does not parse back: %v\n%s", err, data)
	}
	return doc
}

func TestFlyingLogicGolden(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			got, err := export.FlyingLogic(f.tree, f.an)
			if err != nil {
				t.Fatalf("FlyingLogic: %v", err)
			}
			golden(t, f.name+".xlogic.golden", got)
		})
	}
}

func TestFlyingLogicParsesBack(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			data, err := export.FlyingLogic(f.tree, f.an)
			if err != nil {
				t.Fatalf("FlyingLogic: %v", err)
			}
			doc := parseFL(t, data)
			wantJunctors, wantEdges := 0, 0
			for _, g := range f.tree.Groups() {
				wantEdges++
				if g.IsAnd() {
					wantJunctors++
					wantEdges += len(g.Causes)
				}
			}
			eids := map[int]bool{}
			titles := map[string]bool{}
			entities, junctors := 0, 0
			for _, v := range doc.Vertices {
				if eids[v.EID] {
					t.Errorf("duplicate eid %d", v.EID)
				}
				eids[v.EID] = true
				switch attrValue(v.Attrs, "type") {
				case "entity":
					entities++
					titles[attrValue(v.Attrs, "title")] = true
				case "junctor":
					junctors++
					if op := attrValue(v.Attrs, "operator"); op != "Fuzzy And" {
						t.Errorf("junctor %d has operator %q", v.EID, op)
					}
					if c := entityClass(v.Attrs); c != "" {
						t.Errorf("junctor %d has entity class %q", v.EID, c)
					}
				default:
					t.Errorf("vertex %d has no known type", v.EID)
				}
			}
			if entities != f.tree.NumNodes() || junctors != wantJunctors || len(doc.Edges) != wantEdges {
				t.Errorf("got %d entities, %d junctors, %d edges; want %d, %d, %d",
					entities, junctors, len(doc.Edges), f.tree.NumNodes(), wantJunctors, wantEdges)
			}
			for _, n := range f.tree.Nodes() {
				if !titles[n.Text] {
					t.Errorf("no entity titled %q", n.Text)
				}
			}
			for _, e := range doc.Edges {
				if !eids[e.Source] || !eids[e.Target] || eids[e.EID] {
					t.Errorf("edge %d (%d → %d) points outside the vertices or reuses an eid", e.EID, e.Source, e.Target)
				}
			}
		})
	}
}

func TestFlyingLogicEntityClasses(t *testing.T) {
	h, hA := hostile(t)
	data, err := export.FlyingLogic(h, hA)
	if err != nil {
		t.Fatalf("FlyingLogic: %v", err)
	}
	doc := parseFL(t, data)
	tests := []struct {
		name      string
		number    string
		class     string
		noteParts []string
	}{
		{name: "UDE", number: "1", class: "Undesirable Effect", noteParts: []string{"#1"}},
		{name: "loop root cause", number: "4", class: "Intermediate Effect", noteParts: []string{"#4", "root cause"}},
		{name: "dangling cause", number: "5", class: "Intermediate Effect", noteParts: []string{"#5"}},
		{name: "unverified premise", number: "6", class: "Precondition", noteParts: []string{"root cause", "unverified", "evidence: https://example.com/?a=1&b=<2>"}},
		{name: "injection", number: "10", class: "Injection"},
		{name: "desired effect", number: "11", class: "Desirable Effect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, v := range doc.Vertices {
				if attrValue(v.Attrs, "untangleNumber") != tt.number {
					continue
				}
				if got := entityClass(v.Attrs); got != tt.class {
					t.Errorf("entity class = %q, want %q", got, tt.class)
				}
				note := attrValue(v.Attrs, "note")
				for _, p := range tt.noteParts {
					if !strings.Contains(note, p) {
						t.Errorf("note %q lacks %q", note, p)
					}
				}
				return
			}
			t.Errorf("no entity numbered %s", tt.number)
		})
	}
	t.Run("OR effect and disputed edges", func(t *testing.T) {
		for _, v := range doc.Vertices {
			if attrValue(v.Attrs, "untangleNumber") == "1" && attrValue(v.Attrs, "operator") != "Fuzzy Or" {
				t.Errorf("UDE #1 has two cause groups but operator %q", attrValue(v.Attrs, "operator"))
			}
		}
		disputed := 0
		for _, e := range doc.Edges {
			if attrValue(e.Attrs, "untangleStatus") == string(tree.StatusDisputed) {
				disputed++
			}
		}
		if disputed != 4 { // #5 ⇒ #1, and #5, #6 through a junctor into #2
			t.Errorf("%d disputed edges, want 4", disputed)
		}
	})
	t.Run("title", func(t *testing.T) {
		if got := doc.Info.Title; got != h.Title {
			t.Errorf("title = %q, want %q", got, h.Title)
		}
	})
}

func TestFlyingLogicCharactersXMLCannotHold(t *testing.T) {
	tests := []struct {
		name string
		text string
	}{
		{name: "noncharacter U+FFFE", text: "bad \uFFFE char"},
		{name: "noncharacter U+FFFF", text: "bad \uFFFF char"},
		{name: "xml markup", text: `</attribute><vertex eid="99">`},
		{name: "cdata end", text: "]]> and <![CDATA["},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := tree.New(tt.text)
			mustNode(t, tr, tree.Node{Kind: tree.KindUDE, Text: tt.text})
			data, err := export.FlyingLogic(tr, nil)
			if err != nil {
				t.Fatalf("FlyingLogic: %v", err)
			}
			doc := parseFL(t, data)
			if len(doc.Vertices) != 1 {
				t.Fatalf("got %d vertices, want 1", len(doc.Vertices))
			}
			if got := attrValue(doc.Vertices[0].Attrs, "title"); got == "" || strings.Contains(got, "\uFFFE") || strings.Contains(got, "\uFFFF") {
				t.Errorf("title = %q", got)
			}
		})
	}
}

// TestFlyingLogicFutureRealityTree: negative effects are Undesirable Effect
// entities whose note says whether they are trimmed, and an injection keeps
// its target as untangleAgainst and in its note.
func TestFlyingLogicFutureRealityTree(t *testing.T) {
	tr := tree.New("")
	mustNode(t, tr, tree.Node{Kind: tree.KindInjection, Text: "Roll out in batches"})         // 1
	mustNode(t, tr, tree.Node{Kind: tree.KindNegativeEffect, Text: "Batches drain the pool"}) // 2
	mustNode(t, tr, tree.Node{Kind: tree.KindInjection, Text: "Size the pool", Against: 2})   // 3
	mustGroup(t, tr, tree.Group{Effect: 2, Causes: []tree.NodeID{1}})
	data, err := export.FlyingLogic(tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<attribute key="untangleAgainst" class="java.lang.Integer">2</attribute>`,
		`<attribute key="note" class="java.lang.String">#3; injection against #2</attribute>`,
		`<attribute key="note" class="java.lang.String">#2; negative branch, trimmed</attribute>`,
		`name="Undesirable Effect"`,
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("document lacks %s:\n%s", want, data)
		}
	}
}
