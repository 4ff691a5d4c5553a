package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
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
	in.Due, err = endOfPickedDay(v[fieldDue][fieldDue].SelectedDate, loc)
	return rcaID, in, err
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
	jobs := []func(context.Context){outcome}
	if !res.Replayed {
		jobs = append(jobs, func(ctx context.Context) { b.welcomeOwner(ctx, r.log, actor, rcaID, res.Fix, in.Owner) })
	}
	b.changed(actor, rcaID, change{jobs: jobs})
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
	blocks := b.withWebLink(ctx, log, rcaID, fixOutcomeBlocks(sum.Tree, actor.UserID, fix, *res.Elimination, *res.Combined, len(sum.Fixes), b.cfg.Location))
	blocks = b.withTicketElement(blocks, rcaID, fix)
	channel := sum.RCA.ChannelID
	_, ts, err := b.api.PostMessageContext(ctx, channel, slack.MsgOptionText("Fix proposed: "+fix.Injection, false), slack.MsgOptionBlocks(blocks...))
	if err != nil {
		log.Error("post the fix outcome", "rca", rcaID, "error", err)
		return
	}
	b.noteFixMessage(ctx, log, rcaID, fix.ID, ts, blocks)
	if _, err := b.postFRT(ctx, log, sum); err != nil {
		log.Error("post the future reality tree", "rca", rcaID, "error", err)
		b.whisper(ctx, log, channel, actor.UserID, userText(log, err))
	}
}

// postFRT renders the Future Reality Tree of the summary's fixes and uploads
// it into the RCA's channel; it returns the file ids.
func (b *Bot) postFRT(ctx context.Context, log *slog.Logger, sum *workflow.Summary) ([]string, error) {
	frt, err := sum.FutureTree()
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
		actions(blockFixPrefix+strconv.FormatInt(fix.ID, 10), fixStatusMenu(fix.RCAID, fix)),
		fixFutureActions(fix.RCAID, fix.ID),
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
