package demo

import (
	"os"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/tree"
)

func parse(t *testing.T, src string) *tree.Tree {
	t.Helper()
	tr, err := tree.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestPlanOfTheExample: the answers the team gives for the bundled example.
func TestPlanOfTheExample(t *testing.T) {
	src, err := os.ReadFile("../../../../examples/payment-outage.cst")
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPlan("Payment routing outage", parse(t, string(src)))
	if err != nil {
		t.Fatal(err)
	}
	const (
		runbooks = "The on-call engineer had to read 3 outdated runbooks to find the rollback script"
		kpi      = "The organizational KPIs measure delivery speed and ignore engineering quality"
		staging  = "The staging environment has only 1% of production data volume"
	)
	if want := "IF [Nobody owns runbook upkeep] THEN [" + runbooks + "]"; p.paste != want {
		t.Errorf("paste %q, want %q", p.paste, want)
	}
	if p.premise == nil || p.premise.text != staging || p.premise.partner != "The load testing phase was skipped to meet a product deadline" {
		t.Errorf("premise %+v", p.premise)
	}
	if p.links != 13 || p.core != kpi || len(p.symptoms) != 3 {
		t.Errorf("links %d, core %q, symptoms %q", p.links, p.core, p.symptoms)
	}
	if s := p.walk["The slow SQL query was not detected before release"]; s.and || len(s.causes) != 1 {
		t.Errorf("the walk answers the premise's effect with %+v; the premise is left to the challenge", s)
	}
	if s := p.walk[staging]; len(s.causes) != 1 || s.causes[0] != "Production data is too sensitive to copy into staging" {
		t.Errorf("the dig under the premise: %+v", s)
	}
	if !p.walk[kpi].root {
		t.Errorf("the KPI policy is not answered as a root: %+v", p.walk[kpi])
	}
	if _, ok := p.walk[runbooks]; ok {
		t.Errorf("the pasted link's effect is answered in the walk too")
	}
}

// TestPlanShapes: links a walk answer cannot give are pasted; a tree
// without symptoms is refused.
func TestPlanShapes(t *testing.T) {
	p, err := newPlan("", parse(t, "UDE [u]\nIF [a] AND [b] THEN [u]\nIF [c] THEN [u]\nIF [d] THEN [a]"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(p.paste, "\n") + 1; n != 2 || !strings.Contains(p.paste, "IF [a] AND [b] THEN [u]") {
		t.Errorf("paste %q, want both links into u", p.paste)
	}
	if _, ok := p.walk["u"]; ok {
		t.Errorf("u is answered in the walk though its links are pasted")
	}
	if p.premise != nil {
		t.Errorf("a premise from a pasted link: %+v", p.premise)
	}
	if _, err := newPlan("", parse(t, "IF [a] THEN [b]")); err == nil || !strings.Contains(err.Error(), "no symptom") {
		t.Errorf("a tree without symptoms: %v", err)
	}
}
