package bot_test

import (
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// A cause insufficiency raised with its missing premise in the same modal
// is repaired at once: one modal, the link reads IF … AND … THEN and has
// no open reservation. A repair typed for a category without a natural one
// is a field error, and a flip answers a reversal only.
func TestRaiseCarriesTheNaturalRepair(t *testing.T) {
	ctx := testCtx(t)
	w := challengeSetUp(t, ctx, challengeStatements)
	_, cards := w.startPass(t, ctx, 2)
	pool := cardOf(t, cards, "IF [#3 The database connection pool is exhausted]")

	w.click(t, ctx, w.bob, pool, "Raise a reservation…")
	view, err := w.bob.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Raise a reservation" })
	if err != nil {
		t.Fatal(err)
	}
	if err := w.bob.Select(ctx, view, "Category", "Clarity"); err != nil {
		t.Fatal(err)
	}
	if err := w.bob.FillInput(view, "Repair now (optional)", "Requests wait for a connection without a timeout"); err != nil {
		t.Fatal(err)
	}
	ack, err := w.bob.SubmitView(ctx)
	if err != nil || !strings.Contains(ack.Errors()["text"], "Only a cause insufficiency") {
		t.Fatalf("a repair for a clarity reservation: %v %v", err, ack.Errors())
	}
	view, _ = w.bob.CurrentView()
	if err := w.bob.Select(ctx, view, "Category", "Cause insufficiency"); err != nil {
		t.Fatal(err)
	}
	if ack, err := w.bob.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("raise with its repair: %v %v", err, ack.Errors())
	}
	pool = w.waitEdited(t, ctx, pool, "AND [#4 Requests wait for a connection without a timeout]")
	if text := pool.PlainText(); !strings.Contains(text, "Unreviewed") || strings.Contains(text, "Resolve…") {
		t.Errorf("the repaired link should be unreviewed with no open reservation:\n%s", text)
	}
	tr, _ := w.svc.Tree(ctx, workflow.Actor{UserID: w.alice.ID}, w.rcaID)
	if g, ok := tr.Group(2); !ok || len(g.Causes) != 2 || g.Status != tree.StatusUnreviewed {
		t.Fatalf("link 2 after the repair: %+v", g)
	}
	res, _ := w.svc.Reservations(ctx, workflow.Actor{UserID: w.alice.ID}, w.rcaID)
	if len(res) != 1 || res[0].Status == workflow.ResOpen {
		t.Errorf("the reservation should be raised and settled: %+v", res)
	}
	if v, ok := w.bob.CurrentView(); ok {
		t.Errorf("a second modal opened: %q", v.Title)
	}
}
