package bot_test

import (
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

// updatesOf counts the chat.update calls that redrew the message at ts.
func updatesOf(fake *slacktest.Server, ts string) int {
	n := 0
	for _, c := range fake.CallsTo("chat.update") {
		if c.Params["ts"] == ts {
			n++
		}
	}
	return n
}

func TestCardClickRedrawsThroughResponseURL(t *testing.T) {
	ctx := testCtx(t)
	w := challengeSetUp(t, ctx, challengeStatements)
	_, cards := w.startPass(t, ctx, 2)
	w.dash = w.waitEdited(t, ctx, w.dash, "0/2 accepted")
	slow := cardOf(t, cards, "#2 The payment API answers slowly] THEN [#1 Checkout")
	pool := cardOf(t, cards, "IF [#3 The database connection pool is exhausted]")

	// Each click redraws its card through the click's response_url; the
	// refresher, which redraws the dashboard after it, sends the same card
	// no second time.
	w.click(t, ctx, w.bob, slow, "Holds")
	w.waitEdited(t, ctx, slow, "holds for <@"+w.bob.ID+">")
	w.click(t, ctx, w.carol, slow, "Holds")
	w.waitEdited(t, ctx, slow, "Accepted")
	w.dash = w.waitEdited(t, ctx, w.dash, "1/2 accepted")
	if n := updatesOf(w.fake, slow.TS); n != 0 {
		t.Errorf("the clicked card was also redrawn by %d chat.update calls", n)
	}

	// When the response_url no longer works, the refresher updates the card.
	w.fake.ExpireResponseURLs()
	w.click(t, ctx, w.bob, pool, "Holds")
	w.waitEdited(t, ctx, pool, "holds for <@"+w.bob.ID+">")
	if n := updatesOf(w.fake, pool.TS); n != 1 {
		t.Errorf("the card behind an expired response_url was redrawn by %d chat.update calls, want 1", n)
	}
	if f := w.fake.Failures(); len(f) > 0 {
		t.Errorf("Slack saw failures: %+v", f)
	}
}

// The run that starts the pass posts the challenge header before it
// updates the dashboard, the walk and the outline.
func TestChallengeHeaderDrawnFirst(t *testing.T) {
	ctx := testCtx(t)
	w := challengeSetUp(t, ctx, challengeStatements)
	header, _ := w.startPass(t, ctx, 2)
	w.waitEdited(t, ctx, w.dash, "0/2 accepted")
	posted, updated := -1, -1
	for i, c := range w.fake.Calls() {
		switch {
		case c.Method == "chat.postMessage" && c.Params["text"] == header.Text && posted < 0:
			posted = i
		case c.Method == "chat.update" && c.Params["ts"] == w.dash.TS && strings.Contains(c.Params["blocks"], "0/2 accepted") && updated < 0:
			updated = i
		}
	}
	if posted < 0 || updated < 0 || posted > updated {
		t.Errorf("the header was posted at call %d, the dashboard updated at call %d; want the header first", posted, updated)
	}
}
