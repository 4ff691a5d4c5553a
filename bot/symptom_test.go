package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// symptomTitle is the title of the Add symptom modal (design §3).
const symptomTitle = "Add symptom"

// symptomOpenModal clicks "Add symptom" on the dashboard and waits for the modal.
func symptomOpenModal(t *testing.T, ctx context.Context, u slacktest.User, dash slacktest.Message) slacktest.View {
	t.Helper()
	if _, err := u.ClickButton(ctx, dash, ":heavy_plus_sign: Add symptom"); err != nil {
		t.Fatalf("click Add symptom: %v", err)
	}
	v, err := u.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.CallbackID == "add_symptom" })
	if err != nil {
		t.Fatalf("Add symptom modal: %v", err)
	}
	if v.Title != symptomTitle {
		t.Errorf("modal title %q, want %q", v.Title, symptomTitle)
	}
	return v
}

// symptomSubmit fills the open Add symptom modal and submits it, returning the field errors.
func symptomSubmit(t *testing.T, ctx context.Context, u slacktest.User, v slacktest.View, text, impact string) map[string]string {
	t.Helper()
	if text != "" {
		if err := u.FillInput(v, "Symptom", text); err != nil {
			t.Fatalf("fill statement: %v", err)
		}
	}
	if impact != "" {
		if err := u.Select(ctx, v, "Impact", impact); err != nil {
			t.Fatalf("select impact: %v", err)
		}
	}
	ack, err := u.SubmitView(ctx)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	return ack.Errors()
}

// symptomAdd adds one symptom through the dashboard and the modal.
func symptomAdd(t *testing.T, ctx context.Context, u slacktest.User, dash slacktest.Message, text, impact string) {
	t.Helper()
	v := symptomOpenModal(t, ctx, u, dash)
	if errs := symptomSubmit(t, ctx, u, v, text, impact); len(errs) > 0 {
		t.Fatalf("symptom %q refused: %v", text, errs)
	}
}

// symptomOutline waits for the outline message of channel to satisfy match.
func symptomOutline(t *testing.T, ctx context.Context, fake *slacktest.Server, channel string, match func(string) bool) slacktest.Message {
	t.Helper()
	m, err := fake.WaitForMessage(ctx, channel, func(m slacktest.Message) bool {
		return strings.HasPrefix(m.Text, "Outline:") && match(m.PlainText())
	})
	if err != nil {
		var texts []string
		for _, m := range fake.Messages(channel) {
			texts = append(texts, m.PlainText())
		}
		t.Fatalf("outline not as expected: %v\nmessages:\n%s", err, strings.Join(texts, "\n---\n"))
	}
	return m
}

// symptomLeaks returns the mention markup found unescaped in the mrkdwn and
// fallback texts of what the bot showed, which would ping people.
func symptomLeaks(text string, blocks json.RawMessage) []string {
	return markupLeaks(text, blocks, []string{"<!channel>", "<@U123>"})
}

func TestSymptomFieldErrors(t *testing.T) {
	fake := slacktest.New(t)
	alice := fake.AddUser("alice")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Queue backlog")

	tests := []struct {
		name string
		text string
		want string // a word of the error on the "text" input
	}{
		{name: "whitespace only", text: "  \n\t  ", want: "write something"},
		{name: "301 characters", text: strings.Repeat("x", 301), want: "300"},
		{name: "301 characters after trimming", text: "  " + strings.Repeat("é", 301) + "  ", want: "300"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := symptomOpenModal(t, ctx, alice, dash)
			errs := symptomSubmit(t, ctx, alice, v, tc.text, "")
			if !strings.Contains(errs["text"], tc.want) {
				t.Errorf("errors %v, want one on text mentioning %q", errs, tc.want)
			}
			if cur, ok := alice.CurrentView(); !ok || cur.CallbackID != "add_symptom" {
				t.Errorf("the modal must stay open with the error")
			}
			if err := alice.CloseView(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("empty", func(t *testing.T) {
		symptomOpenModal(t, ctx, alice, dash)
		if _, err := alice.SubmitView(ctx); err == nil || !strings.Contains(err.Error(), "required") {
			t.Errorf("an empty statement must be refused as a required field, got %v", err)
		}
		if err := alice.CloseView(ctx); err != nil {
			t.Fatal(err)
		}
	})
	for _, f := range fake.Failures() {
		t.Errorf("Slack would have shown an error: %+v", f)
	}
	for _, m := range fake.Messages(ch.ID) {
		if strings.HasPrefix(m.Text, "Outline:") {
			t.Errorf("refused symptoms must not reach the outline: %s", m.PlainText())
		}
	}
}

// TestOutlinePagination adds more symptoms than one outline page lists and
// turns the pages in place.
func TestOutlinePagination(t *testing.T) {
	fake := slacktest.New(t)
	alice := fake.AddUser("alice")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Many symptoms")

	const n = 45
	for i := 1; i <= n; i++ {
		symptomAdd(t, ctx, alice, dash, fmt.Sprintf("Region %d reports elevated error rates", i), "")
	}
	outline := symptomOutline(t, ctx, fake, ch.ID, func(s string) bool {
		return strings.Contains(s, fmt.Sprintf("%d nodes", n)) && strings.Contains(s, "Page 1 of 2")
	})
	if strings.Contains(outline.PlainText(), "*#41*") || !strings.Contains(outline.PlainText(), "*#40*") {
		t.Errorf("page 1 must list #1 to #40:\n%s", outline.PlainText())
	}
	if _, err := alice.ClickButton(ctx, outline, "Next page :arrow_right:"); err != nil {
		t.Fatal(err)
	}
	eventually(t, ctx, "page 2 in place", func() bool {
		m, _ := fake.Message(ch.ID, outline.TS)
		return strings.Contains(m.PlainText(), "Page 2 of 2") && strings.Contains(m.PlainText(), "*#45*")
	})
	// A change keeps the page being read.
	symptomAdd(t, ctx, alice, dash, "Status page is stale", "")
	eventually(t, ctx, "refresh keeps page 2", func() bool {
		m, _ := fake.Message(ch.ID, outline.TS)
		return strings.Contains(m.PlainText(), "Page 2 of 2") && strings.Contains(m.PlainText(), "*#46*")
	})
	cur, _ := fake.Message(ch.ID, outline.TS)
	if _, err := alice.ClickButton(ctx, cur, ":arrow_left: Previous page"); err != nil {
		t.Fatal(err)
	}
	eventually(t, ctx, "back on page 1", func() bool {
		m, _ := fake.Message(ch.ID, outline.TS)
		return strings.Contains(m.PlainText(), "Page 1 of 2") && strings.Contains(m.PlainText(), "*#1*")
	})
	for _, f := range fake.Failures() {
		t.Errorf("Slack would have shown an error: %+v", f)
	}
}

// TestOutlineButton posts the outline from the dashboard before any node,
// then keeps that one message current.
func TestOutlineButton(t *testing.T) {
	fake := slacktest.New(t)
	alice := fake.AddUser("alice")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Empty so far")

	if _, err := alice.ClickButton(ctx, dash, ":card_index_dividers: Outline"); err != nil {
		t.Fatal(err)
	}
	empty := symptomOutline(t, ctx, fake, ch.ID, func(s string) bool { return strings.Contains(s, "No nodes yet") })
	symptomAdd(t, ctx, alice, dash, "Builds take 40 minutes", "")
	eventually(t, ctx, "the same outline lists #1", func() bool {
		m, _ := fake.Message(ch.ID, empty.TS)
		return strings.Contains(m.PlainText(), "*#1*") && !strings.Contains(m.PlainText(), "No nodes yet")
	})
	// Clicking again refreshes the same message rather than posting another.
	if _, err := alice.ClickButton(ctx, dash, ":card_index_dividers: Outline"); err != nil {
		t.Fatal(err)
	}
	eventually(t, ctx, "one outline message", func() bool {
		n := 0
		for _, m := range fake.Messages(ch.ID) {
			if strings.HasPrefix(m.Text, "Outline:") {
				n++
			}
		}
		return n == 1 && len(fake.CallsTo("chat.update")) > 0
	})
}

// TestSymptomFromChannelMember lets someone who joined the RCA channel, but
// was not invited as a participant, add a symptom to a public RCA.
func TestSymptomFromChannelMember(t *testing.T) {
	fake := slacktest.New(t)
	alice, dave := fake.AddUser("alice"), fake.AddUser("dave")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice, dave}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Open to all")
	if err := fake.AddMember(ch.ID, dave); err != nil {
		t.Fatal(err)
	}
	symptomAdd(t, ctx, dave, dash, "Docs site returns 404 for /api", "")
	symptomOutline(t, ctx, fake, ch.ID, func(s string) bool { return strings.Contains(s, "Docs site returns 404") })
	ack, err := dave.SlashCommand(ctx, general.ID, "/rca", "list")
	if err != nil || !strings.Contains(ack.Text()+string(ack.Payload), "Open to all") {
		t.Errorf("dave's list after joining: %v %s", err, ack.Payload)
	}
}

// TestSymptomWordingHints sends the workflow's wording hints privately to
// the author, and nobody else sees them.
func TestSymptomWordingHints(t *testing.T) {
	fake := slacktest.New(t)
	alice, bob := fake.AddUser("alice"), fake.AddUser("bob")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice, bob}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)
	_, dash := startRCA(t, ctx, fake, alice, general.ID, "Slow checkout", bob)

	const text = "Why is checkout slow because of the cache?"
	hints := workflow.CheckWording(tree.KindUDE, text)
	if len(hints) == 0 {
		t.Fatalf("the workflow has no hint for %q; pick another text", text)
	}
	symptomAdd(t, ctx, alice, dash, text, "")
	m, err := alice.WaitForEphemeral(ctx, func(m slacktest.Message) bool { return strings.Contains(m.Text, "Wording tips") })
	if err != nil {
		t.Fatalf("no private hints: %v", err)
	}
	for _, h := range hints {
		if !strings.Contains(m.Text, h.Message) {
			t.Errorf("hints lack %q:\n%s", h.Message, m.Text)
		}
	}
	for _, e := range bob.Ephemerals() {
		if strings.Contains(e.Text, "Wording tips") {
			t.Errorf("bob sees alice's hints: %s", e.Text)
		}
	}
}
