package bot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// Ids of the reservation modals. Input block ids equal the workflow's field
// names, so field errors land on the right input.
const (
	viewRaise   = "raise_reservation"   // metadata rcaValue(rca, link)
	viewResolve = "resolve_reservation" // metadata rcaValue(rca, link, reservation)

	actNodeSearch = "repair_node_search" // external select of existing nodes

	resFieldCategory = "category"
	resFieldTarget   = "target"
	resFieldNote     = "note"
	resFieldAction   = "action"
	resFieldText     = "text"
	resFieldNode     = "node"
	resFieldEvidence = "evidence"

	resTargetLink = "link" // the target option for the whole link
)

// resWords is how the modal names a category and explains it in one line.
type resWords struct {
	label, explain string
}

// resCategories are the eight Categories of Legitimate Reservation in words.
var resCategories = map[workflow.Category]resWords{
	workflow.CatClarity:           {"Clarity", "The statement is unclear → propose a rewording."},
	workflow.CatEntityExistence:   {"Entity existence", "Is this actually true? → ask for evidence; it is unverified."},
	workflow.CatCausalityExists:   {"Causality existence", "Does the cause really lead to the effect? → evidence or removal."},
	workflow.CatCauseInsufficient: {"Cause insufficiency", "The cause alone is not enough → add the missing premise (AND)."},
	workflow.CatAdditionalCause:   {"Additional cause", "The effect can also come from elsewhere → add another cause (OR)."},
	workflow.CatReversal:          {"Cause-effect reversal", "The arrow points the wrong way → flip it."},
	workflow.CatPredictedEffect:   {"Predicted effect existence", "If the cause were true we'd also see X; do we? → add X."},
	workflow.CatTautology:         {"Tautology", "The effect is the only evidence of the cause → rewrite or remove."},
}

// categoryLabel is a category as people read it.
func categoryLabel(c workflow.Category) string {
	if info, ok := resCategories[c]; ok {
		return info.label
	}
	return strings.ReplaceAll(string(c), "_", " ")
}

// resRepairs is how the resolve modal offers a repair.
var resRepairs = map[workflow.RepairAction]resWords{
	workflow.RepairAddPremise: {"Add the missing premise", "It joins the link's AND group: all causes together are needed."},
	workflow.RepairAddCause:   {"Add another cause (OR)", "A new link into the same effect; each link alone is enough."},
	workflow.RepairFlip:       {"Flip the arrow", "The effect becomes the cause."},
	workflow.RepairReword:     {"Reword a node", "Give the node a clearer, checkable statement."},
	workflow.RepairEvidence:   {"Attach evidence", "A link or note that shows it is true."},
	workflow.RepairAddEffect:  {"Add the predicted effect", "A new node caused by this link's causes, with evidence."},
	workflow.RepairRemoveLink: {"Remove the link", "It leaves the tree; Undo can bring it back."},
	workflow.RepairDismiss:    {"Dismiss", "Close the reservation without a change (raiser or facilitator)."},
}

func (b *Bot) reservationRoutes(rt *routes) {
	rt.actions[actCardRaise] = b.clickRaise
	rt.actions[actCardResolve] = b.clickResolve
	rt.views[viewRaise] = b.submitRaise
	rt.views[viewResolve] = b.submitResolve
	rt.suggestions[actNodeSearch] = b.suggestNodes
}

// resNodeOption is a node as a select option: "#7 text".
func resNodeOption(n *tree.Node) *slack.OptionBlockObject {
	return option(n.ID.String()+" "+n.Text, strconv.Itoa(int(n.ID)))
}

// resLinkNodes returns the nodes of a link: its causes, then its effect.
func resLinkNodes(t *tree.Tree, g *tree.Group) []*tree.Node {
	var out []*tree.Node
	for _, id := range append(slices.Clone(g.Causes), g.Effect) {
		if n, ok := t.Node(id); ok {
			out = append(out, n)
		}
	}
	return out
}

// clickResolve opens the modal that repairs the tree for one reservation.
func (b *Bot) clickResolve(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	rca, items, ok := b.cardTarget(ctx, r, cb, act.Value)
	if !ok {
		return
	}
	actor := workflow.Actor{UserID: cb.User.ID}
	if len(items) != 2 {
		b.fail(ctx, r, cb, workflow.Errorf(workflow.ENotFound, "this button is out of date."))
		return
	}
	rca, err := b.participantFor(ctx, r, actor, rca, workflow.CmdRepair)
	if err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	sum, err := b.svc.Summary(ctx, actor, rca.ID)
	if err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	i := slices.IndexFunc(sum.Open.OpenReservations, func(rv workflow.Reservation) bool { return rv.ID == items[1] })
	if i < 0 {
		link := tree.GroupID(items[0])
		b.tell(ctx, r, cb, ":information_source: That reservation is already settled; the card now shows where the link stands.")
		b.changed(actor, rca.ID, change{cards: []tree.GroupID{link}})
		return
	}
	g, _ := sum.Tree.Group(tree.GroupID(items[0]))
	v := resolveModal(rca.ID, sum.Tree, g, sum.Open.OpenReservations[i])
	if _, err := b.api.OpenViewContext(ctx, cb.TriggerID, v); err != nil {
		b.fail(ctx, r, cb, fmt.Errorf("open the resolve modal: %w", err))
	}
}

// resTextLabel names the text input for the category's repairs.
func resTextLabel(c workflow.Category) (label, placeholder string) {
	switch c {
	case workflow.CatCauseInsufficient:
		return "Missing premise", "What else must be true for the effect? One condition, present tense."
	case workflow.CatAdditionalCause:
		return "Other cause", "What else alone produces the effect?"
	case workflow.CatPredictedEffect:
		return "Predicted effect", "What else would we see if the cause were true?"
	}
	return "New wording", "A clear, checkable statement"
}

// resolveModal performs the repairs of the reservation's category. Only
// the inputs those repairs need are shown; the workflow checks the rest.
func resolveModal(rcaID int64, t *tree.Tree, g *tree.Group, rv workflow.Reservation) slack.ModalViewRequest {
	acts := resRepairsOffered(rv)
	var opts []*slack.OptionBlockObject
	for _, a := range acts {
		opts = append(opts, optionWithDescription(resRepairs[a].label, string(a), resRepairs[a].explain))
	}
	radio := slack.NewRadioButtonsBlockElement(resFieldAction, opts...)
	radio.InitialOption = opts[0]
	blocks := []slack.Block{section(resolveIntro(t, g, rv)), slack.NewInputBlock(resFieldAction, plain("Repair", maxLabel), nil, radio)}

	needs := func(want ...workflow.RepairAction) bool {
		return slices.ContainsFunc(acts, func(a workflow.RepairAction) bool { return slices.Contains(want, a) })
	}
	if needs(workflow.RepairAddPremise, workflow.RepairAddCause, workflow.RepairReword, workflow.RepairAddEffect) {
		label, ph := resTextLabel(rv.Category)
		blocks = append(blocks, textInput(resFieldText, label, ph, resInitialText(t, rv, acts), false, tree.MaxTextRunes, true))
	}
	if in := resNodeInput(t, g, rv, needs); in != nil {
		blocks = append(blocks, in)
	}
	if needs(workflow.RepairEvidence, workflow.RepairAddEffect) {
		blocks = append(blocks, textInput(resFieldEvidence, "Evidence", "A link to a graph, log or ticket, or a note", "", true, workflow.MaxEvidenceRunes, true))
	}
	blocks = append(blocks, textInput(resFieldNote, "Note", "Why this settles it (kept with the reservation)", "", true, workflow.MaxNoteRunes, true))
	meta := []int64{int64(resCardLink(rv, g)), rv.ID}
	if rv.Node != 0 {
		meta = append(meta, int64(rv.Node)) // its other cards show it too
	}
	return modal(viewResolve, "Resolve reservation", "Apply", rcaValue(rcaID, meta...), blocks...)
}

// resNodeInput is the resolve modal's node input: an existing node to add
// (type-ahead over the whole tree), or the node of the link to reword; nil
// when the repairs need no node.
func resNodeInput(t *tree.Tree, g *tree.Group, rv workflow.Reservation, needs func(...workflow.RepairAction) bool) *slack.InputBlock {
	switch {
	case needs(workflow.RepairAddPremise, workflow.RepairAddCause):
		sel := slack.NewOptionsSelectBlockElement(slack.OptTypeExternal, plain("Type a few words or #number", maxPlaceholder), actNodeSearch)
		one := 1
		sel.MinQueryLength = &one
		in := withHint(slack.NewInputBlock(resFieldNode, plain("…or an existing node", maxLabel), nil, sel),
			"Use a node already in the tree instead of typing a new one.")
		in.Optional = true
		return in
	case needs(workflow.RepairReword) && rv.Node == 0 && g != nil:
		var nodes []*slack.OptionBlockObject
		for _, n := range resLinkNodes(t, g) {
			nodes = append(nodes, resNodeOption(n))
		}
		sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Which node?", maxPlaceholder), resFieldNode, clipOptions(nodes)...)
		in := withHint(slack.NewInputBlock(resFieldNode, plain("Node to reword", maxLabel), nil, sel), "Needed for a rewording.")
		in.Optional = true
		return in
	}
	return nil
}

// resRepairsOffered returns the repairs of the reservation's category that
// fit its target: a node has no link to remove.
func resRepairsOffered(rv workflow.Reservation) []workflow.RepairAction {
	acts := workflow.RepairsFor(rv.Category)
	if rv.Node != 0 {
		acts = slices.DeleteFunc(acts, func(a workflow.RepairAction) bool { return a == workflow.RepairRemoveLink })
	}
	return acts
}

// resInitialText prefills the rewording of a node reservation with the
// node's text, so the author edits rather than retypes it.
func resInitialText(t *tree.Tree, rv workflow.Reservation, acts []workflow.RepairAction) string {
	if rv.Node == 0 || !slices.Contains(acts, workflow.RepairReword) {
		return ""
	}
	if n, ok := t.Node(rv.Node); ok {
		return n.Text
	}
	return ""
}

// resCardLink is the link a reservation's card belongs to.
func resCardLink(rv workflow.Reservation, g *tree.Group) tree.GroupID {
	if g != nil {
		return g.ID
	}
	return rv.Group
}

// resolveIntro describes the reservation being resolved.
func resolveIntro(t *tree.Tree, g *tree.Group, rv workflow.Reservation) string {
	var about string
	switch {
	case rv.Node != 0:
		about = "node " + rv.Node.String()
		if n, ok := t.Node(rv.Node); ok {
			about += " [" + truncateEscaped(n.Text, 400) + "]"
		}
	case g != nil:
		about = fmt.Sprintf("link %d: %s", g.ID, truncateEscaped(tree.FormatGroupNumbered(t, g), 2000))
	default:
		about = fmt.Sprintf("link %d", rv.Group)
	}
	text := fmt.Sprintf("*%s* on %s\n_%s_", categoryLabel(rv.Category), about, resCategories[rv.Category].explain)
	if rv.Note != "" {
		text += "\n> " + truncateEscaped(strings.ReplaceAll(rv.Note, "\n", " "), 400)
	}
	return text
}

// repairInput reads the resolve modal.
func repairInput(cb *slack.InteractionCallback, reservation int64) (workflow.RepairInput, error) {
	v := cb.View.State.Values
	in := workflow.RepairInput{
		Reservation: reservation,
		Action:      workflow.RepairAction(v[resFieldAction][resFieldAction].SelectedOption.Value),
		Text:        strings.TrimSpace(neutralMentions(v[resFieldText][resFieldText].Value)),
		Evidence:    strings.TrimSpace(v[resFieldEvidence][resFieldEvidence].Value),
		Note:        strings.TrimSpace(v[resFieldNote][resFieldNote].Value),
	}
	node := v[resFieldNode][actNodeSearch].SelectedOption.Value
	if node == "" {
		node = v[resFieldNode][resFieldNode].SelectedOption.Value
	}
	if node != "" {
		n, err := strconv.Atoi(node)
		if err != nil || n <= 0 {
			return in, workflow.Invalidf(resFieldNode, "Pick a node from the list.")
		}
		in.Node = tree.NodeID(n)
	}
	adds := in.Action == workflow.RepairAddPremise || in.Action == workflow.RepairAddCause
	if adds && in.Node != 0 && in.Text != "" {
		return in, workflow.Invalidf(resFieldText, "Type a new statement or pick an existing node, not both.")
	}
	return in, nil
}

// submitResolve applies the repair; the cards are redrawn (a link the
// repair removed keeps its last words, struck through) and links the
// repair created get cards of their own.
func (b *Bot) submitResolve(ctx context.Context, r *reply, cb *slack.InteractionCallback) {
	rcaID, items, err := parseValue(cb.View.PrivateMetadata)
	if err != nil || len(items) < 2 || len(items) > 3 {
		r.ack = viewErrors(r.log, cb, workflow.Errorf(workflow.ENotFound, "This form is out of date; open it again from the card."), resFieldAction)
		return
	}
	actor := workflow.Actor{UserID: cb.User.ID}
	in, err := repairInput(cb, items[1])
	var res *workflow.Result
	if err == nil {
		res, err = b.svc.Repair(r.key(ctx, "repair"), actor, rcaID, in)
	}
	if err != nil {
		r.ack = viewErrors(r.log, cb, err, resFieldAction)
		return
	}
	b.changed(actor, rcaID, changedCards(res))
}

// resMaxSuggestions bounds the options of a type-ahead answer.
const resMaxSuggestions = 50

// suggestNodes answers the type-ahead of the "existing node" select: nodes
// whose number or text matches, leaving out the nodes of the link itself.
func (b *Bot) suggestNodes(ctx context.Context, r *reply, cb *slack.InteractionCallback) {
	r.ack = slack.OptionsResponse{Options: []*slack.OptionBlockObject{}}
	rcaID, items, err := parseValue(cb.View.PrivateMetadata)
	if err != nil {
		return
	}
	t, err := b.svc.Tree(ctx, workflow.Actor{UserID: cb.User.ID}, rcaID)
	if err != nil {
		r.log.Warn("node suggestions", "error", err)
		return
	}
	var skip []tree.NodeID
	if len(items) > 0 {
		if g, ok := t.Group(tree.GroupID(items[0])); ok {
			skip = append(slices.Clone(g.Causes), g.Effect)
		}
	}
	r.ack = slack.OptionsResponse{Options: resMatchNodes(t, cb.Value, skip, resMaxSuggestions)}
}

// resMatchNodes returns up to limit nodes whose "#N text" contains every
// word of query (case-insensitive), by number, leaving out skip.
func resMatchNodes(t *tree.Tree, query string, skip []tree.NodeID, limit int) []*slack.OptionBlockObject {
	words := strings.Fields(strings.ToLower(query))
	out := []*slack.OptionBlockObject{}
	for _, n := range t.Nodes() {
		if len(out) == limit {
			break
		}
		if slices.Contains(skip, n.ID) {
			continue
		}
		text := strings.ToLower(n.ID.String() + " " + n.Text)
		if !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(text, w) }) {
			out = append(out, resNodeOption(n))
		}
	}
	return out
}
