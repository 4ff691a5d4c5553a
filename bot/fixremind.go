package bot

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/workflow"
)

// remindFixes sends what the workflow's policy after close asks for: a DM
// to the owner of each fix due or overdue, once per due-day slot, and the
// weekly digest in the RCA's channel. Each is recorded after it went out,
// so a restart or a second tick never sends it again; one that failed is
// tried again at the next tick.
func (b *Bot) remindFixes(ctx context.Context) {
	rems, err := b.svc.FixReminders(ctx)
	if err != nil {
		b.log.Error("fix reminders: could not load the open fixes", "error", err)
		return
	}
	now := b.now()
	for i := range rems {
		rem := &rems[i]
		for j := range rem.Nudges {
			b.nudgeFixOwner(ctx, rem, &rem.Nudges[j], now)
		}
		if rem.Digest {
			b.postFixDigest(ctx, rem, now)
		}
	}
}

func (b *Bot) nudgeFixOwner(ctx context.Context, rem *workflow.FixReminder, f *workflow.Fix, now time.Time) {
	log := b.log.With("rca", rem.RCA.ID, "fix", f.ID)
	if _, _, err := b.api.PostMessageContext(ctx, f.Owner, slack.MsgOptionText(fixNudgeText(&rem.RCA, f, now, b.cfg.Location), false),
		slack.MsgOptionBlocks(fixNudgeBlocks(&rem.RCA, f, now, b.cfg.Location)...)); err != nil {
		log.Warn("fix nudge DM failed; trying again at the next tick", "error", err)
		return
	}
	if err := b.svc.MarkFixNudged(ctx, rem.RCA.ID, f.ID, rem.NudgeSlot); err != nil {
		log.Error("fix nudge sent but not recorded", "slot", rem.NudgeSlot, "error", err)
		return
	}
	log.Info("fix owner nudged", "slot", rem.NudgeSlot)
}

// fixNudgeText is the DM to a fix's owner once the fix is due or overdue.
func fixNudgeText(rca *workflow.RCA, f *workflow.Fix, now time.Time, loc *time.Location) string {
	when := "is due today"
	if days := int(civilDay(now, loc).Sub(civilDay(f.Due, loc)).Hours() / 24); days > 0 {
		when = "is overdue by " + plural(days, "day")
	}
	where := ""
	if rca.ChannelID != "" {
		where = fmt.Sprintf(" (<#%s>)", rca.ChannelID)
	}
	return fmt.Sprintf(":hammer_and_wrench: The fix you own for *%s*%s %s: %s\nMark it done, or tell the team a new date.",
		truncateEscaped(rca.Title, 120), where, when, truncateEscaped(f.Injection, 300))
}

// fixNudgeBlocks is the nudge with the fix's status menu.
func fixNudgeBlocks(rca *workflow.RCA, f *workflow.Fix, now time.Time, loc *time.Location) []slack.Block {
	return []slack.Block{section(fixNudgeText(rca, f, now, loc)), fixStatusBlock(rca.ID, f, "", now, loc)}
}

func (b *Bot) postFixDigest(ctx context.Context, rem *workflow.FixReminder, now time.Time) {
	log := b.log.With("rca", rem.RCA.ID)
	blocks := fixDigestBlocks(rem, now, b.cfg.Location)
	fallback := "Weekly fix digest: " + rem.Progress.Text()
	if _, _, err := b.api.PostMessageContext(ctx, rem.RCA.ChannelID, slack.MsgOptionText(Truncate(fallback, maxText), false),
		slack.MsgOptionBlocks(blocks...)); err != nil {
		log.Warn("fix digest failed; trying again at the next tick", "error", err)
		return
	}
	if err := b.svc.MarkFixDigest(ctx, rem.RCA.ID, rem.DigestSlot); err != nil {
		log.Error("fix digest posted but not recorded", "slot", rem.DigestSlot, "error", err)
		return
	}
	log.Info("fix digest posted", "slot", rem.DigestSlot)
}

// fixDigestBlocks is the weekly digest of a closed RCA's open fixes, with
// the facilitator's reopen button for when a symptom came back.
func fixDigestBlocks(rem *workflow.FixReminder, now time.Time, loc *time.Location) []slack.Block {
	blocks := []slack.Block{section(fmt.Sprintf(":clipboard: *Weekly fix digest — %s*\n%s",
		truncateEscaped(rem.RCA.Title, 120), fixProgressText(rem.Progress)))}
	for i := range rem.Open {
		if len(blocks) == maxMessageBlocks-3 {
			blocks = append(blocks, contextBlock(fmt.Sprintf("_…and %d more open fixes: `/rca fixes` lists them._", len(rem.Open)-i)))
			break
		}
		blocks = append(blocks, fixStatusBlock(rem.RCA.ID, &rem.Open[i], "", now, loc))
	}
	reopen := button(":unlock: Reopen the RCA", actDigestReopen, rcaValue(rem.RCA.ID), "")
	reopen.Confirm = slack.NewConfirmationBlockObject(plain("Reopen this RCA?", 100),
		md("It goes back to planning fixes, so the team can dig into a symptom that came back.", 300),
		plain("Reopen", 30), plain("Cancel", 30))
	blocks = append(blocks, actions("fix_digest_actions", reopen),
		contextBlock("I post this every week while a fix is open. The facilitator can reopen the RCA if a symptom came back."))
	return blocks
}

// clickDigestReopen reopens the RCA from its digest (facilitator only).
func (b *Bot) clickDigestReopen(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	actor := workflow.Actor{UserID: cb.User.ID}
	rca, _, err := b.rcaForAction(ctx, cb, act.Value)
	if err == nil {
		_, err = b.svc.Reopen(r.key(ctx, "reopen"), actor, rca.ID)
	}
	if err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	b.reopened(r.log, r, actor, rca)
}

// reopened redraws a reopened RCA and announces it in its channel.
func (b *Bot) reopened(log *slog.Logger, r *reply, actor workflow.Actor, rca *workflow.RCA) {
	rca.Phase = workflow.PhaseFixing
	b.changed(actor, rca.ID, change{})
	r.later(func(ctx context.Context) {
		b.setTopic(ctx, log, rca)
		text := fmt.Sprintf(":unlock: <@%s> reopened this RCA; it is back in planning fixes.", actor.UserID)
		if _, _, err := b.api.PostMessageContext(ctx, rca.ChannelID, slack.MsgOptionText(text, false)); err != nil {
			log.Warn("announce the reopening", "error", err)
		}
	})
}
