package bot

// The "Add cause" modal: existing nodes by type-ahead (block_suggestion),
// new causes one per line, and the logic (OR / AND). It opens from the
// walk and from `/rca cause #N`.

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// "Add cause" ids. Input block ids equal the workflow's field names.
const (
	viewAddCause = "add_cause"

	fieldCauseExisting = "existing"
	fieldCauseAlso     = "existing_also" // a second existing node, for an AND of two
	fieldCauseNew      = "new_texts"
	fieldCauseLogic    = "logic"

	actCauseExisting = "add_cause_existing"
	actCauseAlso     = "add_cause_existing_also"
	actCauseLogic    = "add_cause_logic"

	// causeMaxNew is how many new causes one submission may add.
	causeMaxNew = 20
)

// addCauseRoutes registers the modal, its type-ahead and /rca cause.
func (b *Bot) addCauseRoutes(rt *routes) {
	rt.slash["cause"] = b.slashCause
	rt.views[viewAddCause] = b.submitAddCause
	rt.suggestions[actCauseExisting] = b.suggestCauseNodes
	rt.suggestions[actCauseAlso] = b.suggestCauseNodes
}

// slashCause handles `/rca cause #N`: the "Add cause" modal for node N of
// this channel's RCA.
func (b *Bot) slashCause(ctx context.Context, r *reply, cmd *slack.SlashCommand, args string) {
	actor := workflow.Actor{UserID: cmd.UserID}
	id, ok := causeParseNode(args)
	if !ok {
		r.ack = ephemeralAck("Which node? Use `/rca cause #N` with the node's number, e.g. `/rca cause #3`.")
		return
	}
	rca, err := b.rcaHere(ctx, actor, cmd.ChannelID)
	if err != nil {
		r.ack = ephemeralAck(userText(r.log, err))
		return
	}
	if err := b.openAddCause(ctx, r, actor, rca.ID, id, cmd.TriggerID); err != nil {
		r.ack = ephemeralAck(userText(r.log, err))
	}
}

// causeParseNode reads "#N" or "N".
func causeParseNode(s string) (tree.NodeID, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(s), "#"))
	if err != nil || n <= 0 {
		return 0, false
	}
	return tree.NodeID(n), true
}

// openAddCause checks that the actor may add causes to node id now (joining
// a public RCA first) and opens the modal.
func (b *Bot) openAddCause(ctx context.Context, r *reply, actor workflow.Actor, rcaID int64, id tree.NodeID, triggerID string) error {
	rca, err := b.svc.RCA(ctx, actor, rcaID)
	if err != nil {
		return err
	}
	if err := b.walkJoin(ctx, r, actor, rca); err != nil {
		return err
	}
	if err := workflow.Check(rca, actor.UserID, workflow.CmdAddCauses); err != nil {
		return err
	}
	t, err := b.svc.Tree(ctx, actor, rcaID)
	if err != nil {
		return err
	}
	n, ok := t.Node(id)
	if !ok {
		return workflow.Errorf(workflow.ENotFound, "there is no node %s in this RCA.", id)
	}
	if _, err := b.api.OpenViewContext(ctx, triggerID, addCauseModal(rcaID, n, t.NumNodes() > 1)); err != nil {
		return fmt.Errorf("open the add cause modal: %w", err)
	}
	return nil
}

// addCauseModal is the "Add cause" modal for effect; the effect travels in
// private_metadata and is checked again on submit.
func addCauseModal(rcaID int64, effect *tree.Node, others bool) slack.ModalViewRequest {
	blocks := []slack.Block{
		section(fmt.Sprintf("Why did this happen?\n*%s* %s", effect.ID, truncateEscaped(effect.Text, tree.MaxTextRunes+50))),
	}
	if others {
		blocks = append(blocks,
			causeNodeSelect(fieldCauseExisting, actCauseExisting, "Existing node", "A node already in the tree that causes this one."),
			causeNodeSelect(fieldCauseAlso, actCauseAlso, "Another existing node", "Only when two existing nodes cause it together (AND) or each alone (OR)."))
	}
	newIn := textInput(fieldCauseNew, "New causes", "One cause per line", "", true, 0, others)
	blocks = append(blocks, withHint(newIn,
		"One per line, each a condition that was true, e.g. “No circuit breaker is configured”. Describe conditions, not people."))

	radio := slack.NewRadioButtonsBlockElement(actCauseLogic,
		option("each is enough on its own (OR)", string(workflow.LogicOr)),
		option("only together (AND)", string(workflow.LogicAnd)),
	)
	radio.InitialOption = option("each is enough on its own (OR)", string(workflow.LogicOr))
	logicIn := withHint(slack.NewInputBlock(fieldCauseLogic, plain("How do they produce it?", maxLabel), nil, radio),
		"Matters when there are two or more causes.")
	blocks = append(blocks, logicIn)
	return modal(viewAddCause, "Add cause", "Add", rcaValue(rcaID, int64(effect.ID)), blocks...)
}

// causeNodeSelect is an optional external select over the tree's nodes,
// with type-ahead from the first keystroke.
func causeNodeSelect(blockID, actionID, label, hint string) *slack.InputBlock {
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeExternal, plain("Type words or a #number", maxPlaceholder), actionID)
	zero := 0
	sel.MinQueryLength = &zero
	in := withHint(slack.NewInputBlock(blockID, plain(label, maxLabel), nil, sel), hint)
	in.Optional = true
	return in
}

// causeInput reads the modal's state.
func causeInput(v map[string]map[string]slack.BlockAction, effect tree.NodeID) (workflow.AddCausesInput, error) {
	in := workflow.AddCausesInput{Effect: effect, Logic: workflow.Logic(v[fieldCauseLogic][actCauseLogic].SelectedOption.Value)}
	for _, f := range []struct{ block, action string }{{fieldCauseExisting, actCauseExisting}, {fieldCauseAlso, actCauseAlso}} {
		if s := v[f.block][f.action].SelectedOption.Value; s != "" {
			id, ok := causeParseNode(s)
			if !ok {
				return in, workflow.Invalidf(f.block, "Pick a node from the list.")
			}
			in.Existing = append(in.Existing, id)
		}
	}
	var err error
	in.NewTexts, err = newCauseLines(v, "causes at a time", "; for many, use /rca paste")
	return in, err
}

// newCauseLines reads the "one per line" input of a cause modal, refusing
// more than causeMaxNew lines; what and hint word the refusal.
func newCauseLines(v map[string]map[string]slack.BlockAction, what, hint string) ([]string, error) {
	var lines []string
	for _, line := range strings.Split(neutralMentions(v[fieldCauseNew][fieldCauseNew].Value), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	if len(lines) > causeMaxNew {
		return lines, workflow.Invalidf(fieldCauseNew, "Please add at most %d %s (you wrote %d lines)%s.", causeMaxNew, what, len(lines), hint)
	}
	return lines, nil
}

// submitAddCause wires the causes of the modal into its effect; problems
// come back as field errors in the ack.
func (b *Bot) submitAddCause(ctx context.Context, r *reply, cb *slack.InteractionCallback) {
	actor := workflow.Actor{UserID: cb.User.ID}
	rcaID, in, err := addCauseSubmission(cb)
	var res *workflow.Result
	if err == nil {
		res, err = b.svc.AddCauses(r.key(ctx, "add_causes"), actor, rcaID, in)
	}
	if err != nil {
		r.ack = viewErrors(r.log, cb, err, fieldCauseNew)
		return
	}
	b.changed(actor, rcaID, change{})
	r.later(func(ctx context.Context) { b.adviseAuthor(ctx, r, actor, rcaID, res) })
}

// addCauseSubmission reads the RCA and the causes from the Add cause modal.
func addCauseSubmission(cb *slack.InteractionCallback) (int64, workflow.AddCausesInput, error) {
	rcaID, items, err := parseValue(cb.View.PrivateMetadata)
	if err == nil && len(items) != 1 {
		err = workflow.Errorf(workflow.ENotFound, "this form is out of date; open it again from the walk.")
	}
	var in workflow.AddCausesInput
	if err == nil {
		in, err = causeInput(cb.View.State.Values, tree.NodeID(items[0]))
	}
	return rcaID, in, err
}

// suggestCauseNodes answers the type-ahead of the existing-node select.
func (b *Bot) suggestCauseNodes(ctx context.Context, r *reply, cb *slack.InteractionCallback) {
	empty := slack.OptionsResponse{Options: []*slack.OptionBlockObject{}}
	rcaID, items, err := parseValue(cb.View.PrivateMetadata)
	if err != nil || len(items) != 1 {
		r.ack = empty
		return
	}
	t, err := b.svc.Tree(ctx, workflow.Actor{UserID: cb.User.ID}, rcaID)
	if err != nil {
		r.log.Debug("type-ahead without a tree", "error", err)
		r.ack = empty
		return
	}
	r.ack = slack.OptionsResponse{Options: causeNodeOptions(t, cb.Value, tree.NodeID(items[0]))}
}

// causeNodeOptions lists the nodes matching a type-ahead query, at most 100:
// "#N" or "N" finds that node first, then the nodes whose number starts with
// the digits; words find the nodes whose text contains every word. The
// effect itself is left out.
func causeNodeOptions(t *tree.Tree, query string, effect tree.NodeID) []*slack.OptionBlockObject {
	q := strings.ToLower(strings.TrimSpace(query))
	digits := strings.TrimPrefix(q, "#")
	_, numErr := strconv.Atoi(digits)
	byNumber := digits != "" && numErr == nil
	words := strings.Fields(q)
	out := []*slack.OptionBlockObject{}
	add := func(n *tree.Node) {
		if len(out) < maxOptions {
			out = append(out, option(fmt.Sprintf("%s %s", n.ID, n.Text), strconv.Itoa(int(n.ID))))
		}
	}
	if byNumber {
		if id, _ := strconv.Atoi(digits); id > 0 && tree.NodeID(id) != effect {
			if n, ok := t.Node(tree.NodeID(id)); ok {
				add(n)
			}
		}
	}
	for _, n := range t.Nodes() {
		if n.ID == effect || len(out) == maxOptions {
			continue
		}
		id := strconv.Itoa(int(n.ID))
		switch {
		case byNumber && id == digits:
			// already first
		case byNumber && strings.HasPrefix(id, digits):
			add(n)
		case !byNumber && causeMatches(n.Text, words):
			add(n)
		}
	}
	return out
}

// causeMatches reports whether text contains every word, ignoring case.
func causeMatches(text string, words []string) bool {
	lower := strings.ToLower(text)
	for _, w := range words {
		if !strings.Contains(lower, w) {
			return false
		}
	}
	return true
}

// adviseAuthor tells the author of a change privately about wording hints,
// blame-worded texts and past core causes that look alike (the sufficiency
// prompt is on the walk message). It says nothing when there is nothing to say.
func (b *Bot) adviseAuthor(ctx context.Context, r *reply, actor workflow.Actor, rcaID int64, res *workflow.Result) {
	b.shareMemory(ctx, r, res)
	text := adviceText(res)
	if text == "" {
		return
	}
	b.tellInRCA(ctx, r, actor, rcaID, text)
}

// tellInRCA shows text to the actor only, in the RCA's channel, or by DM
// when that fails.
func (b *Bot) tellInRCA(ctx context.Context, r *reply, actor workflow.Actor, rcaID int64, text string) {
	rca, err := b.svc.RCA(ctx, actor, rcaID)
	if err == nil && rca.ChannelID != "" {
		_, err = b.api.PostEphemeralContext(ctx, rca.ChannelID, actor.UserID, slack.MsgOptionText(Truncate(text, maxText), false))
		if err == nil {
			return
		}
	}
	r.log.Debug("private note by DM instead", "rca", rcaID, "error", err)
	b.dm(ctx, r.log, actor.UserID, text)
}

// adviceText is the private note about a result's new nodes.
func adviceText(res *workflow.Result) string {
	if res == nil {
		return ""
	}
	var lines []string
	for _, h := range res.Hints {
		lines = append(lines, fmt.Sprintf(":bulb: *%s*: %s", h.Node, Escape(h.Hint.Message)))
	}
	for _, bl := range res.Blame {
		msg := strings.Join(bl.Finding.Reasons, " ")
		if bl.Finding.Suggestion != "" {
			msg += " " + bl.Finding.Suggestion
		}
		lines = append(lines, fmt.Sprintf(":handshake: *%s* reads as blaming a person. %s I kept your text and marked the node.", bl.Node, Escape(msg)))
	}
	_, private := splitSimilar(res.Similar)
	for _, s := range private {
		lines = append(lines, memoryHintText(s)+"\n_Only you see this: not everyone in this channel may see that RCA._")
	}
	return strings.Join(lines, "\n")
}
