package bot

import (
	"context"
	"log/slog"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/workflow"
)

// The drop-fix modal remembers where its status menu was, so that the menu
// shows the dropped fix once the modal is submitted: App Home, or the fix's
// own message in the RCA's channel. A list (/rca fixes, a digest, a DM) is
// left as it is; the next one is fresh.

// originSep separates the drop-fix modal's value from its origin.
const originSep = "|"

// Origins of a status menu.
const (
	originHome = "home"
	originFix  = "fix" // + ":" channel ":" ts: the fix's message
)

// fixOrigin says where the status menu of fixID was chosen from, or "" when
// that place is not redrawn.
func fixOrigin(cb *slack.InteractionCallback, fixID int64) string {
	if cb.View.Type == slack.VTHomeTab {
		return originHome
	}
	channel, ts := cb.Container.ChannelID, cb.Container.MessageTs
	if channel == "" || ts == "" || cb.Container.IsEphemeral {
		return ""
	}
	id := blockFixPrefix + strconv.FormatInt(fixID, 10)
	for _, bl := range cb.Message.Blocks.BlockSet {
		if a, ok := bl.(*slack.ActionBlock); ok && a.BlockID == id {
			return originFix + ":" + channel + ":" + ts
		}
	}
	return ""
}

// redrawOrigin redraws the place a fix's status was changed from (see
// fixOrigin): App Home, or the fix's message as it would be posted now.
func (b *Bot) redrawOrigin(ctx context.Context, log *slog.Logger, user string, rcaID, fixID int64, origin string) {
	if origin == originHome {
		if err := b.publishHome(ctx, user); err != nil {
			log.Warn("redraw App Home after a fix was dropped", "error", err)
		}
		return
	}
	parts := strings.Split(origin, ":")
	if len(parts) != 3 || parts[0] != originFix {
		return
	}
	sum, err := b.svc.Summary(ctx, workflow.Actor{UserID: user}, rcaID)
	if err != nil {
		log.Warn("redraw a dropped fix's message", "rca", rcaID, "error", err)
		return
	}
	for _, o := range sum.Fixes {
		if o.Fix.ID != fixID {
			continue
		}
		blocks := fixOutcomeBlocks(sum.Tree, o.Fix.CreatedBy, &o.Fix, o.Elimination, sum.Combined, len(sum.Fixes), b.cfg.Location)
		if _, _, _, err := b.api.UpdateMessageContext(ctx, parts[1], parts[2], slack.MsgOptionText("Fix proposed: "+o.Fix.Injection, false),
			slack.MsgOptionBlocks(blocks...)); err != nil {
			log.Warn("redraw a dropped fix's message", "rca", rcaID, "error", err)
		}
	}
}
