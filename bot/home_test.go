package bot_test

import (
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

// TestHomeShowsPrivateRCAOnlyToParticipants opens the Home tab as a
// participant and as an outsider of a private RCA.
func TestHomeShowsPrivateRCAOnlyToParticipants(t *testing.T) {
	fake := slacktest.New(t)
	alice, bob, carol := fake.AddUser("alice"), fake.AddUser("bob"), fake.AddUser("carol")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice, bob, carol}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)

	startRCA(t, ctx, fake, carol, general.ID, "Public search slowness")
	const title = "Leaked key <!channel> <@U123>"
	if _, err := alice.SlashCommand(ctx, general.ID, "/rca", "start "+title); err != nil {
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
	dash, err := waitForMessage(ctx, fake, func(m slacktest.Message) bool { return strings.Contains(m.PlainText(), "Private RCA") })
	if err != nil {
		t.Fatalf("no dashboard for the private RCA: %v", err)
	}
	if leaks := symptomLeaks(dash.Text, dash.Blocks); len(leaks) > 0 {
		t.Errorf("the dashboard echoes the title's mentions unescaped: %v", leaks)
	}

	tests := []struct {
		name        string
		user        slacktest.User
		seesPrivate bool
	}{
		{name: "participant", user: bob, seesPrivate: true},
		{name: "outsider", user: carol, seesPrivate: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			home, err := tc.user.OpenHome(ctx)
			if err != nil {
				t.Fatal(err)
			}
			text := home.PlainText()
			if !strings.Contains(text, "Start an RCA") || !strings.Contains(text, "Public search slowness") {
				t.Errorf("home lacks the start button or the public RCA:\n%s", text)
			}
			if got := strings.Contains(text, "Leaked key &lt;!channel&gt; &lt;@U123&gt;"); got != tc.seesPrivate {
				t.Errorf("private RCA shown escaped = %v, want %v:\n%s", got, tc.seesPrivate, text)
			}
			if strings.Contains(text, "Leaked key") != tc.seesPrivate {
				t.Errorf("private RCA visibility wrong for %s:\n%s", tc.name, text)
			}
			if leaks := symptomLeaks("", home.Blocks); len(leaks) > 0 {
				t.Errorf("home echoes mentions unescaped: %v", leaks)
			}
			if tc.seesPrivate && !strings.Contains(text, "collecting symptoms") {
				t.Errorf("home lacks the phase:\n%s", text)
			}
		})
	}

	// The start button on the Home tab opens the Start modal.
	if _, err := carol.ClickViewButton(ctx, ":heavy_plus_sign: Start an RCA"); err != nil {
		t.Fatal(err)
	}
	if _, err := carol.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Start an RCA" }); err != nil {
		t.Errorf("Start an RCA from the Home tab: %v", err)
	}
}
