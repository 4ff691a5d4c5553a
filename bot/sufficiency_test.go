package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

// sufficiencyStatements: link 1 is #1 ⇐ #3, link 2 is #2 ⇐ #4 (symptoms are numbered first).
const sufficiencyStatements = "UDE [Checkout fails]\nIF [Payment API times out] THEN [Checkout fails]\n" +
	"UDE [Support tickets double]\nIF [Traffic doubled] THEN [Support tickets double]"

// sufficiencyStartWiring clicks "Start wiring" and waits until the
// dashboard says so: it is refreshed after the walk message is posted and
// remembered, so clicks on the walk from then on update it.
func sufficiencyStartWiring(t *testing.T, ctx context.Context, fake *slacktest.Server, u slacktest.User, ch slacktest.Channel, dash slacktest.Message) {
	t.Helper()
	if _, err := u.ClickButton(ctx, dash, ":link: Start wiring"); err != nil {
		t.Fatal(err)
	}
	eventually(t, ctx, "dashboard in wiring", func() bool {
		m, _ := fake.Message(ch.ID, dash.TS)
		return strings.Contains(m.PlainText(), "wiring causes")
	})
}

// sufficiencyOpen clicks the prompt's button on msg and returns the modal.
func sufficiencyOpen(t *testing.T, ctx context.Context, u slacktest.User, msg slacktest.Message) slacktest.View {
	t.Helper()
	if _, err := u.ClickButton(ctx, msg, "Add what else must be true…"); err != nil {
		t.Fatalf("%s clicks the prompt's button: %v", u.Name, err)
	}
	view, err := u.WaitForViewWhere(ctx, func(v slacktest.View) bool {
		return v.Title == "Add cause" && v.CallbackID == "add_cause_extend"
	})
	if err != nil {
		t.Fatalf("no sufficiency modal for %s: %v", u.Name, err)
	}
	return view
}

// sufficiencySubmit submits u's open modal and returns its field errors.
func sufficiencySubmit(t *testing.T, ctx context.Context, u slacktest.User) map[string]string {
	t.Helper()
	ack, err := u.SubmitView(ctx)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	return ack.Errors()
}

func TestSufficiencyPromptGrowsTheLink(t *testing.T) {
	fake := slacktest.New(t)
	alice, bob := fake.AddUser("alice"), fake.AddUser("bob")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice, bob}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Checkout outage", bob)
	pasteApply(t, ctx, alice, ch.ID, sufficiencyStatements)
	sufficiencyStartWiring(t, ctx, fake, alice, ch, dash)
	walk := walkAt(t, ctx, fake, ch.ID, "*#3* Payment API times out")
	if text := walk.PlainText(); !strings.Contains(text, "Is [Payment API times out] always enough to produce [Checkout fails]?") ||
		!strings.Contains(text, "[Add what else must be true…]") {
		t.Fatalf("walk on #3 lacks the prompt and its button:\n%s", text)
	}

	view := sufficiencyOpen(t, ctx, bob, walk)
	if text := view.PlainText(); !strings.Contains(text, "Is *#3* Payment API times out always enough to produce *#1* Checkout fails?") ||
		!strings.Contains(text, "IF #3 AND … THEN #1") || strings.Contains(text, "How do they produce it?") {
		t.Errorf("sufficiency modal:\n%s", text)
	}
	// The lone cause itself is refused on the input it came from.
	if err := bob.FillInput(view, "What else must be true", "Payment API times out"); err != nil {
		t.Fatal(err)
	}
	if errs := sufficiencySubmit(t, ctx, bob); !strings.Contains(errs["new_texts"], "already part of link 1") {
		t.Fatalf("errors = %v, want the duplicate on new_texts", errs)
	}
	// A new premise and an existing node found by the type-ahead join link 1.
	view, _ = bob.CurrentView()
	if err := bob.FillInput(view, "What else must be true", "Retries are unbounded"); err != nil {
		t.Fatal(err)
	}
	if err := bob.Select(ctx, view, "Existing node", "#4"); err != nil {
		t.Fatalf("type-ahead: %v", err)
	}
	if errs := sufficiencySubmit(t, ctx, bob); len(errs) > 0 {
		t.Fatalf("refused: %v", errs)
	}
	walk, err := fake.WaitForMessage(ctx, ch.ID, func(m slacktest.Message) bool {
		return m.TS == walk.TS && strings.Contains(m.PlainText(), "only together with *#4* Traffic doubled and *#5* Retries are unbounded")
	})
	if err != nil {
		t.Fatalf("walk does not show the grown link: %v%s", err, walkDump(fake, ch.ID))
	}
	if text := walk.PlainText(); strings.Contains(text, "always enough to produce [Checkout fails]") {
		t.Errorf("the answered prompt still shows:\n%s", text)
	}
	walkNoFailures(t, fake)
}

func TestSufficiencyPromptAnsweredTwiceAtOnce(t *testing.T) {
	fake := slacktest.New(t)
	alice, bob := fake.AddUser("alice"), fake.AddUser("bob")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice, bob}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Checkout outage", bob)
	pasteApply(t, ctx, alice, ch.ID, sufficiencyStatements)
	sufficiencyStartWiring(t, ctx, fake, alice, ch, dash)
	walk := walkAt(t, ctx, fake, ch.ID, "*#3* Payment API times out")
	if _, err := alice.ClickButton(ctx, walk, "Root — stop here"); err != nil {
		t.Fatal(err)
	}
	walk = walkAt(t, ctx, fake, ch.ID, "*#4* Traffic doubled")

	// Both open the modal for link 2; alice answers first, bob the same.
	aliceView, bobView := sufficiencyOpen(t, ctx, alice, walk), sufficiencyOpen(t, ctx, bob, walk)
	for _, f := range []struct {
		u    slacktest.User
		view slacktest.View
	}{{alice, aliceView}, {bob, bobView}} {
		if err := f.u.FillInput(f.view, "What else must be true", "Load shedding is off"); err != nil {
			t.Fatal(err)
		}
	}
	if errs := sufficiencySubmit(t, ctx, alice); len(errs) > 0 {
		t.Fatalf("alice refused: %v", errs)
	}
	if errs := sufficiencySubmit(t, ctx, bob); !strings.Contains(errs["new_texts"], "already part of link 2") {
		t.Errorf("bob's second answer: errors = %v, want the duplicate on new_texts", errs)
	}
	if _, err := fake.WaitForMessage(ctx, ch.ID, func(m slacktest.Message) bool {
		return m.TS == walk.TS && strings.Contains(m.PlainText(), "only together with *#5* Load shedding is off")
	}); err != nil {
		t.Fatalf("walk does not show the grown link: %v%s", err, walkDump(fake, ch.ID))
	}
	walkNoFailures(t, fake)
}

func TestOutlineAddCauseUnder(t *testing.T) {
	fake := slacktest.New(t)
	alice, bob := fake.AddUser("alice"), fake.AddUser("bob")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice, bob}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Checkout outage", bob)
	pasteApply(t, ctx, alice, ch.ID, "UDE [Checkout fails]\nUDE [Support tickets double]")
	if _, err := bob.ClickButton(ctx, dash, ":card_index_dividers: Outline"); err != nil {
		t.Fatal(err)
	}
	outline, err := fake.WaitForMessage(ctx, ch.ID, func(m slacktest.Message) bool { return strings.Contains(m.PlainText(), "Outline: Checkout outage") })
	if err != nil {
		t.Fatalf("no outline: %v", err)
	}

	if _, err := bob.SelectInMessage(ctx, outline, "Add cause under…", "#2 Support tickets double"); err != nil {
		t.Fatalf("choose #2 in the outline: %v", err)
	}
	view, err := bob.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Add cause" })
	if err != nil {
		t.Fatalf("no Add cause modal: %v", err)
	}
	if text := view.PlainText(); !strings.Contains(text, "*#2* Support tickets double") {
		t.Errorf("the modal is not about #2:\n%s", text)
	}
	walkFillAddCause(t, ctx, bob, "", "Traffic doubled", "")
	if _, err := fake.WaitForMessage(ctx, ch.ID, func(m slacktest.Message) bool {
		return m.TS == outline.TS && strings.Contains(m.PlainText(), "*#3* Traffic doubled\n      → causes #2")
	}); err != nil {
		t.Fatalf("outline does not show the new cause: %v%s", err, walkDump(fake, ch.ID))
	}
	// The refreshed outline offers the new node too.
	if _, err := alice.SelectInMessage(ctx, outline, "Add cause under…", "#3 Traffic doubled"); err != nil {
		t.Fatalf("choose #3 in the refreshed outline: %v", err)
	}
	if _, err := alice.WaitForViewWhere(ctx, func(v slacktest.View) bool {
		return v.Title == "Add cause" && strings.Contains(v.PlainText(), "*#3* Traffic doubled")
	}); err != nil {
		t.Fatalf("no Add cause modal for #3: %v", err)
	}
	walkNoFailures(t, fake)
}

func TestSufficiencyInChallengeRedrawsTheCard(t *testing.T) {
	ctx := testCtx(t)
	w := challengeSetUp(t, ctx, sufficiencyStatements)
	header, _ := w.startPass(t, ctx, 2)
	card := w.linkCard(t, ctx, header, 1)
	w.click(t, ctx, w.bob, card, "Holds")
	w.waitEdited(t, ctx, card, "holds for <@"+w.bob.ID+">")

	// The walk goes on during the pass; carol answers its prompt on link 1.
	walk := walkAt(t, ctx, w.fake, w.ch.ID, "*#3* Payment API times out")
	view := sufficiencyOpen(t, ctx, w.carol, walk)
	if err := w.carol.FillInput(view, "What else must be true", "Retries are unbounded"); err != nil {
		t.Fatal(err)
	}
	if errs := sufficiencySubmit(t, ctx, w.carol); len(errs) > 0 {
		t.Fatalf("refused: %v", errs)
	}
	card = w.waitEdited(t, ctx, card, "AND [#5 Retries are unbounded]")
	if text := card.PlainText(); strings.Contains(text, "holds for") || !strings.Contains(text, "0 of 2 needed say it holds") {
		t.Errorf("the grown link's card keeps the old review:\n%s", text)
	}
	walkNoFailures(t, w.fake)
}
