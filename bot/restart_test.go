package bot_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

// TestRestartKeepsEverything stops the bot and starts a second process on the
// same database: status, outline and dashboard continue unchanged, and the
// next symptom updates the same outline and dashboard messages.
func TestRestartKeepsEverything(t *testing.T) {
	fake := slacktest.New(t)
	alice, bob := fake.AddUser("alice"), fake.AddUser("bob")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice, bob}, BotMember: true})
	dbPath := filepath.Join(t.TempDir(), "untangle.db")
	first := startApp(t, fake, dbPath)
	ctx := testCtx(t)

	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Cache stampede", bob)
	symptomAdd(t, ctx, alice, dash, "API latency p99 is 9 seconds", "High")
	symptomAdd(t, ctx, bob, dash, "Mobile app shows <!channel> spinner", "")
	outline := symptomOutline(t, ctx, fake, ch.ID, func(s string) bool { return strings.Contains(s, "#2") })
	statusBefore, err := alice.SlashCommand(ctx, ch.ID, "/rca", "status")
	if err != nil {
		t.Fatal(err)
	}
	first.stop()

	startApp(t, fake, dbPath)
	statusAfter, err := alice.SlashCommand(ctx, ch.ID, "/rca", "status")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(statusAfter.Text()+string(statusAfter.Payload), "2 symptoms") || string(statusAfter.Payload) != string(statusBefore.Payload) {
		t.Errorf("status changed across the restart:\nbefore %s\nafter  %s", statusBefore.Payload, statusAfter.Payload)
	}

	// The second process keeps using the same messages.
	symptomAdd(t, ctx, bob, dash, "Checkout conversion dropped by 30%", "Medium")
	eventually(t, ctx, "the same outline message updated", func() bool {
		m, ok := fake.Message(ch.ID, outline.TS)
		return ok && strings.Contains(m.PlainText(), "#3") && strings.Contains(m.PlainText(), "API latency p99")
	})
	eventually(t, ctx, "the same dashboard updated", func() bool {
		m, _ := fake.Message(ch.ID, dash.TS)
		return strings.Contains(m.PlainText(), "3 symptoms")
	})
	outlines := 0
	for _, m := range fake.Messages(ch.ID) {
		if strings.HasPrefix(m.Text, "Outline:") {
			outlines++
		}
	}
	if outlines != 1 {
		t.Errorf("%d outline messages after the restart, want 1", outlines)
	}
}
