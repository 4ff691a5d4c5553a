package bot

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/workflow"
)

// Ids of the "which RCA?" step of the message shortcut.
const (
	viewPickRCA = "pick_rca"
	fieldPick   = "rca"
)

func (b *Bot) shortcutRoutes(rt *routes) {
	rt.shortcuts[ShortcutAddSymptom] = b.shortcutAddSymptom
	rt.views[viewPickRCA] = b.submitPickRCA
}

// shortcutAddSymptom runs "Add to RCA as symptom" on a message: in an RCA
// channel it opens the Add symptom modal prefilled with the message; elsewhere
// it first asks which of the user's open RCAs it is for.
func (b *Bot) shortcutAddSymptom(ctx context.Context, r *reply, cb *slack.InteractionCallback) {
	actor := workflow.Actor{UserID: cb.User.ID}
	r.log = r.log.With("shortcut", cb.CallbackID, "channel", cb.Channel.ID)
	meta := symptomMeta{Source: b.permalink(ctx, r, cb), Text: neutralMentions(cb.Message.Text)}
	rca, err := b.svc.RCAForChannel(ctx, actor, cb.Channel.ID)
	switch {
	case err == nil:
		if err = canAddSymptom(rca); err == nil {
			text := meta.Text
			meta.RCA, meta.Text = rca.ID, ""
			_, err = b.api.OpenViewContext(ctx, cb.TriggerID, symptomModal(rca, meta, text))
		}
	case workflow.ErrorCode(err) == workflow.ENotFound:
		err = b.askWhichRCA(ctx, actor, cb.TriggerID, meta)
	}
	if err != nil {
		r.later(func(ctx context.Context) { b.fail(ctx, r, cb, err) })
	}
}

// permalink returns the link to the message of a shortcut, or "" when Slack
// will not give it (the bot is not in that channel, say).
func (b *Bot) permalink(ctx context.Context, r *reply, cb *slack.InteractionCallback) string {
	ts := cb.Message.Timestamp
	if ts == "" {
		ts = cb.MessageTs
	}
	link, err := b.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: cb.Channel.ID, Ts: ts})
	if err != nil {
		r.log.Info("no permalink for the message", "error", err)
		return ""
	}
	return link
}

// openRCAsFor lists the user's RCAs (those they take part in) that take
// symptoms now, as workflow.List orders them (open ones first).
func (b *Bot) openRCAsFor(ctx context.Context, actor workflow.Actor) ([]workflow.RCA, error) {
	all, err := b.svc.List(ctx, actor)
	if err != nil {
		return nil, err
	}
	var mine []workflow.RCA
	for _, rca := range all {
		if canAddSymptom(&rca) == nil && slices.Contains(rca.Participants, actor.UserID) {
			mine = append(mine, rca)
		}
	}
	return mine, nil
}

// askWhichRCA opens the modal that picks one of the user's open RCAs, or
// tells the user kindly that there is none.
func (b *Bot) askWhichRCA(ctx context.Context, actor workflow.Actor, trigger string, meta symptomMeta) error {
	rcas, err := b.openRCAsFor(ctx, actor)
	if err != nil {
		return err
	}
	v := pickRCAModal(rcas, meta)
	if _, err := b.api.OpenViewContext(ctx, trigger, v); err != nil {
		return fmt.Errorf("open the RCA picker: %w", err)
	}
	return nil
}

// pickRCAModal asks which RCA a message belongs to; with no open RCA it
// explains how to start one.
func pickRCAModal(rcas []workflow.RCA, meta symptomMeta) slack.ModalViewRequest {
	if len(rcas) == 0 {
		return modal("notice", "Add symptom", "", "",
			section(":information_source: You take part in no open RCA collecting symptoms, so there is nothing to add this message to yet. Start one with `/rca start <title>`, then use the shortcut again."))
	}
	opts := make([]*slack.OptionBlockObject, len(rcas))
	for i, rca := range rcas {
		opts[i] = option(rca.Title, strconv.FormatInt(rca.ID, 10))
	}
	opts = clipOptions(opts)
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose an RCA", maxPlaceholder), fieldPick, opts...)
	sel.InitialOption = opts[0]
	in := withHint(slack.NewInputBlock(fieldPick, plain("RCA", maxLabel), nil, sel),
		"Your RCAs that still collect symptoms.")
	preview := truncateEscaped(meta.Text, 500)
	if preview == "" {
		preview = "_(the message has no text)_"
	}
	return modal(viewPickRCA, "Add symptom", "Next", meta.encode(),
		section("Which RCA is this message a symptom of?"),
		contextBlock("> "+preview),
		in)
}

// submitPickRCA turns the picker into the Add symptom modal of the chosen RCA.
func (b *Bot) submitPickRCA(ctx context.Context, r *reply, cb *slack.InteractionCallback) {
	actor := workflow.Actor{UserID: cb.User.ID}
	meta, err := parseSymptomMeta(cb.View.PrivateMetadata)
	var rca *workflow.RCA
	if err == nil {
		rca, err = b.pickedRCA(ctx, actor, cb)
	}
	if err != nil {
		r.ack = viewErrors(r.log, cb, err, fieldPick)
		return
	}
	text := meta.Text
	meta.RCA, meta.Text = rca.ID, ""
	v := symptomModal(rca, meta, text)
	r.ack = slack.NewUpdateViewSubmissionResponse(&v)
}

// pickedRCA loads the RCA chosen in the picker and checks it takes symptoms.
func (b *Bot) pickedRCA(ctx context.Context, actor workflow.Actor, cb *slack.InteractionCallback) (*workflow.RCA, error) {
	id, err := strconv.ParseInt(cb.View.State.Values[fieldPick][fieldPick].SelectedOption.Value, 10, 64)
	if err != nil {
		return nil, workflow.Invalidf(fieldPick, "Choose an RCA from the list.")
	}
	rca, err := b.svc.RCA(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := canAddSymptom(rca); err != nil {
		return nil, err
	}
	return rca, nil
}
