package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/workflow"
)

// helpText is the answer to /rca help, to an empty /rca and to unknown text.
const helpText = "*untangle* runs a blameless root-cause analysis with a Current State Tree.\n" +
	"• `/rca start [title]` — start an RCA: a channel, a dashboard, the people\n" +
	"• `/rca status` — where this channel's RCA stands\n" +
	"• `/rca list` — the RCAs you can see\n" +
	"• `/rca render` — post the tree picture and its core causes\n" +
	"• `/rca paste` — paste `IF [..] AND [..] THEN [..]` statements\n" +
	"• `/rca cause #N` — add causes under node #N\n" +
	"• `/rca remind [cron spec | off]` — the reminder schedule (facilitator)\n" +
	"• `/rca fixes` — the open fixes you own or your RCAs have, overdue first, with their status menus\n" +
	"• `/rca finish` — close the RCA with the final summary (facilitator); `/rca reopen` opens it again\n" +
	"• `/rca revoke-links` — refuse the browser links to this RCA posted so far (facilitator)\n" +
	"Symptoms, causes, reviews and fixes are added with the buttons on the pinned dashboard."

func (b *Bot) commandRoutes(rt *routes) {
	rt.slash["help"] = b.slashHelp
	rt.slash["list"] = b.slashList
	rt.slash["status"] = b.slashStatus
	rt.slash["revoke-links"] = b.slashRevokeLinks
}

func (b *Bot) slashHelp(_ context.Context, r *reply, _ *slack.SlashCommand, unknown string) {
	text := helpText
	if unknown != "" {
		text = fmt.Sprintf("I don't know `%s`. ", Escape(Truncate(unknown, 40))) + text
	}
	r.ack = ephemeralAck(text)
}

func (b *Bot) slashList(ctx context.Context, r *reply, cmd *slack.SlashCommand, _ string) {
	rcas, err := b.svc.List(ctx, workflow.Actor{UserID: cmd.UserID})
	if err != nil {
		r.ack = ephemeralAck(userText(r.log, err))
		return
	}
	if len(rcas) == 0 {
		r.ack = ephemeralAck("There are no RCAs you can see yet. Start one with `/rca start <title>`.")
		return
	}
	lines := make([]string, 0, len(rcas))
	for _, rca := range rcas {
		lines = append(lines, rcaLine(&rca))
	}
	blocks := []slack.Block{header("Your RCAs")}
	blocks = append(blocks, pagedSections(lines, maxMessageBlocks-2)...)
	r.ack = ephemeralBlocksAck("Your RCAs", blocks)
}

// rcaLine is one RCA in a list: title, channel, phase and due date.
func rcaLine(rca *workflow.RCA) string {
	parts := []string{fmt.Sprintf("*%s*", Escape(Truncate(rca.Title, 80)))}
	if rca.ChannelID != "" {
		parts = append(parts, fmt.Sprintf("<#%s>", rca.ChannelID))
	}
	parts = append(parts, phaseLabel(rca.Phase))
	if rca.Private {
		parts = append(parts, ":lock: private")
	}
	if !rca.Due.IsZero() && rca.Phase != workflow.PhaseClosed {
		parts = append(parts, "due "+rca.Due.Format("Mon 2 Jan"))
	}
	return strings.Join(parts, " · ")
}

func (b *Bot) slashStatus(ctx context.Context, r *reply, cmd *slack.SlashCommand, _ string) {
	actor := workflow.Actor{UserID: cmd.UserID}
	rca, err := b.rcaHere(ctx, actor, cmd.ChannelID)
	if err != nil {
		r.ack = ephemeralAck(userText(r.log, err))
		return
	}
	prog, err := b.svc.Progress(ctx, actor, rca.ID)
	if err != nil {
		r.ack = ephemeralAck(userText(r.log, err))
		return
	}
	r.ack = ephemeralBlocksAck(Escape(rca.Title), dashboardSummary(rca, prog))
}

// rcaHere returns the RCA bound to channel, with a clear message when the
// command was used outside an RCA channel. A private RCA's channel reads
// alike to a member who is none of its participants.
func (b *Bot) rcaHere(ctx context.Context, actor workflow.Actor, channel string) (*workflow.RCA, error) {
	rca, err := b.svc.RCAForChannel(ctx, actor, channel)
	if workflow.ErrorCode(err) == workflow.ENotFound {
		return nil, workflow.Errorf(workflow.ENotFound, "this channel has no RCA shared with you. Use this command in an RCA's channel, or start one with /rca start <title>.")
	}
	return rca, err
}

// pagedSections packs lines into section blocks of at most 3,000 characters
// each, and at most max blocks, noting how many lines did not fit.
func pagedSections(lines []string, max int) []slack.Block {
	var blocks []slack.Block
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			blocks = append(blocks, section(cur.String()))
			cur.Reset()
		}
	}
	for i, line := range lines {
		line = Truncate(line, maxText)
		if cur.Len()+len(line)+1 > maxText {
			flush()
		}
		if len(blocks) == max-1 {
			blocks = append(blocks, contextBlock(fmt.Sprintf("_…and %d more._", len(lines)-i)))
			return blocks
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(line)
	}
	flush()
	return blocks
}
