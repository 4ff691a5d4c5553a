package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

// TestForgedIDsAreRefused: a tampered client that puts another RCA's id into
// a button value or into a modal's private_metadata gets a kind refusal, and
// the other RCA stays as it was.
func TestForgedIDsAreRefused(t *testing.T) {
	fake := slacktest.New(t)
	alice, mallory := fake.AddUser("alice"), fake.AddUser("mallory")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice, mallory}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)

	// RCA 1: alice's private security incident. RCA 2: mallory's own.
	if _, err := alice.SlashCommand(ctx, general.ID, "/rca", "start Leaked credentials"); err != nil {
		t.Fatal(err)
	}
	view, err := alice.WaitForView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := alice.Select(ctx, view, "Visibility", "Private channel"); err != nil {
		t.Fatal(err)
	}
	if ack, err := alice.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("start private RCA: %v %v", err, ack)
	}
	secret, err := waitForMessage(ctx, fake, func(m slacktest.Message) bool { return strings.Contains(m.PlainText(), "RCA: Leaked credentials") })
	if err != nil {
		t.Fatal(err)
	}
	_, dash := startRCA(t, ctx, fake, mallory, general.ID, "Mallory's outage")

	// A forged button value naming RCA 1.
	before := len(mallory.Ephemerals())
	if _, err := mallory.ForgeButton(ctx, dash, ":heavy_plus_sign: Add symptom", "1"); err != nil {
		t.Fatal(err)
	}
	refusal, err := mallory.WaitForEphemeral(ctx, func(m slacktest.Message) bool { return true })
	if err != nil || len(mallory.Ephemerals()) == before {
		t.Fatalf("no refusal for a forged button value: %v", err)
	}
	// The refusal says nothing of RCA 1: it reads exactly like the refusal
	// of an RCA that does not exist.
	seen := len(mallory.Ephemerals())
	if _, err := mallory.ForgeButton(ctx, dash, ":heavy_plus_sign: Add symptom", "999"); err != nil {
		t.Fatal(err)
	}
	eventually(t, ctx, "a refusal for a forged value naming no RCA", func() bool { return len(mallory.Ephemerals()) > seen })
	missing := mallory.Ephemerals()[seen]
	if text := refusal.PlainText(); strings.Contains(text, "Leaked credentials") || strings.Contains(text, "private") ||
		strings.Contains(text, "#1") || text != missing.PlainText() {
		t.Errorf("refusal of a forged value: %q; of a missing RCA: %q", text, missing.PlainText())
	}
	if v, open := mallory.CurrentView(); open && v.CallbackID == "add_symptom" {
		t.Fatalf("a modal for another RCA was opened: %s", v.PrivateMetadata)
	}

	// A forged private_metadata naming RCA 1 on mallory's own Add symptom modal.
	v := symptomOpenModal(t, ctx, mallory, dash)
	if err := mallory.FillInput(v, "Symptom", "Planted symptom"); err != nil {
		t.Fatal(err)
	}
	ack, err := mallory.ForgeSubmitView(ctx, `{"rca":1}`)
	if err != nil {
		t.Fatal(err)
	}
	if len(ack.Errors()) == 0 {
		t.Fatalf("a submission into another RCA was accepted: %s", ack.Payload)
	}

	// RCA 1 is untouched.
	time.Sleep(200 * time.Millisecond) // let any wrongly scheduled after-ack work run
	st, err := alice.SlashCommand(ctx, secret.Channel, "/rca", "status")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(st.Payload), "0 symptoms") {
		t.Fatalf("the private RCA changed: %s", st.Payload)
	}
	for _, m := range fake.Messages(secret.Channel) {
		if strings.Contains(m.PlainText(), "Planted symptom") {
			t.Fatalf("the planted symptom shows in the private RCA's channel")
		}
	}
}
