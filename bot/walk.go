package bot

// The guided wiring walk: one message in the RCA channel, kept by
// chat.update on the current unexplained node, with "Add cause…",
// "Root — stop here" and "Skip for now".

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// Walk ids. Button values are rcaValue(rcaID, node).
const (
	actWalkAddCause = "walk_add_cause"
	actWalkRoot     = "walk_root"
	actWalkSkip     = "walk_skip"
	actWalkRevisit  = "walk_revisit_skipped"

	// walkMaxEffects is how many "already causes" lines the walk shows.
	walkMaxEffects = 10
	// walkMaxPrompts is how many sufficiency prompts the walk shows.
	walkMaxPrompts = 3
)

// walkRoutes registers the walk, the "Add cause" modal and "Paste statements".
func (b *Bot) walkRoutes(rt *routes) {
	rt.actions[actStartWiring] = b.clickStartWiring
	rt.actions[actWalkAddCause] = b.clickWalkAddCause
	rt.actions[actWalkRoot] = b.clickWalkRoot
	rt.actions[actWalkSkip] = b.clickWalkSkip
	rt.actions[actWalkRevisit] = b.clickWalkRevisit
	b.addCauseRoutes(rt)
	b.pasteRoutes(rt)
}

// clickStartWiring handles "Start wiring": the facilitator's click in the
// collecting phase moves the RCA to wiring; in wiring anyone may (re)open
// the walk message.
func (b *Bot) clickStartWiring(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	actor := workflow.Actor{UserID: cb.User.ID}
	rca, _, err := b.rcaForAction(ctx, cb, act.Value)
	if err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	switch rca.Phase {
	case workflow.PhaseCollecting:
		if !rca.IsFacilitator(actor.UserID) {
			b.tell(ctx, r, cb, fmt.Sprintf(":hourglass_flowing_sand: <@%s>, the facilitator of *%s*, starts the wiring walk once the symptoms are in. Meanwhile, keep adding symptoms.", rca.Facilitator, Escape(rca.Title)))
			return
		}
		if _, err := b.svc.Advance(r.key(ctx, "advance"), actor, rca.ID); err != nil {
			b.fail(ctx, r, cb, err)
			return
		}
	case workflow.PhaseWiring:
	default:
		b.tell(ctx, r, cb, fmt.Sprintf(":information_source: The wiring walk is over: this RCA is in the %s phase.", phaseName(rca.Phase)))
		return
	}
	b.changed(actor, rca.ID, change{repostWalk: true})
}

// walkActive reports whether the walk takes causes in phase: while wiring,
// and during the challenge pass, where a repair may bring in a new premise
// to dig under.
func walkActive(p workflow.Phase) bool {
	return p == workflow.PhaseWiring || p == workflow.PhaseChallenging
}

// walkBlocks is the walk message for a step: the node to explain, what it
// already causes, the sufficiency prompts about it, the buttons and the
// progress; or the "wiring done" state when nothing is left.
func walkBlocks(rcaID int64, phase workflow.Phase, step *workflow.WalkStep, t *tree.Tree) []slack.Block {
	if step.Node == nil {
		return walkDoneBlocks(rcaID, phase, step)
	}
	n := step.Node
	blocks := []slack.Block{
		section(fmt.Sprintf(":link: *Wiring walk* — why did this happen?\n*%s* %s", n.ID, truncateEscaped(n.Text, tree.MaxTextRunes+50))),
	}
	blocks = append(blocks, section(walkEffectsText(t, n.ID)))
	blocks = append(blocks, sufficiencyBlocks(rcaID, step, t, n)...)
	value := rcaValue(rcaID, int64(n.ID))
	blocks = append(blocks,
		actions("walk_actions",
			button("Add cause…", actWalkAddCause, value, slack.StylePrimary),
			button("Root — stop here", actWalkRoot, value, ""),
			button("Skip for now", actWalkSkip, value, ""),
		),
		contextBlock(walkProgressText(step)),
	)
	return clipMessage(blocks)
}

// walkEffectsText says what the node already causes, AND partners included.
func walkEffectsText(t *tree.Tree, id tree.NodeID) string {
	n, _ := t.Node(id)
	from := t.GroupsFrom(id)
	if len(from) == 0 {
		if n != nil && n.Kind == tree.KindUDE {
			return "_A symptom: it causes nothing else in the tree yet._"
		}
		return "_It causes nothing in the tree yet._"
	}
	lines := []string{"*Already causes*"}
	for i, g := range from {
		if i == walkMaxEffects {
			lines = append(lines, fmt.Sprintf("_…and %d more._", len(from)-i))
			break
		}
		lines = append(lines, "• "+walkNodeRef(t, g.Effect, 80)+walkPartners(t, g, id))
	}
	return strings.Join(lines, "\n")
}

// walkPartners names the other causes of an AND group.
func walkPartners(t *tree.Tree, g *tree.Group, self tree.NodeID) string {
	if !g.IsAnd() {
		return ""
	}
	var others []string
	for _, c := range g.Causes {
		if c != self {
			others = append(others, walkNodeRef(t, c, 40))
		}
	}
	return " _(only together with " + strings.Join(others, " and ") + ")_"
}

// walkNodeRef is "#N text" for mrkdwn, the text escaped and shortened.
func walkNodeRef(t *tree.Tree, id tree.NodeID, max int) string {
	n, ok := t.Node(id)
	if !ok {
		return id.String()
	}
	return fmt.Sprintf("*%s* %s", id, truncateEscaped(n.Text, max))
}

// walkProgressText is "4 nodes still unexplained · 1 skipped for now".
func walkProgressText(step *workflow.WalkStep) string {
	parts := []string{fmt.Sprintf(":bar_chart: %s still unexplained", plural(step.Remaining, "node"))}
	if len(step.Skipped) > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped for now", len(step.Skipped)))
	}
	return strings.Join(parts, " · ")
}

// walkDoneBlocks is the walk when no unexplained node is left.
func walkDoneBlocks(rcaID int64, phase workflow.Phase, step *workflow.WalkStep) []slack.Block {
	blocks := []slack.Block{
		section(":white_check_mark: *Wiring done.* Every node has a cause or is marked as a root where the team stops digging."),
	}
	if phase == workflow.PhaseChallenging {
		blocks = append(blocks, section("The *challenge pass* is on: review each IF/THEN card in its thread. A repair that adds a premise brings the walk back here, so you can ask why it holds."))
	} else {
		blocks = append(blocks,
			section("Next: the *challenge pass*. The facilitator starts it (here or on the pinned dashboard), and everyone checks each IF/THEN link."),
			actions("walk_done", button(":crossed_swords: Start challenge pass", actStartChallenge, rcaValue(rcaID), slack.StylePrimary)))
	}
	if len(step.Skipped) > 0 {
		ids := make([]string, 0, len(step.Skipped))
		for i, id := range step.Skipped {
			if i == 20 {
				ids = append(ids, "…")
				break
			}
			ids = append(ids, id.String())
		}
		blocks = append(blocks,
			sectionWithButton(fmt.Sprintf(":fast_forward: %d skipped for now: %s", len(step.Skipped), strings.Join(ids, ", ")),
				button("Revisit skipped", actWalkRevisit, rcaValue(rcaID), "")))
	}
	return blocks
}

// walkClosedBlocks is the walk once the RCA is no longer in wiring.
func walkClosedBlocks(phase workflow.Phase) []slack.Block {
	if phase == workflow.PhaseCollecting {
		return []slack.Block{section(":pause_button: The wiring walk is paused while the team collects symptoms.")}
	}
	return []slack.Block{section(fmt.Sprintf(":white_check_mark: The wiring walk is closed: the RCA moved on to the %s.", phaseName(phase)))}
}

// walkTarget checks a walk button: the RCA, the node, and that the node is
// still one the walk asks about. It tells the user politely when not and
// returns ok=false.
func (b *Bot) walkTarget(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) (*workflow.RCA, tree.NodeID, bool) {
	actor := workflow.Actor{UserID: cb.User.ID}
	rca, items, err := b.rcaForAction(ctx, cb, act.Value)
	if err == nil && len(items) != 1 {
		err = workflow.Errorf(workflow.ENotFound, "this button is out of date.")
	}
	if err != nil {
		b.fail(ctx, r, cb, err)
		return nil, 0, false
	}
	id := tree.NodeID(items[0])
	if !walkActive(rca.Phase) {
		b.tell(ctx, r, cb, fmt.Sprintf(":information_source: The wiring walk is over: this RCA is in the %s phase.", phaseName(rca.Phase)))
		b.changed(actor, rca.ID, change{})
		return nil, 0, false
	}
	if err := b.walkJoin(ctx, r, actor, rca); err != nil {
		b.fail(ctx, r, cb, err)
		return nil, 0, false
	}
	t, err := b.svc.Tree(ctx, actor, rca.ID)
	if err != nil {
		b.fail(ctx, r, cb, err)
		return nil, 0, false
	}
	if note := walkStaleNote(t, id); note != "" {
		b.tell(ctx, r, cb, note)
		b.changed(actor, rca.ID, change{})
		return nil, 0, false
	}
	return rca, id, true
}

// walkJoin makes someone who is not listed yet a participant of a public
// RCA, as anyone in the RCA channel may wire causes (see joinRCA); rca is
// updated. A private RCA, or a phase that takes nobody new, is left to the
// permission check of the command that follows.
func (b *Bot) walkJoin(ctx context.Context, r *reply, actor workflow.Actor, rca *workflow.RCA) error {
	if rca.Private || rca.IsParticipant(actor.UserID) {
		return nil
	}
	joined, err := b.joinRCA(ctx, r, actor, rca, memberTTL)
	if err != nil {
		return err
	}
	*rca = *joined
	return nil
}

// walkStaleNote explains why a walk button no longer applies to node id,
// or returns "" when it still does.
func walkStaleNote(t *tree.Tree, id tree.NodeID) string {
	n, ok := t.Node(id)
	switch {
	case !ok:
		return fmt.Sprintf(":information_source: %s is no longer in the tree, so the walk has moved on.", id)
	case n.RootMarked:
		return fmt.Sprintf(":information_source: %s is already marked as a root, so the walk has moved on. The walk message now shows the next node.", id)
	case len(t.GroupsInto(id)) > 0:
		return fmt.Sprintf(":information_source: %s already has a cause now, so the walk has moved on. The walk message now shows the next node; to add another cause to %s use `/rca cause %s`.", id, id, id)
	}
	return ""
}

// clickWalkAddCause opens "Add cause" for the walk's node.
func (b *Bot) clickWalkAddCause(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	rca, id, ok := b.walkTarget(ctx, r, cb, act)
	if !ok {
		return
	}
	if err := b.openAddCause(ctx, r, workflow.Actor{UserID: cb.User.ID}, rca.ID, id, cb.TriggerID); err != nil {
		b.fail(ctx, r, cb, err)
	}
}

// clickWalkRoot marks the walk's node as a root ("Root — stop here").
func (b *Bot) clickWalkRoot(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	rca, id, ok := b.walkTarget(ctx, r, cb, act)
	if !ok {
		return
	}
	actor := workflow.Actor{UserID: cb.User.ID}
	if _, err := b.svc.MarkRoot(r.key(ctx, "root"), actor, rca.ID, id, true); err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	b.changed(actor, rca.ID, change{})
}

// clickWalkSkip passes over the walk's node for now.
func (b *Bot) clickWalkSkip(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	rca, id, ok := b.walkTarget(ctx, r, cb, act)
	if !ok {
		return
	}
	actor := workflow.Actor{UserID: cb.User.ID}
	if _, err := b.svc.Skip(r.key(ctx, "skip"), actor, rca.ID, id); err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	b.changed(actor, rca.ID, change{})
}

// clickWalkRevisit puts every skipped node back into the walk.
func (b *Bot) clickWalkRevisit(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	actor := workflow.Actor{UserID: cb.User.ID}
	rca, _, err := b.rcaForAction(ctx, cb, act.Value)
	if err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	step, err := b.svc.Walk(ctx, actor, rca.ID)
	if err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	for _, id := range step.Skipped {
		if _, err := b.svc.Unskip(r.key(ctx, "unskip-"+id.String()), actor, rca.ID, id); err != nil {
			b.fail(ctx, r, cb, err)
			return
		}
	}
	b.changed(actor, rca.ID, change{})
}
