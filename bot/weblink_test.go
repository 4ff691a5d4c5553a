package bot_test

import (
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/workflow"
)

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
