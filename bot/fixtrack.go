package bot

// Fixes tracked to done on the Slack side: the status menu on a fix's
// message, in /rca fixes and on App Home; /rca fixes itself; the line for
// the dashboard; and, for the scheduler, the owners' due-day DMs and the
// weekly digest of a closed RCA with its reopen button.

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/workflow"
)

// Ids of fix tracking.
const (
	actFixStatus    = "fix_status"        // static select; option value: rcaValue(rca, fix, status index)
	actDigestReopen = "fix_digest_reopen" // the digest's reopen button; value: rcaValue(rca)
	viewDropFix     = "drop_fix"          // the modal asking why a fix is dropped
	fieldReason     = "reason"
	blockFixPrefix  = "fix:" // + fix id: the block holding a fix's status menu
	maxFixesListed  = 40     // fixes listed by /rca fixes and on App Home
)

func (b *Bot) fixTrackRoutes(rt *routes) {
	rt.actions[actFixStatus] = b.selectFixStatus
	rt.actions[actDigestReopen] = b.clickDigestReopen
	rt.views[viewDropFix] = b.submitDropFix
	rt.views[viewEditFix] = b.submitEditFix
	rt.slash["fixes"] = b.slashFixes
}

// fixStatusMenu is the status menu of one fix: every status but its own.
func fixStatusMenu(rcaID int64, f *workflow.Fix) *slack.SelectBlockElement {
	var opts []*slack.OptionBlockObject
	for i, s := range workflow.FixStatuses {
		if s == f.Status || (f.Status == "" && s == workflow.FixProposed) {
			continue
		}
		label := "Mark " + s.Label()
		if s == workflow.FixDropped {
			label = "Drop it…"
		}
		opts = append(opts, option(label, rcaValue(rcaID, f.ID, int64(i+1))))
	}
	opts = append(opts, option("Edit owner, date, links…", rcaValue(rcaID, f.ID, fixEditChoice)))
	return slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Status: "+statusOf(f).Label(), maxPlaceholder), actFixStatus, opts...)
}

// statusOf is a fix's status, proposed when it never moved.
func statusOf(f *workflow.Fix) workflow.FixStatus {
	if f.Status == "" {
		return workflow.FixProposed
	}
	return f.Status
}

// fixStatusIcon marks a status in lists.
var fixStatusIcon = map[workflow.FixStatus]string{
	workflow.FixProposed: ":white_circle:", workflow.FixAgreed: ":large_blue_circle:",
	workflow.FixInProgress: ":large_orange_circle:", workflow.FixDone: ":white_check_mark:", workflow.FixDropped: ":heavy_minus_sign:",
}

// fixStatusLine is one fix in a list: status, injection, owner, due date and links.
func fixStatusLine(f *workflow.Fix, now time.Time, loc *time.Location) string {
	s := statusOf(f)
	line := fmt.Sprintf("%s *%s* · %s", fixStatusIcon[s], s.Label(), truncateEscaped(f.Injection, 300))
	if meta := fixMeta(f, loc); meta != "" {
		line += "\n" + meta
	}
	if f.Overdue(now, loc) && s.Open() {
		line += " · :rotating_light: *overdue*"
	}
	for _, l := range []struct{ url, name string }{{f.Ticket, "ticket"}, {f.PullReq, "pull request"}} {
		switch {
		case l.url == "":
		case strings.ContainsAny(l.url, "<>| "): // cannot be a Slack link: shown as text
			line += " · " + l.name + ": " + truncateEscaped(l.url, 300)
		default:
			line += fmt.Sprintf(" · <%s|%s>", Escape(l.url), l.name)
		}
	}
	if s == workflow.FixDropped && f.Reason != "" {
		line += "\n_Dropped: " + truncateEscaped(f.Reason, 300) + "_"
	}
	return line
}

// fixStatusBlock is a fix's line with its status menu beside it.
func fixStatusBlock(rcaID int64, f *workflow.Fix, prefix string, now time.Time, loc *time.Location) slack.Block {
	s := slack.NewSectionBlock(md(prefix+fixStatusLine(f, now, loc), maxText), nil,
		slack.NewAccessory(fixStatusMenu(rcaID, f)))
	s.BlockID = blockFixPrefix + strconv.FormatInt(f.ID, 10)
	return s
}

// parseFixChoice reads a status menu's choice: the RCA, the fix and the
// status, or "" for "Edit details…".
func parseFixChoice(v string) (int64, int64, workflow.FixStatus, error) {
	rcaID, items, err := parseValue(v)
	if err != nil || len(items) != 2 || items[1] > fixEditChoice {
		return 0, 0, "", workflow.Errorf(workflow.ENotFound, "this menu is out of date; use `/rca fixes` for a fresh one.")
	}
	if items[1] == fixEditChoice {
		return rcaID, items[0], "", nil
	}
	return rcaID, items[0], workflow.FixStatuses[items[1]-1], nil
}

// selectFixStatus moves a fix to the chosen status; dropping asks why first.
func (b *Bot) selectFixStatus(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	rcaID, fixID, to, err := parseFixChoice(act.SelectedOption.Value)
	if err == nil && to == "" {
		if err = b.openEditFix(ctx, cb, rcaID, fixID); err != nil {
			b.fail(ctx, r, cb, err)
		}
		return
	}
	if err == nil && to == workflow.FixDropped {
		_, err = b.api.OpenViewContext(ctx, cb.TriggerID, dropFixModal(rcaID, fixID, fixOrigin(cb, fixID)))
		if err != nil {
			err = fmt.Errorf("open the drop-fix modal: %w", err)
		}
	}
	if err == nil && to != workflow.FixDropped {
		err = b.moveFix(ctx, r, workflow.Actor{UserID: cb.User.ID}, rcaID, fixID, workflow.FixEdit{Status: &to})
	}
	if err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	if to != workflow.FixDropped {
		r.later(func(ctx context.Context) { b.redrawFixMenu(ctx, r.log, cb, rcaID, fixID) })
	}
}

// redrawFixMenu shows a fix's new status where it was chosen: the menu (and
// the status line of a list) in the message, or the whole App Home. An
// ephemeral list is left as it is; /rca fixes gives a fresh one.
func (b *Bot) redrawFixMenu(ctx context.Context, log *slog.Logger, cb *slack.InteractionCallback, rcaID, fixID int64) {
	if cb.View.Type == slack.VTHomeTab {
		if err := b.publishHome(ctx, cb.User.ID); err != nil {
			log.Warn("redraw App Home after a fix moved", "error", err)
		}
		return
	}
	channel, ts := cb.Container.ChannelID, cb.Container.MessageTs
	if channel == "" || ts == "" || cb.Container.IsEphemeral {
		return
	}
	sum, err := b.svc.Summary(ctx, workflow.Actor{UserID: cb.User.ID}, rcaID)
	if err != nil {
		log.Warn("redraw a fix's menu", "rca", rcaID, "error", err)
		return
	}
	for _, o := range sum.Fixes {
		if o.Fix.ID != fixID {
			continue
		}
		blocks := withFixStatus(cb.Message.Blocks.BlockSet, rcaID, &o.Fix, b.now(), b.cfg.Location)
		if _, _, _, err := b.api.UpdateMessageContext(ctx, channel, ts, slack.MsgOptionText(cb.Message.Text, false),
			slack.MsgOptionBlocks(blocks...)); err != nil {
			log.Warn("redraw a fix's menu", "rca", rcaID, "error", err)
		}
	}
}

// withFixStatus replaces the status menu of f in blocks, and in a list's
// section its status line (the text after the status icon).
func withFixStatus(blocks []slack.Block, rcaID int64, f *workflow.Fix, now time.Time, loc *time.Location) []slack.Block {
	id := blockFixPrefix + strconv.FormatInt(f.ID, 10)
	out := make([]slack.Block, len(blocks))
	for i, bl := range blocks {
		out[i] = bl
		switch x := bl.(type) {
		case *slack.ActionBlock:
			if x.BlockID == id {
				out[i] = actions(id, fixStatusMenu(rcaID, f))
			}
		case *slack.SectionBlock:
			if x.BlockID == id && x.Text != nil {
				out[i] = fixStatusBlock(rcaID, f, listPrefix(x.Text.Text), now, loc)
			}
		}
	}
	return out
}

// listPrefix is the text of a fix's section before its status icon.
func listPrefix(text string) string {
	cut := len(text)
	for _, icon := range fixStatusIcon {
		if i := strings.Index(text, icon); i >= 0 && i < cut {
			cut = i
		}
	}
	return text[:cut]
}

// dropFixModal asks why a fix is dropped; origin (see fixOrigin) is where
// the status menu was, redrawn once the fix is dropped.
func dropFixModal(rcaID, fixID int64, origin string) slack.ModalViewRequest {
	return modal(viewDropFix, "Drop fix", "Drop", rcaValue(rcaID, fixID)+originSep+origin,
		section("Why is this fix dropped? The reason stays with the fix, for whoever reads the RCA later."),
		textInput(fieldReason, "Reason", "e.g. The service is being retired", "", true, 1000, false))
}

func (b *Bot) submitDropFix(ctx context.Context, r *reply, cb *slack.InteractionCallback) {
	meta, origin, _ := strings.Cut(cb.View.PrivateMetadata, originSep)
	rcaID, items, err := parseValue(meta)
	if err == nil && len(items) != 1 {
		err = workflow.Errorf(workflow.ENotFound, "this form is out of date; choose Drop again.")
	}
	if err == nil {
		drop := workflow.FixDropped
		reason := cb.View.State.Values[fieldReason][fieldReason].Value
		err = b.moveFix(ctx, r, workflow.Actor{UserID: cb.User.ID}, rcaID, items[0], workflow.FixEdit{Status: &drop, Reason: reason})
	}
	if err != nil {
		r.ack = viewErrors(r.log, cb, err, fieldReason)
		return
	}
	r.later(func(ctx context.Context) { b.redrawOrigin(ctx, r.log, cb.User.ID, rcaID, items[0], origin) })
}

// moveFix applies a status change, redraws the kept messages (the
// dashboard's fix line) and says in the RCA's channel who moved which fix.
func (b *Bot) moveFix(ctx context.Context, r *reply, actor workflow.Actor, rcaID, fixID int64, e workflow.FixEdit) error {
	res, err := b.svc.UpdateFix(r.key(ctx, "fix_status"), actor, rcaID, fixID, e)
	if err != nil {
		return err
	}
	announce := func(ctx context.Context) { b.announceFixMove(ctx, r.log, actor, rcaID, fixID, res.Replayed) }
	b.changed(actor, rcaID, change{jobs: []func(context.Context){announce}})
	return nil
}

// announceFixMove posts the fix's new status and the RCA's fix progress in
// its channel.
func (b *Bot) announceFixMove(ctx context.Context, log *slog.Logger, actor workflow.Actor, rcaID, fixID int64, replayed bool) {
	if replayed {
		return
	}
	sum, err := b.svc.Summary(ctx, actor, rcaID)
	if err != nil || sum.RCA.ChannelID == "" {
		if err != nil {
			log.Warn("announce a fix's status", "rca", rcaID, "error", err)
		}
		return
	}
	for _, o := range sum.Fixes {
		if o.Fix.ID != fixID {
			continue
		}
		text := fmt.Sprintf("<@%s> set a fix to *%s*: %s\n%s", actor.UserID, statusOf(&o.Fix).Label(),
			truncateEscaped(o.Fix.Injection, 300), fixProgressText(sum.Progress))
		if _, _, err := b.api.PostMessageContext(ctx, sum.RCA.ChannelID, slack.MsgOptionText(Truncate(text, maxText), false)); err != nil {
			log.Warn("announce a fix's status", "rca", rcaID, "error", err)
		}
		if !statusOf(&o.Fix).Open() { // done or dropped: the Future Reality Tree changed
			if _, err := b.postFRT(ctx, log, sum); err != nil {
				log.Warn("post the future reality tree", "rca", rcaID, "error", err)
			}
		}
	}
}

// fixProgressText is the dashboard's fix line.
func fixProgressText(p workflow.FixProgress) string {
	return ":hammer_and_wrench: " + p.Text()
}

// slashFixes lists the open fixes that concern the user across RCAs: theirs
// first, then their team's, overdue first, each with its status menu.
func (b *Bot) slashFixes(ctx context.Context, r *reply, cmd *slack.SlashCommand, _ string) {
	items, err := b.svc.OpenFixes(ctx, workflow.Actor{UserID: cmd.UserID})
	if err != nil {
		r.ack = ephemeralAck(userText(r.log, err))
		return
	}
	if len(items) == 0 {
		r.ack = ephemeralAck("No open fixes for you or your RCAs. :tada:")
		return
	}
	blocks := append([]slack.Block{header("Open fixes")}, openFixBlocks(items, b.now(), b.cfg.Location, maxMessageBlocks-2)...)
	r.ack = ephemeralBlocksAck("Open fixes", blocks)
}

// openFixBlocks lists open fixes with their RCA and status menu, at most max
// blocks, the last one saying how many more there are.
func openFixBlocks(items []workflow.FixItem, now time.Time, loc *time.Location, max int) []slack.Block {
	var out []slack.Block
	for i := range items {
		if len(out) == max-1 && len(items) > max {
			out = append(out, contextBlock(fmt.Sprintf("_…and %d more._", len(items)-i)))
			break
		}
		it := &items[i]
		where := "*" + truncateEscaped(it.RCA.Title, 80) + "*"
		if it.RCA.ChannelID != "" {
			where += fmt.Sprintf(" (<#%s>)", it.RCA.ChannelID)
		}
		who := "Your fix in "
		if !it.Mine {
			who = "In "
		}
		out = append(out, fixStatusBlock(it.RCA.ID, &it.Fix, who+where+"\n", now, loc))
	}
	return out
}

// homeFixBlocks is App Home's "My open fixes": the open fixes the user owns.
func homeFixBlocks(items []workflow.FixItem, now time.Time, loc *time.Location) []slack.Block {
	var mine []workflow.FixItem
	for _, it := range items {
		if it.Mine {
			mine = append(mine, it)
		}
	}
	if len(mine) == 0 {
		return nil
	}
	blocks := []slack.Block{slack.NewDividerBlock(), header("My open fixes")}
	return append(blocks, openFixBlocks(mine[:min(len(mine), maxFixesListed)], now, loc, maxFixesListed)...)
}

// regressionNote says loudly that a similar past cause had a fix marked
// done, so the cause came back although it was fixed; "" when it had none.
func regressionNote(s workflow.Similar) string {
	if !s.Regression || len(s.Fixed) == 0 {
		return ""
	}
	names := make([]string, len(s.Fixed))
	for i, f := range s.Fixed {
		names[i] = "“" + truncateEscaped(f.Injection, 150) + "”"
	}
	return "\n:rotating_light: *Regression:* that cause was fixed (" + strings.Join(names, ", ") +
		" marked done) and it is back. Check whether the fix still holds."
}
