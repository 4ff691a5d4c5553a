package export_test

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/export"
)

func TestMermaidGolden(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			golden(t, f.name+".mmd.golden", export.Mermaid(f.tree, f.an))
		})
	}
}

// nodeLine matches a node definition and captures its id, opening
// delimiter, label and closing delimiter.
var nodeLine = regexp.MustCompile(`^    (n\d+)(\[/"|\(\["|\{\{"|\["|\(")(.*)("/\]|"\]\)|"\}\}|"\]|"\))$`)

// mermaidEntity matches a Mermaid entity code.
var mermaidEntity = regexp.MustCompile(`#(\w+);`)

// decodeMermaid undoes Mermaid entity codes and line breaks, as Mermaid does
// before it renders a label.
func decodeMermaid(t *testing.T, label string) string {
	t.Helper()
	named := map[string]string{"quot": `"`, "amp": "&", "lt": "<", "gt": ">"}
	label = strings.ReplaceAll(label, "<br/>", " ")
	return mermaidEntity.ReplaceAllStringFunc(label, func(m string) string {
		inner := m[1 : len(m)-1]
		if s, ok := named[inner]; ok {
			return s
		}
		n, err := strconv.Atoi(inner)
		if err != nil {
			t.Errorf("unknown entity %s in %q", m, label)
			return m
		}
		return string(rune(n))
	})
}

// labels returns the labels of all node definitions in a Mermaid chart.
func labels(t *testing.T, chart []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, line := range strings.Split(string(chart), "\n") {
		if m := nodeLine.FindStringSubmatch(line); m != nil {
			out[m[1]] = m[3]
		}
	}
	return out
}

func TestMermaidLabelsAreEscaped(t *testing.T) {
	tests := []struct {
		name string
		text string
	}{
		{name: "slack mention and pipe", text: hostileChannel},
		{name: "heading and script", text: hostileScript},
		{name: "emoji brackets ampersand", text: hostileEmoji},
		{name: "markdown emphasis and backticks", text: hostileMarkup},
		{name: "text that looks like entities", text: hostileEntity},
		{name: "backslash and tildes", text: hostileSlash},
		{name: "long word", text: strings.Repeat("x", 70) + " (end)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, kind := range tree.Kinds {
				tr := tree.New("")
				mustNode(t, tr, tree.Node{Kind: kind, Text: tt.text})
				got := labels(t, export.Mermaid(tr, nil))
				label, ok := got["n1"]
				if !ok {
					t.Fatalf("kind %s: no node definition found in chart", kind)
				}
				raw := strings.ReplaceAll(label, "<br/>", "")
				if i := strings.IndexAny(raw, "\"[](){}<>|`\\"); i >= 0 {
					t.Errorf("kind %s: raw %q in label %q", kind, raw[i], label)
				}
				if rest := mermaidEntity.ReplaceAllString(raw, ""); strings.Contains(rest, "#") {
					t.Errorf("kind %s: bare # in label %q", kind, label)
				}
				want := strings.ReplaceAll("#1 "+tt.text, " ", "")
				if dec := strings.ReplaceAll(decodeMermaid(t, label), " ", ""); dec != want {
					t.Errorf("kind %s: label decodes to %q, want %q", kind, dec, want)
				}
			}
		})
	}
}

func TestMermaidStructure(t *testing.T) {
	h, hA := hostile(t)
	po, poA := paymentOutage(t)
	tests := []struct {
		name     string
		tree     *tree.Tree
		an       *tree.Analysis
		contains []string
		absent   []string
	}{
		{
			name: "core cause and roots from the analysis",
			tree: po, an: poA,
			contains: []string{"flowchart BT\n", "    class n14 core\n", "    class n15 root\n", "    n4 --- g1\n", "    g1 --> n6\n", "    n12 --> n2\n"},
			absent:   []string{"linkStyle", "-.->"},
		},
		{
			name: "roots from the links without an analysis",
			tree: po, an: nil,
			contains: []string{"    class n14,n15 root\n"},
			absent:   []string{" core\n"},
		},
		{
			name: "disputed links, junctions and unverified nodes",
			tree: h, an: hA,
			contains: []string{
				"    n5 -.-> n1\n", "    n5 -.- g5\n", "    g5 -.-> n2\n",
				"    class g1,g5 junction\n", "    class g5 disputed\n", "    class n6 unverified\n",
				"    class n4,n7 root\n", "    class n5,n8,n9 cause\n", "    class n10 injection\n", "    class n11 desired\n",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(export.Mermaid(tt.tree, tt.an))
			for _, s := range tt.contains {
				if !strings.Contains(got, s) {
					t.Errorf("chart lacks %q", s)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(got, s) {
					t.Errorf("chart has %q", s)
				}
			}
		})
	}
}

// linkLine matches an edge definition.
var linkLine = regexp.MustCompile(`^    ([ng]\d+) (-->|---|-\.->|-\.-) ([ng]\d+)$`)

func TestMermaidLinkStyles(t *testing.T) {
	h, hA := hostile(t)
	chart := string(export.Mermaid(h, hA))
	leftOut := map[tree.GroupID]bool{}
	for _, id := range hA.Unreviewed {
		leftOut[id] = true
	}
	// Expected link indexes, counting links as the chart writes them: one per
	// plain link, causes+1 per AND group.
	var disputed, grey []string
	index := 0
	for _, g := range h.Groups() {
		n := 1
		if g.IsAnd() {
			n += len(g.Causes)
		}
		for range n {
			switch {
			case g.Status == tree.StatusDisputed:
				disputed = append(disputed, strconv.Itoa(index))
			case leftOut[g.ID]:
				grey = append(grey, strconv.Itoa(index))
			}
			index++
		}
	}
	links, dotted := 0, 0
	for _, line := range strings.Split(chart, "\n") {
		if m := linkLine.FindStringSubmatch(line); m != nil {
			links++
			if strings.HasPrefix(m[2], "-.") {
				dotted++
			}
		}
	}
	tests := []struct {
		name string
		want string
	}{
		{name: "disputed links are vermillion and dashed", want: "    linkStyle " + strings.Join(disputed, ",") + " stroke:#D55E00,"},
		{name: "links left out are grey", want: "    linkStyle " + strings.Join(grey, ",") + " stroke:#999999,"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(chart, tt.want) {
				t.Errorf("chart lacks %q", tt.want)
			}
		})
	}
	if links != index || dotted != len(disputed) || len(grey) == 0 {
		t.Errorf("chart has %d links, %d dotted; want %d, %d (and some left out, got %d)", links, dotted, index, len(disputed), len(grey))
	}
}

func TestMermaidTitle(t *testing.T) {
	h, _ := hostile(t)
	got := export.Mermaid(h, nil)
	first, _, _ := bytes.Cut(got, []byte("flowchart BT"))
	// Mermaid would show "&" as "&amp;" and drop "<!here>": look-alikes stand in.
	wantHead := "---\ntitle: \"Hostile \u2039!here\u203A | \\\"title\\\" # ]\"\n---\n"
	if string(first) != wantHead {
		t.Errorf("front matter = %q, want %q", first, wantHead)
	}
	if !bytes.Equal(got, export.Mermaid(h, nil)) {
		t.Error("two renders of the same tree differ")
	}
}
