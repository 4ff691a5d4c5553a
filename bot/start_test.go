package bot_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

func TestStartRCAThroughTheModal(t *testing.T) {
	fake := slacktest.New(t)
	alice, bob := fake.AddUser("alice"), fake.AddUser("bob")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice, bob}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)

	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Payment outage", bob)

	if !strings.HasPrefix(ch.Name, "rca-") || !strings.HasSuffix(ch.Name, "-payment-outage") {
		t.Errorf("channel name %q", ch.Name)
	}
	for _, u := range []string{alice.ID, bob.ID, slacktest.BotUserID} {
		if !slices.Contains(ch.Members, u) {
			t.Errorf("%s is not in %s: %v", u, ch.Name, ch.Members)
		}
	}
	eventually(t, ctx, "dashboard pinned", func() bool {
		c, _ := fake.Channel(ch.ID)
		return slices.Contains(c.Pinned, dash.TS) && strings.Contains(c.Topic, "Payment outage")
	})
	text := dash.PlainText()
	for _, want := range []string{"collecting symptoms", "Add symptom", "Start wiring", "Paste statements", "0 symptoms"} {
		if !strings.Contains(text, want) {
			t.Errorf("dashboard lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Finish RCA") || strings.Contains(text, "Start challenge pass") {
		t.Errorf("dashboard offers actions of later phases:\n%s", text)
	}

	// A second RCA with the same title on the same day gets a suffixed channel.
	ch2, _ := startRCA(t, ctx, fake, bob, general.ID, "Payment outage")
	if ch2.Name != ch.Name+"-2" {
		t.Errorf("second channel %q, want %q", ch2.Name, ch.Name+"-2")
	}
}

func TestStartModalFieldErrors(t *testing.T) {
	fake := slacktest.New(t)
	alice := fake.AddUser("alice")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)

	if _, err := alice.SlashCommand(ctx, general.ID, "/rca", "start"); err != nil {
		t.Fatal(err)
	}
	view, err := alice.WaitForView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := alice.FillInput(view, "Title", "   "); err != nil {
		t.Fatal(err)
	}
	if err := alice.FillInput(view, "Incident link", "not a link"); err != nil {
		t.Fatal(err)
	}
	ack, err := alice.SubmitView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	errs := ack.Errors()
	if len(errs) != 1 {
		t.Fatalf("want one field error, got %v", errs)
	}
	for field := range errs {
		if field != "title" && field != "incident_link" {
			t.Fatalf("error on unexpected field %q", field)
		}
	}
	for _, c := range fake.Channels() {
		if strings.HasPrefix(c.Name, "rca-") {
			t.Fatalf("a refused start created %s", c.Name)
		}
	}
}

func TestSlashHelpListStatus(t *testing.T) {
	fake := slacktest.New(t)
	alice := fake.AddUser("alice")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)

	for _, text := range []string{"", "help", "frobnicate"} {
		ack, err := alice.SlashCommand(ctx, general.ID, "/rca", text)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(ack.Text(), "/rca start") {
			t.Errorf("/rca %s: %q", text, ack.Text())
		}
	}
	ack, _ := alice.SlashCommand(ctx, general.ID, "/rca", "status")
	if !strings.Contains(ack.Text(), "this channel has no RCA") {
		t.Errorf("status outside an RCA channel: %q", ack.Text())
	}
	ch, _ := startRCA(t, ctx, fake, alice, general.ID, "DB <!channel> down")
	ack, _ = alice.SlashCommand(ctx, ch.ID, "/rca", "status")
	if !strings.Contains(string(ack.Payload), "collecting symptoms") {
		t.Errorf("status in the RCA channel: %s", ack.Payload)
	}
	ack, _ = alice.SlashCommand(ctx, general.ID, "/rca", "list")
	if !strings.Contains(string(ack.Payload), `DB \u0026lt;!channel\u0026gt; down`) && !strings.Contains(string(ack.Payload), "DB &lt;!channel&gt; down") {
		t.Errorf("list must show the escaped title: %s", ack.Payload)
	}
}

// TestStartResumesAnInterruptedChannelSetUp: when Slack keeps refusing to
// create the channel, the RCA is saved and the creator is told; the next
// start of the bot finishes the set-up.
func TestStartResumesAnInterruptedChannelSetUp(t *testing.T) {
	fake := slacktest.New(t)
	alice := fake.AddUser("alice")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	first := startApp(t, fake, "")
	ctx := testCtx(t)

	fake.InjectServerError("conversations.create", 100)
	if _, err := alice.SlashCommand(ctx, general.ID, "/rca", "start Stuck set-up"); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.WaitForView(ctx); err != nil {
		t.Fatal(err)
	}
	if ack, err := alice.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("submit: %v %v", err, ack)
	}
	eventually(t, ctx, "the creator hears about it", func() bool {
		for _, m := range alice.DMs() {
			if strings.Contains(m.PlainText(), "could not create its channel") {
				return true
			}
		}
		return false
	})
	first.stop()
	fake.InjectServerError("conversations.create", 0)

	startApp(t, fake, first.dbPath)
	dash, err := waitForMessage(ctx, fake, func(m slacktest.Message) bool { return strings.Contains(m.PlainText(), "RCA: Stuck set-up") })
	if err != nil {
		t.Fatalf("no dashboard after the restart: %v", err)
	}
	c, _ := fake.Channel(dash.Channel)
	if !strings.HasSuffix(c.Name, "-stuck-set-up") || !slices.Contains(c.Members, alice.ID) {
		t.Fatalf("resumed channel %s, members %v", c.Name, c.Members)
	}
}

// A title longer than the Title input allows still opens the Start modal,
// prefilled with the title clipped to the limit, which can be submitted.
func TestStartWithATitleTooLongForTheModal(t *testing.T) {
	fake := slacktest.New(t)
	alice := fake.AddUser("alice")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)

	title := strings.Repeat("Payment routing outage ", 10) // 230 characters
	if _, err := alice.SlashCommand(ctx, general.ID, "/rca", "start "+title); err != nil {
		t.Fatal(err)
	}
	view, err := alice.WaitForView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	clipped := title[:149] + "…"
	if !strings.Contains(string(view.Blocks), clipped) {
		t.Fatalf("the Title input is not prefilled with the clipped title %q:\n%s", clipped, view.Blocks)
	}
	ack, err := alice.SubmitView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if errs := ack.Errors(); len(errs) > 0 {
		t.Fatalf("the clipped title was refused: %v", errs)
	}
	eventually(t, ctx, "the RCA channel", func() bool {
		return slices.ContainsFunc(fake.Channels(), func(c slacktest.Channel) bool { return strings.HasPrefix(c.Name, "rca-") })
	})
}
