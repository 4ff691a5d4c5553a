package bot

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// TestWithWebLink checks the "Open in browser" button of the core-cause
// message: right after the header, a valid link button, absent without a
// web view or when the link cannot be made.
func TestWithWebLink(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	tr := exampleTree(t)
	core := coreCauseBlocks(7, workflow.PhaseFixing, tr, tree.Analyze(tr, tree.Options{AcceptedOnly: true}))
	const url = "https://untangle.example.com/rca/7/tree?exp=1900000000&sig=abc_-"
	tests := []struct {
		name    string
		link    func(context.Context, int64) (string, error)
		wantURL string
	}{
		{name: "no web view"},
		{name: "link", link: func(_ context.Context, id int64) (string, error) {
			if id != 7 {
				return "", errors.New("wrong rca")
			}
			return url, nil
		}, wantURL: url},
		{name: "link fails", link: func(context.Context, int64) (string, error) { return "", errors.New("db down") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &Bot{cfg: Config{WebLink: tt.link}}
			blocks := b.withWebLink(ctx, log, 7, core)
			if errs := slacktest.ValidateBlocks(slacktest.SurfaceMessage, blocks); len(errs) > 0 {
				t.Fatalf("invalid blocks: %v", errs)
			}
			got := ""
			if a, ok := blocks[1].(*slack.ActionBlock); ok {
				got = a.Elements.ElementSet[0].(*slack.ButtonBlockElement).URL
			}
			if got != tt.wantURL || (tt.wantURL == "" && len(blocks) != len(core)) {
				t.Errorf("button URL %q in %d blocks, want %q", got, len(blocks), tt.wantURL)
			}
		})
	}
}
