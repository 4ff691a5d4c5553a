package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/render"
	"github.com/untangle-rca/untangle/workflow"
)

// Ids of the "Propose fix" modal; input block ids equal the workflow's field names.
const (
	viewProposeFix = "propose_fix"
	fieldInjection = "injection"
	fieldOwner     = "owner"
)

func (b *Bot) fixRoutes(rt *routes) {
	rt.actions[actPlanFixes] = b.clickPlanFixes
	rt.actions[actProposeFix] = b.clickProposeFix
	rt.views[viewProposeFix] = b.submitProposeFix
}

// clickPlanFixes moves a challenged RCA on to planning fixes (facilitator
// only) and posts the tree with its core causes and "Propose fix" buttons.
// In the fixing phase anyone may click it to see them again.
func (b *Bot) clickPlanFixes(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	actor := workflow.Actor{UserID: cb.User.ID}
	rca, _, err := b.rcaForAction(ctx, cb, act.Value)
	if err == nil {
		switch rca.Phase {
		case workflow.PhaseFixing:
		case workflow.PhaseChallenging:
			_, err = b.svc.Advance(r.key(ctx, "plan_fixes"), actor, rca.ID)
		default:
			err = workflow.Check(rca, cb.User.ID, workflow.CmdProposeFix)
		}
	}
	if err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	if rca.Phase != workflow.PhaseFixing {
		rca.Phase = workflow.PhaseFixing
		r.later(func(ctx context.Context) { b.setTopic(ctx, r.log, rca) })
	}
	b.askPicture(r.log, actor, rca.ID)
}

// clickProposeFix opens the "Propose fix" modal for the node of the button.
func (b *Bot) clickProposeFix(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	actor := workflow.Actor{UserID: cb.User.ID}
	rca, items, err := b.rcaForAction(ctx, cb, act.Value)
	if err == nil && len(items) != 1 {
		err = workflow.Errorf(workflow.ENotFound, "this button is out of date. Render the tree again for fresh ones.")
	}
	if err == nil {
		err = workflow.Check(rca, cb.User.ID, workflow.CmdProposeFix)
	}
	var node *tree.Node
	if err == nil {
		node, err = b.nodeOf(ctx, actor, rca.ID, tree.NodeID(items[0]))
	}
	if err == nil {
		_, err = b.api.OpenViewContext(ctx, cb.TriggerID, proposeFixModal(rca.ID, node))
		if err != nil {
			err = fmt.Errorf("open the propose-fix modal: %w", err)
		}
	}
	if err != nil {
		b.fail(ctx, r, cb, err)
	}
}

// nodeOf returns a node of the RCA's current tree, or a kind not-found error.
func (b *Bot) nodeOf(ctx context.Context, actor workflow.Actor, rcaID int64, id tree.NodeID) (*tree.Node, error) {
	t, err := b.svc.Tree(ctx, actor, rcaID)
	if err != nil {
		return nil, err
	}
	n, ok := t.Node(id)
	if !ok {
		return nil, workflow.Errorf(workflow.ENotFound, "node %s is no longer in the tree.", id)
	}
	return n, nil
}

// proposeFixModal is the "Propose fix" modal against one node.
func proposeFixModal(rcaID int64, n *tree.Node) slack.ModalViewRequest {
	owner := slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain("Who makes it happen?", maxPlaceholder), fieldOwner)
	ownerIn := slack.NewInputBlock(fieldOwner, plain("Owner", maxLabel), nil, owner)
	ownerIn.Optional = true
	due := slack.NewDatePickerBlockElement(fieldDue)
	dueIn := slack.NewInputBlock(fieldDue, plain("Due date", maxLabel), nil, due)
	dueIn.Optional = true
	return modal(viewProposeFix, "Propose fix", "Propose", rcaValue(rcaID, int64(n.ID)),
		section(fmt.Sprintf("A fix (an *injection*) against %s\nWhat will be true once it is done, so that this no longer holds? I will show which symptoms disappear and which remain.", "*"+n.ID.String()+"* "+truncateEscaped(n.Text, 300))),
		withHint(textInput(fieldInjection, "Injection", "e.g. Engineering quality KPIs are reviewed next to delivery speed", "", true, tree.MaxTextRunes, false),
			"Describe the new condition, not a person's task: it becomes a node of the Future Reality Tree."),
		ownerIn, dueIn,
	)
}

// fixInput reads the "Propose fix" modal.
func fixInput(cb *slack.InteractionCallback, loc *time.Location) (int64, workflow.FixInput, error) {
	rcaID, items, err := parseValue(cb.View.PrivateMetadata)
	if err != nil || len(items) != 1 {
		return 0, workflow.FixInput{}, workflow.Errorf(workflow.ENotFound, "this form is out of date; click Propose fix again.")
	}
	v := cb.View.State.Values
	in := workflow.FixInput{
		Node:      tree.NodeID(items[0]),
		Injection: v[fieldInjection][fieldInjection].Value,
		Owner:     v[fieldOwner][fieldOwner].SelectedUser,
	}
	if d := v[fieldDue][fieldDue].SelectedDate; d != "" {
		day, err := time.ParseInLocation("2006-01-02", d, loc)
		if err != nil {
			return 0, in, workflow.Invalidf(fieldDue, "pick a date from the calendar")
		}
		in.Due = day.Add(24*time.Hour - time.Second)
	}
	return rcaID, in, nil
}

func (b *Bot) submitProposeFix(ctx context.Context, r *reply, cb *slack.InteractionCallback) {
	actor := workflow.Actor{UserID: cb.User.ID}
	rcaID, in, err := fixInput(cb, b.cfg.Location)
	var res *workflow.Result
	if err == nil {
		res, err = b.svc.ProposeFix(r.key(ctx, "propose_fix"), actor, rcaID, in)
	}
	if err != nil {
		r.ack = viewErrors(r.log, cb, err, fieldInjection)
		return
	}
	outcome := func(ctx context.Context) { b.postFixOutcome(ctx, r.log, actor, rcaID, res) }
	b.changed(actor, rcaID, change{jobs: []func(context.Context){outcome}})
}

// postFixOutcome posts which symptoms a new fix removes, alone and with the
// other fixes, followed by the Future Reality Tree.
func (b *Bot) postFixOutcome(ctx context.Context, log *slog.Logger, actor workflow.Actor, rcaID int64, res *workflow.Result) {
	sum, err := b.svc.Summary(ctx, actor, rcaID)
	if err != nil {
		log.Error("fix outcome: load the summary", "rca", rcaID, "error", err)
		return
	}
	var fix *workflow.Fix
	for i := range sum.Fixes {
		if sum.Fixes[i].Fix.ID == res.Fix {
			fix = &sum.Fixes[i].Fix
		}
	}
	if fix == nil || res.Elimination == nil || res.Combined == nil {
		log.Error("fix outcome: the new fix is missing", "rca", rcaID, "fix", res.Fix)
		return
	}
	blocks := fixOutcomeBlocks(sum.Tree, actor.UserID, fix, *res.Elimination, *res.Combined, len(sum.Fixes), b.cfg.Location)
	channel := sum.RCA.ChannelID
	if _, _, err := b.api.PostMessageContext(ctx, channel, slack.MsgOptionText("Fix proposed: "+fix.Injection, false), slack.MsgOptionBlocks(blocks...)); err != nil {
		log.Error("post the fix outcome", "rca", rcaID, "error", err)
		return
	}
	if _, err := b.postFRT(ctx, log, sum); err != nil {
		log.Error("post the future reality tree", "rca", rcaID, "error", err)
		b.whisper(ctx, log, channel, actor.UserID, userText(log, err))
	}
}

// postFRT renders the Future Reality Tree of the summary's fixes and uploads
// it into the RCA's channel; it returns the file ids.
func (b *Bot) postFRT(ctx context.Context, log *slog.Logger, sum *workflow.Summary) ([]string, error) {
	frt, err := futureTree(sum)
	if err != nil {
		return nil, err
	}
	key, err := versionKey("frt", frt, nil)
	if err != nil {
		return nil, err
	}
	return b.uploadPicture(ctx, log, sum.RCA.ID, sum.RCA.ChannelID, key, func() ([]upload, error) {
		imgs, err := b.media.cached(key, log, func() ([]render.Image, error) { return b.drawTree(ctx, frt, nil) })
		return pictureUploads("frt", imgs, frtAltText(sum)), err
	})
}

// fixOutcomeBlocks says what a proposed fix removes on its own and what all
// fixes so far remove together.
func fixOutcomeBlocks(t *tree.Tree, proposer string, fix *workflow.Fix, alone, combined tree.Elimination, fixes int, loc *time.Location) []slack.Block {
	total := len(alone.Removed) + len(alone.Remaining)
	head := fmt.Sprintf(":hammer_and_wrench: <@%s> proposed a fix against %s\n>%s", proposer, nodeRef(t, fix.Node, 200), truncateEscaped(fix.Injection, 600))
	if meta := fixMeta(fix, loc); meta != "" {
		head += "\n" + meta
	}
	blocks := []slack.Block{section(head),
		section(fmt.Sprintf("*This fix alone removes %d/%d symptoms:* %s\n*Still there:* %s",
			len(alone.Removed), total, nodeList(t, alone.Removed), nodeList(t, alone.Remaining)))}
	if fixes > 1 {
		blocks = append(blocks, section(fmt.Sprintf("*All %d fixes together remove %d/%d:* %s\n*Still there:* %s",
			fixes, len(combined.Removed), total, nodeList(t, combined.Removed), nodeList(t, combined.Remaining))))
	}
	if len(combined.Remaining) == 0 && total > 0 {
		blocks = append(blocks, contextBlock(":tada: With the fixes proposed so far, every symptom disappears."))
	} else {
		blocks = append(blocks, contextBlock("The Future Reality Tree below shows the injections, the desired effects and the symptoms that remain."))
	}
	return blocks
}

// fixMeta is a fix's owner and due date, or "".
func fixMeta(fix *workflow.Fix, loc *time.Location) string {
	var parts []string
	if fix.Owner != "" {
		parts = append(parts, fmt.Sprintf("Owner: <@%s>", fix.Owner))
	}
	if !fix.Due.IsZero() {
		parts = append(parts, "Due: "+fix.Due.In(loc).Format("Mon 2 Jan 2006"))
	}
	return strings.Join(parts, " · ")
}

// desiredPrefix starts the text of a desired effect made from a removed symptom.
const desiredPrefix = "No longer: "

// futureTree builds the Future Reality Tree of a summary: the symptoms that
// remain with all fixes in place and every holding node and link that still
// leads to them, one injection node per distinct fix text, and one desired effect per
// symptom the fixes remove, caused by each injection that removes it alone
// (OR), or by all injections together (AND) when only the combination does.
func futureTree(sum *workflow.Summary) (*tree.Tree, error) {
	cst := sum.Tree
	frt := tree.New("Future Reality Tree: " + sum.RCA.Title)
	holding := map[tree.NodeID]bool{}
	for _, id := range sum.Combined.Holding {
		n, ok := cst.Node(id)
		if !ok {
			continue
		}
		if _, err := frt.AddNode(*n); err != nil {
			return nil, fmt.Errorf("future reality tree: keep %s: %w", id, err)
		}
		holding[id] = true
	}
	for _, g := range cst.Groups() {
		if holding[g.Effect] && allHold(g.Causes, holding) {
			if _, err := frt.AddGroup(tree.Group{ID: g.ID, Effect: g.Effect, Causes: g.Causes, Status: g.Status}); err != nil {
				return nil, fmt.Errorf("future reality tree: keep link %d: %w", g.ID, err)
			}
		}
	}
	if err := pruneToRemaining(frt, sum.Combined.Remaining); err != nil {
		return nil, err
	}
	// New nodes are numbered after every CST number, so no #N means two things.
	var lastGroup tree.GroupID
	for _, g := range cst.Groups() {
		lastGroup = max(lastGroup, g.ID)
	}
	frt.ReserveNumbers(cst.NextNodeID()-1, lastGroup)
	injections, err := addInjections(frt, sum.Fixes)
	if err != nil {
		return nil, err
	}
	for _, ude := range sum.Combined.Removed {
		if err := addDesiredEffect(frt, cst, ude, sum.Fixes, injections); err != nil {
			return nil, err
		}
	}
	return frt, nil
}

// pruneToRemaining removes the nodes that no longer lead to a remaining
// symptom: with the fixes in place they are no part of any problem left.
func pruneToRemaining(frt *tree.Tree, remaining []tree.NodeID) error {
	keep := map[tree.NodeID]bool{}
	queue := append([]tree.NodeID{}, remaining...)
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if keep[id] {
			continue
		}
		keep[id] = true
		for _, g := range frt.GroupsInto(id) {
			queue = append(queue, g.Causes...)
		}
	}
	for _, n := range frt.Nodes() {
		if !keep[n.ID] {
			if err := frt.RemoveNode(n.ID); err != nil {
				return fmt.Errorf("future reality tree: prune %s: %w", n.ID, err)
			}
		}
	}
	return nil
}

func allHold(ids []tree.NodeID, holding map[tree.NodeID]bool) bool {
	for _, id := range ids {
		if !holding[id] {
			return false
		}
	}
	return true
}

// addInjections adds one injection node per distinct fix text and returns
// the node of each fix, by fix id.
func addInjections(frt *tree.Tree, fixes []workflow.FixOutcome) (map[int64]tree.NodeID, error) {
	out := map[int64]tree.NodeID{}
	for _, f := range fixes {
		if n, ok := frt.NodeByText(f.Fix.Injection); ok && n.Kind == tree.KindInjection {
			out[f.Fix.ID] = n.ID
			continue
		}
		n, err := addUnique(frt, tree.Node{Kind: tree.KindInjection, Text: f.Fix.Injection})
		if err != nil {
			return nil, fmt.Errorf("future reality tree: injection of fix %d: %w", f.Fix.ID, err)
		}
		out[f.Fix.ID] = n.ID
	}
	return out, nil
}

// addDesiredEffect adds the desired effect of a removed symptom and its
// links from the injections that remove it.
func addDesiredEffect(frt, cst *tree.Tree, ude tree.NodeID, fixes []workflow.FixOutcome, injections map[int64]tree.NodeID) error {
	n, ok := cst.Node(ude)
	if !ok {
		return nil
	}
	de, err := addUnique(frt, tree.Node{Kind: tree.KindDesiredEffect, Text: Truncate(desiredPrefix+n.Text, tree.MaxTextRunes)})
	if err != nil {
		return fmt.Errorf("future reality tree: desired effect of %s: %w", ude, err)
	}
	var all []tree.NodeID
	linked := false
	for _, f := range fixes {
		inj := injections[f.Fix.ID]
		if !containsID(all, inj) {
			all = append(all, inj)
		}
		if containsID(f.Elimination.Removed, ude) {
			if err := addLink(frt, de.ID, inj); err != nil {
				return err
			}
			linked = true
		}
	}
	if linked || len(all) == 0 {
		return nil
	}
	return addLink(frt, de.ID, all...)
}

// addLink adds a group, accepting one that already exists.
func addLink(t *tree.Tree, effect tree.NodeID, causes ...tree.NodeID) error {
	if _, err := t.AddGroup(tree.Group{Effect: effect, Causes: causes}); err != nil && !errors.Is(err, tree.ErrDuplicateLink) {
		return fmt.Errorf("future reality tree: link into %s: %w", effect, err)
	}
	return nil
}

// addUnique adds n, numbering its text when another node already says it.
func addUnique(t *tree.Tree, n tree.Node) (*tree.Node, error) {
	text := n.Text
	for i := 2; ; i++ {
		added, err := t.AddNode(n)
		if !errors.Is(err, tree.ErrDuplicateNode) || i > 50 {
			return added, err
		}
		suffix := fmt.Sprintf(" (%d)", i)
		n.Text = Truncate(text, tree.MaxTextRunes-len(suffix)) + suffix
	}
}

func containsID(ids []tree.NodeID, id tree.NodeID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// frtAltText describes the Future Reality Tree picture.
func frtAltText(sum *workflow.Summary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Future Reality Tree of %q: %s. ", sum.RCA.Title, plural(len(sum.Fixes), "injection"))
	total := len(sum.Combined.Removed) + len(sum.Combined.Remaining)
	fmt.Fprintf(&b, "Together they remove %d/%d symptoms", len(sum.Combined.Removed), total)
	if len(sum.Combined.Remaining) > 0 {
		b.WriteString("; still there: ")
		b.WriteString(numberList(sum.Combined.Remaining))
	}
	b.WriteString(".")
	return Truncate(b.String(), maxAltText)
}
