package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot"
	"github.com/untangle-rca/untangle/workflow/tracker/github"
	"github.com/untangle-rca/untangle/workflow/tracker/trackertest"
)

const createTicket = ":ticket: Create ticket"

// TestTicketFaultsClicksAndSync files two fixes in a fake GitHub through
// their Create ticket buttons. The first meets each fault the tracker can
// answer: whoever clicked is told what went wrong, nothing is filed, the
// fix stays, and the ticket job files it once the tracker is fine again.
// The second is clicked twice while the tracker answers 503 and then 429:
// the filing is retried and files one ticket. Closing and reopening the
// first ticket in the tracker moves its fix to done and back to in progress.
func TestTicketFaultsClicksAndSync(t *testing.T) {
	// Two fixes mean two pictures of the Future Reality Tree: more time than one test usually needs.
	ctx, cancel := context.WithTimeout(context.Background(), 2*testTimeout)
	defer cancel()
	tr := trackertest.NewGitHub()
	t.Cleanup(tr.Close)
	client, err := github.New(github.Config{Repo: trackertest.GitHubRepo, Token: trackertest.GitHubToken, APIURL: tr.URL()})
	if err != nil {
		t.Fatal(err)
	}
	w := newRenderWorld(t, ctx, func(c *bot.Config) { c.Tracker, c.TrackerSync = client, 100*time.Millisecond })
	w.toPlanFixes(t, ctx)
	if _, err := w.alice.ClickButton(ctx, w.dashboard(), planFixesButton); err != nil {
		t.Fatal(err)
	}
	core := w.waitMessages(t, ctx, "Propose fix", 1)
	first := proposeFixVia(t, ctx, w, w.carol, core, "Quality KPIs weigh as much as delivery speed", "bob")

	faults := []struct {
		status int
		want   string
	}{
		{401, "refused the credential in UNTANGLE_GITHUB_TOKEN (HTTP 401)"},
		{403, "refused the credential in UNTANGLE_GITHUB_TOKEN (HTTP 403)"},
		{404, "is gone or hidden from this credential (HTTP 404)"},
		{410, "is gone or hidden from this credential (HTTP 410)"},
		{422, "refused the ticket"},
	}
	for _, f := range faults {
		tr.Inject(trackertest.OpCreate, trackertest.Fault{Status: f.status})
		if _, err := w.bob.ClickButton(ctx, first, createTicket); err != nil {
			t.Fatal(err)
		}
		m := waitEphemeral(t, ctx, w.bob, f.want)
		if !strings.Contains(m.PlainText(), "The fix is kept") {
			t.Errorf("HTTP %d: the answer does not say the fix is kept:\n%s", f.status, m.PlainText())
		}
		if n := len(tr.Tickets()); n != 0 {
			t.Fatalf("HTTP %d: %d tickets filed", f.status, n)
		}
	}
	// Left alone, the ticket job files it.
	w.waitMessages(t, ctx, "|acme/web#1> in GitHub Issues", 1)

	proposeFixVia(t, ctx, w, w.carol, core, "Deploys wait for the quality review", "bob")
	second := w.waitMessages(t, ctx, "proposed a fix", 2)
	tr.Inject(trackertest.OpCreate, trackertest.Fault{Status: 503})
	tr.Inject(trackertest.OpCreate, trackertest.Fault{Status: 429, RetryAfter: time.Second})
	for range 2 {
		if _, err := w.bob.ClickButton(ctx, second, createTicket); err != nil {
			t.Fatal(err)
		}
	}
	filed := w.waitMessages(t, ctx, "|acme/web#2> in GitHub Issues", 1)
	if filed.ThreadTS != second.TS {
		t.Errorf("the ticket is announced outside the fix's thread")
	}
	eventually(t, ctx, "the fix's message links its ticket", func() bool {
		m, _ := w.fake.Message(w.ch.ID, second.TS)
		return strings.Contains(m.PlainText(), "acme/web#2") && !strings.Contains(m.PlainText(), "Create ticket")
	})
	if n := len(tr.Tickets()); n != 2 {
		t.Fatalf("%d tickets for two fixes", n)
	}

	if err := tr.SetState("acme/web#1", trackertest.StateDone); err != nil {
		t.Fatal(err)
	}
	w.waitMessages(t, ctx, "is now *done*", 1)
	eventually(t, ctx, "the dashboard counts the done fix", func() bool {
		return strings.Contains(w.dashboard().PlainText(), "1 of 2 fixes done")
	})
	if err := tr.SetState("acme/web#1", trackertest.StateOpen); err != nil {
		t.Fatal(err)
	}
	w.waitMessages(t, ctx, "is now *in progress*", 1)
	if n := len(tr.Tickets()); n != 2 {
		t.Errorf("%d tickets at the end, want 2", n)
	}
}
