package bot_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot"
	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/workflow"
)

// authPrivateTitle is the title of the private RCA outsiders must never see.
const authPrivateTitle = "Leaked signing key"

// authSeen is everything u was shown: acks, views, the Home tab,
// ephemerals and DMs, as plain text.
func authSeen(u slacktest.User, acks ...*slacktest.Ack) string {
	var sb strings.Builder
	for _, a := range acks {
		if a != nil {
			sb.WriteString(a.Text() + "\n" + string(a.Payload) + "\n")
		}
	}
	for _, v := range u.ViewStack() {
		sb.WriteString(v.PlainText() + "\n" + v.PrivateMetadata + "\n")
	}
	if h, ok := u.Home(); ok {
		sb.WriteString(h.PlainText() + "\n")
	}
	for _, m := range append(u.Ephemerals(), u.DMs()...) {
		sb.WriteString(m.PlainText() + "\n")
	}
	return sb.String()
}

// authPrivateRCA starts a private RCA led by alice with bob, and a public
// one led by carol; it returns the private channel and dashboard.
func authPrivateRCA(t *testing.T, ctx context.Context, fake *slacktest.Server, general string, alice, bob, carol slacktest.User) (slacktest.Channel, slacktest.Message) {
	t.Helper()
	startRCA(t, ctx, fake, carol, general, "Public search slowness")
	if _, err := alice.SlashCommand(ctx, general, "/rca", "start "+authPrivateTitle); err != nil {
		t.Fatal(err)
	}
	v, err := alice.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Start an RCA" })
	if err != nil {
		t.Fatal(err)
	}
	if err := alice.Select(ctx, v, "Participants", bob.Name); err != nil {
		t.Fatal(err)
	}
	if err := alice.Select(ctx, v, "Visibility", "Private channel"); err != nil {
		t.Fatal(err)
	}
	if ack, err := alice.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("start the private RCA: %v %v", err, ack)
	}
	dash, err := waitForMessage(ctx, fake, func(m slacktest.Message) bool { return strings.Contains(m.PlainText(), "RCA: "+authPrivateTitle) })
	if err != nil {
		t.Fatalf("no dashboard for the private RCA: %v", err)
	}
	ch, _ := fake.Channel(dash.Channel)
	return ch, dash
}

func TestAuthOutsiderNeverSeesOrChangesAPrivateRCA(t *testing.T) {
	fake := slacktest.New(t)
	alice, bob, carol := fake.AddUser("alice"), fake.AddUser("bob"), fake.AddUser("carol")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice, bob, carol}, BotMember: true})
	a := startApp(t, fake, "")
	ctx := testCtx(t)
	ch, dash := authPrivateRCA(t, ctx, fake, general.ID, alice, bob, carol)

	steps := []struct {
		name string
		do   func() (*slacktest.Ack, error)
	}{
		{name: "/rca list", do: func() (*slacktest.Ack, error) { return carol.SlashCommand(ctx, general.ID, "/rca", "list") }},
		{name: "Add symptom on the private dashboard", do: func() (*slacktest.Ack, error) {
			return carol.ClickButton(ctx, dash, ":heavy_plus_sign: Add symptom")
		}},
		{name: "shortcut on a message elsewhere", do: func() (*slacktest.Ack, error) {
			msg, err := carol.Post(general.ID, "Signing looks broken")
			if err != nil {
				return nil, err
			}
			return carol.MessageShortcut(ctx, msg, bot.ShortcutAddSymptom)
		}},
		{name: "App Home", do: func() (*slacktest.Ack, error) { _, err := carol.OpenHome(ctx); return nil, err }},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			ack, err := st.do()
			if err != nil {
				t.Fatal(err)
			}
			settle(ctx)
			if seen := authSeen(carol, ack); strings.Contains(seen, authPrivateTitle) {
				t.Errorf("the outsider was shown the private RCA:\n%s", seen)
			}
			for _, v := range carol.ViewStack() {
				if v.CallbackID == "add_symptom" && strings.Contains(v.PrivateMetadata, `"rca":2`) {
					t.Errorf("the outsider got an Add symptom modal for the private RCA")
				}
			}
		})
	}
	for _, m := range fake.Messages(ch.ID) {
		if strings.HasPrefix(m.Text, "Outline:") {
			t.Errorf("the private RCA got symptoms from an outsider: %s", m.PlainText())
		}
	}

	// A member of the private channel who is not a participant of the RCA
	// sees the channel (Slack's rule) but may not act in the RCA.
	if err := fake.AddMember(ch.ID, carol); err != nil {
		t.Fatal(err)
	}
	if _, err := carol.ClickButton(ctx, dash, ":heavy_plus_sign: Add symptom"); err != nil {
		t.Fatal(err)
	}
	settle(ctx)
	if v, ok := carol.CurrentView(); ok && v.CallbackID == "add_symptom" {
		t.Error("a non-participant got the Add symptom modal of the private RCA")
	}
	for _, cmd := range []string{"finish", "remind off", "reopen"} {
		ack, err := carol.SlashCommand(ctx, ch.ID, "/rca", cmd)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("/rca %s by a non-participant: %q", cmd, ack.Text())
		// The refusal says nothing of the RCA: it reads like one outside any RCA channel.
		if text := ack.Text(); !strings.Contains(text, "has no RCA shared with you") || strings.Contains(text, authPrivateTitle) || strings.Contains(text, "private") {
			t.Errorf("/rca %s by a non-participant: %q", cmd, text)
		}
	}
	ack, err := bob.SlashCommand(ctx, general.ID, "/rca", "list")
	if err != nil || !strings.Contains(ack.Text(), authPrivateTitle) {
		t.Errorf("a participant must see the private RCA in /rca list: %v %q", err, ack.Text())
	}
	authNoTokens(t, fake, a.logs.String())
}

func TestAuthParticipantCannotUseFacilitatorActions(t *testing.T) {
	fake := slacktest.New(t)
	alice, bob := fake.AddUser("alice"), fake.AddUser("bob")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice, bob}, BotMember: true})
	dbPath := filepath.Join(t.TempDir(), "untangle.db")
	startApp(t, fake, dbPath)
	ctx := testCtx(t)
	ch, _ := startRCA(t, ctx, fake, alice, general.ID, "Cache stampede", bob)

	for _, cmd := range []string{"remind 0 9 * * 1", "remind off", "finish", "reopen"} {
		t.Run(cmd, func(t *testing.T) {
			ack, err := bob.SlashCommand(ctx, ch.ID, "/rca", cmd)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("/rca %s by a participant: %q", cmd, ack.Text())
			if text := ack.Text(); !strings.Contains(text, "Only <@"+alice.ID+">, the facilitator of *Cache stampede*, can do this.") {
				t.Errorf("/rca %s by a participant: %q", cmd, text)
			}
		})
	}
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	check := workflow.New(db, nil)
	rca, err := check.RCAForChannel(ctx, workflow.Actor{UserID: alice.ID}, ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	st, err := check.ReminderState(ctx, workflow.Actor{UserID: alice.ID}, rca.ID)
	if err != nil || st.Spec != "" || rca.Phase != workflow.PhaseCollecting {
		t.Errorf("a participant changed the RCA: reminder spec %q, phase %s (%v)", st.Spec, rca.Phase, err)
	}
}

func TestAuthClosedRCATakesNoChanges(t *testing.T) {
	ctx := testCtx(t)
	w := newRenderWorld(t, ctx)
	symptomAdd(t, ctx, w.bob, w.dash, "Checkout returned errors for 45 minutes because of a deploy", "")
	feedback := waitEphemeral(t, ctx, w.bob, "Added symptom")

	w.pasteExample(t, ctx)
	w.advanceTo(t, ctx, workflow.PhaseChallenging)
	w.acceptAll(t, ctx)
	w.advanceTo(t, ctx, workflow.PhaseFixing)
	if _, err := w.setup.Finish(ctx, w.actor(w.alice), w.rcaID); err != nil {
		t.Fatalf("close the RCA (set-up): %v", err)
	}
	before, err := w.setup.Tree(ctx, w.actor(w.alice), w.rcaID)
	if err != nil {
		t.Fatal(err)
	}

	// The Add symptom button of an old private confirmation.
	if _, err := w.bob.ClickButton(ctx, feedback, ":heavy_plus_sign: Add symptom"); err != nil {
		t.Fatal(err)
	}
	waitEphemeral(t, ctx, w.bob, "closed")
	if v, ok := w.bob.CurrentView(); ok && v.CallbackID == "add_symptom" {
		t.Error("a closed RCA opened the Add symptom modal")
	}
	// The message shortcut in the closed RCA's channel.
	msg, err := w.bob.Post(w.ch.ID, "One more thing went wrong")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.bob.MessageShortcut(ctx, msg, bot.ShortcutAddSymptom); err != nil {
		t.Fatal(err)
	}
	settle(ctx)
	if v, ok := w.bob.CurrentView(); ok && v.CallbackID == "add_symptom" && strings.Contains(v.PrivateMetadata, `"rca":`) {
		if errs := symptomSubmit(t, ctx, w.bob, v, "", ""); len(errs) == 0 {
			t.Error("a symptom was added to a closed RCA through the shortcut")
		}
	}
	// Facilitator-only reopen by a participant.
	ack, err := w.bob.SlashCommand(ctx, w.ch.ID, "/rca", "reopen")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ack.Text(), "facilitator") {
		t.Errorf("/rca reopen by a participant: %q", ack.Text())
	}
	after, err := w.setup.Tree(ctx, w.actor(w.alice), w.rcaID)
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Nodes()) != len(before.Nodes()) {
		t.Errorf("the closed RCA changed: %d nodes, then %d", len(before.Nodes()), len(after.Nodes()))
	}
	rca, err := w.setup.RCA(ctx, w.actor(w.alice), w.rcaID)
	if err != nil || rca.Phase != workflow.PhaseClosed {
		t.Errorf("the RCA is no longer closed: %v %v", rca.Phase, err)
	}
	authNoTokens(t, w.fake, w.app.logs.String())
}

// authNoTokens fails when a token of fake appears in logs or in anything
// the bot showed in Slack.
func authNoTokens(t *testing.T, fake *slacktest.Server, logs string) {
	t.Helper()
	var shown strings.Builder
	for _, c := range fake.Channels() {
		for _, m := range fake.Messages(c.ID) {
			shown.WriteString(m.Text + string(m.Blocks) + "\n")
		}
	}
	for _, call := range fake.Calls() {
		for _, v := range call.Params {
			shown.WriteString(v + "\n")
		}
	}
	for where, text := range map[string]string{"logs": logs, "Slack": shown.String()} {
		for _, tok := range []string{fake.BotToken(), fake.AppToken()} {
			if strings.Contains(text, tok) {
				t.Errorf("a token appears in the %s", where)
			}
		}
	}
}

func TestAuthTokensNeverInLogsOrErrors(t *testing.T) {
	const badBot, badApp = "xoxb-1111-secret-bot-token", "xapp-1-secret-app-token"
	fake := slacktest.New(t)
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "untangle.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b, err := bot.New(bot.Config{Refs: db, BotToken: badBot, AppToken: badApp, APIURL: fake.APIURL(), Logger: log}, workflow.New(db, nil))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = b.Check(ctx)
	if err == nil {
		t.Fatal("a wrong bot token was accepted")
	}
	err = errors.Join(err, b.Run(ctx))
	for _, tok := range []string{badBot, badApp} {
		if strings.Contains(err.Error(), tok) || strings.Contains(logs.String(), tok) {
			t.Errorf("a token appears in the error or logs: %v\n%s", err, logs.String())
		}
	}

	// A whole start flow with Web API failures that exhaust the retries.
	fake2 := slacktest.New(t)
	alice := fake2.AddUser("alice")
	general := fake2.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	a := startApp(t, fake2, "")
	tctx := testCtx(t)
	fake2.InjectRateLimit("views.open", 1, 120) // longer than the bot waits: the call fails
	ack, err := alice.SlashCommand(tctx, general.ID, "/rca", "start Broken")
	if err != nil {
		t.Fatal(err)
	}
	if ack.Text() == "" {
		t.Error("a failed views.open must be explained to the user")
	}
	fake2.InjectServerError("conversations.create", 10) // every retry fails
	if _, err := alice.SlashCommand(tctx, general.ID, "/rca", "start Unlucky"); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.WaitForViewWhere(tctx, func(v slacktest.View) bool { return v.Title == "Start an RCA" }); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.SubmitView(tctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, tctx, "a DM about the channel", func() bool {
		for _, m := range alice.DMs() {
			if strings.Contains(m.PlainText(), "could not create its channel") {
				return true
			}
		}
		return false
	})
	authNoTokens(t, fake2, a.logs.String())
}

// TestAuthParticipantCannotClickFacilitatorButtons has bob, a participant,
// click the facilitator's phase buttons on the dashboard.
func TestAuthParticipantCannotClickFacilitatorButtons(t *testing.T) {
	ctx := testCtx(t)
	w := newRenderWorld(t, ctx)
	w.pasteExample(t, ctx)
	eventually(t, ctx, "Start wiring on the dashboard", func() bool { return strings.Contains(w.dashboard().PlainText(), "Start wiring") })

	if _, err := w.bob.ClickButton(ctx, w.dashboard(), ":link: Start wiring"); err != nil {
		t.Fatal(err)
	}
	waitEphemeral(t, ctx, w.bob, ", the facilitator of *Payment outage*")
	if rca, _ := w.setup.RCA(ctx, w.actor(w.alice), w.rcaID); rca.Phase != workflow.PhaseCollecting {
		t.Fatalf("a participant's click moved the RCA to %s", rca.Phase)
	}

	if _, err := w.alice.ClickButton(ctx, w.dashboard(), ":link: Start wiring"); err != nil {
		t.Fatal(err)
	}
	eventually(t, ctx, "Start challenge pass on the dashboard", func() bool {
		return strings.Contains(w.dashboard().PlainText(), "Start challenge pass")
	})
	if _, err := w.bob.ClickButton(ctx, w.dashboard(), ":crossed_swords: Start challenge pass"); err != nil {
		t.Fatal(err)
	}
	waitEphemeral(t, ctx, w.bob, ", the facilitator of *")
	if rca, _ := w.setup.RCA(ctx, w.actor(w.alice), w.rcaID); rca.Phase != workflow.PhaseWiring {
		t.Errorf("a participant's click moved the RCA to %s", rca.Phase)
	}
}
