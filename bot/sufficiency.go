package bot

// Acting on the sufficiency prompt, and "Add cause" from the outline.
//
// The walk asks "Is [cause] always enough to produce [effect]? If not, add
// what else must be true (AND)" when a node is the lone cause of an effect's
// only link. "Add what else must be true…" next to the prompt opens an
// "Add cause" modal that grows THAT link (workflow AddCausesInput.Extend),
// so the answer becomes IF [cause] AND [premise] THEN [effect] instead of a
// second, separate link. The outline offers "Add cause under…" on each page:
// choosing a node opens the ordinary "Add cause" modal for it.

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// Ids of the sufficiency modal and the outline's node select. The prompt's
// button value is rcaValue(rca, link, effect); the modal's private_metadata
// is the same value; outline options are rcaValue(rca, node).
const (
	actSufficiency      = "sufficiency_extend"
	actSufficiencyNodes = "sufficiency_existing"
	viewSufficiency     = "add_cause_extend"
	actOutlineAddCause  = "outline_add_cause"

	// sufficiencyButton is the text of the prompt's button.
	sufficiencyButton = "Add what else must be true…"
	// outlineAddCausePlaceholder is the text of the outline's node select.
	outlineAddCausePlaceholder = "Add cause under…"
	// outlineNavBlock is the block id of the outline's page buttons.
	outlineNavBlock = "outline_nav"
)

// sufficiencyRoutes registers the prompt's button, its modal and
// type-ahead, and the outline's "Add cause under…".
func (b *Bot) sufficiencyRoutes(rt *routes) {
	rt.actions[actSufficiency] = b.clickSufficiency
	rt.views[viewSufficiency] = b.submitSufficiency
	rt.suggestions[actSufficiencyNodes] = b.suggestSufficiencyNodes
	rt.actions[actOutlineAddCause] = b.selectOutlineAddCause
}

// sufficiencyBlocks are the walk's prompts about node n, each with the
// button that grows the link it asks about. A prompt is shown when the
// workflow asked it (step.Prompts) for a link whose lone cause is n.
func sufficiencyBlocks(rcaID int64, step *workflow.WalkStep, t *tree.Tree, n *tree.Node) []slack.Block {
	var out []slack.Block
	for _, g := range t.GroupsFrom(n.ID) {
		if len(out) == walkMaxPrompts {
			break
		}
		e, ok := t.Node(g.Effect)
		if !ok || len(g.Causes) != 1 {
			continue
		}
		p := promptAbout(step.Prompts, n.Text, e.Text)
		if p == "" {
			continue
		}
		btn := button(sufficiencyButton, actSufficiency, rcaValue(rcaID, int64(g.ID), int64(g.Effect)), "")
		out = append(out, sectionWithButton(":thinking_face: "+Escape(p), btn))
	}
	return out
}

// promptAbout returns the prompt asking whether cause is enough for effect, or "".
func promptAbout(prompts []string, cause, effect string) string {
	needle := "[" + cause + "] always enough to produce [" + effect + "]"
	for _, p := range prompts {
		if strings.Contains(p, needle) {
			return p
		}
	}
	return ""
}

// clickSufficiency opens the modal that grows the prompt's link, after
// checking that the walk still takes causes and the link still exists.
func (b *Bot) clickSufficiency(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	actor := workflow.Actor{UserID: cb.User.ID}
	rca, items, err := b.rcaForAction(ctx, cb, act.Value)
	if err == nil && len(items) != 2 {
		err = workflow.Errorf(workflow.ENotFound, "this button is out of date.")
	}
	if err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	link, effect := tree.GroupID(items[0]), tree.NodeID(items[1])
	if !walkActive(rca.Phase) {
		b.tell(ctx, r, cb, fmt.Sprintf(":information_source: The wiring walk is over: this RCA is in the %s phase.", phaseName(rca.Phase)))
		b.changed(actor, rca.ID, change{})
		return
	}
	if err := b.walkJoin(ctx, r, actor, rca); err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	if err := workflow.Check(rca, actor.UserID, workflow.CmdAddCauses); err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	t, err := b.svc.Tree(ctx, actor, rca.ID)
	if err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	g, ok := t.Group(link)
	if !ok || g.Effect != effect {
		b.tell(ctx, r, cb, fmt.Sprintf(":information_source: Link %d is no longer in the tree, so there is nothing to add to it. The walk message now shows where things stand.", link))
		b.changed(actor, rca.ID, change{})
		return
	}
	if _, err := b.api.OpenViewContext(ctx, cb.TriggerID, sufficiencyModal(rca.ID, t, g)); err != nil {
		b.fail(ctx, r, cb, fmt.Errorf("open the sufficiency modal: %w", err))
	}
}

// sufficiencyModal is the "Add cause" modal in "grow link g" mode: what
// else must be true, written as new premises or picked among the nodes;
// there is no logic choice, as the answer joins the link (AND).
func sufficiencyModal(rcaID int64, t *tree.Tree, g *tree.Group) slack.ModalViewRequest {
	e, _ := t.Node(g.Effect)
	causes := make([]string, 0, len(g.Causes))
	for _, c := range g.Causes {
		causes = append(causes, walkNodeRef(t, c, 150))
	}
	intro := fmt.Sprintf("Is %s always enough to produce %s?\nIf not, add what else must be true. It joins link %d, which then reads IF %s AND … THEN %s.",
		strings.Join(causes, " and "), walkNodeRef(t, e.ID, 150), g.ID, strings.Join(idsOf(g.Causes), " AND "), e.ID)
	blocks := []slack.Block{section(intro)}
	others := t.NumNodes() > len(g.Causes)+1
	if others {
		blocks = append(blocks, causeNodeSelect(fieldCauseExisting, actSufficiencyNodes, "Existing node",
			"A node already in the tree that must also be true."))
	}
	newIn := textInput(fieldCauseNew, "What else must be true", "One condition per line", "", true, 0, others)
	blocks = append(blocks, withHint(newIn,
		"One per line, each a condition that was also true, e.g. “The retry budget is unlimited”. Describe conditions, not people."))
	return modal(viewSufficiency, "Add cause", "Add", rcaValue(rcaID, int64(g.ID), int64(g.Effect)), blocks...)
}

// idsOf renders node numbers as "#3".
func idsOf(ids []tree.NodeID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// sufficiencyInput reads the modal's state: new texts become premises.
func sufficiencyInput(v map[string]map[string]slack.BlockAction, link tree.GroupID, effect tree.NodeID) (workflow.AddCausesInput, error) {
	in := workflow.AddCausesInput{Effect: effect, Extend: link, Logic: workflow.LogicAnd, Kind: tree.KindPremise}
	if s := v[fieldCauseExisting][actSufficiencyNodes].SelectedOption.Value; s != "" {
		id, ok := causeParseNode(s)
		if !ok {
			return in, workflow.Invalidf(fieldCauseExisting, "Pick a node from the list.")
		}
		in.Existing = append(in.Existing, id)
	}
	var err error
	in.NewTexts, err = newCauseLines(v, "conditions at a time", "")
	return in, err
}

// sufficiencyTarget reads the link and effect from the modal's metadata.
func sufficiencyTarget(meta string) (int64, tree.GroupID, tree.NodeID, error) {
	rcaID, items, err := parseValue(meta)
	if err == nil && len(items) != 2 {
		err = workflow.Errorf(workflow.ENotFound, "this form is out of date; open it again from the walk.")
	}
	if err != nil {
		return 0, 0, 0, err
	}
	return rcaID, tree.GroupID(items[0]), tree.NodeID(items[1]), nil
}

// submitSufficiency grows the link; problems come back as field errors.
func (b *Bot) submitSufficiency(ctx context.Context, r *reply, cb *slack.InteractionCallback) {
	actor := workflow.Actor{UserID: cb.User.ID}
	rcaID, link, effect, err := sufficiencyTarget(cb.View.PrivateMetadata)
	var in workflow.AddCausesInput
	if err == nil {
		in, err = sufficiencyInput(cb.View.State.Values, link, effect)
	}
	var res *workflow.Result
	if err == nil {
		res, err = b.svc.AddCauses(r.key(ctx, "extend_group"), actor, rcaID, in)
	}
	if err != nil {
		r.ack = viewErrors(r.log, cb, err, fieldCauseNew)
		return
	}
	b.changed(actor, rcaID, change{}) // a grown link's card reads differently too
	r.later(func(ctx context.Context) { b.adviseAuthor(ctx, r, actor, rcaID, res) })
}

// suggestSufficiencyNodes answers the type-ahead of the modal's node select.
func (b *Bot) suggestSufficiencyNodes(ctx context.Context, r *reply, cb *slack.InteractionCallback) {
	r.ack = slack.OptionsResponse{Options: []*slack.OptionBlockObject{}}
	rcaID, _, effect, err := sufficiencyTarget(cb.View.PrivateMetadata)
	if err != nil {
		return
	}
	t, err := b.svc.Tree(ctx, workflow.Actor{UserID: cb.User.ID}, rcaID)
	if err != nil {
		r.log.Debug("type-ahead without a tree", "error", err)
		return
	}
	r.ack = slack.OptionsResponse{Options: causeNodeOptions(t, cb.Value, effect)}
}

// outlineNodes orders the tree's nodes as the outline lists them: symptoms
// (UDEs) first, then the others, each by number.
func outlineNodes(t *tree.Tree) []*tree.Node {
	nodes := t.Nodes()
	slices.SortStableFunc(nodes, func(a, b *tree.Node) int {
		if ua, ub := a.Kind == tree.KindUDE, b.Kind == tree.KindUDE; ua != ub {
			if ua {
				return -1
			}
			return 1
		}
		return int(a.ID) - int(b.ID)
	})
	return nodes
}

// withOutlineAddCause adds "Add cause under…" to an outline page while the
// RCA takes causes: a static select of the page's nodes (at most
// outlinePageLines, so within Slack's 100 options). It joins the page
// buttons' actions block, or gets its own when the page has none, so the
// page stays within 50 blocks.
func withOutlineAddCause(blocks []slack.Block, rca *workflow.RCA, t *tree.Tree, page int) []slack.Block {
	if rule, _ := workflow.RuleFor(workflow.CmdAddCauses); !slices.Contains(rule.Phases, rca.Phase) {
		return blocks
	}
	nodes := outlineNodes(t)
	page = min(max(page, 1), outlinePages(len(nodes)))
	from := (page - 1) * outlinePageLines
	nodes = nodes[from:min(from+outlinePageLines, len(nodes))]
	opts := make([]*slack.OptionBlockObject, 0, len(nodes))
	for _, n := range nodes {
		if n.Kind != tree.KindInjection && n.Kind != tree.KindDesiredEffect {
			opts = append(opts, option(fmt.Sprintf("%s %s", n.ID, n.Text), rcaValue(rca.ID, int64(n.ID))))
		}
	}
	if len(opts) == 0 {
		return blocks
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(outlineAddCausePlaceholder, maxPlaceholder),
		actOutlineAddCause, clipOptions(opts)...)
	if last, ok := blocks[len(blocks)-1].(*slack.ActionBlock); ok && last.BlockID == outlineNavBlock {
		last.Elements.ElementSet = append([]slack.BlockElement{sel}, last.Elements.ElementSet...)
		return blocks
	}
	if len(blocks) >= maxMessageBlocks {
		return blocks
	}
	return append(blocks, actions("outline_add_cause", sel))
}

// selectOutlineAddCause opens "Add cause" for the node chosen in the outline.
func (b *Bot) selectOutlineAddCause(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	rca, items, err := b.rcaForAction(ctx, cb, act.SelectedOption.Value)
	if err == nil && len(items) != 1 {
		err = workflow.Errorf(workflow.ENotFound, "this menu is out of date. Use the buttons on the pinned dashboard.")
	}
	if err == nil {
		err = b.openAddCause(ctx, r, workflow.Actor{UserID: cb.User.ID}, rca.ID, tree.NodeID(items[0]), cb.TriggerID)
	}
	if err != nil {
		b.fail(ctx, r, cb, err)
	}
}
