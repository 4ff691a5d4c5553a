package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

// pasteOpen runs /rca paste in channel, types text and submits it, and
// returns the ack (a preview update or field errors).
func pasteOpen(t *testing.T, ctx context.Context, u slacktest.User, channel, text string) *slacktest.Ack {
	t.Helper()
	if _, err := u.SlashCommand(ctx, channel, "/rca", "paste"); err != nil {
		t.Fatalf("/rca paste: %v", err)
	}
	view, err := u.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.CallbackID == "paste_statements" })
	if err != nil {
		t.Fatalf("paste modal: %v", err)
	}
	if err := u.FillInput(view, "Statements", text); err != nil {
		t.Fatal(err)
	}
	ack, err := u.SubmitView(ctx)
	if err != nil {
		t.Fatalf("submit paste: %v", err)
	}
	return ack
}

// pasteApply pastes text through the modal and its preview, and waits for
// the private confirmation.
func pasteApply(t *testing.T, ctx context.Context, u slacktest.User, channel, text string) {
	t.Helper()
	before := len(u.Ephemerals())
	if ack := pasteOpen(t, ctx, u, channel, text); len(ack.Errors()) > 0 {
		t.Fatalf("paste refused: %v", ack.Errors())
	}
	pasteSubmitPreview(t, ctx, u)
	eventually(t, ctx, "the confirmation of the paste", func() bool {
		all := u.Ephemerals()
		for _, m := range all[min(before, len(all)):] {
			if strings.HasPrefix(m.Text, ":white_check_mark: Pasted") {
				return true
			}
		}
		return false
	})
}

// pasteSubmitPreview presses Apply on the open preview.
func pasteSubmitPreview(t *testing.T, ctx context.Context, u slacktest.User) {
	t.Helper()
	if _, err := u.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.CallbackID == "paste_preview" }); err != nil {
		t.Fatalf("no preview: %v", err)
	}
	ack, err := u.SubmitView(ctx)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	if ack.ResponseAction() != "" {
		t.Fatalf("apply answered %q: %s", ack.ResponseAction(), ack.Payload)
	}
}

func TestPasteErrorsPreviewBackApply(t *testing.T) {
	fake := slacktest.New(t)
	alice := fake.AddUser("alice")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Paste flow")
	pasteApply(t, ctx, alice, ch.ID, "UDE [Payment routing was down for 45 minutes]")

	// Parse errors come back on the field, naming the lines.
	bad := "# the outage\nIF [Pool exhausted] THEN\nIF [Pool exhausted] THEN [Payment API times out]\nTHEN [x]"
	ack := pasteOpen(t, ctx, alice, ch.ID, bad)
	msg := ack.Errors()["statements"]
	for _, want := range []string{"Line 2", "Line 4"} {
		if !strings.Contains(msg, want) {
			t.Errorf("field error %q does not name %q", msg, want)
		}
	}
	if strings.Contains(msg, "Line 3") {
		t.Errorf("field error blames the good line 3: %q", msg)
	}
	if err := alice.CloseView(ctx); err != nil {
		t.Fatal(err)
	}

	// The dashboard button opens the same modal; a good paste shows a preview
	// with new nodes, links and the recognised existing node.
	if _, err := alice.ClickButton(ctx, dash, ":clipboard: Paste statements"); err != nil {
		t.Fatal(err)
	}
	view, err := alice.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Paste statements" })
	if err != nil {
		t.Fatal(err)
	}
	good := "IF [A slow SQL query exhausts the DB pool] AND [No circuit breaker is configured] THEN [Payment API times out]\n" +
		"IF [Payment API times out] THEN [#1]"
	if err := alice.FillInput(view, "Statements", good); err != nil {
		t.Fatal(err)
	}
	ack, err = alice.SubmitView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ack.ResponseAction() != "update" {
		t.Fatalf("submit answered %q %v, want a preview update", ack.ResponseAction(), ack.Errors())
	}
	preview, _ := alice.CurrentView()
	text := preview.PlainText()
	for _, want := range []string{"3 new nodes", "2 links", "New nodes (3)", "Existing nodes recognised (1)", "*#1* Payment routing was down", "New links (2)", "IF [A slow SQL query exhausts the DB pool] AND [No circuit breaker is configured] THEN [Payment API times out]"} {
		if !strings.Contains(text, want) {
			t.Errorf("preview lacks %q:\n%s", want, text)
		}
	}
	if preview.Submit != "Apply" {
		t.Errorf("preview submit %q", preview.Submit)
	}

	// Back returns to the modal with the text kept.
	if _, err := alice.ClickViewButton(ctx, "Back"); err != nil {
		t.Fatal(err)
	}
	view, err = alice.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.CallbackID == "paste_statements" })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(view.Blocks), "No circuit breaker is configured") {
		t.Errorf("Back lost the text:\n%s", view.Blocks)
	}
	if _, err := alice.SubmitView(ctx); err != nil {
		t.Fatal(err)
	}
	pasteSubmitPreview(t, ctx, alice)
	if _, err := alice.WaitForEphemeral(ctx, func(m slacktest.Message) bool {
		return strings.Contains(m.Text, "3 new nodes and 2 links added")
	}); err != nil {
		t.Fatalf("no confirmation: %v", err)
	}
	eventually(t, ctx, "dashboard counts", func() bool {
		m, _ := fake.Message(ch.ID, dash.TS)
		return strings.Contains(m.PlainText(), "4 nodes") && strings.Contains(m.PlainText(), "2 links")
	})

	// The same statements again add nothing: a field error, not a preview.
	ack = pasteOpen(t, ctx, alice, ch.ID, good)
	if !strings.Contains(ack.Errors()["statements"], "Nothing new") {
		t.Errorf("repeated paste answered %q %v", ack.ResponseAction(), ack.Errors())
	}
	walkNoFailures(t, fake)
}

// pasteBigTree is a tree of udes symptoms and n nodes in all, in statement
// syntax: every node below the symptoms is caused by two later nodes (AND)
// or one (OR), so the walk has many unexplained leaves.
func pasteBigTree(udes, n int) string {
	var b strings.Builder
	text := func(i int) string {
		if i <= udes {
			return fmt.Sprintf("Symptom %d: customers in region %d see failed payments", i, i)
		}
		return fmt.Sprintf("Condition %d: the payment service component %d is misconfigured", i, i)
	}
	for i := 1; i <= udes; i++ {
		fmt.Fprintf(&b, "UDE [%s]\n", text(i))
	}
	next := udes + 1
	for effect := 1; next <= n; effect++ {
		if effect%2 == 0 && next+1 <= n {
			fmt.Fprintf(&b, "IF [%s] AND [%s] THEN [%s]\n", text(next), text(next+1), text(effect))
			next += 2
			continue
		}
		fmt.Fprintf(&b, "IF [%s] THEN [%s]\n", text(next), text(effect))
		next++
	}
	return b.String()
}

func TestPaste150NodesStaysInsideBlockKitLimits(t *testing.T) {
	fake := slacktest.New(t)
	alice, bob := fake.AddUser("alice"), fake.AddUser("bob")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice, bob}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Big tree", bob)

	src := pasteBigTree(10, 150)
	if len(src) <= 3000 {
		t.Fatalf("the big paste is only %d characters", len(src))
	}
	ack := pasteOpen(t, ctx, alice, ch.ID, src)
	if ack.ResponseAction() != "update" {
		t.Fatalf("submit answered %q %v", ack.ResponseAction(), ack.Errors())
	}
	if len(ack.Payload) >= slacktest.MaxAckBytes {
		t.Fatalf("preview ack is %d bytes", len(ack.Payload))
	}

	// Walk through every page of the preview and back to the first.
	pages := 1
	for {
		v, _ := alice.CurrentView()
		if !strings.Contains(v.PlainText(), "Next page") {
			break
		}
		if _, err := alice.ClickViewButton(ctx, "Next page"); err != nil {
			t.Fatal(err)
		}
		pages++
		want := fmt.Sprintf("Page %d of", pages)
		if _, err := alice.WaitForViewWhere(ctx, func(v slacktest.View) bool { return strings.Contains(v.PlainText(), want) }); err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
	}
	if pages < 2 {
		t.Errorf("a 150-node preview fits on %d page", pages)
	}
	last, _ := alice.CurrentView()
	if !strings.Contains(last.PlainText(), fmt.Sprintf("Page %d of %d", pages, pages)) || !strings.Contains(last.PlainText(), "Condition 150") {
		t.Errorf("last page:\n%s", last.PlainText())
	}
	if _, err := alice.ClickViewButton(ctx, "Previous page"); err != nil {
		t.Fatal(err)
	}
	pasteSubmitPreview(t, ctx, alice)
	if _, err := alice.WaitForEphemeral(ctx, func(m slacktest.Message) bool {
		return strings.Contains(m.Text, "150 new nodes")
	}); err != nil {
		t.Fatalf("no confirmation: %v", err)
	}

	// The walk and the type-ahead work on the big tree.
	if _, err := alice.ClickButton(ctx, dash, ":link: Start wiring"); err != nil {
		t.Fatal(err)
	}
	walk, err := fake.WaitForMessage(ctx, ch.ID, func(m slacktest.Message) bool {
		return strings.Contains(m.PlainText(), walkMarker) && strings.Contains(m.PlainText(), "56 nodes still unexplained")
	})
	if err != nil {
		t.Fatalf("no walk: %v", err)
	}
	if _, err := bob.ClickButton(ctx, walk, "Add cause…"); err != nil {
		t.Fatal(err)
	}
	view, err := bob.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Add cause" })
	if err != nil {
		t.Fatal(err)
	}
	if err := bob.Select(ctx, view, "Existing node", "#120"); err != nil {
		t.Fatalf("type-ahead by number: %v", err)
	}
	if err := bob.Select(ctx, view, "Another existing node", "component 149"); err != nil {
		t.Fatalf("type-ahead by words: %v", err)
	}
	if err := bob.Select(ctx, view, "How do they produce it?", "only together (AND)"); err != nil {
		t.Fatal(err)
	}
	before := walk.PlainText()
	if ack, err := bob.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("submit: %v %v", err, ack)
	}
	if _, err := fake.WaitForMessage(ctx, ch.ID, func(m slacktest.Message) bool {
		return m.TS == walk.TS && m.PlainText() != before && strings.Contains(m.PlainText(), walkMarker)
	}); err != nil {
		t.Fatalf("the walk did not move on: %v", err)
	}
	// The two picked nodes now cause the walk's node together: pasting that
	// link again adds nothing.
	var effect int
	if _, err := fmt.Sscanf(before[strings.Index(before, walkMarker)+len(walkMarker):], "\n*#%d*", &effect); err != nil {
		t.Fatalf("no node number in the walk: %v\n%s", err, before)
	}
	ack = pasteOpen(t, ctx, bob, ch.ID, fmt.Sprintf("IF [#120] AND [#149] THEN [#%d]", effect))
	if !strings.Contains(ack.Errors()["statements"], "Nothing new") {
		t.Errorf("the AND group of #120 and #149 into #%d is missing: %q %v", effect, ack.ResponseAction(), ack.Errors())
	}
	walkNoFailures(t, fake)
}
