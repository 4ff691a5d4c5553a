package bot

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/treetest"
	"github.com/untangle-rca/untangle/workflow"
)

// outlineEscapeHeavy is a tree whose texts grow fivefold when escaped.
func outlineEscapeHeavy(t *testing.T, n int) *tree.Tree {
	t.Helper()
	tr := tree.New("escapes")
	for i := 1; i <= n; i++ {
		kind := tree.KindCause
		if i%4 == 0 {
			kind = tree.KindUDE
		}
		text := fmt.Sprintf("%d %s", i, strings.Repeat("&", tree.MaxTextRunes-8))
		if _, err := tr.AddNode(tree.Node{Kind: kind, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i < n; i++ {
		if _, err := tr.AddGroup(tree.Group{Effect: tree.NodeID(i + 1), Causes: []tree.NodeID{tree.NodeID(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}

var outlineNumber = regexp.MustCompile(`(?m)^\*#(\d+)\*`)

func TestOutlinePagesFitBlockKit(t *testing.T) {
	tests := []struct {
		name string
		tree func(t *testing.T) *tree.Tree
	}{
		{name: "empty", tree: func(*testing.T) *tree.Tree { return tree.New("empty") }},
		{name: "one node", tree: func(t *testing.T) *tree.Tree { return outlineEscapeHeavy(t, 1) }},
		{name: "generated 45", tree: func(*testing.T) *tree.Tree { return treetest.Generate(1, 45) }},
		{name: "generated 1000", tree: func(*testing.T) *tree.Tree { return treetest.Generate(7, 1000) }},
		{name: "escape heavy 130", tree: func(t *testing.T) *tree.Tree { return outlineEscapeHeavy(t, 130) }},
	}
	rca := &workflow.RCA{ID: 9, Title: strings.Repeat("Title <!channel> ", 20)}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := tc.tree(t)
			lines := outlineLines(tr)
			pages := outlinePages(len(lines))
			seen := map[string]int{}
			lastUDE, firstCause := 0, -1
			order := 0
			for p := 1; p <= pages; p++ {
				blocks := outlineBlocks(rca, lines, p)
				if errs := slacktest.ValidateBlocks(slacktest.SurfaceMessage, blocks); len(errs) > 0 {
					t.Fatalf("page %d refused by Slack: %v", p, errs)
				}
				text := slacktest.PlainText(blocks)
				if hasPrev := strings.Contains(text, "Previous page"); hasPrev != (p > 1) {
					t.Errorf("page %d: Previous page button = %v", p, hasPrev)
				}
				if hasNext := strings.Contains(text, "Next page"); hasNext != (p < pages) {
					t.Errorf("page %d: Next page button = %v", p, hasNext)
				}
				for _, b := range blocks {
					s, ok := b.(*slack.SectionBlock)
					if !ok || s.Text == nil {
						continue
					}
					for _, m := range outlineNumber.FindAllStringSubmatch(s.Text.Text, -1) {
						seen[m[1]]++
						var id int
						fmt.Sscan(m[1], &id)
						n, _ := tr.Node(tree.NodeID(id))
						if n.Kind == tree.KindUDE {
							lastUDE = order
						} else if firstCause < 0 {
							firstCause = order
						}
						order++
					}
				}
			}
			if len(seen) != tr.NumNodes() {
				t.Errorf("%d nodes listed, tree has %d", len(seen), tr.NumNodes())
			}
			for id, n := range seen {
				if n != 1 {
					t.Errorf("node #%s listed %d times", id, n)
				}
			}
			if firstCause >= 0 && lastUDE > firstCause {
				t.Errorf("a symptom (position %d) is listed after a cause (position %d)", lastUDE, firstCause)
			}
		})
	}
}

func TestOutlineLines(t *testing.T) {
	tr := tree.New("small")
	add := func(kind tree.Kind, text string, weight int) tree.NodeID {
		n, err := tr.AddNode(tree.Node{Kind: kind, Text: text, Weight: weight})
		if err != nil {
			t.Fatal(err)
		}
		return n.ID
	}
	dns := add(tree.KindCause, "DNS TTL is 24 hours", 0)
	ude := add(tree.KindUDE, "Checkout fails <@U1>", tree.WeightHigh)
	cfg := add(tree.KindPremise, "Failover needs a DNS change", 0)
	if _, err := tr.AddGroup(tree.Group{Effect: ude, Causes: []tree.NodeID{dns, cfg}}); err != nil {
		t.Fatal(err)
	}
	got := outlineLines(tr)
	want := []string{
		"*#2* :red_circle: Checkout fails &lt;@U1&gt; _(high impact)_",
		"*#1* DNS TTL is 24 hours\n      → causes #2 (with #3)",
		"*#3* _premise:_ Failover needs a DNS change\n      → causes #2 (with #1)",
	}
	if len(got) != len(want) {
		t.Fatalf("got %d lines %q, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d:\n got %q\nwant %q", i, got[i], want[i])
		}
	}
}

func TestPickRCAModalFitsSlack(t *testing.T) {
	var many []workflow.RCA
	for i := 1; i <= 130; i++ {
		many = append(many, workflow.RCA{ID: int64(i), Title: strings.Repeat("<b>", 60)})
	}
	tests := []struct {
		name string
		rcas []workflow.RCA
		meta symptomMeta
	}{
		{name: "none", rcas: nil},
		{name: "one", rcas: many[:1], meta: symptomMeta{Text: "short"}},
		{name: "more than a select holds, long text", rcas: many, meta: symptomMeta{Source: "https://x.slack.com/archives/C1/p1", Text: strings.Repeat("\"&<", 5000)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := pickRCAModal(tc.rcas, tc.meta)
			if errs := slacktest.ValidateView(v); len(errs) > 0 {
				t.Fatalf("view refused: %v", errs)
			}
			if tc.meta.Source != "" {
				back, err := parseSymptomMeta(v.PrivateMetadata)
				if err != nil || back.Source != tc.meta.Source || !strings.HasPrefix(tc.meta.Text, strings.TrimSuffix(back.Text, "…")) || back.Text == "" {
					t.Errorf("metadata round trip: %v %+v", err, back)
				}
			}
			rca := &workflow.RCA{ID: 1, Title: "t"}
			if errs := slacktest.ValidateView(symptomModal(rca, tc.meta, tc.meta.Text)); len(errs) > 0 {
				t.Errorf("symptom modal refused: %v", errs)
			}
		})
	}
}

// The Home tab's builders live in home.go; they are pure, so they are
// checked here with the other builders of this package-internal test file.
func TestHomeBlocksFitSlack(t *testing.T) {
	var many []homeRCA
	for i := 1; i <= homeMaxRCAs; i++ {
		many = append(many, homeRCA{rca: workflow.RCA{ID: int64(i), Title: strings.Repeat("<!here> & ", 30), ChannelID: "C1", Phase: workflow.PhaseWiring},
			prog: &workflow.Progress{Phase: workflow.PhaseWiring, UDEs: 3, Nodes: 9, Links: 8, Unexplained: 2}})
	}
	past := func(rca int64, title, text string) workflow.PastCause {
		return workflow.PastCause{RCAID: rca, RCATitle: title, Text: text}
	}
	recurring := [][]workflow.PastCause{
		{past(1, "DB outage", "Failover needs a manual DNS change"), past(2, "Login <@U9> failures", "Failover requires manual DNS changes")},
	}
	for i := 0; i < 8; i++ {
		recurring = append(recurring, []workflow.PastCause{past(3, "A", strings.Repeat("x&", 150)), past(4, "B", "y")})
	}
	tests := []struct {
		name      string
		items     []homeRCA
		total     int
		recurring [][]workflow.PastCause
		want      []string
		wantNot   []string
	}{
		{name: "nothing yet", want: []string{"Start an RCA", "No RCAs you can see yet"}, wantNot: []string{"keep coming back"}},
		{name: "more RCAs than fit", items: many, total: 75, recurring: recurring,
			want:    []string{"and 35 more", "Causes that keep coming back", "Failover needs a manual DNS change", "2 RCAs", "Login &lt;@U9&gt; failures", "and 4 more", "&lt;!here&gt; &amp;", "2 still unexplained"},
			wantNot: []string{"<!here>", "<@U9>"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			blocks := homeBlocks(tc.items, tc.total, tc.recurring, nil)
			if errs := slacktest.ValidateBlocks(slacktest.SurfaceHome, blocks); len(errs) > 0 {
				t.Fatalf("home refused: %v", errs)
			}
			text := slacktest.PlainText(blocks)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("home lacks %q:\n%s", w, text)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(text, w) {
					t.Errorf("home shows %q:\n%s", w, text)
				}
			}
		})
	}
}
