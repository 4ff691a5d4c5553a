package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

// proposeFixVia proposes a fix through the "Propose fix" button of msg and
// its modal, as u, with an owner; it returns the outcome message.
func proposeFixVia(t *testing.T, ctx context.Context, w *renderWorld, u slacktest.User, msg slacktest.Message, injection, owner string) slacktest.Message {
	t.Helper()
	if _, err := u.ClickButton(ctx, msg, "Propose fix"); err != nil {
		t.Fatal(err)
	}
	view, err := u.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Propose fix" })
	if err != nil {
		t.Fatal(err)
	}
	if err := u.FillInput(view, "Injection", injection); err != nil {
		t.Fatal(err)
	}
	if err := u.Select(ctx, view, "Owner", owner); err != nil {
		t.Fatal(err)
	}
	if ack, err := u.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("propose fix: %v %v", err, ack)
	}
	return w.waitMessages(t, ctx, "proposed a fix", 1)
}

// TestFixTrackedToDone moves a fix from its message's status menu: someone
// who neither owns it nor facilitates is refused, the owner agrees and then
// marks it done; the dashboard's fix line, /rca fixes and App Home follow.
func TestFixTrackedToDone(t *testing.T) {
	ctx := testCtx(t)
	w := newRenderWorld(t, ctx)
	w.toPlanFixes(t, ctx)
	if _, err := w.alice.ClickButton(ctx, w.dashboard(), planFixesButton); err != nil {
		t.Fatal(err)
	}
	core := w.waitMessages(t, ctx, "Propose fix", 1)
	const injection = "Engineering quality KPIs are reviewed next to delivery speed"
	outcome := proposeFixVia(t, ctx, w, w.carol, core, injection, "bob")
	eventually(t, ctx, "the dashboard's fix line", func() bool {
		return strings.Contains(w.dashboard().PlainText(), "0 of 1 fixes done; every symptom still open")
	})

	if _, err := w.carol.SelectInMessage(ctx, outcome, "Status: proposed", "Mark done"); err != nil {
		t.Fatal(err)
	}
	waitEphemeral(t, ctx, w.carol, "Only the fix's owner or the facilitator can change its status")

	if _, err := w.bob.SelectInMessage(ctx, outcome, "Status: proposed", "Mark agreed"); err != nil {
		t.Fatal(err)
	}
	w.waitMessages(t, ctx, "set a fix to *agreed*", 1)
	eventually(t, ctx, "the menu shows the new status", func() bool {
		m, _ := w.fake.Message(w.ch.ID, outcome.TS)
		return strings.Contains(string(m.Blocks), `"text":"Status: agreed"`) && !strings.Contains(string(m.Blocks), "Mark agreed")
	})
	// The owner adds the ticket: a link that is no web address is refused on its field.
	if _, err := w.bob.SelectInMessage(ctx, outcome, "Status: agreed", "Edit owner, date, links…"); err != nil {
		t.Fatal(err)
	}
	view, err := w.bob.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Fix details" })
	if err != nil {
		t.Fatal(err)
	}
	if err := w.bob.FillInput(view, "Ticket", "PAY-12"); err != nil {
		t.Fatal(err)
	}
	if ack, err := w.bob.SubmitView(ctx); err != nil || ack.Errors()["ticket"] == "" {
		t.Fatalf("a ticket that is no link: %v %v", err, ack)
	}
	view, _ = w.bob.CurrentView()
	if err := w.bob.FillInput(view, "Ticket", "https://tracker.example/PAY-12"); err != nil {
		t.Fatal(err)
	}
	if ack, err := w.bob.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("save the fix's details: %v %v", err, ack)
	}
	ack, err := w.bob.SlashCommand(ctx, w.ch.ID, "/rca", "fixes")
	if err != nil {
		t.Fatal(err)
	}
	if text := ack.Text(); !strings.Contains(text, "Your fix in *Payment outage*") || !strings.Contains(text, "*agreed* · "+injection) ||
		!strings.Contains(text, "https://tracker.example/PAY-12") {
		t.Errorf("/rca fixes for the owner:\n%s", text)
	}
	if ack, err = w.alice.SlashCommand(ctx, w.ch.ID, "/rca", "fixes"); err != nil || !strings.Contains(ack.Text(), "In *Payment outage*") {
		t.Errorf("/rca fixes for the facilitator: %v\n%s", err, ack.Text())
	}
	home, err := w.bob.OpenHome(ctx)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, ctx, "My open fixes on App Home", func() bool {
		home, _ = w.bob.Home()
		return strings.Contains(slacktest.PlainText(home.Blocks), "My open fixes")
	})
	if text := slacktest.PlainText(home.Blocks); !strings.Contains(text, injection) {
		t.Errorf("App Home lacks the fix:\n%s", text)
	}

	if _, err := w.bob.SelectInMessage(ctx, outcome, "Status: agreed", "Mark done"); err != nil {
		t.Fatal(err)
	}
	done := w.waitMessages(t, ctx, "set a fix to *done*", 1).PlainText()
	if !strings.Contains(done, "1 of 1 fixes done; every symptom removed") {
		t.Errorf("announcement of the done fix:\n%s", done)
	}
	eventually(t, ctx, "the dashboard shows the fix done", func() bool {
		return strings.Contains(w.dashboard().PlainText(), "1 of 1 fixes done; every symptom removed")
	})
	if ack, err = w.bob.SlashCommand(ctx, w.ch.ID, "/rca", "fixes"); err != nil || !strings.Contains(ack.Text(), "No open fixes") {
		t.Errorf("/rca fixes once done: %v\n%s", err, ack.Text())
	}
}
