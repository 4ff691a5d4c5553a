package export_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/export"
)

// extraSections are what the workflow adds to the final report.
var extraSections = []export.Section{
	{Heading: "Planned fixes | owners", Body: "- Add a KPI for change failure rate (due 2026-12-01)"},
	{Heading: "Open reservations", Body: "None."},
}

func TestMarkdownGolden(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			golden(t, f.name+".md.golden", export.Markdown(f.tree, f.an, export.MarkdownOptions{Sections: extraSections}))
		})
	}
	t.Run("no analysis", func(t *testing.T) {
		po, _ := paymentOutage(t)
		golden(t, "payment-outage-no-analysis.md.golden", export.Markdown(po, nil, export.MarkdownOptions{}))
	})
}

// unescapedPipe matches a | not preceded by a backslash.
var unescapedPipe = regexp.MustCompile(`(^|[^\\])\|`)

func TestMarkdownEscapesUserText(t *testing.T) {
	h, hA := hostile(t)
	report := string(export.Markdown(h, hA, export.MarkdownOptions{}))
	body, fenced, _ := strings.Cut(report, "```")
	tests := []struct {
		name   string
		banned string
	}{
		{name: "slack broadcast", banned: "<!channel>"},
		{name: "broadcast in title", banned: "<!here>"},
		{name: "html script", banned: "<script>"},
		{name: "emphasis", banned: " *amplifies*"},
		{name: "code span", banned: " `fast`"},
		{name: "strikethrough", banned: " ~~is~~"},
		{name: "entity", banned: " &amp;"},
		{name: "heading marker in text", banned: "| # Heading"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.Contains(body, tt.banned) {
				t.Errorf("report outside the fenced tree contains raw %q", tt.banned)
			}
		})
	}
	t.Run("fenced tree keeps the text verbatim", func(t *testing.T) {
		if !strings.Contains(fenced, "<!channel> checkout") {
			t.Errorf("fenced tree lost the original text:\n%s", fenced)
		}
	})
	t.Run("table rows keep their column count", func(t *testing.T) {
		for _, line := range strings.Split(body, "\n") {
			if !strings.HasPrefix(line, "| #") || strings.HasPrefix(line, "| # |") {
				continue
			}
			if got := len(unescapedPipe.FindAllString(line, -1)); got != 4 {
				t.Errorf("UDE row has %d cell borders, want 4: %s", got, line)
			}
		}
	})
}

func TestMarkdownCoverage(t *testing.T) {
	po, poA := paymentOutage(t)
	h, hA := hostile(t)
	greedy := *hA
	greedy.Fix.Exact = false
	n := len(poA.UDEs)
	orFed, err := tree.Parse([]byte("UDE [U1]\nUDE [U2]\nUDE [U3]\nIF [Deploy] AND [No canary] THEN [E]\nIF [Load spike] THEN [E]\n" +
		"IF [E] THEN [U1]\nIF [E] THEN [U2]\nIF [E] THEN [U3]\nIF [K] AND [U3] THEN [U4]\nUDE [U4]"))
	if err != nil {
		t.Fatal(err)
	}
	orFedA := tree.Analyze(orFed, tree.Options{})
	orFedKey, err := tree.Parse([]byte("UDE [U1]\nUDE [U2]\nIF [K] AND [E] THEN [U1]\nIF [K] AND [E] THEN [U2]\nIF [A] THEN [E]\nIF [B] THEN [E]"))
	if err != nil {
		t.Fatal(err)
	}
	orFedKeyA := tree.Analyze(orFedKey, tree.Options{MaxChains: 1})
	single, err := tree.Parse([]byte("UDE [U]\nIF [R] THEN [U]"))
	if err != nil {
		t.Fatal(err)
	}
	core := poA.Roots[poA.CoreCauses[0]]
	tests := []struct {
		name     string
		tree     *tree.Tree
		an       *tree.Analysis
		contains []string
	}{
		{
			name: "core cause coverage",
			tree: po, an: poA,
			contains: []string{
				fmt.Sprintf("**#14** The organizational KPIs measure delivery speed and ignore engineering quality — explains %d/%d UDEs (%d %% of impact); fixing it alone removes %d/%d (100 %%).",
					len(core.Explains), n, int(core.Share*100), len(core.Removes), n),
				"| 2 | **#15** Production data is too sensitive to copy into staging | 1/3 | 33 % | 1/3 | 5 |",
				"This root cause explains 3/3 UDEs (exact: no smaller set does it)",
				"1. IF **#14** The organizational KPIs measure delivery speed and ignore engineering quality THEN",
				"AND **#7** Rolling back takes a long time THEN **#1** The core payment routing service was down for 45 minutes\n",
				"| #1 | The core payment routing service was down for 45 minutes | medium (2) |",
			},
		},
		{
			name: "no core cause, loops, greedy sets and extras",
			tree: h, an: &greedy,
			contains: []string{
				"No root cause is a core cause: none both explains at least 70 % of the impact and removes that much when fixed alone. Fixing the loop of **#4** Retry storm",
				"the loop of **#4** Retry storm",
				"- A loop of 2 nodes: **#4** Retry storm",
				"Fixing this root cause removes 1/3 UDEs (greedy search: small, but not proven minimal)",
				"## Unexplained symptoms\n\n- **#2** \\# Heading-like UDE",
				"\n- **#3** Refunds 💸 are delayed \\[again\\] \\& again\n",
				"## Links not yet accepted",
				"| #2 | \\# Heading-like UDE with \\<script\\>alert(1)\\</script\\> | low (1) |",
			},
		},
		{
			name: "OR-fed symptoms: contributing causes, the fix set leads",
			tree: orFed, an: orFedA,
			contains: []string{
				"No root cause is a core cause: none both explains at least 70 % of the impact and removes that much when fixed alone. " +
					"Fixing **#5** Deploy and **#8** Load spike together removes every symptom that can be removed (4/4 UDEs); see the minimal fix set below.",
				"Contributing causes explain at least 70 % of the impact, but other causes would still produce the symptoms:\n\n" +
					"- **#5** Deploy — explains 4/4 UDEs (100 % of impact), but fixing it alone removes 0/4 (0 %).\n",
				// K removes a symptom, so it ranks before the roots that remove none.
				"| 1 | **#9** K | 1/4 | 25 % | 1/4 | 1 |\n| 2 | **#5** Deploy (contributing cause) | 4/4 | 100 % | 0/4 | 3 |",
			},
		},
		{
			name: "a core cause with contributing causes after it, chains left out",
			tree: orFedKey, an: orFedKeyA,
			contains: []string{
				"## Core causes\n\n- **#3** K — explains 2/2 UDEs (100 % of impact); fixing it alone removes 2/2 (100 %).\n\n" +
					"Contributing causes explain at least 70 % of the impact, but other causes would still produce the symptoms:\n\n" +
					"- **#5** A — explains 2/2 UDEs (100 % of impact), but fixing it alone removes 0/2 (0 %).\n" +
					"- **#6** B — explains 2/2 UDEs (100 % of impact), but fixing it alone removes 0/2 (0 %).\n",
				"1 more chain is not listed, to keep the report readable.",
			},
		},
		{
			name: "singular counts",
			tree: single, an: tree.Analyze(single, tree.Options{}),
			contains: []string{"A Current State Tree of 2 nodes and 1 link, with 1 undesirable effect.\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(export.Markdown(tt.tree, tt.an, export.MarkdownOptions{}))
			for _, s := range tt.contains {
				if !strings.Contains(got, s) {
					t.Errorf("report lacks %q\n%s", s, got)
				}
			}
		})
	}
}

func TestMarkdownSections(t *testing.T) {
	po, poA := paymentOutage(t)
	got := string(export.Markdown(po, poA, export.MarkdownOptions{Sections: extraSections}))
	fixes := strings.Index(got, "## Planned fixes \\| owners\n\n- Add a KPI")
	reservations := strings.Index(got, "## Open reservations\n\nNone.\n")
	full := strings.Index(got, "## Full tree")
	chains := strings.Index(got, "## Chains")
	if fixes < 0 || reservations < 0 {
		t.Fatalf("extra sections missing:\n%s", got)
	}
	if !(chains < fixes && fixes < reservations && reservations < full) {
		t.Errorf("sections out of order: chains %d, fixes %d, reservations %d, full tree %d", chains, fixes, reservations, full)
	}
}

func TestMarkdownFenceOutgrowsBackticks(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		fence string
	}{
		{name: "no backticks", text: "Plain text", fence: "```text\n"},
		{name: "three backticks", text: "Text with ``` inside", fence: "````text\n"},
		{name: "five backticks", text: "Text with ````` inside", fence: "``````text\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := tree.New("Fences")
			mustNode(t, tr, tree.Node{Kind: tree.KindUDE, Text: tt.text})
			got := string(export.Markdown(tr, nil, export.MarkdownOptions{}))
			if !strings.Contains(got, "\n"+tt.fence) {
				t.Errorf("report does not open the tree with %q:\n%s", tt.fence, got)
			}
			if !strings.HasSuffix(got, "\n"+strings.TrimSuffix(tt.fence, "text\n")+"\n") {
				t.Errorf("report does not close the tree with the same fence:\n%s", got)
			}
		})
	}
}

func TestMarkdownTreeParsesBack(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			report := string(export.Markdown(f.tree, f.an, export.MarkdownOptions{}))
			_, rest, ok := strings.Cut(report, "## Full tree\n\n")
			if !ok {
				t.Fatal("report has no full tree section")
			}
			fence, rest, _ := strings.Cut(rest, "text\n")
			body, _, ok := strings.Cut(rest, "\n"+fence+"\n")
			if !ok {
				t.Fatalf("tree block is not closed by %q", fence)
			}
			back, err := tree.Parse([]byte(body))
			if err != nil {
				t.Fatalf("tree block does not parse: %v\n%s", err, body)
			}
			if back.NumNodes() != f.tree.NumNodes() || back.NumGroups() != f.tree.NumGroups() || back.Title != f.tree.Title {
				t.Errorf("parsed back %d nodes, %d links, title %q; want %d, %d, %q",
					back.NumNodes(), back.NumGroups(), back.Title, f.tree.NumNodes(), f.tree.NumGroups(), f.tree.Title)
			}
			for _, n := range f.tree.Nodes() {
				if got, ok := back.Node(n.ID); !ok || *got != *n {
					t.Errorf("node %s parsed back as %+v, want %+v", n.ID, got, n)
				}
			}
		})
	}
}
