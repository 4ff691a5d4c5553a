package bot_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/bot"
	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// TestSymptomsThroughModalAndShortcut is issue #4's end-to-end flow: two
// people start an RCA, three symptoms arrive through the modal and two through
// the message shortcut (inside the RCA channel and from another channel), and
// mention markup in a statement is shown escaped wherever the bot echoes it.
func TestSymptomsThroughModalAndShortcut(t *testing.T) {
	fake := slacktest.New(t)
	alice, bob, carol := fake.AddUser("alice"), fake.AddUser("bob"), fake.AddUser("carol")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice, bob}, BotMember: true})
	random := fake.AddChannel("random", slacktest.ChannelOptions{Members: []slacktest.User{alice, carol}, BotMember: true})
	a := startApp(t, fake, "")
	ctx := testCtx(t)

	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Checkout outage", bob)
	for _, u := range []string{alice.ID, bob.ID} {
		if !slices.Contains(ch.Members, u) {
			t.Fatalf("%s not invited to %s: %v", u, ch.Name, ch.Members)
		}
	}

	const mention = "Pager said <!channel> and <@U123> for 20 minutes"
	symptomAdd(t, ctx, alice, dash, "Checkout returns HTTP 502 for 8% of requests", "High")
	symptomAdd(t, ctx, bob, dash, "Refunds are delayed by three hours", "Low")
	symptomAdd(t, ctx, bob, dash, mention, "")

	// The shortcut inside the RCA channel: prefilled, permalink kept.
	msg, err := bob.Post(ch.ID, "Support received 40 tickets about failed payments")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bob.MessageShortcut(ctx, msg, bot.ShortcutAddSymptom); err != nil {
		t.Fatal(err)
	}
	v, err := bob.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.CallbackID == "add_symptom" })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(v.Blocks), "Support received 40 tickets") || !strings.Contains(v.PrivateMetadata, "/archives/"+ch.ID+"/p") {
		t.Errorf("shortcut modal not prefilled with the message and its permalink:\n%s\nmetadata %s", v.PlainText(), v.PrivateMetadata)
	}
	if errs := symptomSubmit(t, ctx, bob, v, "", ""); len(errs) > 0 {
		t.Fatalf("shortcut symptom refused: %v", errs)
	}

	// From another channel: first pick the RCA, then the prefilled modal.
	other, err := alice.Post(random.ID, "Search latency p99 is 4 seconds")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.MessageShortcut(ctx, other, bot.ShortcutAddSymptom); err != nil {
		t.Fatal(err)
	}
	pick, err := alice.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.CallbackID == "pick_rca" })
	if err != nil {
		t.Fatal(err)
	}
	if err := alice.Select(ctx, pick, "RCA", "Checkout outage"); err != nil {
		t.Fatal(err)
	}
	ack, err := alice.SubmitView(ctx)
	if err != nil || ack.ResponseAction() != "update" {
		t.Fatalf("picker submit: %v, response_action %q", err, ack.ResponseAction())
	}
	v, ok := alice.CurrentView()
	if !ok || v.CallbackID != "add_symptom" || !strings.Contains(string(v.Blocks), "Search latency p99") {
		t.Fatalf("picker did not turn into the prefilled Add symptom modal: %s %s", v.CallbackID, v.Blocks)
	}
	if errs := symptomSubmit(t, ctx, alice, v, "", "Medium"); len(errs) > 0 {
		t.Fatalf("symptom from another channel refused: %v", errs)
	}
	// A symptom added from a message shortcut is confirmed to its author,
	// who may not be looking at the RCA's channel; one added from the
	// dashboard is not (the dashboard and the outline show it).
	waitEphemeral(t, ctx, alice, "Added symptom *#5*")
	for _, m := range alice.Ephemerals() {
		if strings.Contains(m.Text, "Added symptom *#1*") {
			t.Errorf("a symptom added from the dashboard was confirmed privately: %q", m.Text)
		}
	}

	// Someone with no open RCA gets a kind notice.
	lone, _ := carol.Post(random.ID, "Is anything broken?")
	if _, err := carol.MessageShortcut(ctx, lone, bot.ShortcutAddSymptom); err != nil {
		t.Fatal(err)
	}
	notice, err := carol.WaitForView(ctx)
	if err != nil || !strings.Contains(notice.PlainText(), "no open RCA collecting symptoms") {
		t.Errorf("carol's notice: %v %s", err, notice.PlainText())
	}

	outline := symptomOutline(t, ctx, fake, ch.ID, func(s string) bool { return strings.Contains(s, "#5") })
	text := outline.PlainText()
	for _, want := range []string{"#1", "Checkout returns HTTP 502", "high impact", "low impact", "Support received 40 tickets",
		"Search latency p99", "&lt;!channel&gt; and @someone"} {
		if !strings.Contains(text, want) {
			t.Errorf("outline lacks %q:\n%s", want, text)
		}
	}
	eventually(t, ctx, "dashboard counts five symptoms", func() bool {
		m, _ := fake.Message(ch.ID, dash.TS)
		return strings.Contains(m.PlainText(), "5 symptoms")
	})
	eventually(t, ctx, "bob's private feedback", func() bool {
		for _, m := range bob.Ephemerals() {
			if strings.Contains(m.Text, "&lt;!channel&gt;") && strings.Contains(m.Text, "Blameless check") {
				return true
			}
		}
		return false
	})

	// Nothing the bot showed carries the mention unescaped.
	shown := fake.Messages(ch.ID)
	shown = append(shown, bob.Ephemerals()...)
	shown = append(shown, bob.DMs()...)
	for _, m := range shown {
		if leaks := symptomLeaks(m.Text, m.Blocks); m.User == slacktest.BotUserID && len(leaks) > 0 {
			t.Errorf("message %s echoes mentions unescaped: %v", m.TS, leaks)
		}
	}
	for _, f := range fake.Failures() {
		t.Errorf("Slack would have shown an error: %+v", f)
	}
	shortcutCheckSources(t, a.dbPath, ch.ID, map[tree.NodeID]string{
		1: "", 4: "/archives/" + ch.ID + "/p" + strings.ReplaceAll(msg.TS, ".", ""),
		5: "/archives/" + random.ID + "/p" + strings.ReplaceAll(other.TS, ".", ""),
	})
}

// shortcutCheckSources reads the saved symptoms' source links from the
// database the bot writes (a second connection, as an auditor would).
func shortcutCheckSources(t *testing.T, dbPath, channel string, want map[tree.NodeID]string) {
	t.Helper()
	ctx := testCtx(t)
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := workflow.New(db, nil)
	actor := workflow.Actor{UserID: workflow.SystemUser}
	rca, err := svc.RCAForChannel(ctx, actor, channel)
	if err != nil {
		t.Fatal(err)
	}
	for node, suffix := range want {
		link, err := svc.SourceLink(ctx, workflow.Actor{UserID: rca.Creator}, rca.ID, node)
		if err != nil {
			t.Fatal(err)
		}
		if (suffix == "" && link != "") || !strings.HasSuffix(link, suffix) {
			t.Errorf("node %s source link %q, want one ending in %q", node, link, suffix)
		}
	}
}
