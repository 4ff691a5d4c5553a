package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/workflow"
)

// planFixesButton is the dashboard's button that moves on to planning fixes.
const planFixesButton = ":hammer_and_wrench: Plan fixes"

// toPlanFixes pastes the example, accepts every link, renders the tree and
// waits for the dashboard's "Plan fixes" button.
func (w *renderWorld) toPlanFixes(t *testing.T, ctx context.Context) {
	t.Helper()
	w.pasteExample(t, ctx)
	w.advanceTo(t, ctx, workflow.PhaseChallenging)
	w.acceptAll(t, ctx)
	if _, err := w.alice.SlashCommand(ctx, w.ch.ID, "/rca", "render"); err != nil {
		t.Fatal(err)
	}
	w.waitMessages(t, ctx, coreHeader, 1)
	eventually(t, ctx, "Plan fixes on the dashboard", func() bool { return strings.Contains(w.dashboard().PlainText(), "Plan fixes") })
}

func TestPlanFixesAndProposeFix(t *testing.T) {
	ctx := testCtx(t)
	w := newRenderWorld(t, ctx)
	w.toPlanFixes(t, ctx)
	const planButton = planFixesButton

	// Only the facilitator moves the RCA on.
	if _, err := w.bob.ClickButton(ctx, w.dashboard(), planButton); err != nil {
		t.Fatal(err)
	}
	waitEphemeral(t, ctx, w.bob, ", the facilitator of *")
	if _, err := w.alice.ClickButton(ctx, w.dashboard(), planButton); err != nil {
		t.Fatal(err)
	}
	core := w.waitMessages(t, ctx, "Propose fix", 1)
	text := core.PlainText()
	if !strings.Contains(text, "Every link counted here was accepted") || !strings.Contains(text, kpiCause) {
		t.Errorf("core-cause message after the challenge pass:\n%s", text)
	}
	eventually(t, ctx, "topic in planning fixes", func() bool {
		c, _ := w.fake.Channel(w.ch.ID)
		return strings.Contains(c.Topic, "planning fixes")
	})

	// The first "Propose fix" belongs to the core cause.
	if _, err := w.carol.ClickButton(ctx, core, "Propose fix"); err != nil {
		t.Fatal(err)
	}
	view, err := w.carol.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Propose fix" })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(slacktest.PlainText(view.Blocks), kpiCause) {
		t.Errorf("the modal does not name the cause: %s", slacktest.PlainText(view.Blocks))
	}
	if err := w.carol.FillInput(view, "Injection", "   "); err != nil {
		t.Fatal(err)
	}
	ack, err := w.carol.SubmitView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if errs := ack.Errors(); errs["injection"] == "" {
		t.Fatalf("a blank injection must be refused on its field, got %v", errs)
	}
	view, _ = w.carol.CurrentView()
	if err := w.carol.FillInput(view, "Injection", "Engineering quality KPIs are reviewed next to delivery speed"); err != nil {
		t.Fatal(err)
	}
	if err := w.carol.Select(ctx, view, "Owner", "bob"); err != nil {
		t.Fatal(err)
	}
	due := time.Now().AddDate(0, 0, 14).Format("2006-01-02")
	if err := w.carol.Select(ctx, view, "Due date", due); err != nil {
		t.Fatal(err)
	}
	ack, err = w.carol.SubmitView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if errs := ack.Errors(); len(errs) > 0 {
		t.Fatalf("propose fix refused: %v", errs)
	}
	outcome := w.waitMessages(t, ctx, "proposed a fix", 1).PlainText()
	for _, want := range []string{"<@" + w.carol.ID + ">", "This fix alone removes 3/3 symptoms", "*Still there:* none", "Owner: <@" + w.bob.ID + ">", "every symptom disappears"} {
		if !strings.Contains(outcome, want) {
			t.Errorf("fix outcome lacks %q:\n%s", want, outcome)
		}
	}
	frt := w.waitFiles(t, ctx, "frt.png", 1)[0]
	if !strings.Contains(frt.AltText, "remove 3/3 symptoms") {
		t.Errorf("FRT alt text: %q", frt.AltText)
	}

	// Every root gets its own button: the core cause and the staging-data root.
	buttons := 0
	buttons += strings.Count(core.PlainText(), "Propose fix")
	if buttons < 2 {
		t.Errorf("want a Propose fix button for each root, saw %d", buttons)
	}
}
