package bot_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot"
	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/workflow"
)

// update rewrites the golden files under testdata/ instead of comparing.
var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// walkGolden compares got with testdata/name, or rewrites it with -update.
func walkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update if the change is intended):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// walkMarker is in every walk message that asks about a node.
const walkMarker = "*Wiring walk* — why did this happen?"

// walkAt waits until the walk message in channel asks about the node
// rendered as text ("*#3* Payment API times out"), and returns it.
func walkAt(t *testing.T, ctx context.Context, fake *slacktest.Server, channel, text string) slacktest.Message {
	t.Helper()
	msg, err := fake.WaitForMessage(ctx, channel, func(m slacktest.Message) bool {
		pt := m.PlainText()
		return !m.Ephemeral && strings.Contains(pt, walkMarker+"\n"+text)
	})
	if err != nil {
		t.Fatalf("walk never showed %q: %v\nmessages: %s", text, err, walkDump(fake, channel))
	}
	return msg
}

// walkDump renders a channel's messages for failure output.
func walkDump(fake *slacktest.Server, channel string) string {
	var b strings.Builder
	for _, m := range fake.Messages(channel) {
		b.WriteString("\n--- " + m.TS + "\n" + m.PlainText())
	}
	return b.String()
}

// walkAddCause clicks "Add cause…" on msg and fills the modal: an existing
// node typed into the type-ahead (skipped when ""), new causes one per line,
// and the logic radio (skipped when "").
func walkAddCause(t *testing.T, ctx context.Context, u slacktest.User, msg slacktest.Message, existing, newTexts, logic string) {
	t.Helper()
	if _, err := u.ClickButton(ctx, msg, "Add cause…"); err != nil {
		t.Fatalf("click Add cause…: %v", err)
	}
	walkFillAddCause(t, ctx, u, existing, newTexts, logic)
}

// walkFillAddCause fills and submits the open "Add cause" modal.
func walkFillAddCause(t *testing.T, ctx context.Context, u slacktest.User, existing, newTexts, logic string) {
	t.Helper()
	view, err := u.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Add cause" })
	if err != nil {
		t.Fatalf("Add cause modal: %v", err)
	}
	if existing != "" {
		if err := u.Select(ctx, view, "Existing node", existing); err != nil {
			t.Fatalf("type-ahead %q: %v", existing, err)
		}
	}
	if newTexts != "" {
		if err := u.FillInput(view, "New causes", newTexts); err != nil {
			t.Fatal(err)
		}
	}
	if logic != "" {
		if err := u.Select(ctx, view, "How do they produce it?", logic); err != nil {
			t.Fatal(err)
		}
	}
	ack, err := u.SubmitView(ctx)
	if err != nil {
		t.Fatalf("submit Add cause: %v", err)
	}
	if errs := ack.Errors(); len(errs) > 0 {
		t.Fatalf("Add cause refused: %v", errs)
	}
}

// walkNoFailures fails the test when Slack refused anything the bot sent.
func walkNoFailures(t *testing.T, fake *slacktest.Server) {
	t.Helper()
	for _, f := range fake.Failures() {
		t.Errorf("fake Slack failure: %+v", f)
	}
	for _, c := range fake.Calls() {
		if c.Error != "" {
			t.Errorf("%s answered %s", c.Method, c.Error)
		}
	}
}

func TestWalkWiresTheTreeThroughTheModal(t *testing.T) {
	fake := slacktest.New(t)
	alice, bob := fake.AddUser("alice"), fake.AddUser("bob")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice, bob}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Checkout outage", bob)
	pasteApply(t, ctx, alice, ch.ID, "UDE [Checkout fails for 30% of users]\nUDE [Support tickets double]")

	// Only the facilitator moves the RCA from collecting to wiring.
	if _, err := bob.ClickButton(ctx, dash, ":link: Start wiring"); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.WaitForEphemeral(ctx, func(m slacktest.Message) bool {
		return strings.Contains(m.Text, "facilitator") && strings.Contains(m.Text, "starts the wiring walk")
	}); err != nil {
		t.Fatalf("no note for a non-facilitator: %v", err)
	}
	if _, err := alice.ClickButton(ctx, dash, ":link: Start wiring"); err != nil {
		t.Fatal(err)
	}
	walk := walkAt(t, ctx, fake, ch.ID, "*#1* Checkout fails for 30% of users")
	steps := []string{walk.PlainText()}
	if text := walk.PlainText(); !strings.Contains(text, "2 nodes still unexplained") || !strings.Contains(text, "A symptom") {
		t.Errorf("first walk step:\n%s", text)
	}
	eventually(t, ctx, "dashboard in wiring", func() bool {
		m, _ := fake.Message(ch.ID, dash.TS)
		return strings.Contains(m.PlainText(), "wiring causes")
	})

	// A new cause for #1 (OR, a single cause) moves the walk to #2.
	walkAddCause(t, ctx, bob, walk, "", "Payment API times out", "")
	walk = walkAt(t, ctx, fake, ch.ID, "*#2* Support tickets double")
	steps = append(steps, walk.PlainText())

	// #2 gets the existing #3 through the type-ahead; the walk moves to #3,
	// which now causes both symptoms alone: the sufficiency prompt shows.
	walkAddCause(t, ctx, alice, walk, "#3", "", "")
	walk = walkAt(t, ctx, fake, ch.ID, "*#3* Payment API times out")
	steps = append(steps, walk.PlainText())
	text := walk.PlainText()
	for _, want := range []string{"Already causes", "*#1* Checkout fails", "*#2* Support tickets double", "Is [Payment API times out] always enough to produce"} {
		if !strings.Contains(text, want) {
			t.Errorf("walk on #3 lacks %q:\n%s", want, text)
		}
	}

	// Two causes that only act together (AND), found by words in the type-ahead
	// for one of them... here both are new.
	walkAddCause(t, ctx, bob, walk, "", "A slow SQL query exhausts the DB pool\nNo circuit breaker is configured", "only together (AND)")
	walk = walkAt(t, ctx, fake, ch.ID, "*#4* A slow SQL query exhausts the DB pool")
	steps = append(steps, walk.PlainText())
	text = walk.PlainText()
	if !strings.Contains(text, "only together with *#5* No circuit breaker is configured") || !strings.Contains(text, "2 nodes still unexplained") {
		t.Errorf("walk on #4 does not show the AND group or progress:\n%s", text)
	}

	// Root for #4, skip #5: nothing left, the walk suggests the challenge pass.
	if _, err := alice.ClickButton(ctx, walk, "Root — stop here"); err != nil {
		t.Fatal(err)
	}
	walk = walkAt(t, ctx, fake, ch.ID, "*#5* No circuit breaker is configured")
	steps = append(steps, walk.PlainText())
	if _, err := bob.ClickButton(ctx, walk, "Skip for now"); err != nil {
		t.Fatal(err)
	}
	done, err := fake.WaitForMessage(ctx, ch.ID, func(m slacktest.Message) bool { return strings.Contains(m.PlainText(), "Wiring done") })
	if err != nil {
		t.Fatalf("no wiring done state: %v%s", err, walkDump(fake, ch.ID))
	}
	steps = append(steps, done.PlainText())
	if done.TS != walk.TS || !strings.Contains(done.PlainText(), "Start challenge pass") || !strings.Contains(done.PlainText(), "1 skipped for now: #5") {
		t.Errorf("wiring done state:\n%s", done.PlainText())
	}

	// Revisiting the skipped node brings it back; a root ends the walk.
	if _, err := bob.ClickButton(ctx, done, "Revisit skipped"); err != nil {
		t.Fatal(err)
	}
	walk = walkAt(t, ctx, fake, ch.ID, "*#5* No circuit breaker is configured")
	steps = append(steps, walk.PlainText())
	if _, err := bob.ClickButton(ctx, walk, "Root — stop here"); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.WaitForMessage(ctx, ch.ID, func(m slacktest.Message) bool {
		return m.TS == walk.TS && strings.Contains(m.PlainText(), "Wiring done") && !strings.Contains(m.PlainText(), "skipped")
	}); err != nil {
		t.Fatalf("walk did not finish: %v%s", err, walkDump(fake, ch.ID))
	}
	// The finished walk offers the challenge pass to the facilitator.
	final, _ := fake.Message(ch.ID, walk.TS)
	steps = append(steps, final.PlainText())
	if _, err := alice.ClickButton(ctx, final, ":crossed_swords: Start challenge pass"); err != nil {
		t.Fatal(err)
	}
	eventually(t, ctx, "dashboard in the challenge pass", func() bool {
		m, _ := fake.Message(ch.ID, dash.TS)
		return strings.Contains(m.PlainText(), "*Phase*\n:crossed_swords: challenge pass")
	})

	walks := 0
	for _, m := range fake.Messages(ch.ID) {
		if strings.Contains(m.Text, "Wiring walk") {
			walks++
		}
	}
	if walks != 1 {
		t.Errorf("%d walk messages, want one updated in place%s", walks, walkDump(fake, ch.ID))
	}
	walkGolden(t, "walk_steps.golden", strings.Join(steps, "\n\n=====\n\n")+"\n")
	walkNoFailures(t, fake)
}

func TestWalkStaleButtonsAnswerPolitely(t *testing.T) {
	fake := slacktest.New(t)
	alice := fake.AddUser("alice")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Stale walk")
	pasteApply(t, ctx, alice, ch.ID, "UDE [Orders are lost]\nUDE [Emails arrive late]")
	if _, err := alice.ClickButton(ctx, dash, ":link: Start wiring"); err != nil {
		t.Fatal(err)
	}
	walk := walkAt(t, ctx, fake, ch.ID, "*#1* Orders are lost")

	// #1 gets a cause through /rca cause while the walk message cannot be
	// updated (Slack is briefly unavailable): the walk still shows #1. The
	// refresher updates the dashboard before the walk, so the dashboard's
	// updates fail too.
	fake.InjectRateLimit("chat.update", 3, 60)
	if _, err := alice.SlashCommand(ctx, ch.ID, "/rca", "cause #1"); err != nil {
		t.Fatal(err)
	}
	walkFillAddCause(t, ctx, alice, "", "Cause 1", "")
	eventually(t, ctx, "the walk's failed update", func() bool {
		for _, c := range fake.CallsTo("chat.update") {
			if c.Params["ts"] == walk.TS && c.Status == 429 {
				return true
			}
		}
		return false
	})
	if m, _ := fake.Message(ch.ID, walk.TS); !strings.Contains(m.PlainText(), "*#1* Orders are lost") {
		t.Fatalf("walk moved although its update failed:\n%s", m.PlainText())
	}

	// Each walk button, clicked after its node got a cause elsewhere, answers
	// with a note and moves the walk on.
	steps := []struct {
		name, label, next string
	}{
		{name: "root", label: "Root — stop here", next: "*#2* Emails arrive late"},
		{name: "skip", label: "Skip for now", next: "*#3* Cause 1"},
		{name: "add cause", label: "Add cause…", next: "*#4* Cause 2"},
	}
	for i, st := range steps {
		if i > 0 {
			updates := len(fake.CallsTo("chat.update"))
			fake.InjectRateLimit("chat.update", 2, 60)
			if _, err := alice.SlashCommand(ctx, ch.ID, "/rca", fmt.Sprintf("cause #%d", i+1)); err != nil {
				t.Fatal(err)
			}
			walkFillAddCause(t, ctx, alice, "", fmt.Sprintf("Cause %d", i+1), "")
			eventually(t, ctx, "the failed updates", func() bool { return len(fake.CallsTo("chat.update")) >= updates+2 })
		}
		if _, err := alice.ClickButton(ctx, walk, st.label); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		note := fmt.Sprintf("#%d already has a cause now", i+1)
		if _, err := alice.WaitForEphemeral(ctx, func(m slacktest.Message) bool { return strings.Contains(m.Text, note) }); err != nil {
			t.Fatalf("%s: no polite note: %v", st.name, err)
		}
		walk = walkAt(t, ctx, fake, ch.ID, st.next)
	}
	if v, ok := alice.CurrentView(); ok {
		t.Errorf("a stale Add cause… opened %q", v.Title)
	}
	for _, f := range fake.Failures() {
		t.Errorf("fake Slack failure: %+v", f)
	}
}

func TestWalkCauseCommandChecksTheNode(t *testing.T) {
	fake := slacktest.New(t)
	alice := fake.AddUser("alice")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Cause command")
	pasteApply(t, ctx, alice, ch.ID, "UDE [Search is slow]")

	tests := []struct {
		name    string
		channel string
		args    string
		want    string
	}{
		{name: "no number", channel: ch.ID, args: "cause", want: "Which node?"},
		{name: "not a number", channel: ch.ID, args: "cause abc", want: "Which node?"},
		{name: "unknown node", channel: ch.ID, args: "cause #9", want: "no node #9"},
		{name: "outside an RCA channel", channel: general.ID, args: "cause #1", want: "this channel has no RCA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ack, err := alice.SlashCommand(ctx, tt.channel, "/rca", tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(ack.Text(), tt.want) {
				t.Errorf("ack %q, want it to contain %q", ack.Text(), tt.want)
			}
		})
	}

	// A single-node tree offers no existing node; an empty submission is a
	// field error, not a silent drop.
	if _, err := alice.SlashCommand(ctx, ch.ID, "/rca", "cause #1"); err != nil {
		t.Fatal(err)
	}
	view, err := alice.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Add cause" })
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(view.PlainText(), "Existing node") {
		t.Errorf("modal offers existing nodes in a one-node tree:\n%s", view.PlainText())
	}
	if err := alice.FillInput(view, "New causes", "Search is slow"); err != nil {
		t.Fatal(err)
	}
	ack, err := alice.SubmitView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if msg := ack.Errors()["new_texts"]; msg == "" {
		t.Errorf("a node as its own cause was accepted: %v", ack.Errors())
	}

	// Blame words and a hidden solution are kept, and told to the author
	// privately (the sufficiency prompt is on the walk message).
	view, _ = alice.CurrentView()
	if err := alice.FillInput(view, "New causes", "Bob forgot to restart the indexer\nLack of monitoring on the indexer"); err != nil {
		t.Fatal(err)
	}
	if ack, err := alice.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("submit: %v %v", err, ack)
	}
	note, err := alice.WaitForEphemeral(ctx, func(m slacktest.Message) bool { return strings.Contains(m.Text, "reads as blaming a person") })
	if err != nil {
		t.Fatalf("no private advice: %v", err)
	}
	for _, want := range []string{"*#2* reads as blaming a person", ":bulb: *#3*"} {
		if !strings.Contains(note.Text, want) {
			t.Errorf("advice lacks %q:\n%s", want, note.Text)
		}
	}
	for _, m := range fake.Messages(ch.ID) {
		if !m.Ephemeral && strings.Contains(m.PlainText(), "blaming") {
			t.Errorf("the blame note was posted publicly:\n%s", m.PlainText())
		}
	}

	// Someone in the channel who is not listed yet may add causes to a
	// public RCA: they join it.
	carol := fake.AddUser("carol")
	if err := fake.AddMember(ch.ID, carol); err != nil {
		t.Fatal(err)
	}
	if _, err := carol.SlashCommand(ctx, ch.ID, "/rca", "cause #1"); err != nil {
		t.Fatal(err)
	}
	walkFillAddCause(t, ctx, carol, "", "The search index is rebuilt every hour", "")
	eventually(t, ctx, "carol's cause on the dashboard", func() bool {
		m, _ := fake.Message(ch.ID, dash.TS)
		return strings.Contains(m.PlainText(), "4 nodes")
	})
}

func TestWalkStartWiringRepostsOneWalk(t *testing.T) {
	fake := slacktest.New(t)
	alice, bob := fake.AddUser("alice"), fake.AddUser("bob")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice, bob}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Repost walk", bob)

	// Wiring needs a symptom: the facilitator is told so.
	if _, err := alice.ClickButton(ctx, dash, ":link: Start wiring"); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.WaitForEphemeral(ctx, func(m slacktest.Message) bool {
		return strings.Contains(m.Text, "Add at least one symptom before wiring causes")
	}); err != nil {
		t.Fatalf("no note about the missing symptom: %v", err)
	}
	pasteApply(t, ctx, alice, ch.ID, "UDE [Invoices are sent twice]")
	if _, err := alice.ClickButton(ctx, dash, ":link: Start wiring"); err != nil {
		t.Fatal(err)
	}
	first := walkAt(t, ctx, fake, ch.ID, "*#1* Invoices are sent twice")
	eventually(t, ctx, "dashboard in wiring", func() bool {
		m, _ := fake.Message(ch.ID, dash.TS)
		return strings.Contains(m.PlainText(), "wiring causes")
	})

	// In wiring anyone may bring the walk down to the bottom of the channel;
	// the old message points to the new one, which keeps moving.
	if _, err := bob.ClickButton(ctx, dash, ":link: Start wiring"); err != nil {
		t.Fatal(err)
	}
	second, err := fake.WaitForMessage(ctx, ch.ID, func(m slacktest.Message) bool {
		return m.TS != first.TS && strings.Contains(m.PlainText(), walkMarker)
	})
	if err != nil {
		t.Fatalf("no second walk: %v", err)
	}
	if _, err := fake.WaitForMessage(ctx, ch.ID, func(m slacktest.Message) bool {
		return m.TS == first.TS && strings.Contains(m.PlainText(), "continues in a newer message below")
	}); err != nil {
		t.Fatalf("the old walk was not retired: %v%s", err, walkDump(fake, ch.ID))
	}
	if _, err := bob.ClickButton(ctx, second, "Root — stop here"); err != nil {
		t.Fatal(err)
	}
	eventually(t, ctx, "the new walk finished", func() bool {
		m, _ := fake.Message(ch.ID, second.TS)
		return strings.Contains(m.PlainText(), "Wiring done")
	})
	walkNoFailures(t, fake)
}

// walkBenchApp runs the real bot for a benchmark and starts an RCA whose
// tree is the 150-node paste, in wiring, with the walk posted. It returns
// the person and the walk message.
func walkBenchApp(b *testing.B) (slacktest.User, slacktest.Message) {
	b.Helper()
	fake := slacktest.New(b)
	alice := fake.AddUser("alice")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	db, err := storage.Open(ctx, filepath.Join(b.TempDir(), "untangle.db"))
	if err != nil {
		b.Fatal(err)
	}
	bt, err := bot.New(bot.Config{Refs: db, BotToken: fake.BotToken(), AppToken: fake.AppToken(), APIURL: fake.APIURL(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, workflow.New(db, nil))
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- bt.Run(ctx) }()
	b.Cleanup(func() { cancel(); <-done; db.Close() })
	if err := fake.WaitForConnection(ctx); err != nil {
		b.Fatal(err)
	}
	wctx, wcancel := context.WithTimeout(ctx, testTimeout)
	defer wcancel()
	dash, err := latencyStartRCA(wctx, fake, []slacktest.User{alice}, general, "Bench walk")
	if err != nil {
		b.Fatal(err)
	}
	if err := walkBenchPaste(wctx, alice, dash.Channel, pasteBigTree(10, 150)); err != nil {
		b.Fatal(err)
	}
	if _, err := alice.ClickButton(wctx, dash, ":link: Start wiring"); err != nil {
		b.Fatal(err)
	}
	walk, err := fake.WaitForMessage(wctx, dash.Channel, func(m slacktest.Message) bool { return strings.Contains(m.PlainText(), walkMarker) })
	if err != nil {
		b.Fatal(err)
	}
	return alice, walk
}

// walkBenchPaste pastes src through the modal and applies the preview.
func walkBenchPaste(ctx context.Context, u slacktest.User, channel, src string) error {
	if _, err := u.SlashCommand(ctx, channel, "/rca", "paste"); err != nil {
		return err
	}
	v, err := u.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.CallbackID == "paste_statements" })
	if err != nil {
		return err
	}
	if err := u.FillInput(v, "Statements", src); err != nil {
		return err
	}
	for range 2 { // preview, then apply
		if _, err := u.SubmitView(ctx); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkWalkTypeAhead measures one type-ahead round trip (block_suggestion
// and its ack with up to 100 options) of the "Add cause" modal on a
// 150-node tree, by number and by words.
//
//	go test ./bot -run '^$' -bench WalkTypeAhead
func BenchmarkWalkTypeAhead(b *testing.B) {
	alice, walk := walkBenchApp(b)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if _, err := alice.ClickButton(ctx, walk, "Add cause…"); err != nil {
		b.Fatal(err)
	}
	view, err := alice.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Add cause" })
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{"#120", "component 149"} {
		b.Run(q, func(b *testing.B) {
			for range b.N {
				if err := alice.Select(ctx, view, "Existing node", q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
