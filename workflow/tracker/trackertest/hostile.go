package trackertest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// HostileTexts are user texts that try every trick on a tracker's markup:
// Markdown and HTML, Jira wiki markup, mentions and ticket references that
// must not ping or link, table pipes, emoji, right-to-left text, a
// direction override and line breaks.
var HostileTexts = []string{
	"Fix `rm -rf /` | <script>alert(1)</script> **now**",
	"@alice and @channel were paged; see #123, acme/web#7 and !42",
	"[click](javascript:alert(1)) <img src=x onerror=alert(1)> ![x](http://evil/x.png)",
	"{code}x{code} {noformat} h1. Heading [~accountid:5b10a2844c20165700ede21g] [link|http://evil] *bold* _it_ -strike-",
	"| a | b |\n|---|---|\n| c | d |",
	"1. not a list\n# not a heading\n> not a quote\n- not a bullet\n---",
	"back\\slash \\` <!-- comment --> &amp; &lt;b&gt; \\* \\_",
	"emoji 🔥👩‍💻🚀 and RTL: שלום עולם مرحبا بالعالم",
	"direction \u202Eoverride\u202C and a\ttab",
}

// HostileDraft is a valid draft whose every text field carries HostileTexts.
func HostileDraft() workflow.TicketDraft {
	h := HostileTexts
	node := func(i int) workflow.TicketNode {
		return workflow.TicketNode{ID: nodeID(i + 1), Text: h[i%len(h)]}
	}
	return workflow.TicketDraft{
		Title:           h[0] + " " + h[1],
		RCATitle:        h[2],
		RCALink:         "https://acme.slack.com/archives/C0123/p1700000000000100?x=<y> z",
		Neutralises:     node(3),
		RemovesAlone:    []workflow.TicketNode{node(4), node(5)},
		RemovesTogether: []workflow.TicketNode{node(6), node(7), node(8)},
		Chains: []workflow.TicketChain{{Symptom: node(4), Steps: []workflow.TicketStep{
			{Causes: []workflow.TicketNode{node(0), node(1)}, Effect: node(2)},
			{Causes: []workflow.TicketNode{node(2)}, Effect: node(4)}}}},
		Owner: "Bob @bob <@U0123>", OwnerEmail: "bob@example.com",
		Due:    time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC),
		Labels: []string{"rca", "rca-2026-12-01-payments", "rca"},
		Marker: workflow.TicketMarker(12, 34, "h0st1le"),
	}
}

// LongDraft is a draft far over every tracker's limits: a 400-character
// title and hundreds of long chains.
func LongDraft() workflow.TicketDraft {
	d := HostileDraft()
	d.Title = strings.Repeat("Long title ", 40)
	long := workflow.TicketNode{ID: 9, Text: strings.Repeat("a long statement, ", 16)}
	for i := range 400 {
		d.Chains = append(d.Chains, workflow.TicketChain{Symptom: workflow.TicketNode{ID: nodeID(100 + i), Text: long.Text},
			Steps: []workflow.TicketStep{{Causes: []workflow.TicketNode{long, long}, Effect: long}}})
	}
	d.Marker = workflow.TicketMarker(12, 35, "l0ng01")
	return d
}

// Golden compares got with the file at path, or writes it when update is set.
func Golden(t *testing.T, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from what was sent (run with -update after checking):\n--- got ---\n%s", path, got)
	}
}

func nodeID(i int) tree.NodeID { return tree.NodeID(i) }
