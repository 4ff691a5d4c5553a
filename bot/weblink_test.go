package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/bot"
	"github.com/untangle-rca/untangle/workflow"
)

// TestOpenInBrowserButton: with a web view, the core-cause message after
// the tree picture carries a link button to the RCA's page, accepted by the
// fake Slack's checks of Block Kit.
func TestOpenInBrowserButton(t *testing.T) {
	ctx := testCtx(t)
	link := func(_ context.Context, id int64) (string, error) {
		return fmt.Sprintf("https://untangle.example.com/rca/%d/tree?exp=1900000000&sig=abc", id), nil
	}
	w := newRenderWorld(t, ctx, func(c *bot.Config) { c.WebLink = link })
	w.pasteExample(t, ctx)
	w.advanceTo(t, ctx, workflow.PhaseWiring)
	if _, err := w.bob.SlashCommand(ctx, w.ch.ID, "/rca", "render"); err != nil {
		t.Fatal(err)
	}
	msg := w.waitMessages(t, ctx, coreHeader, 1)
	want, _ := link(ctx, w.rcaID)
	blocks := strings.ReplaceAll(string(msg.Blocks), `\u0026`, "&") // JSON may escape the query's &
	if !strings.Contains(blocks, `"url":"`+want+`"`) || !strings.Contains(msg.PlainText(), "Open in browser") {
		t.Errorf("the core-cause message has no link button to %s:\n%s", want, msg.Blocks)
	}
}

// TestOpenInBrowserOnFixOutcome: the message of a proposed fix, which the
// Future Reality Tree picture follows, carries the link button too.
func TestOpenInBrowserOnFixOutcome(t *testing.T) {
	ctx := testCtx(t)
	const url = "https://untangle.example.com/rca/1/tree?exp=1900000000&sig=abc"
	w := newRenderWorld(t, ctx, func(c *bot.Config) {
		c.WebLink = func(context.Context, int64) (string, error) { return url, nil }
	})
	w.toPlanFixes(t, ctx)
	if _, err := w.alice.ClickButton(ctx, w.dashboard(), planFixesButton); err != nil {
		t.Fatal(err)
	}
	core := w.waitMessages(t, ctx, "Propose fix", 1)
	outcome := proposeFixVia(t, ctx, w, w.carol, core, "Quality KPIs weigh as much as delivery speed", "bob")
	blocks := strings.ReplaceAll(string(outcome.Blocks), `\u0026`, "&")
	if !strings.Contains(blocks, `"url":"`+url+`"`) || !strings.Contains(outcome.PlainText(), "Open in browser") {
		t.Errorf("the fix outcome has no link button to %s:\n%s", url, outcome.Blocks)
	}
	if !strings.Contains(blocks, "Status: proposed") {
		t.Errorf("the link button pushed the status menu out:\n%s", outcome.Blocks)
	}
}

// TestRevokeLinksCommand: /rca revoke-links is the facilitator's, and once
// run the web links made before are refused while new ones work.
func TestRevokeLinksCommand(t *testing.T) {
	ctx := testCtx(t)
	w := newRenderWorld(t, ctx)
	link, err := w.setup.SignWebLink(ctx, w.rcaID)
	if err != nil {
		t.Fatal(err)
	}
	ack, err := w.bob.SlashCommand(ctx, w.ch.ID, "/rca", "revoke-links")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ack.Text(), ", the facilitator of *") {
		t.Errorf("/rca revoke-links by a participant: %q", ack.Text())
	}
	if _, err := w.setup.WebView(ctx, link); err != nil {
		t.Fatalf("a participant's refused command revoked the link: %v", err)
	}
	ack, err = w.alice.SlashCommand(ctx, w.ch.ID, "/rca", "revoke-links")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ack.Text(), "Revoked") {
		t.Errorf("/rca revoke-links: %q", ack.Text())
	}
	if _, err := w.setup.WebView(ctx, link); workflow.ErrorCode(err) != workflow.EForbidden {
		t.Errorf("the link still reads after the revocation: %v", err)
	}
	fresh, err := w.setup.SignWebLink(ctx, w.rcaID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.setup.WebView(ctx, fresh); err != nil {
		t.Errorf("a link made after the revocation: %v", err)
	}
}
