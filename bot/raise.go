package bot

// Raising a reservation from a challenge card. A category with one natural
// repair (cause insufficiency: the missing premise; additional cause: the
// other cause; cause-effect reversal: the flip) can carry that repair in
// the same modal, optionally; the other categories are resolved later
// from the card ("Resolve…").

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// Ids of the optional repair in the raise modal. The text's block id is the
// workflow's field name of a repair's text, so its errors land on it.
const (
	raiseFieldFlip  = "flip_now"
	raiseFlipOption = "flip"
)

// raiseRepairText is the optional repair text of the raise modal.
func raiseRepairText() *slack.InputBlock {
	return withHint(textInput(resFieldText, "Repair now (optional)", "The missing premise, or the other cause", "", false, tree.MaxTextRunes, true),
		"For a cause insufficiency, the missing premise (it joins the link's AND group); for an additional cause, the other cause (a new OR link). "+
			"It goes into the tree at once and settles the reservation. Leave it empty to discuss first.")
}

// raiseFlip is the optional "flip the arrow now" of the raise modal.
func raiseFlip() *slack.InputBlock {
	box := slack.NewCheckboxGroupsBlockElement(raiseFieldFlip, optionWithDescription("Flip the arrow now", raiseFlipOption, "For a cause-effect reversal: the effect becomes the cause."))
	in := slack.NewInputBlock(raiseFieldFlip, plain("Reversal", maxLabel), nil, box)
	in.Optional = true
	return in
}

// raiseRepair reads the optional repair of the raise modal for category c.
func raiseRepair(v map[string]map[string]slack.BlockAction, c workflow.Category) (*workflow.RepairInput, error) {
	text := strings.TrimSpace(v[resFieldText][resFieldText].Value)
	flip := len(v[raiseFieldFlip][raiseFieldFlip].SelectedOptions) > 0
	switch {
	case text != "" && flip:
		return nil, workflow.Invalidf(raiseFieldFlip, "Either type a repair or flip the arrow, not both.")
	case text != "" && c == workflow.CatCauseInsufficient:
		return &workflow.RepairInput{Action: workflow.RepairAddPremise, Text: text}, nil
	case text != "" && c == workflow.CatAdditionalCause:
		return &workflow.RepairInput{Action: workflow.RepairAddCause, Text: text}, nil
	case text != "":
		return nil, workflow.Invalidf(resFieldText, "Only a cause insufficiency (the missing premise) or an additional cause (the other cause) can be repaired here. Leave this empty, raise it, then resolve it from the card.")
	case flip && c != workflow.CatReversal:
		return nil, workflow.Invalidf(raiseFieldFlip, "Flipping the arrow answers a cause-effect reversal only.")
	case flip:
		return &workflow.RepairInput{Action: workflow.RepairFlip}, nil
	}
	return nil, nil
}

// changedCards is the redraw a command's result asks for: the cards of the
// links it removed or changed keep their last words if they are gone.
func changedCards(res *workflow.Result) change {
	c := change{statements: res.Before}
	for id := range res.Before {
		c.cards = append(c.cards, id)
	}
	return c
}

// raiseModal is the "Raise a reservation" modal for one link: the eight
// categories, the target (the link or one of its nodes) and a note.
func raiseModal(rcaID int64, t *tree.Tree, g *tree.Group) slack.ModalViewRequest {
	var cats []*slack.OptionBlockObject
	for _, c := range workflow.Categories {
		info := resCategories[c]
		cats = append(cats, optionWithDescription(info.label, string(c), info.explain))
	}
	radio := slack.NewRadioButtonsBlockElement(resFieldCategory, cats...)
	catIn := slack.NewInputBlock(resFieldCategory, plain("Category", maxLabel), nil, radio)

	linkOpt := option(fmt.Sprintf("The whole link %d", g.ID), resTargetLink)
	targets := []*slack.OptionBlockObject{linkOpt}
	for _, n := range resLinkNodes(t, g) {
		targets = append(targets, resNodeOption(n))
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("What is it about?", maxPlaceholder), resFieldTarget, clipOptions(targets)...)
	sel.InitialOption = linkOpt
	targetIn := withHint(slack.NewInputBlock(resFieldTarget, plain("About", maxLabel), nil, sel),
		"Clarity, entity existence, predicted effect and tautology may also be raised on one node of the link.")

	return modal(viewRaise, "Raise a reservation", "Raise", rcaValue(rcaID, int64(g.ID)),
		section("*Link "+strconv.Itoa(int(g.ID))+"*\n"+truncateEscaped(tree.FormatGroupNumbered(t, g), maxText-100)),
		catIn, targetIn,
		textInput(resFieldNote, "Note", "What makes you doubt it? Attack the logic, not people.", "", true, workflow.MaxNoteRunes, true),
		raiseRepairText(), raiseFlip(),
	)
}

// clickRaise opens the "Raise a reservation" modal for a card's link.
func (b *Bot) clickRaise(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	rca, items, ok := b.cardTarget(ctx, r, cb, act.Value)
	if !ok {
		return
	}
	actor := workflow.Actor{UserID: cb.User.ID}
	rca, err := b.participantFor(ctx, r, actor, rca, workflow.CmdRaise)
	if err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	t, err := b.svc.Tree(ctx, actor, rca.ID)
	if err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	g, _ := t.Group(tree.GroupID(items[0]))
	if g == nil {
		b.tell(ctx, r, cb, fmt.Sprintf(":information_source: Link %d is no longer in the tree.", items[0]))
		return
	}
	if _, err := b.api.OpenViewContext(ctx, cb.TriggerID, raiseModal(rca.ID, t, g)); err != nil {
		b.fail(ctx, r, cb, fmt.Errorf("open the raise modal: %w", err))
	}
}

// raiseInput reads the "Raise a reservation" modal.
func raiseInput(cb *slack.InteractionCallback, link tree.GroupID) (workflow.RaiseInput, error) {
	v := cb.View.State.Values
	in := workflow.RaiseInput{
		Category: workflow.Category(v[resFieldCategory][resFieldCategory].SelectedOption.Value),
		Note:     strings.TrimSpace(v[resFieldNote][resFieldNote].Value),
	}
	repair, err := raiseRepair(v, in.Category)
	if err != nil {
		return in, err
	}
	in.Repair = repair
	switch target := v[resFieldTarget][resFieldTarget].SelectedOption.Value; target {
	case resTargetLink, "":
		in.Group = link
	default:
		n, err := strconv.Atoi(target)
		if err != nil || n <= 0 {
			return in, workflow.Invalidf(resFieldTarget, "Pick the link or one of its nodes.")
		}
		in.Node = tree.NodeID(n)
	}
	return in, nil
}

// submitRaise raises the reservation; the card then shows it.
func (b *Bot) submitRaise(ctx context.Context, r *reply, cb *slack.InteractionCallback) {
	rcaID, items, err := parseValue(cb.View.PrivateMetadata)
	if err != nil || len(items) != 1 {
		r.ack = viewErrors(r.log, cb, workflow.Errorf(workflow.ENotFound, "This form is out of date; open it again from the card."), resFieldCategory)
		return
	}
	actor := workflow.Actor{UserID: cb.User.ID}
	link := tree.GroupID(items[0])
	in, err := raiseInput(cb, link)
	var res *workflow.Result
	if err == nil {
		res, err = b.svc.Raise(r.key(ctx, "raise"), actor, rcaID, in)
	}
	if err != nil {
		r.ack = viewErrors(r.log, cb, err, resFieldCategory)
		return
	}
	b.changed(actor, rcaID, changedCards(res))
}
