package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// orFedTree has one event feeding both symptoms through OR alternatives, and
// a key condition that every symptom needs: K is the only core cause, A and B
// explain everything but fixing either alone removes nothing.
func orFedTree(t *testing.T) *tree.Tree {
	t.Helper()
	tr, err := tree.Parse([]byte("UDE [U1]\nUDE [U2]\nIF [K] AND [E] THEN [U1]\nIF [K] AND [E] THEN [U2]\nIF [A] THEN [E]\nIF [B] THEN [E]"))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestCoreCauseMessageListsContributingCauses(t *testing.T) {
	tr := orFedTree(t)
	a := tree.Analyze(tr, tree.Options{})
	blocks := coreCauseBlocks(7, workflow.PhaseFixing, tr, a)
	if errs := slacktest.ValidateBlocks(slacktest.SurfaceMessage, blocks); len(errs) > 0 {
		t.Fatalf("invalid blocks: %v", errs)
	}
	text := slacktest.PlainText(blocks)
	core := strings.Index(text, "*#3* K\nexplains 2/2 (100% of impact) · fixing it alone removes 2/2")
	contrib := strings.Index(text, "*Contributing causes* (explaining 70% or more, but other causes would still produce the symptoms)")
	a5 := strings.Index(text, "*#5* A\nexplains 2/2 (100% of impact), but other causes would still produce the symptoms: fixing it alone removes 0/2")
	if core < 0 || contrib < core || a5 < contrib || strings.Contains(text, "Other root causes") {
		t.Errorf("want the core cause, then the contributing causes with both figures:\n%s", text)
	}
	if got := proposeButtons(blocks); len(got) != 3 {
		t.Errorf("Propose fix buttons %v, want one per root", got)
	}
}

func TestSummaryListsContributingCauses(t *testing.T) {
	tr := orFedTree(t)
	a := tree.Analyze(tr, tree.Options{})
	cause := func(i int) workflow.CoreCause {
		r := a.Roots[i]
		return workflow.CoreCause{Node: r.Nodes[0], Explains: r.Explains, Share: r.Share, Removes: r.Removes,
			RemovalShare: r.RemovalShare, Core: r.Core}
	}
	sum := &workflow.Summary{RCA: workflow.RCA{Title: "OR-fed", Facilitator: "U1", CreatedAt: time.Date(2026, 3, 12, 9, 0, 0, 0, time.UTC)},
		Tree: tr, Analysis: a, CoreCauses: []workflow.CoreCause{cause(a.CoreCauses[0])}}
	for _, i := range a.Contributing {
		sum.Contributing = append(sum.Contributing, cause(i))
	}
	sum.CoreCauses[0].Chains = []string{"IF [K] AND [E] THEN [U1]"}
	a.ChainsLeftOut = 1
	text := slacktest.PlainText(summaryBlocks(sum, time.UTC))
	for _, want := range []string{
		"*Core causes*\n• *#3* K — explains 2/2 (100% of impact) · fixing it alone removes 2/2",
		"*Contributing causes* (other causes would still produce the symptoms)\n• *#5* A — explains 2/2 (100% of impact), but fixing it alone removes 0/2",
		"_1 more chain not listed, to keep the summary readable._",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
}
