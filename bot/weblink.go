package bot

import (
	"context"
	"log/slog"

	"github.com/slack-go/slack"
)

// actionOpenInBrowser is the action id of the link button to the web view;
// Slack opens the URL itself, the click needs no handling.
const actionOpenInBrowser = "open_in_browser"

// withWebLink puts an "Open in browser" button to the RCA's web view right
// after the first block (the header) of a message about a tree picture. It
// leaves blocks as they are when there is no web view or the link cannot be
// made (logged): the picture is still there.
func (b *Bot) withWebLink(ctx context.Context, log *slog.Logger, rcaID int64, blocks []slack.Block) []slack.Block {
	if b.cfg.WebLink == nil || len(blocks) == 0 {
		return blocks
	}
	url, err := b.cfg.WebLink(ctx, rcaID)
	if err != nil {
		log.Warn("web view link", "rca", rcaID, "error", err.Error())
		return blocks
	}
	btn := button(":globe_with_meridians: Open in browser", actionOpenInBrowser, "", "")
	btn.URL = url
	out := append([]slack.Block{blocks[0], actions("web_view", btn)}, blocks[1:]...)
	return clipMessage(out)
}
