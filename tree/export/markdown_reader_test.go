package export_test

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/export"
	"github.com/yuin/goldmark"
)

// TestMarkdownChainsReadAsTyped renders the report with a CommonMark reader
// and checks that each chain step shows the node numbers and texts exactly
// as typed: no statement escapes (\], \\) and no markup taken from the text.
func TestMarkdownChainsReadAsTyped(t *testing.T) {
	texts := []string{
		`Disk [max=10] full under C:\temp\x & <b>bold</b>`,
		"Cleanup job runs `rm -rf` with *stars* and _under_scores_",
		`Retention set to [7 days] | "fast" # 1. not a list`,
	}
	tr := tree.New("Chains for people")
	mustNode(t, tr, tree.Node{Kind: tree.KindUDE, Text: texts[0]})
	mustNode(t, tr, tree.Node{Kind: tree.KindCause, Text: texts[1]})
	mustNode(t, tr, tree.Node{Kind: tree.KindCause, Text: texts[2]})
	mustGroup(t, tr, tree.Group{Causes: []tree.NodeID{2}, Effect: 1, Status: tree.StatusAccepted})
	mustGroup(t, tr, tree.Group{Causes: []tree.NodeID{3}, Effect: 2, Status: tree.StatusAccepted})
	a := tree.Analyze(tr, tree.Options{})
	var out bytes.Buffer
	if err := goldmark.Convert(export.Markdown(tr, a, export.MarkdownOptions{}), &out); err != nil {
		t.Fatal(err)
	}
	page := out.String()
	start := strings.Index(page, "<h2>Chains</h2>")
	if start < 0 {
		t.Fatalf("no Chains section:\n%s", page)
	}
	section := page[start:]
	if end := strings.Index(section[1:], "<h2>"); end >= 0 {
		section = section[:end+1]
	}
	tags := regexp.MustCompile(`<[^>]*>`)
	var steps []string
	for _, li := range regexp.MustCompile(`(?s)<li>(.*?)</li>`).FindAllStringSubmatch(section, -1) {
		steps = append(steps, html.UnescapeString(tags.ReplaceAllString(li[1], "")))
	}
	want := []string{
		"IF #3 " + texts[2] + " THEN #2 " + texts[1],
		"IF #2 " + texts[1] + " THEN #1 " + texts[0],
	}
	if strings.Join(steps, "\n") != strings.Join(want, "\n") {
		t.Errorf("chain steps read as\n%s\nwant\n%s", strings.Join(steps, "\n"), strings.Join(want, "\n"))
	}
}
