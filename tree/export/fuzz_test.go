package export_test

import (
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/export"
)

// FuzzMermaidLabel checks that any valid node text ends up in a label with
// no raw Mermaid syntax and decodes back to the text.
func FuzzMermaidLabel(f *testing.F) {
	for _, s := range []string{hostileChannel, hostileScript, hostileEmoji, hostileMarkup, hostileEntity, hostileSlash, "#quot;", "a<br/>b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		tr := tree.New("")
		if _, err := tr.AddNode(tree.Node{Kind: tree.KindUDE, Text: text}); err != nil {
			return // not a valid node text
		}
		n, _ := tr.Node(1)
		label, ok := labels(t, export.Mermaid(tr, nil))["n1"]
		if !ok {
			t.Fatalf("no node definition for %q", text)
		}
		raw := strings.ReplaceAll(label, "<br/>", "")
		if i := strings.IndexAny(raw, "\"[](){}<>|`\\\n"); i >= 0 {
			t.Fatalf("raw %q in label %q", raw[i], label)
		}
		want := strings.ReplaceAll("#1 "+n.Text, " ", "")
		if got := strings.ReplaceAll(decodeMermaid(t, label), " ", ""); got != want {
			t.Fatalf("label %q decodes to %q, want %q", label, got, want)
		}
	})
}

// FuzzFlyingLogicTitle checks that any valid node text survives the XML
// round trip unchanged, apart from characters XML cannot hold.
func FuzzFlyingLogicTitle(f *testing.F) {
	for _, s := range []string{hostileChannel, hostileScript, hostileEmoji, "]]>", "&#0;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		tr := tree.New("")
		if _, err := tr.AddNode(tree.Node{Kind: tree.KindUDE, Text: text}); err != nil {
			return
		}
		n, _ := tr.Node(1)
		data, err := export.FlyingLogic(tr, nil)
		if err != nil {
			t.Fatalf("FlyingLogic: %v", err)
		}
		doc := parseFL(t, data)
		if len(doc.Vertices) != 1 {
			t.Fatalf("got %d vertices", len(doc.Vertices))
		}
		got := attrValue(doc.Vertices[0].Attrs, "title")
		if !strings.ContainsRune(n.Text, '\uFFFE') && !strings.ContainsRune(n.Text, '\uFFFF') && got != n.Text {
			t.Fatalf("title %q came back as %q", n.Text, got)
		}
	})
}
