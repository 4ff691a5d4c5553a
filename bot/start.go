package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/workflow"
)

// severities offered in the Start modal.
var severities = []string{"SEV1", "SEV2", "SEV3", "SEV4"}

func (b *Bot) startRoutes(rt *routes) {
	rt.slash["start"] = b.slashStart
	rt.actions[actHomeStart] = b.clickStart
	rt.views[viewStart] = b.submitStart
}

func (b *Bot) slashStart(ctx context.Context, r *reply, cmd *slack.SlashCommand, title string) {
	if _, err := b.api.OpenViewContext(ctx, cmd.TriggerID, startModal(cmd.UserID, title)); err != nil {
		r.ack = ephemeralAck(userText(r.log, fmt.Errorf("open the start modal: %w", err)))
	}
}

func (b *Bot) clickStart(ctx context.Context, r *reply, cb *slack.InteractionCallback, _ *slack.BlockAction) {
	if _, err := b.api.OpenViewContext(ctx, cb.TriggerID, startModal(cb.User.ID, "")); err != nil {
		b.fail(ctx, r, cb, fmt.Errorf("open the start modal: %w", err))
	}
}

// startModal is the "Start an RCA" modal, the title prefilled and the
// requester as the default facilitator.
func startModal(requester, title string) slack.ModalViewRequest {
	sev := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose a severity", maxPlaceholder), fieldSeverity)
	for _, s := range severities {
		sev.Options = append(sev.Options, option(s, s))
	}
	sevIn := slack.NewInputBlock(fieldSeverity, plain("Severity", maxLabel), nil, sev)
	sevIn.Optional = true

	people := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, plain("Who should take part?", maxPlaceholder), fieldParticipants)
	peopleIn := withHint(slack.NewInputBlock(fieldParticipants, plain("Participants", maxLabel), nil, people),
		"They are invited to the RCA channel. You are included.")
	peopleIn.Optional = true

	fac := slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain("Facilitator", maxPlaceholder), fieldFacilitator)
	fac.InitialUser = requester
	facIn := withHint(slack.NewInputBlock(fieldFacilitator, plain("Facilitator", maxLabel), nil, fac),
		"Moves the phases, settles disputed links and finishes the RCA.")

	priv := slack.NewCheckboxGroupsBlockElement(fieldPrivate, optionWithDescription("Private channel", "private", "Only participants see it (security incidents)"))
	privIn := slack.NewInputBlock(fieldPrivate, plain("Visibility", maxLabel), nil, priv)
	privIn.Optional = true

	due := slack.NewDatePickerBlockElement(fieldDue)
	dueIn := withHint(slack.NewInputBlock(fieldDue, plain("Finish by", maxLabel), nil, due), "Reminders nudge the facilitator after this date.")
	dueIn.Optional = true

	return modal(viewStart, "Start an RCA", "Start",
		"",
		section("A blameless RCA gets its own channel and a pinned dashboard. The team lists the symptoms, wires causes with IF/AND/THEN logic and challenges every link."),
		textInput(fieldTitle, "Title", "e.g. Payment routing outage on 12 March", title, false, workflow.MaxTitleRunes, false),
		sevIn,
		textInput(fieldIncidentLink, "Incident link", "https://…", "", false, 0, true),
		peopleIn, facIn, privIn, dueIn,
	)
}

// startInput reads the Start modal's state.
func startInput(cb *slack.InteractionCallback, loc *time.Location) (workflow.StartInput, error) {
	v := cb.View.State.Values
	in := workflow.StartInput{
		Title:        v[fieldTitle][fieldTitle].Value,
		Severity:     v[fieldSeverity][fieldSeverity].SelectedOption.Value,
		IncidentLink: strings.TrimSpace(v[fieldIncidentLink][fieldIncidentLink].Value),
		Facilitator:  v[fieldFacilitator][fieldFacilitator].SelectedUser,
		Participants: v[fieldParticipants][fieldParticipants].SelectedUsers,
		Private:      len(v[fieldPrivate][fieldPrivate].SelectedOptions) > 0,
	}
	if d := v[fieldDue][fieldDue].SelectedDate; d != "" {
		day, err := time.ParseInLocation("2006-01-02", d, loc)
		if err != nil {
			return in, workflow.Invalidf(fieldDue, "pick a date from the calendar")
		}
		in.Due = day.Add(24*time.Hour - time.Second) // the end of that day
	}
	if !slices.Contains(in.Participants, cb.User.ID) {
		in.Participants = append(in.Participants, cb.User.ID)
	}
	return in, nil
}

func (b *Bot) submitStart(ctx context.Context, r *reply, cb *slack.InteractionCallback) {
	actor := workflow.Actor{UserID: cb.User.ID}
	in, err := startInput(cb, b.cfg.Location)
	if err == nil {
		in.Participants = slices.DeleteFunc(in.Participants, func(u string) bool { return u == b.botUserID })
		var rca *workflow.RCA
		rca, err = b.svc.Start(r.key(ctx, "start"), actor, in)
		if err == nil {
			r.later(func(ctx context.Context) { b.setUpChannel(ctx, r, actor, rca) })
			return
		}
	}
	r.ack = viewErrors(r.log, cb, err, fieldTitle)
}

// setUpChannel creates the RCA's channel, invites people, sets topic,
// purpose and bookmark, and posts and pins the dashboard. It runs after the
// ack; problems are told to the creator by DM and noted on the dashboard.
// It returns false, doing nothing, while another replica is setting the
// RCA up.
func (b *Bot) setUpChannel(ctx context.Context, r *reply, actor workflow.Actor, rca *workflow.RCA) bool {
	log := r.log.With("rca", rca.ID)
	release, ok := b.kept.holdSetUp(ctx, rca.ID)
	if !ok {
		return false
	}
	defer release()
	if cur, err := b.svc.RCA(ctx, actor, rca.ID); err == nil && cur.ChannelID != "" {
		return true // set up meanwhile, by another replica
	}
	channelID, err := b.createChannel(ctx, rca)
	if err == nil {
		_, err = b.svc.BindChannel(r.key(ctx, "bind"), actor, rca.ID, channelID)
	}
	if err != nil {
		log.Error("could not create the RCA channel", "error", err)
		b.dm(ctx, log, actor.UserID, fmt.Sprintf(":warning: I saved the RCA *%s*, but could not create its channel (%s). An admin may need to allow the app to create channels; then run `/rca start` again.", Escape(rca.Title), Escape(err.Error())))
		return true
	}
	rca.ChannelID = channelID
	uninvited := b.invite(ctx, log, channelID, rca.Participants)
	if len(uninvited) > 0 {
		if err := b.refs.PutRef(ctx, rca.ID, refUninvited, strings.Join(uninvited, ",")); err != nil {
			log.Error("store uninvited users", "error", err)
		}
	}
	b.describeChannel(ctx, log, rca)
	if err := b.postDashboard(ctx, actor, rca); err != nil {
		log.Error("post the dashboard", "error", err)
	}
	return true
}

// resumeSetUps finishes, at start, the channel set-up of RCAs saved before
// this process started that a crash or a failed Slack call left without a
// channel. (RCAs saved since are being set up by their own envelopes.) A
// crash right after conversations.create leaves that channel unused: Slack
// offers no way to make the create idempotent. It also asks for a redraw of
// every open RCA's kept messages, in case the last shutdown dropped one.
func (b *Bot) resumeSetUps(ctx context.Context, started time.Time) {
	rcas, err := b.svc.OpenRCAs(ctx)
	if err != nil {
		b.log.Error("look for unfinished channel set-ups", "error", err)
		return
	}
	var waiting []*workflow.RCA
	for i := range rcas {
		rca := &rcas[i]
		if rca.ChannelID != "" {
			// A redraw dropped at the last shutdown is done now; the
			// refresher sends only what differs from what was last sent.
			b.changed(workflow.Actor{UserID: rca.Facilitator}, rca.ID, change{})
			continue
		}
		if rca.CreatedAt.After(started) {
			continue
		}
		b.log.Info("finishing an interrupted channel set-up", "rca", rca.ID)
		if !b.resumeSetUp(ctx, rca) {
			waiting = append(waiting, rca)
		}
	}
	// Another replica is setting these up, or died doing it: wait until
	// it is done, or until its lease expires and this replica resumes.
	for len(waiting) > 0 {
		select {
		case <-ctx.Done():
			return
		case <-time.After(keptLeaseTTL / 2):
		}
		waiting = slices.DeleteFunc(waiting, func(rca *workflow.RCA) bool { return b.resumeSetUp(ctx, rca) })
	}
}

// resumeSetUp finishes one interrupted channel set-up; false when another
// replica holds it.
func (b *Bot) resumeSetUp(ctx context.Context, rca *workflow.RCA) bool {
	r := &reply{envelopeID: fmt.Sprintf("resume-rca-%d", rca.ID), log: b.log.With("rca", rca.ID, "resume", true)}
	return b.setUpChannel(ctx, r, workflow.Actor{UserID: rca.Creator}, rca)
}

// createChannel creates rca-YYYY-MM-DD-<slug>, adding a suffix while the name is taken.
func (b *Bot) createChannel(ctx context.Context, rca *workflow.RCA) (string, error) {
	day := rca.CreatedAt.In(b.cfg.Location)
	for suffix := 1; suffix <= 50; suffix++ {
		name := ChannelName(day, rca.Title, suffix)
		ch, err := b.api.CreateConversationContext(ctx, slack.CreateConversationParams{ChannelName: name, IsPrivate: rca.Private})
		if err == nil {
			return ch.ID, nil
		}
		if !isSlackError(err, "name_taken") {
			return "", fmt.Errorf("create channel %s: %w", name, err)
		}
	}
	return "", errors.New("every channel name for this title and day is taken")
}

// invite adds the participants to the channel one by one and returns those
// Slack would not add (already being in the channel is fine).
func (b *Bot) invite(ctx context.Context, log interface{ Warn(string, ...any) }, channelID string, users []string) []string {
	var failed []string
	for _, u := range users {
		if u == b.botUserID {
			continue
		}
		_, err := b.api.InviteUsersToConversationContext(ctx, channelID, u)
		if err != nil && !isSlackError(err, "already_in_channel") && !isSlackError(err, "cant_invite_self") {
			log.Warn("could not invite", "user", u, "error", err)
			failed = append(failed, u)
		}
	}
	return failed
}

// describeChannel sets the topic and purpose and bookmarks the incident link.
func (b *Bot) describeChannel(ctx context.Context, log *slog.Logger, rca *workflow.RCA) {
	b.setTopic(ctx, log, rca)
	purpose := Truncate("Blameless root-cause analysis of "+Escape(rca.Title)+". We attack the logic, not people. The dashboard is pinned.", 250)
	if _, err := b.api.SetPurposeOfConversationContext(ctx, rca.ChannelID, purpose); err != nil {
		log.Warn("set purpose", "error", err)
	}
	if rca.IncidentLink != "" {
		_, err := b.api.AddBookmarkContext(ctx, rca.ChannelID, slack.AddBookmarkParameters{Title: "Incident", Type: "link", Link: rca.IncidentLink, Emoji: ":rotating_light:"})
		if err != nil {
			log.Warn("bookmark the incident link", "error", err)
		}
	}
}

// dm sends a direct message to a user.
func (b *Bot) dm(ctx context.Context, log interface{ Warn(string, ...any) }, user, text string) {
	if _, _, err := b.api.PostMessageContext(ctx, user, slack.MsgOptionText(Truncate(text, maxText), false)); err != nil {
		log.Warn("direct message failed", "user", user, "error", err)
	}
}

// isSlackError reports whether err is the Slack API error named code.
func isSlackError(err error, code string) bool {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err == code
	}
	return err != nil && err.Error() == code
}
