package bot

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/workflow"
)

// Refs of a fix's message, kept so that its ticket control and status menu
// can be redrawn when the ticket is filed or moves without a click on it.
const (
	refFixMsgPrefix    = "fix_msg:"    // + fix id: the ts of the fix's message
	refFixBlocksPrefix = "fix_blocks:" // + fix id: its blocks as posted (JSON)
)

// ticketElement is the fix message's ticket control: a link to the filed
// ticket, or the Create ticket button; nil without a tracker.
func (b *Bot) ticketElement(rcaID int64, f *workflow.Fix) slack.BlockElement {
	if b.tickets == nil {
		return nil
	}
	if f.TicketKey != "" && isWebURL(f.Ticket) {
		el := button(":ticket: "+f.TicketKey, actOpenTicket, rcaValue(rcaID, f.ID), "")
		el.URL = f.Ticket
		return el
	}
	if f.Status == workflow.FixDropped {
		return nil
	}
	return button(":ticket: Create ticket", actCreateTicket, rcaValue(rcaID, f.ID), "")
}

// withTicketElement puts the fix's ticket control into the actions block of
// its status menu, in place of an older one.
func (b *Bot) withTicketElement(blocks []slack.Block, rcaID int64, f *workflow.Fix) []slack.Block {
	id := blockFixPrefix + strconv.FormatInt(f.ID, 10)
	el := b.ticketElement(rcaID, f)
	out := make([]slack.Block, len(blocks))
	for i, bl := range blocks {
		out[i] = bl
		x, ok := bl.(*slack.ActionBlock)
		if !ok || x.BlockID != id {
			continue
		}
		var elems []slack.BlockElement
		for _, e := range x.Elements.ElementSet {
			if btn, ok := e.(*slack.ButtonBlockElement); ok && (btn.ActionID == actCreateTicket || btn.ActionID == actOpenTicket) {
				continue
			}
			elems = append(elems, e)
		}
		if el != nil {
			elems = append(elems, el)
		}
		out[i] = actions(id, elems...)
	}
	return out
}

// noteFixMessage remembers where a fix's message is and what it says, so
// that news of its ticket goes into its thread and the message can show the
// ticket when it is filed without a click on it.
func (b *Bot) noteFixMessage(ctx context.Context, log *slog.Logger, rcaID, fixID int64, ts string, blocks []slack.Block) {
	if b.tickets == nil || ts == "" {
		return
	}
	id := strconv.FormatInt(fixID, 10)
	data, err := json.Marshal(slack.Blocks{BlockSet: blocks})
	if err == nil {
		err = b.refs.PutRef(ctx, rcaID, refFixBlocksPrefix+id, string(data))
	}
	if err == nil {
		err = b.refs.PutRef(ctx, rcaID, refFixMsgPrefix+id, ts)
	}
	if err != nil {
		log.Warn("remember a fix's message", "rca", rcaID, "fix", fixID, "error", err)
	}
}

// redrawFixMessage shows a fix's current status and ticket in its message,
// when the message is known.
func (b *Bot) redrawFixMessage(ctx context.Context, log *slog.Logger, rca *workflow.RCA, fixID int64) {
	id := strconv.FormatInt(fixID, 10)
	ts, err := b.refs.Ref(ctx, rca.ID, refFixMsgPrefix+id)
	if err != nil || ts == "" || rca.ChannelID == "" {
		return
	}
	raw, err := b.refs.Ref(ctx, rca.ID, refFixBlocksPrefix+id)
	var blocks slack.Blocks
	if err == nil {
		err = json.Unmarshal([]byte(raw), &blocks)
	}
	var f *workflow.Fix
	if err == nil {
		f, err = b.ticketFix(ctx, rca.ID, fixID)
	}
	if err == nil {
		set := b.withTicketElement(withFixStatus(blocks.BlockSet, rca.ID, f, b.now(), b.cfg.Location), rca.ID, f)
		_, _, _, err = b.api.UpdateMessageContext(ctx, rca.ChannelID, ts, slack.MsgOptionText("Fix proposed: "+f.Injection, false),
			slack.MsgOptionBlocks(set...))
	}
	if err != nil {
		log.Warn("redraw a fix's message", "rca", rca.ID, "fix", fixID, "error", err)
	}
}

// redrawTicketButton shows the filed ticket in the clicked message.
func (b *Bot) redrawTicketButton(ctx context.Context, log *slog.Logger, cb *slack.InteractionCallback, rcaID, fixID int64) {
	channel, ts := cb.Container.ChannelID, cb.Container.MessageTs
	if channel == "" || ts == "" || cb.Container.IsEphemeral || cb.View.Type == slack.VTHomeTab {
		return
	}
	f, err := b.ticketFix(ctx, rcaID, fixID)
	if err != nil {
		log.Warn("show the ticket in the fix's message", "rca", rcaID, "fix", fixID, "error", err)
		return
	}
	blocks := b.withTicketElement(cb.Message.Blocks.BlockSet, rcaID, f)
	if _, _, _, err := b.api.UpdateMessageContext(ctx, channel, ts, slack.MsgOptionText(cb.Message.Text, false),
		slack.MsgOptionBlocks(blocks...)); err != nil {
		log.Warn("show the ticket in the fix's message", "rca", rcaID, "fix", fixID, "error", err)
	}
}
