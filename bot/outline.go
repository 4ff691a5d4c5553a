package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// Ids of the outline message.
const (
	actOutlinePrev = "outline_prev"
	actOutlineNext = "outline_next"

	// outlinePageLines is how many nodes one outline page lists; with a
	// header, a context line and the page buttons it stays under 50 blocks
	// even when every line needs its own section.
	outlinePageLines = 40
	// maxOutlineLine bounds one node's line (its text is at most 300 runes,
	// escaping may grow it).
	maxOutlineLine = 1200
)

func (b *Bot) outlineRoutes(rt *routes) {
	rt.actions[actOutline] = b.clickOutline
	rt.actions[actOutlinePrev] = b.clickOutlinePage
	rt.actions[actOutlineNext] = b.clickOutlinePage
}

// outlineLines lists the tree's nodes: symptoms (UDEs) first, then the other
// nodes with what they cause, each by number. Texts are escaped.
func outlineLines(t *tree.Tree) []string {
	nodes := outlineNodes(t)
	lines := make([]string, 0, len(nodes))
	for _, n := range nodes {
		lines = append(lines, outlineLine(t, n))
	}
	return lines
}

// kindMark prefixes a node's text with its kind; causes go unmarked.
var kindMark = map[tree.Kind]string{
	tree.KindUDE:            ":red_circle: ",
	tree.KindPremise:        "_premise:_ ",
	tree.KindInjection:      ":bulb: _fix:_ ",
	tree.KindDesiredEffect:  ":large_green_circle: ",
	tree.KindNegativeEffect: ":warning: _negative:_ ",
}

// outlineLine is one node: number, marks, text and its effects.
func outlineLine(t *tree.Tree, n *tree.Node) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "*%s* ", n.ID)
	sb.WriteString(kindMark[n.Kind])
	sb.WriteString(truncateEscaped(n.Text, maxOutlineLine-200))
	if n.Kind == tree.KindUDE {
		sb.WriteString(" _(" + weightName(n.Impact()) + " impact)_")
	}
	if n.Unverified {
		sb.WriteString(" :grey_question:")
	}
	if n.RootMarked {
		sb.WriteString(" :anchor: root")
	}
	if effects := effectsOf(t, n.ID); effects != "" {
		sb.WriteString("\n      → causes " + effects)
	}
	return Truncate(sb.String(), maxOutlineLine)
}

// effectsOf lists the nodes id causes, naming AND partners: "#1, #2 (with #7)".
func effectsOf(t *tree.Tree, id tree.NodeID) string {
	groups := t.GroupsFrom(id)
	parts := make([]string, 0, len(groups))
	for _, g := range groups {
		part := g.Effect.String()
		if g.IsAnd() {
			var with []string
			for _, c := range g.Causes {
				if c != id {
					with = append(with, c.String())
				}
			}
			part += " (with " + strings.Join(with, " and ") + ")"
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, ", ")
}

// weightName is an impact weight as people say it.
func weightName(w int) string {
	for _, x := range weights {
		if x.value == w {
			return strings.ToLower(x.label)
		}
	}
	return strconv.Itoa(w)
}

// outlinePages is the number of pages n lines take.
func outlinePages(n int) int {
	if n == 0 {
		return 1
	}
	return (n + outlinePageLines - 1) / outlinePageLines
}

// outlineBlocks is one page (1-based, clamped) of the outline message.
func outlineBlocks(rca *workflow.RCA, lines []string, page int) []slack.Block {
	pages := outlinePages(len(lines))
	page = min(max(page, 1), pages)
	from := (page - 1) * outlinePageLines
	to := min(from+outlinePageLines, len(lines))

	blocks := []slack.Block{header(":card_index_dividers: Outline: " + rca.Title)}
	summary := fmt.Sprintf("%s, symptoms first. Each node's number is how you refer to it in statements.", plural(len(lines), "node"))
	if pages > 1 {
		summary = fmt.Sprintf("Page %d of %d · ", page, pages) + summary
	}
	blocks = append(blocks, contextBlock(summary))
	if len(lines) == 0 {
		blocks = append(blocks, section("_No nodes yet. Add the first symptom with the button on the dashboard._"))
	}
	blocks = append(blocks, pagedSections(lines[from:to], maxMessageBlocks-3)...)
	var nav []slack.BlockElement
	if page > 1 {
		nav = append(nav, button(":arrow_left: Previous page", actOutlinePrev, rcaValue(rca.ID, int64(page-1)), ""))
	}
	if page < pages {
		nav = append(nav, button("Next page :arrow_right:", actOutlineNext, rcaValue(rca.ID, int64(page+1)), ""))
	}
	if len(nav) > 0 {
		blocks = append(blocks, actions(outlineNavBlock, nav...))
	}
	return clipMessage(blocks)
}

// clickOutline posts the outline, or brings it up to date.
func (b *Bot) clickOutline(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	rca, _, err := b.rcaForAction(ctx, cb, act.Value)
	if err != nil {
		r.later(func(ctx context.Context) { b.fail(ctx, r, cb, err) })
		return
	}
	b.changed(workflow.Actor{UserID: cb.User.ID}, rca.ID, change{outline: true})
}

// clickOutlinePage shows another page of the outline in place.
func (b *Bot) clickOutlinePage(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	rca, items, err := b.rcaForAction(ctx, cb, act.Value)
	if err == nil && len(items) != 1 {
		err = workflow.Errorf(workflow.ENotFound, "this button is out of date. Use the buttons on the pinned dashboard.")
	}
	if err != nil {
		r.later(func(ctx context.Context) { b.fail(ctx, r, cb, err) })
		return
	}
	b.changed(workflow.Actor{UserID: cb.User.ID}, rca.ID, change{outlinePage: max(1, int(items[0]))})
}
