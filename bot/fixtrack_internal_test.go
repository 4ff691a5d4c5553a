package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

func TestRegressionNoteIsLoudOnlyForAFixedCause(t *testing.T) {
	past := workflow.Similar{Node: 5, Past: workflow.PastCause{RCAID: 1, RCATitle: "First", Node: 6, Text: "Deploys skip the canary"}}
	if got := adviceText(&workflow.Result{Similar: []workflow.Similar{past}}); strings.Contains(got, "Regression") {
		t.Errorf("no fix done, yet: %s", got)
	}
	past.Regression, past.Fixed = true, []workflow.Fix{{Injection: "Gate deploys on the <canary>", Status: workflow.FixDone}}
	got := adviceText(&workflow.Result{Similar: []workflow.Similar{past}})
	if !strings.Contains(got, ":rotating_light: *Regression:* that cause was fixed (“Gate deploys on the &lt;canary&gt;” marked done)") {
		t.Errorf("regression note: %s", got)
	}
	if got := feedbackText("Checkout fails", &workflow.Result{NewNodes: []tree.NodeID{1}, Similar: []workflow.Similar{past}}); !strings.Contains(got, "*Regression:*") {
		t.Errorf("symptom feedback lacks the regression: %s", got)
	}
}

func TestWithFixStatusRedrawsOnlyThatFix(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	rca := workflow.RCA{ID: 3, Title: "Payments <down>", ChannelID: "C1"}
	a := workflow.Fix{ID: 7, RCAID: 3, Injection: "Cap the pool", Owner: "U1", Status: workflow.FixAgreed}
	other := workflow.Fix{ID: 8, RCAID: 3, Injection: "Review alerts", Owner: "U2"}
	blocks := openFixBlocks([]workflow.FixItem{{Fix: a, RCA: rca, Mine: true}, {Fix: other, RCA: rca}}, now, time.UTC, 10)
	a.Status = workflow.FixDone
	got := withFixStatus(blocks, rca.ID, &a, now, time.UTC)
	first, second := got[0].(*slack.SectionBlock), got[1].(*slack.SectionBlock)
	if !strings.HasPrefix(first.Text.Text, "Your fix in *Payments &lt;down&gt;* (<#C1>)\n:white_check_mark: *done* · Cap the pool") {
		t.Errorf("redrawn line: %q", first.Text.Text)
	}
	if menu := first.Accessory.SelectElement; menu.Placeholder.Text != "Status: done" {
		t.Errorf("redrawn menu placeholder %q", menu.Placeholder.Text)
	}
	if second != blocks[1] {
		t.Error("the other fix's block was redrawn")
	}
}

func TestFixStatusLineLinks(t *testing.T) {
	now := time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
	f := workflow.Fix{Injection: "Cap <the> pool", Owner: "U1", Status: workflow.FixInProgress, Due: time.Date(2026, 3, 3, 23, 59, 59, 0, time.UTC),
		Ticket: "https://tracker.example/browse?id=1&x=2", PullReq: "https://git.example/pr/1|evil"}
	got := fixStatusLine(&f, now, time.UTC)
	for _, want := range []string{":large_orange_circle: *in progress* · Cap &lt;the&gt; pool", ":rotating_light: *overdue*",
		"<https://tracker.example/browse?id=1&amp;x=2|ticket>"} {
		if !strings.Contains(got, want) {
			t.Errorf("line lacks %q:\n%s", want, got)
		}
	}
	if !strings.Contains(got, " · pull request: https://git.example/pr/1|evil") || strings.Contains(got, "<https://git.example") {
		t.Errorf("a link with | must show as text, not as a link:\n%s", got)
	}
}
