package bot_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/workflow"
)

// Words of the private RCA that no outsider may ever read.
const (
	secretTitle = "Secret breach"
	secretCause = "Deploys skip the canary stage"
	likeSecret  = "Deploys skip canary stage" // close enough to be a similar cause
)

// visibleTo is everything u can read in the fake Slack: every public
// channel and the private ones u is in, u's private messages, Home tab and
// open views.
func visibleTo(fake *slacktest.Server, u slacktest.User) string {
	var sb strings.Builder
	for _, c := range fake.Channels() {
		if c.Private && !slices.Contains(c.Members, u.ID) {
			continue
		}
		fmt.Fprintln(&sb, c.Name, c.Topic, c.Purpose)
		for _, m := range fake.Messages(c.ID) {
			fmt.Fprintln(&sb, m.Text, m.PlainText())
		}
	}
	for _, m := range append(u.Ephemerals(), u.DMs()...) {
		fmt.Fprintln(&sb, m.Text, m.PlainText())
	}
	if h, ok := u.Home(); ok {
		fmt.Fprintln(&sb, h.PlainText())
	}
	for _, v := range u.ViewStack() {
		fmt.Fprintln(&sb, v.PlainText(), v.PrivateMetadata)
	}
	return sb.String()
}

// closeRCA drives the RCA of channel to its end through the workflow
// (set-up only): one symptom, its cause accepted, finished, so the cause is
// remembered as a core cause. It returns the RCA's id.
func closeRCA(t *testing.T, ctx context.Context, svc *workflow.Service, fac slacktest.User, channel, cause string) int64 {
	t.Helper()
	actor := workflow.Actor{UserID: fac.ID}
	rca, err := svc.RCAForChannel(ctx, actor, channel)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PasteStatements(ctx, actor, rca.ID, "UDE [Customer tokens leak into logs]\nIF ["+cause+"] THEN [Customer tokens leak into logs]"); err != nil {
		t.Fatal(err)
	}
	for _, step := range []func() error{
		func() error { _, err := svc.Advance(ctx, actor, rca.ID); return err },
		func() error { _, err := svc.Advance(ctx, actor, rca.ID); return err },
		func() error { _, err := svc.Decide(ctx, actor, rca.ID, 1, true); return err },
		func() error { _, err := svc.Advance(ctx, actor, rca.ID); return err },
		func() error { _, err := svc.Finish(ctx, actor, rca.ID); return err },
	} {
		if err := step(); err != nil {
			t.Fatalf("close the RCA of %s: %v", channel, err)
		}
	}
	return rca.ID
}

// TestPrivateRCAStaysOutOfTheMemory: a private RCA closed on a core cause.
// An outsider who adds a similar cause in their own RCA or in a public one,
// opens the Home tab, or acts on the private RCA by a forged click or a
// slash command learns nothing of it, while its participant is still
// reminded of it.
func TestPrivateRCAStaysOutOfTheMemory(t *testing.T) {
	fake := slacktest.New(t)
	alice, bob, eve, carol := fake.AddUser("alice"), fake.AddUser("bob"), fake.AddUser("eve"), fake.AddUser("carol")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice, bob, eve, carol}, BotMember: true})
	a := startApp(t, fake, "")
	ctx := testCtx(t)

	db, err := storage.Open(ctx, a.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := workflow.New(db, nil) // set-up and read-back only
	secretCh, _ := challengeStartPrivate(t, ctx, fake, alice, general.ID, secretTitle, bob)
	secretID := closeRCA(t, ctx, svc, alice, secretCh.ID, secretCause)
	// A public RCA closed on a like cause: with the private one, a cause
	// that keeps coming back, for those who may see both.
	oldCh, _ := startRCA(t, ctx, fake, carol, general.ID, "Old checkout outage")
	closeRCA(t, ctx, svc, carol, oldCh.ID, "Deploys always skip the canary stage")
	if sim, err := svc.SimilarPastCauses(ctx, workflow.Only(alice.ID), likeSecret); err != nil || len(sim) != 2 {
		t.Fatalf("both core causes should be remembered: %+v %v", sim, err)
	}
	_, eveDash := startRCA(t, ctx, fake, eve, general.ID, "Eve's checkout errors")
	pubCh, pubDash := startRCA(t, ctx, fake, carol, general.ID, "Public search outage", eve, bob)

	// Similar causes: in eve's own RCA, and in a public one she takes part in.
	symptomAdd(t, ctx, eve, eveDash, likeSecret, "")
	symptomAdd(t, ctx, eve, pubDash, likeSecret+" again", "")
	// The public RCA's team is reminded of the public earlier RCA in its
	// channel, with a link to that RCA's channel; the private one is named
	// nowhere.
	eventually(t, ctx, "the public RCA's channel is reminded of the public earlier RCA", func() bool {
		for _, m := range fake.Messages(pubCh.ID) {
			if strings.Contains(m.Text, "Old checkout outage") && strings.Contains(m.Text, "<#"+oldCh.ID+">") {
				return true
			}
		}
		return false
	})
	// Bob, a participant of the private RCA, does the same and is reminded of it.
	symptomAdd(t, ctx, bob, pubDash, likeSecret+" in search", "")
	eventually(t, ctx, "bob is reminded of the private RCA", func() bool {
		for _, m := range bob.Ephemerals() {
			if strings.Contains(m.Text, secretTitle) {
				return true
			}
		}
		return false
	})

	settle(ctx)
	for _, m := range fake.Messages(pubCh.ID) {
		if strings.Contains(m.Text, secretTitle) || strings.Contains(m.Text, secretCause) {
			t.Errorf("the public RCA's channel names the private earlier RCA: %s", m.Text)
		}
	}

	// The Home tab.
	if _, err := eve.OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	if home, err := bob.OpenHome(ctx); err != nil || !strings.Contains(home.PlainText(), "Causes that keep coming back") {
		t.Errorf("bob's Home tab lacks the recurring cause of the private RCA he took part in: %v\n%s", err, home.PlainText())
	}
	if home, _ := eve.Home(); strings.Contains(home.PlainText(), "Causes that keep coming back") {
		t.Errorf("eve's Home tab counts the private RCA towards a recurring cause:\n%s", home.PlainText())
	}

	// A forged click naming the private RCA reads like one naming no RCA.
	seen := len(eve.Ephemerals())
	for _, value := range []string{fmt.Sprint(secretID), "999"} {
		if _, err := eve.ForgeButton(ctx, eveDash, ":heavy_plus_sign: Add symptom", value); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, ctx, "two refusals of forged clicks", func() bool { return len(eve.Ephemerals()) >= seen+2 })
	if got := eve.Ephemerals(); got[seen].PlainText() != got[seen+1].PlainText() {
		t.Errorf("a forged click on the private RCA reads %q, on a missing one %q", got[seen].PlainText(), got[seen+1].PlainText())
	}
	// Slash commands: from anywhere, and from inside the private channel
	// after someone added eve to it by hand.
	for _, cmd := range []string{"list", "status"} {
		if _, err := eve.SlashCommand(ctx, general.ID, "/rca", cmd); err != nil {
			t.Fatal(err)
		}
	}
	settle(ctx)
	checkUnseen(t, "eve, an outsider,", visibleTo(fake, eve), secretID)

	// Someone adds eve to the private channel by hand: she sees the channel,
	// but the bot's answers there still say nothing of the RCA.
	if err := fake.AddMember(secretCh.ID, eve); err != nil {
		t.Fatal(err)
	}
	seen = len(eve.Ephemerals())
	var inside strings.Builder
	for _, cmd := range []string{"status", "finish", "reopen", "render", "remind off"} {
		ack, err := eve.SlashCommand(ctx, secretCh.ID, "/rca", cmd)
		if err != nil {
			t.Fatal(err)
		}
		inside.WriteString(ack.Text() + "\n")
	}
	settle(ctx)
	for _, m := range eve.Ephemerals()[seen:] {
		inside.WriteString(m.PlainText() + "\n")
	}
	checkUnseen(t, "eve, in the channel but no participant,", inside.String(), secretID)
	if !strings.Contains(visibleTo(fake, eve), "Eve's checkout errors") {
		t.Fatal("visibleTo misses what eve can read, so the checks above prove nothing")
	}
}

// checkUnseen fails when text reveals the private RCA.
func checkUnseen(t *testing.T, who, text string, secretID int64) {
	t.Helper()
	for _, secret := range []string{secretTitle, secretCause, "#" + fmt.Sprint(secretID) + " ", "private"} {
		if strings.Contains(text, secret) {
			t.Errorf("%s read %q:\n%s", who, secret, text)
		}
	}
}
