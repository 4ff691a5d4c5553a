package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/bot"
	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/workflow"
)

// TestOpenInBrowserButton: with a web view, the messages about a tree
// picture carry a link button to the RCA's page, accepted by the fake
// Slack's checks of Block Kit: the core-cause message after the tree
// picture, and the messages of a proposed fix and of a change to the Future
// Reality Tree, which its picture follows.
func TestOpenInBrowserButton(t *testing.T) {
	ctx := testCtx(t)
	link := func(_ context.Context, id int64) (string, error) {
		return fmt.Sprintf("https://untangle.example.com/rca/%d/tree?exp=1900000000&sig=abc", id), nil
	}
	w := newRenderWorld(t, ctx, func(c *bot.Config) { c.WebLink = link })
	want, _ := link(ctx, w.rcaID)
	hasLink := func(what string, msg slacktest.Message) string {
		t.Helper()
		blocks := strings.ReplaceAll(string(msg.Blocks), `\u0026`, "&") // JSON may escape the query's &
		if !strings.Contains(blocks, `"url":"`+want+`"`) || !strings.Contains(msg.PlainText(), "Open in browser") {
			t.Errorf("the %s has no link button to %s:\n%s", what, want, msg.Blocks)
		}
		return blocks
	}
	w.pasteExample(t, ctx)
	w.advanceTo(t, ctx, workflow.PhaseChallenging)
	w.acceptAll(t, ctx)
	w.advanceTo(t, ctx, workflow.PhaseFixing)
	if _, err := w.bob.SlashCommand(ctx, w.ch.ID, "/rca", "render"); err != nil {
		t.Fatal(err)
	}
	core := w.waitMessages(t, ctx, "Propose fix", 1)
	hasLink("core-cause message", core)
	outcome := proposeFixVia(t, ctx, w, w.carol, core, "Quality KPIs weigh as much as delivery speed", "bob")
	if blocks := hasLink("fix outcome", outcome); !strings.Contains(blocks, "Status: proposed") {
		t.Errorf("the link button pushed the status menu out:\n%s", outcome.Blocks)
	}
	view := openModal(t, ctx, w.carol, outcome, ":warning: Negative branch…", "Negative branch")
	submitFilled(t, ctx, w.carol, view, map[string]string{"Steps on the way": frtStep, "New undesirable effect": frtHarm})
	hasLink("negative branch message", w.waitMessages(t, ctx, "raised a *negative branch*", 1))
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
