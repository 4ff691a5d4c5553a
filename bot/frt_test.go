package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// Texts of the Future Reality Tree flow.
const (
	frtFix       = "Engineering quality KPIs are reviewed next to delivery speed"
	frtStep      = "Feature work slows down for a quarter"
	frtHarm      = "Sales miss the Q3 launch"
	frtTrim      = "The KPI change is phased in after the launch"
	frtDesirable = "Teams plan load tests without asking for permission"
	frtOutcome   = "Payments route without a minute of downtime"
)

// openModal clicks a button of msg as u and waits for the modal titled title.
func openModal(t *testing.T, ctx context.Context, u slacktest.User, msg slacktest.Message, button, title string) slacktest.View {
	t.Helper()
	if _, err := u.ClickButton(ctx, msg, button); err != nil {
		t.Fatalf("click %q: %v", button, err)
	}
	view, err := u.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == title })
	if err != nil {
		t.Fatalf("modal %q: %v", title, err)
	}
	return view
}

// submitFilled fills the inputs of view (label → text) as u and submits it.
func submitFilled(t *testing.T, ctx context.Context, u slacktest.User, view slacktest.View, inputs map[string]string) {
	t.Helper()
	for label, text := range inputs {
		if err := u.FillInput(view, label, text); err != nil {
			t.Fatalf("fill %q: %v", label, err)
		}
	}
	if ack, err := u.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("submit %q: %v %v", view.Title, err, ack)
	}
}

// growFuture runs the Future Reality Tree flow on the fix of outcome: carol
// raises a negative branch with one step, bob trims it at its step, alice
// adds a desirable effect and carol words the good outcome of the first
// removed symptom. Each change posts a new Future Reality Tree picture.
func (w *renderWorld) growFuture(t *testing.T, ctx context.Context, outcome slacktest.Message) {
	t.Helper()
	pictures := len(w.waitFiles(t, ctx, "frt.png", 1))
	view := openModal(t, ctx, w.carol, outcome, ":warning: Negative branch…", "Negative branch")
	submitFilled(t, ctx, w.carol, view, map[string]string{"Steps on the way": frtStep, "New undesirable effect": frtHarm})
	branch := w.waitMessages(t, ctx, "raised a *negative branch*", 1)
	if text := branch.PlainText(); !strings.Contains(text, "*IF* “"+frtFix+"” *THEN* “"+frtStep+"” *THEN* “"+frtHarm+"”") {
		t.Errorf("negative branch message:\n%s", text)
	}
	w.waitFiles(t, ctx, "frt.png", pictures+1)
	sum := w.summary(t, ctx)
	if u := sum.Untrimmed(); len(u) != 1 {
		t.Fatalf("untrimmed branches after raising one: %+v", u)
	}
	if text := w.outline(t); !strings.Contains(text, ":warning: _negative:_ "+frtHarm) {
		t.Errorf("the outline does not mark the negative effect:\n%s", text)
	}

	view = openModal(t, ctx, w.bob, branch, ":scissors: Trim it…", "Trim negative branch")
	step := sum.Untrimmed()[0].Steps[0]
	if err := w.bob.Select(ctx, view, "Step", step.String()+" "+frtStep); err != nil {
		t.Fatal(err)
	}
	submitFilled(t, ctx, w.bob, view, map[string]string{"Injection": frtTrim})
	w.waitMessages(t, ctx, "trimmed a negative branch", 1)
	w.waitFiles(t, ctx, "frt.png", pictures+2)

	view = openModal(t, ctx, w.alice, outcome, ":large_green_circle: Desirable effect…", "Desirable effect")
	submitFilled(t, ctx, w.alice, view, map[string]string{"Desirable effect": frtDesirable})
	w.waitMessages(t, ctx, "added a *desirable effect*", 1)
	w.waitFiles(t, ctx, "frt.png", pictures+3)

	sum = w.summary(t, ctx)
	ude := sum.Combined.Removed[0]
	n, _ := sum.Tree.Node(ude)
	view = openModal(t, ctx, w.carol, outcome, "Word the good outcomes…", "Good outcomes")
	if !strings.Contains(string(view.Blocks), tree.DesirableWording(n.Text)) {
		t.Errorf("the good outcomes modal does not suggest a wording:\n%s", view.Blocks)
	}
	submitFilled(t, ctx, w.carol, view, map[string]string{ude.String() + " " + n.Text: frtOutcome})
	w.waitMessages(t, ctx, "worded the good outcomes", 1)
	w.waitFiles(t, ctx, "frt.png", pictures+4)

	sum = w.summary(t, ctx)
	if len(sum.Negative) != 1 || !sum.Negative[0].Trimmed {
		t.Errorf("negative branches after the trim: %+v", sum.Negative)
	}
	frt, err := sum.FutureTree()
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, n := range frt.Nodes() {
		texts = append(texts, n.Text)
	}
	for _, want := range []string{frtFix, frtStep, frtHarm, frtTrim, frtDesirable, frtOutcome} {
		if !slices.Contains(texts, want) {
			t.Errorf("the Future Reality Tree lacks %q", want)
		}
	}
}

// summary is the RCA's summary as alice sees it.
func (w *renderWorld) summary(t *testing.T, ctx context.Context) *workflow.Summary {
	t.Helper()
	sum, err := w.setup.Summary(ctx, w.actor(w.alice), w.rcaID)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// outline is the text of the RCA's outline message.
func (w *renderWorld) outline(t *testing.T) string {
	t.Helper()
	for _, m := range w.fake.Messages(w.ch.ID) {
		if strings.HasPrefix(m.Text, "Outline:") {
			return m.PlainText()
		}
	}
	return ""
}

// TestFutureRealityTreeFromSlack grows the Future Reality Tree of a fix from
// its message: a negative branch raised and trimmed, a desirable effect, the
// team's wording of a removed symptom's good outcome.
func TestFutureRealityTreeFromSlack(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	w := newRenderWorld(t, ctx)
	w.toPlanFixes(t, ctx)
	if _, err := w.alice.ClickButton(ctx, w.dashboard(), planFixesButton); err != nil {
		t.Fatal(err)
	}
	core := w.waitMessages(t, ctx, "Propose fix", 1)
	outcome := proposeFixVia(t, ctx, w, w.carol, core, frtFix, "bob")
	w.growFuture(t, ctx, outcome)
}
