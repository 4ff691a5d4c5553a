package bot

// The Future Reality Tree from Slack: from a fix's message anyone taking
// part raises a negative branch on the fix (IF we do this THEN … a new
// undesirable effect), adds a desirable effect it produces, or rewords the
// good outcome of each symptom the fixes remove; the branch's message trims
// it with another injection. Each change posts the new Future Reality Tree.

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// Ids of the Future Reality Tree's buttons and modals.
const (
	actNegative      = "frt_negative"     // value: rcaValue(rca, fix)
	actDesirable     = "frt_desirable"    // value: rcaValue(rca, fix)
	actCounterparts  = "frt_counterparts" // value: rcaValue(rca, fix)
	actTrim          = "frt_trim"         // value: rcaValue(rca, steps of the branch…)
	viewNegative     = "frt_negative"
	viewDesirable    = "frt_desirable"
	viewCounterparts = "frt_counterparts"
	viewTrim         = "frt_trim"
	fieldSteps       = "steps"
	fieldEffect      = "effect"
	fieldStep        = "step"
	blockFuturePref  = "frt:" // + fix id: the block of a fix's Future Reality Tree buttons
	maxCounterparts  = 20     // symptoms whose good outcome one modal rewords
)

func (b *Bot) futureRoutes(rt *routes) {
	rt.actions[actNegative] = b.clickFuture
	rt.actions[actDesirable] = b.clickFuture
	rt.actions[actCounterparts] = b.clickFuture
	rt.actions[actTrim] = b.clickTrim
	rt.views[viewNegative] = b.submitNegative
	rt.views[viewDesirable] = b.submitDesirable
	rt.views[viewCounterparts] = b.submitCounterparts
	rt.views[viewTrim] = b.submitTrim
}

// fixFutureActions are a fix's Future Reality Tree buttons, below its status.
func fixFutureActions(rcaID, fixID int64) slack.Block {
	v := rcaValue(rcaID, fixID)
	return actions(blockFuturePref+strconv.FormatInt(fixID, 10),
		button(":warning: Negative branch…", actNegative, v, ""),
		button(":large_green_circle: Desirable effect…", actDesirable, v, ""),
		button("Word the good outcomes…", actCounterparts, v, ""))
}

// clickFuture opens the modal of a fix's Future Reality Tree button.
func (b *Bot) clickFuture(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	rca, items, err := b.rcaForAction(ctx, cb, act.Value)
	if err == nil && len(items) != 1 {
		err = workflow.Errorf(workflow.ENotFound, "this button is out of date; use the fix's latest message.")
	}
	if err == nil {
		err = workflow.Check(rca, cb.User.ID, workflow.CmdFuture)
	}
	var sum *workflow.Summary
	var fix *workflow.Fix
	if err == nil {
		sum, fix, err = b.fixOf(ctx, workflow.Actor{UserID: cb.User.ID}, rca.ID, items[0])
	}
	if err == nil {
		var view slack.ModalViewRequest
		switch act.ActionID {
		case actNegative:
			view = negativeModal(rca.ID, fix)
		case actDesirable:
			view = desirableModal(rca.ID, fix)
		default:
			view = counterpartsModal(rca.ID, sum.Tree, sum.Combined.Removed)
		}
		if _, err = b.api.OpenViewContext(ctx, cb.TriggerID, view); err != nil {
			err = fmt.Errorf("open the %s modal: %w", act.ActionID, err)
		}
	}
	if err != nil {
		b.fail(ctx, r, cb, err)
	}
}

// fixOf returns the RCA's summary and one of its fixes.
func (b *Bot) fixOf(ctx context.Context, actor workflow.Actor, rcaID, fixID int64) (*workflow.Summary, *workflow.Fix, error) {
	sum, err := b.svc.Summary(ctx, actor, rcaID)
	if err != nil {
		return nil, nil, err
	}
	for i := range sum.Fixes {
		if sum.Fixes[i].Fix.ID == fixID {
			return sum, &sum.Fixes[i].Fix, nil
		}
	}
	return nil, nil, workflow.Errorf(workflow.ENotFound, "that fix is gone.")
}

// negativeModal asks for a negative branch on a fix.
func negativeModal(rcaID int64, f *workflow.Fix) slack.ModalViewRequest {
	return modal(viewNegative, "Negative branch", "Raise", rcaValue(rcaID, f.ID),
		section("*IF* we do this:\n>"+truncateEscaped(f.Injection, 600)+
			"\n*THEN* what new harm could follow? Write the steps on the way, if any, and the new undesirable effect it ends in. "+
			"It stays a risk, shown in red, until someone trims it with another injection."),
		withHint(textInput(fieldSteps, "Steps on the way", "One per line, in order, e.g. Slow queries now fail instead of waiting", "", true,
			workflow.MaxBranchSteps*(tree.MaxTextRunes+1), true), fmt.Sprintf("Optional; at most %d lines.", workflow.MaxBranchSteps)),
		textInput(fieldEffect, "New undesirable effect", "e.g. Month-end reports time out", "", false, tree.MaxTextRunes, false))
}

// desirableModal asks for a desirable effect a fix produces.
func desirableModal(rcaID int64, f *workflow.Fix) slack.ModalViewRequest {
	return modal(viewDesirable, "Desirable effect", "Add", rcaValue(rcaID, f.ID),
		section("*IF* we do this:\n>"+truncateEscaped(f.Injection, 600)+"\n*THEN* what good follows, besides the symptoms it removes?"),
		textInput(fieldEffect, "Desirable effect", "e.g. Teams plan load tests without asking for permission", "", false, tree.MaxTextRunes, false))
}

// counterpartsModal rewords the good outcome of each removed symptom.
func counterpartsModal(rcaID int64, t *tree.Tree, removed []tree.NodeID) slack.ModalViewRequest {
	if len(removed) == 0 {
		return modal("notice", "Good outcomes", "", "",
			section("The fixes remove no symptom yet: once they do, each removed symptom gets a good outcome here to word."))
	}
	removed = removed[:min(len(removed), maxCounterparts)]
	ids := make([]int64, len(removed))
	counter := tree.Counterparts(t)
	blocks := []slack.Block{section("Each symptom the fixes remove becomes a desired effect of the Future Reality Tree. " +
		"Say the good outcome in your words; clear a box to go back to the suggestion.")}
	for i, id := range removed {
		ids[i] = int64(id)
		n, _ := t.Node(id)
		label := id.String()
		if n != nil {
			label += " " + n.Text
		}
		blocks = append(blocks, textInput(counterpartBlock(id), Truncate(label, 150), "", tree.CounterpartText(t, counter, id), false, tree.MaxTextRunes, true))
	}
	return modal(viewCounterparts, "Good outcomes", "Save", rcaValue(rcaID, ids...), blocks...)
}

// counterpartBlock is the input of the good outcome of a symptom; it equals
// the workflow's field name, so errors land on it.
func counterpartBlock(ude tree.NodeID) string { return "ude_" + strconv.Itoa(int(ude)) }

// trimModal asks for the injection that trims a negative branch, and which
// step of it the injection stops.
func trimModal(rcaID int64, t *tree.Tree, steps []tree.NodeID) slack.ModalViewRequest {
	var opts []*slack.OptionBlockObject
	ids := make([]int64, 0, len(steps))
	for _, id := range steps {
		if n, ok := t.Node(id); ok {
			opts = append(opts, option(id.String()+" "+n.Text, strconv.Itoa(int(id))))
			ids = append(ids, int64(id))
		}
	}
	if len(opts) == 0 {
		return modal("notice", "Trim", "", "", section("That negative branch is no longer in the tree."))
	}
	pick := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Which step does it stop?", maxPlaceholder), fieldStep, clipOptions(opts)...)
	pick.InitialOption = opts[len(opts)-1]
	return modal(viewTrim, "Trim negative branch", "Trim", rcaValue(rcaID, ids...),
		section("A negative branch is trimmed by another injection: what will be true so that this step no longer follows?"),
		slack.NewInputBlock(fieldStep, plain("Step", maxLabel), nil, pick),
		withHint(textInput(fieldInjection, "Injection", "e.g. Reports read from a replica without the timeout", "", false, tree.MaxTextRunes, false),
			"It becomes an injection of the Future Reality Tree, against that step."))
}

func (b *Bot) submitNegative(ctx context.Context, r *reply, cb *slack.InteractionCallback) {
	actor := workflow.Actor{UserID: cb.User.ID}
	rcaID, items, err := parseValue(cb.View.PrivateMetadata)
	if err == nil && len(items) != 1 {
		err = workflow.Errorf(workflow.ENotFound, "this form is out of date; click Negative branch again.")
	}
	var res *workflow.Result
	if err == nil {
		v := cb.View.State.Values
		in := workflow.NegativeInput{Fix: items[0], Effect: v[fieldEffect][fieldEffect].Value}
		for _, line := range strings.Split(v[fieldSteps][fieldSteps].Value, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				in.Steps = append(in.Steps, line)
			}
		}
		res, err = b.svc.RaiseNegative(r.key(ctx, "raise_negative"), actor, rcaID, in)
	}
	if err != nil {
		r.ack = viewErrors(r.log, cb, err, fieldEffect)
		return
	}
	post := func(ctx context.Context) { b.postFuture(ctx, r.log, actor, rcaID, res, negativeText) }
	b.changed(actor, rcaID, change{jobs: []func(context.Context){post}})
}

func (b *Bot) submitDesirable(ctx context.Context, r *reply, cb *slack.InteractionCallback) {
	actor := workflow.Actor{UserID: cb.User.ID}
	rcaID, items, err := parseValue(cb.View.PrivateMetadata)
	if err == nil && len(items) != 1 {
		err = workflow.Errorf(workflow.ENotFound, "this form is out of date; click Desirable effect again.")
	}
	var res *workflow.Result
	if err == nil {
		effect := cb.View.State.Values[fieldEffect][fieldEffect].Value
		res, err = b.svc.AddDesirable(r.key(ctx, "add_desirable"), actor, rcaID, items[0], effect)
	}
	if err != nil {
		r.ack = viewErrors(r.log, cb, err, fieldEffect)
		return
	}
	post := func(ctx context.Context) { b.postFuture(ctx, r.log, actor, rcaID, res, desirableText) }
	b.changed(actor, rcaID, change{jobs: []func(context.Context){post}})
}

func (b *Bot) submitCounterparts(ctx context.Context, r *reply, cb *slack.InteractionCallback) {
	actor := workflow.Actor{UserID: cb.User.ID}
	rcaID, items, err := parseValue(cb.View.PrivateMetadata)
	texts := map[tree.NodeID]string{}
	for _, id := range items {
		ude := tree.NodeID(id)
		texts[ude] = cb.View.State.Values[counterpartBlock(ude)][counterpartBlock(ude)].Value
	}
	var res *workflow.Result
	if err == nil {
		res, err = b.svc.SetCounterparts(r.key(ctx, "set_counterparts"), actor, rcaID, texts)
	}
	if err != nil {
		first := ""
		if len(items) > 0 {
			first = counterpartBlock(tree.NodeID(items[0]))
		}
		r.ack = viewErrors(r.log, cb, err, first)
		return
	}
	post := func(ctx context.Context) { b.postFuture(ctx, r.log, actor, rcaID, res, counterpartsText) }
	b.changed(actor, rcaID, change{jobs: []func(context.Context){post}})
}

// clickTrim opens the trim modal of a negative branch's message.
func (b *Bot) clickTrim(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	actor := workflow.Actor{UserID: cb.User.ID}
	rca, items, err := b.rcaForAction(ctx, cb, act.Value)
	if err == nil {
		err = workflow.Check(rca, cb.User.ID, workflow.CmdFuture)
	}
	var t *tree.Tree
	if err == nil {
		t, err = b.svc.Tree(ctx, actor, rca.ID)
	}
	if err == nil {
		steps := make([]tree.NodeID, len(items))
		for i, id := range items {
			steps[i] = tree.NodeID(id)
		}
		if _, err = b.api.OpenViewContext(ctx, cb.TriggerID, trimModal(rca.ID, t, steps)); err != nil {
			err = fmt.Errorf("open the trim modal: %w", err)
		}
	}
	if err != nil {
		b.fail(ctx, r, cb, err)
	}
}

func (b *Bot) submitTrim(ctx context.Context, r *reply, cb *slack.InteractionCallback) {
	actor := workflow.Actor{UserID: cb.User.ID}
	rcaID, _, err := parseValue(cb.View.PrivateMetadata)
	v := cb.View.State.Values
	step, perr := strconv.Atoi(v[fieldStep][fieldStep].SelectedOption.Value)
	if err == nil && perr != nil {
		err = workflow.Invalidf(fieldStep, "pick the step the injection stops")
	}
	var res *workflow.Result
	if err == nil {
		res, err = b.svc.TrimNegative(r.key(ctx, "trim_negative"), actor, rcaID, tree.NodeID(step), v[fieldInjection][fieldInjection].Value)
	}
	if err != nil {
		r.ack = viewErrors(r.log, cb, err, fieldInjection)
		return
	}
	post := func(ctx context.Context) { b.postFuture(ctx, r.log, actor, rcaID, res, trimText) }
	b.changed(actor, rcaID, change{jobs: []func(context.Context){post}})
}

// futureMessage words what a Future Reality Tree change did, from the tree
// after it; it returns the message's blocks.
type futureMessage func(sum *workflow.Summary, actor string, res *workflow.Result) []slack.Block

// postFuture says in the RCA's channel what changed and posts the new
// Future Reality Tree. A replayed submission posts nothing again.
func (b *Bot) postFuture(ctx context.Context, log *slog.Logger, actor workflow.Actor, rcaID int64, res *workflow.Result, say futureMessage) {
	if res.Replayed {
		return
	}
	sum, err := b.svc.Summary(ctx, actor, rcaID)
	if err != nil {
		log.Error("future reality tree: load the summary", "rca", rcaID, "error", err)
		return
	}
	blocks := b.withWebLink(ctx, log, rcaID, clipMessage(say(sum, actor.UserID, res)))
	if _, _, err := b.api.PostMessageContext(ctx, sum.RCA.ChannelID, slack.MsgOptionText("Future Reality Tree changed", false),
		slack.MsgOptionBlocks(blocks...)); err != nil {
		log.Error("post a future reality tree change", "rca", rcaID, "error", err)
		return
	}
	if _, err := b.postFRT(ctx, log, sum); err != nil {
		log.Error("post the future reality tree", "rca", rcaID, "error", err)
		b.whisper(ctx, log, sum.RCA.ChannelID, actor.UserID, userText(log, err))
	}
}

// negativeText is the message of a new negative branch, with its Trim button.
func negativeText(sum *workflow.Summary, actor string, res *workflow.Result) []slack.Block {
	chain := branchOf(sum, res.NewNodes)
	text := fmt.Sprintf(":warning: <@%s> raised a *negative branch*:\n%s", actor, chain)
	ids := make([]int64, len(res.NewNodes))
	for i, id := range res.NewNodes {
		ids[i] = int64(id)
	}
	return []slack.Block{
		sectionWithButton(text, button(":scissors: Trim it…", actTrim, rcaValue(sum.RCA.ID, ids...), "")),
		contextBlock("Until another injection trims it, it is a risk of the fixes: red in the Future Reality Tree and listed in the summary."),
	}
}

// branchOf is the IF/THEN text of the negative branch whose steps are ids.
func branchOf(sum *workflow.Summary, ids []tree.NodeID) string {
	if len(ids) == 0 {
		return ""
	}
	for _, br := range sum.Negative {
		if br.End == ids[len(ids)-1] {
			return branchText(sum.Tree, br)
		}
	}
	return nodeList(sum.Tree, ids)
}

// branchText is a negative branch as IF/THEN text: its injections, then
// its steps. Texts are escaped.
func branchText(t *tree.Tree, br tree.NegativeBranch) string {
	quote := func(ids []tree.NodeID) string {
		parts := make([]string, 0, len(ids))
		for _, id := range ids {
			if n, ok := t.Node(id); ok {
				parts = append(parts, "“"+truncateEscaped(n.Text, 200)+"”")
			}
		}
		return strings.Join(parts, " and ")
	}
	var sb strings.Builder
	sb.WriteString("*IF* " + quote(br.From))
	for _, id := range br.Steps {
		sb.WriteString(" *THEN* " + quote([]tree.NodeID{id}))
	}
	return sb.String()
}

// branchPlain is a negative branch as IF/THEN text, each node's text made
// safe by esc: for the canvas and the Markdown report.
func branchPlain(t *tree.Tree, br tree.NegativeBranch, esc func(string) string) string {
	text := func(id tree.NodeID) string {
		if n, ok := t.Node(id); ok {
			return id.String() + " " + esc(n.Text)
		}
		return id.String()
	}
	from := make([]string, len(br.From))
	for i, id := range br.From {
		from[i] = text(id)
	}
	out := "IF " + strings.Join(from, " and ")
	for _, id := range br.Steps {
		out += " THEN " + text(id)
	}
	return out
}

// desirableText is the message of a new desirable effect.
func desirableText(sum *workflow.Summary, actor string, res *workflow.Result) []slack.Block {
	ids := append(append([]tree.NodeID{}, res.NewNodes...), res.Existing...)
	var effect string
	for _, id := range ids {
		if n, ok := sum.Tree.Node(id); ok {
			effect = truncateEscaped(n.Text, 600)
		}
	}
	return []slack.Block{section(fmt.Sprintf(":large_green_circle: <@%s> added a *desirable effect* of a fix:\n>%s", actor, effect))}
}

// counterpartsText is the message of reworded good outcomes.
func counterpartsText(sum *workflow.Summary, actor string, _ *workflow.Result) []slack.Block {
	counter := tree.Counterparts(sum.Tree)
	lines := []string{fmt.Sprintf(":large_green_circle: <@%s> worded the good outcomes of the removed symptoms:", actor)}
	for _, id := range sum.Combined.Removed[:min(len(sum.Combined.Removed), maxCounterparts)] {
		lines = append(lines, fmt.Sprintf("• %s → %s", id, truncateEscaped(tree.CounterpartText(sum.Tree, counter, id), 300)))
	}
	return pagedSections(lines, 3)
}

// trimText is the message of a trimmed negative branch.
func trimText(sum *workflow.Summary, actor string, res *workflow.Result) []slack.Block {
	ids := append(append([]tree.NodeID{}, res.NewNodes...), res.Existing...)
	var inj, step string
	for _, id := range ids {
		if n, ok := sum.Tree.Node(id); ok {
			inj, step = truncateEscaped(n.Text, 600), nodeRef(sum.Tree, n.Against, 200)
		}
	}
	text := fmt.Sprintf(":scissors: <@%s> trimmed a negative branch at %s with the injection\n>%s", actor, step, inj)
	if left := len(sum.Untrimmed()); left > 0 {
		text += fmt.Sprintf("\n%d negative branch(es) still untrimmed.", left)
	}
	return []slack.Block{section(text)}
}
