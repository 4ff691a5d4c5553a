package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// Ids of the reminder feature.
const (
	// actRemindNext is the reminder's button; its value is the RCA id.
	actRemindNext = "remind_next"

	// Slack refs written by other features that the reminder button links to;
	// the values mirror refWalk (walk.go), refChallengeHeader and
	// refCardPrefix (challenge.go) and refDashboard (ids.go).
	remindRefWalk            = "walk_ts"
	remindRefChallengeHeader = "challenge_header_ts"
	remindRefCardPrefix      = "card:"

	// remindRefFixPrefix + fix id + ":" + kind records that a fix owner was
	// reminded of a due date, so each reminder goes once.
	remindRefFixPrefix = "remind_fix:"
)

// The two reminders a fix owner gets about a due date.
const (
	fixDueSoon  = "soon"  // the last working day before the due day
	fixDueToday = "today" // the due day itself
)

// remindFormatHelp explains the schedule format after a bad /rca remind.
const remindFormatHelp = "A schedule is a cron line of five fields — *minute hour day-of-month month day-of-week* — " +
	"read in %s. For example `0 10 * * 1-5` is 10:00 on weekdays and `30 9 * * 1,3` is 09:30 on Mondays and Wednesdays.\n" +
	"`/rca remind off` stops the reminders of this RCA; `/rca remind default` goes back to the workspace schedule (`%s`)."

func (b *Bot) remindRoutes(rt *routes) {
	rt.slash["remind"] = b.slashRemind
	rt.actions[actRemindNext] = b.clickRemindNext
}

// defaultSpec is the workspace's reminder schedule as configured.
func (b *Bot) defaultSpec() string {
	if s := strings.TrimSpace(b.cfg.RemindCron); s != "" {
		return s
	}
	return defaultRemindCron
}

// slashRemind answers /rca remind, /rca remind <cron spec>, /rca remind off
// and /rca remind default in an RCA channel.
func (b *Bot) slashRemind(ctx context.Context, r *reply, cmd *slack.SlashCommand, args string) {
	actor := workflow.Actor{UserID: cmd.UserID}
	rca, err := b.rcaHere(ctx, actor, cmd.ChannelID)
	if err != nil {
		r.ack = ephemeralAck(userText(r.log, err))
		return
	}
	if args == "" {
		st, err := b.svc.ReminderState(ctx, actor, rca.ID)
		if err != nil {
			r.ack = ephemeralAck(userText(r.log, err))
			return
		}
		r.ack = ephemeralAck(b.describeSchedule(rca, st.Spec, "follow"))
		return
	}
	spec := args
	switch strings.ToLower(args) {
	case "off":
		spec = remindOffSpec
	case "default", "on":
		spec = ""
	}
	if _, err := b.svc.SetReminderSpec(r.key(ctx, "remind"), actor, rca.ID, spec); err != nil {
		text := userText(r.log, err)
		if workflow.ErrorCode(err) == workflow.EInvalid {
			text = fmt.Sprintf(":warning: `%s` is not a schedule I understand: %s\n", Escape(Truncate(args, 60)), Escape(workflow.ErrorMessage(err))) +
				fmt.Sprintf(remindFormatHelp, b.cfg.Location, b.defaultSpec())
		}
		r.ack = ephemeralAck(text)
		return
	}
	r.ack = ephemeralAck(":white_check_mark: " + b.describeSchedule(rca, spec, "now follow"))
}

// describeSchedule says in a sentence which schedule an RCA's reminders
// follow and when the next one may come.
func (b *Bot) describeSchedule(rca *workflow.RCA, spec, verb string) string {
	if strings.TrimSpace(spec) == remindOffSpec {
		return "Reminders are *off* for this RCA, the fix owners' DMs and the weekly fix digest included. " +
			"Turn them back on with `/rca remind default` or `/rca remind <cron line>`."
	}
	which := fmt.Sprintf("the workspace schedule `%s`", b.defaultSpec())
	if strings.TrimSpace(spec) != "" {
		which = fmt.Sprintf("`%s`", Escape(spec))
	}
	text := fmt.Sprintf("Reminders for this RCA %s %s (%s).", verb, which, b.cfg.Location)
	if spec == "" {
		spec = b.defaultSpec()
	}
	if sched, err := remindParser().Parse(spec); err == nil {
		if next := sched.Next(b.now().In(b.cfg.Location)); !next.IsZero() {
			text += fmt.Sprintf(" The next one is %s, if anything is still pending then.", next.Format("Mon 2 Jan at 15:04"))
		}
	}
	if rca.Phase == workflow.PhaseClosed {
		text = "This RCA is closed: while a fix is open, its owner gets a DM when it is due or overdue and the channel a weekly digest."
	}
	return text + " Change it with `/rca remind <cron line>` or stop it with `/rca remind off`."
}

// reminderSent says what sendReminder posted.
type reminderSent struct {
	posted bool // the channel reminder
	nudged bool // the facilitator's due-date DM
}

// sendReminder posts an RCA's reminder for one slot: the channel message
// when work is pending, the facilitator's daily due-date DM and the fix
// owners' due-date DMs. An error means the channel reminder was not posted.
func (b *Bot) sendReminder(ctx context.Context, rca *workflow.RCA, rem *workflow.Reminder, st workflow.ReminderState, now time.Time) (reminderSent, error) {
	var sent reminderSent
	var pending, mention []string
	if rem != nil {
		pending, mention = rem.Pending, rem.Mention
	}
	fixes, err := b.fixesOf(ctx, rca)
	if err != nil {
		return sent, err
	}
	if n := unownedFixes(fixes); n > 0 {
		pending = append(pending, fixesWithoutOwner(n))
	}
	if len(pending) > 0 && rca.ChannelID != "" {
		blocks := reminderBlocks(rca, pending, mention, now, b.cfg.Location)
		fallback := "Reminder: " + strings.Join(pending, ", ")
		if _, _, err := b.api.PostMessageContext(ctx, rca.ChannelID, slack.MsgOptionText(fallback, false),
			slack.MsgOptionBlocks(clipMessage(blocks)...)); err != nil {
			return sent, fmt.Errorf("post the reminder of rca %d: %w", rca.ID, err)
		}
		sent.posted = true
	}
	overdue := !rca.Due.IsZero() && now.After(rca.Due)
	if dueNudge(overdue, st.LastDueNudge, now, b.cfg.Location) {
		sent.nudged = b.nudgeFacilitator(ctx, rca, now)
	}
	b.remindFixOwners(ctx, rca, fixes, now)
	return sent, nil
}

// fixesOf returns the fixes of an RCA in the fixing phase (nil before).
func (b *Bot) fixesOf(ctx context.Context, rca *workflow.RCA) ([]workflow.Fix, error) {
	if rca.Phase != workflow.PhaseFixing {
		return nil, nil
	}
	sum, err := b.svc.Summary(ctx, workflow.Actor{UserID: rca.Facilitator}, rca.ID)
	if err != nil {
		return nil, fmt.Errorf("load the fixes of rca %d: %w", rca.ID, err)
	}
	fixes := make([]workflow.Fix, 0, len(sum.Fixes))
	for _, f := range sum.Fixes {
		fixes = append(fixes, f.Fix)
	}
	return fixes, nil
}

// nudgeFacilitator DMs the facilitator that the due date has passed and
// reports whether the DM went out.
func (b *Bot) nudgeFacilitator(ctx context.Context, rca *workflow.RCA, now time.Time) bool {
	text := overdueText(rca, now, b.cfg.Location)
	if _, _, err := b.api.PostMessageContext(ctx, rca.Facilitator, slack.MsgOptionText(text, false)); err != nil {
		b.log.Warn("due-date DM failed; trying again at the next slot", "rca", rca.ID, "error", err)
		return false
	}
	return true
}

// remindFixOwners DMs each owner of a fix still to be done once on the last
// working day before the fix's due day and once on the day.
func (b *Bot) remindFixOwners(ctx context.Context, rca *workflow.RCA, fixes []workflow.Fix, now time.Time) {
	for _, f := range fixes {
		kind := fixDueKind(f.Due, now, b.cfg.Location)
		if f.Owner == "" || kind == "" || !f.Status.Open() {
			continue
		}
		key := remindRefFixPrefix + strconv.FormatInt(f.ID, 10) + ":" + kind
		if done, err := b.refs.Ref(ctx, rca.ID, key); err != nil || done != "" {
			continue
		}
		if _, _, err := b.api.PostMessageContext(ctx, f.Owner, slack.MsgOptionText(fixDueText(rca, f, kind, b.cfg.Location), false)); err != nil {
			b.log.Warn("fix due-date DM failed", "rca", rca.ID, "fix", f.ID, "error", err)
			continue
		}
		if err := b.refs.PutRef(ctx, rca.ID, key, now.UTC().Format(time.RFC3339)); err != nil {
			b.log.Warn("could not record the fix reminder", "rca", rca.ID, "fix", f.ID, "error", err)
		}
	}
}

// unownedFixes counts the fixes nobody owns yet, dropped ones aside.
func unownedFixes(fixes []workflow.Fix) int {
	n := 0
	for _, f := range fixes {
		if f.Owner == "" && f.Status != workflow.FixDropped {
			n++
		}
	}
	return n
}

// fixesWithoutOwner is the pending phrase for n unowned fixes.
func fixesWithoutOwner(n int) string {
	if n == 1 {
		return "1 fix without an owner"
	}
	return fmt.Sprintf("%d fixes without an owner", n)
}

// remindButtonLabel is the reminder's button text: where it takes people.
func remindButtonLabel(p workflow.Phase) string {
	switch p {
	case workflow.PhaseWiring:
		return "Open the walk"
	case workflow.PhaseChallenging:
		return "Review the next link"
	}
	return "Open the dashboard"
}

// reminderBlocks is the channel reminder: what is pending, who has not
// reviewed anything yet, the due date, and a button to the next item.
func reminderBlocks(rca *workflow.RCA, pending, mention []string, now time.Time, loc *time.Location) []slack.Block {
	text := fmt.Sprintf(":alarm_clock: *Reminder — %s* (%s)\nStill to do: %s.",
		Escape(Truncate(rca.Title, 120)), phaseName(rca.Phase), strings.Join(pending, ", "))
	blocks := []slack.Block{sectionWithButton(text, button(remindButtonLabel(rca.Phase), actRemindNext, rcaValue(rca.ID), slack.StylePrimary))}
	if len(mention) > 0 {
		tags := make([]string, len(mention))
		for i, u := range mention {
			tags[i] = "<@" + u + ">"
		}
		blocks = append(blocks, section(strings.Join(tags, " ")+" — you have not reviewed any link yet. "+
			"A link is accepted once two people say it holds; the button takes you to the next one."))
	}
	note := "`/rca remind` shows or changes this schedule."
	if !rca.Due.IsZero() {
		due := "Finish by " + rca.Due.In(loc).Format("Mon 2 Jan")
		if now.After(rca.Due) {
			due = ":hourglass: The finish-by date (" + rca.Due.In(loc).Format("Mon 2 Jan") + ") has passed"
		}
		note = due + " · " + note
	}
	return append(blocks, contextBlock(note))
}

// overdueText is the facilitator's daily DM once the due date has passed.
func overdueText(rca *workflow.RCA, now time.Time, loc *time.Location) string {
	days := int(civilDay(now, loc).Sub(civilDay(rca.Due, loc)).Hours() / 24)
	since := "today"
	if days >= 1 {
		since = plural(days, "day") + " ago"
	}
	where := ""
	if rca.ChannelID != "" {
		where = fmt.Sprintf(" in <#%s>", rca.ChannelID)
	}
	return fmt.Sprintf(":hourglass: *%s*%s was due to finish on %s (%s) and is still open (%s). "+
		"Finish it, or tell the team the new date. I'll remind you once a day.",
		Escape(Truncate(rca.Title, 120)), where, rca.Due.In(loc).Format("Mon 2 Jan"), since, phaseName(rca.Phase))
}

// fixDueText is a fix owner's DM about the fix's due date.
func fixDueText(rca *workflow.RCA, f workflow.Fix, kind string, loc *time.Location) string {
	when := "today"
	if kind == fixDueSoon {
		when = "on " + f.Due.In(loc).Format("Mon 2 Jan")
	}
	where := ""
	if rca.ChannelID != "" {
		where = fmt.Sprintf(" (<#%s>)", rca.ChannelID)
	}
	return fmt.Sprintf(":hammer_and_wrench: The fix you own for *%s*%s is due %s: %s",
		Escape(Truncate(rca.Title, 120)), where, when, Escape(Truncate(f.Injection, 300)))
}

// civilDay is a calendar day, for day arithmetic free of time zones.
func civilDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// workingDayBefore returns the last Monday-to-Friday day before day.
func workingDayBefore(day time.Time) time.Time {
	d := day.AddDate(0, 0, -1)
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

// fixDueKind is the fix-due policy: on the last working day before a fix's
// due day its owner gets fixDueSoon, on the day fixDueToday, otherwise
// nothing. Days are calendar days in loc.
func fixDueKind(due, now time.Time, loc *time.Location) string {
	if due.IsZero() {
		return ""
	}
	day, today := civilDay(due, loc), civilDay(now, loc)
	switch {
	case today.Equal(day):
		return fixDueToday
	case today.Equal(workingDayBefore(day)):
		return fixDueSoon
	}
	return ""
}

// dueNudge is the due-date policy of the bot: once the due date has passed,
// the facilitator gets one DM per calendar day (in loc), at the first
// reminder slot of that day. The workflow's 24-hour Nudge would skip a day
// whenever a slot comes a few seconds earlier than the day before.
func dueNudge(overdue bool, lastNudge, now time.Time, loc *time.Location) bool {
	return overdue && (lastNudge.IsZero() || !civilDay(lastNudge, loc).Equal(civilDay(now, loc)))
}

// clickRemindNext answers the reminder's button privately with a link to the
// next item: the next link's card, the walk, or the dashboard.
func (b *Bot) clickRemindNext(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	rca, _, err := b.rcaForAction(ctx, cb, act.Value)
	if err != nil {
		r.later(func(ctx context.Context) { b.fail(ctx, r, cb, err) })
		return
	}
	actor := workflow.Actor{UserID: cb.User.ID}
	r.later(func(ctx context.Context) {
		text, err := b.nextItemText(ctx, actor, rca)
		if err != nil {
			b.fail(ctx, r, cb, err)
			return
		}
		b.tell(ctx, r, cb, text)
	})
}

// nextItemText says where the next pending item of an RCA is, with a link.
func (b *Bot) nextItemText(ctx context.Context, actor workflow.Actor, rca *workflow.RCA) (string, error) {
	switch rca.Phase {
	case workflow.PhaseClosed:
		return "This RCA is closed; there is nothing left to do. Thank you!", nil
	case workflow.PhaseChallenging:
		t, err := b.svc.Tree(ctx, actor, rca.ID)
		if err != nil {
			return "", err
		}
		g := nextLinkToReview(t)
		if g == nil {
			return "Every link has been reviewed. :tada: The facilitator can plan fixes now.", nil
		}
		if url := b.refLink(ctx, actor, rca, remindRefCardPrefix+strconv.Itoa(int(g.ID))); url != "" {
			return fmt.Sprintf("Next up: *link %d*, %s. <%s|Open its card> and say whether it holds.", g.ID, g.Status, url), nil
		}
		if url := b.refLink(ctx, actor, rca, remindRefChallengeHeader); url != "" {
			return fmt.Sprintf("Next up: *link %d*. <%s|Open the challenge pass> and find its card in the thread.", g.ID, url), nil
		}
	case workflow.PhaseWiring:
		if url := b.refLink(ctx, actor, rca, remindRefWalk); url != "" {
			return fmt.Sprintf("<%s|Open the walk>: it shows the next node that still needs a cause.", url), nil
		}
	}
	if url := b.refLink(ctx, actor, rca, refDashboard); url != "" {
		return fmt.Sprintf("<%s|Open the dashboard>: its buttons lead to what is next (%s).", url, phaseName(rca.Phase)), nil
	}
	return "The pinned dashboard at the top of this channel has the buttons for what is next.", nil
}

// nextLinkToReview returns the first unreviewed link, else the first
// disputed one, or nil when every link is accepted.
func nextLinkToReview(t *tree.Tree) *tree.Group {
	var disputed *tree.Group
	for _, g := range t.Groups() {
		switch {
		case g.Status == tree.StatusUnreviewed || g.Status == "":
			return g
		case g.Status == tree.StatusDisputed && disputed == nil:
			disputed = g
		}
	}
	return disputed
}

// refLink returns the permalink of the message stored under an RCA's Slack
// ref key, or "" when there is none or Slack cannot make one.
func (b *Bot) refLink(ctx context.Context, actor workflow.Actor, rca *workflow.RCA, key string) string {
	if workflow.Check(rca, actor.UserID, workflow.CmdView) != nil {
		return ""
	}
	ts, err := b.refs.Ref(ctx, rca.ID, key)
	if err != nil || ts == "" || rca.ChannelID == "" {
		return ""
	}
	url, err := b.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: rca.ChannelID, Ts: ts})
	if err != nil {
		b.log.Warn("no permalink for a stored message", "rca", rca.ID, "key", key, "error", err)
		return ""
	}
	return url
}
