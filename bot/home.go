package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/untangle-rca/untangle/workflow"
)

const (
	// homeMaxRCAs bounds the RCAs listed on the Home tab (one block each).
	homeMaxRCAs = 40
	// homeMaxRecurring bounds the recurring causes shown.
	homeMaxRecurring = 5
)

func (b *Bot) homeRoutes(rt *routes) {
	rt.events[string(slackevents.AppHomeOpened)] = b.homeOpened
}

// homeOpened publishes the user's Home tab after the event is acknowledged.
func (b *Bot) homeOpened(_ context.Context, r *reply, data any) {
	var user, tab string
	switch ev := data.(type) {
	case *slackevents.AppHomeOpenedEvent:
		user, tab = ev.User, ev.Tab
	case slackevents.AppHomeOpenedEvent:
		user, tab = ev.User, ev.Tab
	}
	if user == "" || (tab != "" && tab != "home") {
		return
	}
	r.log = r.log.With("user", user)
	r.later(func(ctx context.Context) {
		if err := b.publishHome(ctx, user); err != nil {
			r.log.Warn("publish the Home tab", "error", err)
		}
	})
}

// homeRCA is one RCA on the Home tab with its progress.
type homeRCA struct {
	rca  workflow.RCA
	prog *workflow.Progress // nil when it could not be loaded
}

// publishHome builds and publishes the Home tab of user.
func (b *Bot) publishHome(ctx context.Context, user string) error {
	actor := workflow.Actor{UserID: user}
	rcas, err := b.svc.List(ctx, actor)
	if err != nil {
		return fmt.Errorf("list RCAs: %w", err)
	}
	items := make([]homeRCA, 0, min(len(rcas), homeMaxRCAs))
	for _, rca := range rcas[:min(len(rcas), homeMaxRCAs)] {
		prog, _ := b.svc.Progress(ctx, actor, rca.ID)
		items = append(items, homeRCA{rca: rca, prog: prog})
	}
	recurring, err := b.svc.RecurringCauses(ctx, actor)
	if err != nil {
		return fmt.Errorf("recurring causes: %w", err)
	}
	fixes, err := b.svc.OpenFixes(ctx, actor)
	if err != nil {
		return fmt.Errorf("open fixes: %w", err)
	}
	blocks := homeBlocks(items, len(rcas), recurring, homeFixBlocks(fixes, b.now(), b.cfg.Location))
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
	if _, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: view}); err != nil {
		return fmt.Errorf("views.publish: %w", err)
	}
	return nil
}

// homeBlocks is the Home tab: a start button, the user's open fixes, the
// RCAs (open first, as listed) and the core causes that keep coming back.
func homeBlocks(items []homeRCA, total int, recurring [][]workflow.PastCause, fixes []slack.Block) []slack.Block {
	blocks := []slack.Block{
		header(":jigsaw: untangle — blameless root-cause analysis"),
		section("Find the few core causes behind an outage: list the symptoms, wire causes with IF/AND/THEN logic, challenge every link. Attack the logic, not people."),
		actions("home_actions", button(":heavy_plus_sign: Start an RCA", actHomeStart, "start", slack.StylePrimary)),
	}
	blocks = append(blocks, fixes...)
	blocks = append(blocks, slack.NewDividerBlock(), header("Your RCAs"))
	if len(items) == 0 {
		blocks = append(blocks, section("_No RCAs you can see yet._"))
	}
	for _, it := range items {
		blocks = append(blocks, section(homeRCALine(it)))
	}
	if total > len(items) {
		blocks = append(blocks, contextBlock(fmt.Sprintf("_…and %d more: use `/rca list`._", total-len(items))))
	}
	if len(recurring) > 0 {
		blocks = append(blocks, slack.NewDividerBlock(), header("Causes that keep coming back"), section(recurringText(recurring)))
	}
	if len(blocks) > maxViewBlocks {
		blocks = blocks[:maxViewBlocks]
	}
	return blocks
}

// homeRCALine is one RCA: title and channel, phase, progress and due date.
func homeRCALine(it homeRCA) string {
	line := rcaLine(&it.rca)
	if it.prog != nil {
		line += "\n" + progressLine(it.prog)
	}
	return line
}

// recurringText lists groups of similar core causes from past RCAs: each
// RCA with its own wording and a link to its channel.
func recurringText(groups [][]workflow.PastCause) string {
	var sb strings.Builder
	for i, g := range groups {
		if i == homeMaxRecurring {
			fmt.Fprintf(&sb, "_…and %d more._", len(groups)-i)
			break
		}
		if len(g) == 0 {
			continue
		}
		fmt.Fprintf(&sb, "• “%s” — in %s:\n", truncateEscaped(g[0].Text, 200), plural(len(g), "RCA"))
		for _, pc := range g {
			where := ""
			if pc.Channel != "" {
				where = " (<#" + Escape(pc.Channel) + ">)"
			}
			fmt.Fprintf(&sb, "    ◦ *%s*%s: “%s”\n", truncateEscaped(pc.RCATitle, 60), where, truncateEscaped(pc.Text, 150))
		}
	}
	return Truncate(sb.String(), maxText)
}
