package bot

import (
	"strings"
	"testing"

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
