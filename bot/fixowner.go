package bot

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/workflow"
)

// welcomeOwner brings the new owner of a fix into the RCA's channel (the
// workflow already made them a participant) and tells them by DM which fix
// is theirs now, with its status menu. Someone who made themselves the
// owner is told nothing.
func (b *Bot) welcomeOwner(ctx context.Context, log *slog.Logger, actor workflow.Actor, rcaID, fixID int64, owner string) {
	if owner == "" || owner == actor.UserID {
		return
	}
	sum, fix, err := b.fixOf(ctx, actor, rcaID, fixID)
	if err != nil {
		log.Warn("tell a fix's new owner", "rca", rcaID, "fix", fixID, "error", err)
		return
	}
	rca := &sum.RCA
	invited := false
	if rca.ChannelID != "" {
		if invited, err = b.bringIn(ctx, rca, owner, memberTTL); err != nil {
			log.Warn("bring a fix's new owner into the RCA channel", "rca", rcaID, "error", err)
		}
	}
	text := newOwnerText(actor.UserID, rca, fix, invited)
	if _, _, err := b.api.PostMessageContext(ctx, owner, slack.MsgOptionText(text, false),
		slack.MsgOptionBlocks(section(text), fixStatusBlock(rca.ID, fix, "", b.now(), b.cfg.Location))); err != nil {
		log.Warn("tell a fix's new owner", "rca", rcaID, "fix", fixID, "error", err)
	}
}

// newOwnerText tells someone that they own a fix now.
func newOwnerText(by string, rca *workflow.RCA, fix *workflow.Fix, invited bool) string {
	where := ""
	if rca.ChannelID != "" {
		where = fmt.Sprintf(" (<#%s>)", rca.ChannelID)
	}
	text := fmt.Sprintf(":hammer_and_wrench: <@%s> made you the owner of a fix of *%s*%s:\n>%s", by,
		truncateEscaped(rca.Title, 120), where, truncateEscaped(fix.Injection, 600))
	if invited {
		text += fmt.Sprintf("\nI added you to <#%s>, where the RCA is worked on.", rca.ChannelID)
	}
	return text + "\nMove it along from the menu below, `/rca fixes` or App Home; I will remind you when it is due."
}

// initialOwner is the owner the "Fix details" modal started with.
func initialOwner(blocks []slack.Block) string {
	for _, bl := range blocks {
		if in, ok := bl.(*slack.InputBlock); ok && in.BlockID == fieldOwner {
			if sel, ok := in.Element.(*slack.SelectBlockElement); ok {
				return sel.InitialUser
			}
		}
	}
	return ""
}
