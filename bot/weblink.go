package bot

import (
	"context"
	"log/slog"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/workflow"
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

// slashRevokeLinks is /rca revoke-links: the facilitator refuses every web
// view link to the channel's RCA posted so far; pictures posted afterwards
// carry links that work.
func (b *Bot) slashRevokeLinks(ctx context.Context, r *reply, cmd *slack.SlashCommand, _ string) {
	actor := workflow.Actor{UserID: cmd.UserID}
	rca, err := b.rcaHere(ctx, actor, cmd.ChannelID)
	if err == nil {
		_, err = b.svc.RevokeWebLinks(r.key(ctx, "revoke-links"), actor, rca.ID)
	}
	if err != nil {
		r.ack = ephemeralAck(userText(r.log, err))
		return
	}
	r.ack = ephemeralAck(":no_entry: Revoked: every *Open in browser* link to this RCA posted so far is refused now. " +
		"`/rca render` posts the tree with a new link.")
}
