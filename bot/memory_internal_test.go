package bot

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/workflow"
)

// memoryHintCases are memory hints as the bot posts them: a plain one, one
// whose earlier RCA has no fix and no channel, a regression, and hostile text.
func memoryHintCases() map[string][]workflow.Similar {
	closed := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	past := workflow.PastCause{RCAID: 2, RCATitle: "Checkout outage", Node: 6, Text: "Nobody reviews pool sizes", ClosedAt: closed, Channel: "C0OLD"}
	fixes := []workflow.Fix{
		{ID: 1, RCAID: 2, Node: 6, Injection: "Review pool sizes each quarter", Status: workflow.FixInProgress},
		{ID: 2, RCAID: 2, Node: 6, Injection: "Alert on pool saturation", Status: workflow.FixDropped, Reason: "covered"},
	}
	done := workflow.Fix{ID: 3, RCAID: 2, Node: 6, Injection: "Size pools from load tests", Status: workflow.FixDone}
	hostile := workflow.PastCause{RCAID: 5, RCATitle: hostileText, Node: 9, Text: hostileText, ClosedAt: closed, Channel: "C0HOST"}
	return map[string][]workflow.Similar{
		"memory-hint":         {{Node: 5, Text: "Pool sizes are never reviewed", Past: past, Fixes: fixes, Shared: true}},
		"memory-hint-bare":    {{Node: 5, Text: "Pool sizes are never reviewed", Past: workflow.PastCause{RCAID: 3, RCATitle: "Old", Node: 2, Text: "Nobody reviews pool sizes"}}},
		"memory-hint-regress": {{Node: 5, Text: "Pool sizes are never reviewed", Past: past, Fixes: append(fixes, done), Regression: true, Fixed: []workflow.Fix{done}}},
		"memory-hint-hostile": {{Node: 5, Text: hostileText, Past: hostile, Fixes: []workflow.Fix{{Injection: hostileText}}}},
	}
}

// TestMemoryHintGolden draws memory hints from their builder, checks them
// against Block Kit's rules and compares them with testdata/views.
func TestMemoryHintGolden(t *testing.T) {
	for name, sims := range memoryHintCases() {
		t.Run(name, func(t *testing.T) {
			blocks := memoryHintBlocks(sims)
			if errs := slacktest.ValidateBlocks(slacktest.SurfaceMessage, blocks); len(errs) > 0 {
				t.Errorf("%s breaks Block Kit's rules:\n%s", name, strings.Join(errs, "\n"))
			}
			got := viewJSON(t, blocks)
			if strings.Contains(string(got), "#6") || strings.Contains(string(got), "#9") {
				t.Errorf("%s shows the earlier RCA's node number:\n%s", name, got)
			}
			if strings.HasSuffix(name, "-hostile") {
				for _, bad := range []string{"<!channel>", "<@U1>", "& "} {
					if strings.Contains(string(got), bad) {
						t.Errorf("%s lets %q through unescaped", name, bad)
					}
				}
			}
			checkGoldenFile(t, filepath.Join("testdata", "views", name+".golden"), got)
		})
	}
}

func TestMemoryHintNamesBothCausesAndTheChannel(t *testing.T) {
	sims := memoryHintCases()["memory-hint"]
	got := memoryHintText(sims[0])
	for _, want := range []string{"“Pool sizes are never reviewed”", "*Checkout outage* (<#C0OLD>)", "“Nobody reviews pool sizes”",
		":large_orange_circle: *in progress* · Review pool sizes each quarter", "*dropped* · Alert on pool saturation (dropped: covered)"} {
		if !strings.Contains(got, want) {
			t.Errorf("memory hint lacks %q:\n%s", want, got)
		}
	}
	shared, private := splitSimilar(append(sims, memoryHintCases()["memory-hint-bare"]...))
	if len(shared) != 1 || len(private) != 1 || private[0].Past.RCATitle != "Old" {
		t.Errorf("split: shared %+v, private %+v", shared, private)
	}
	if got := memoryHintText(memoryHintCases()["memory-hint-regress"][0]); !strings.Contains(got, "*Regression:*") {
		t.Errorf("a regression is not flagged: %s", got)
	}
}
