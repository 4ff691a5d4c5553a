package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/workflow"
)

// phaseGuide tells the team what each phase is for, in one or two sentences.
var phaseGuide = map[workflow.Phase]string{
	workflow.PhaseCollecting:  "*Step 1 — Collect symptoms.* Everyone adds the undesirable effects they saw: present-tense, observed facts, one idea each. Any message can become a symptom with the *Add to RCA as symptom* shortcut.",
	workflow.PhaseWiring:      "*Step 2 — Wire causes.* For each unexplained node ask “why did this happen?” and add what must be true for it: each cause alone (OR), or only together (AND).",
	workflow.PhaseChallenging: "*Step 3 — Challenge every link.* Read each IF/THEN card in the thread and say whether it holds or raise a reservation. Attack the logic, not people.",
	workflow.PhaseFixing:      "*Step 5 — Plan fixes.* Propose an injection against each core cause and see which symptoms disappear.",
	workflow.PhaseClosed:      "*Closed.* The final summary and report are in this channel. The facilitator can reopen the RCA.",
}

// phaseName is a phase as people read it.
func phaseName(p workflow.Phase) string {
	switch p {
	case workflow.PhaseCollecting:
		return "collecting symptoms"
	case workflow.PhaseWiring:
		return "wiring causes"
	case workflow.PhaseChallenging:
		return "challenge pass"
	case workflow.PhaseFixing:
		return "planning fixes"
	case workflow.PhaseClosed:
		return "closed"
	}
	return string(p)
}

// phaseLabel is a phase with its emoji.
func phaseLabel(p workflow.Phase) string {
	emoji := map[workflow.Phase]string{
		workflow.PhaseCollecting: ":mag:", workflow.PhaseWiring: ":link:", workflow.PhaseChallenging: ":crossed_swords:",
		workflow.PhaseFixing: ":hammer_and_wrench:", workflow.PhaseClosed: ":white_check_mark:",
	}[p]
	return strings.TrimSpace(emoji + " " + phaseName(p))
}

// dashboardButton is one next action on the dashboard and the workflow
// command whose phase rule decides when it shows.
type dashboardButton struct {
	label, actionID string
	cmd             workflow.Command
	phases          []workflow.Phase // nil: the command's own phases
	style           slack.Style
}

var dashboardButtons = []dashboardButton{
	{label: ":heavy_plus_sign: Add symptom", actionID: actAddSymptom, cmd: workflow.CmdAddSymptom},
	{label: ":link: Start wiring", actionID: actStartWiring, cmd: workflow.CmdAddCauses, phases: []workflow.Phase{workflow.PhaseCollecting, workflow.PhaseWiring}, style: slack.StylePrimary},
	{label: ":clipboard: Paste statements", actionID: actPaste, cmd: workflow.CmdPaste},
	{label: ":crossed_swords: Start challenge pass", actionID: actStartChallenge, cmd: workflow.CmdAdvance, phases: []workflow.Phase{workflow.PhaseWiring}},
	{label: ":card_index_dividers: Outline", actionID: actOutline, cmd: workflow.CmdView},
	{label: ":frame_with_picture: Render tree", actionID: actRender, cmd: workflow.CmdView, phases: []workflow.Phase{workflow.PhaseWiring, workflow.PhaseChallenging, workflow.PhaseFixing, workflow.PhaseClosed}},
	{label: ":hammer_and_wrench: Plan fixes", actionID: actPlanFixes, cmd: workflow.CmdAdvance, phases: []workflow.Phase{workflow.PhaseChallenging, workflow.PhaseFixing}},
	{label: ":checkered_flag: Finish RCA", actionID: actFinish, cmd: workflow.CmdFinish, style: slack.StyleDanger},
}

// buttonsFor returns the dashboard buttons that fit the phase.
func buttonsFor(rcaID int64, phase workflow.Phase) []slack.BlockElement {
	var out []slack.BlockElement
	for _, db := range dashboardButtons {
		phases := db.phases
		if phases == nil {
			rule, _ := workflow.RuleFor(db.cmd)
			phases = rule.Phases
		}
		for _, p := range phases {
			if p == phase {
				btn := button(db.label, db.actionID, rcaValue(rcaID), db.style)
				if db.actionID == actFinish {
					btn.Confirm = finishConfirm()
				}
				out = append(out, btn)
				break
			}
		}
	}
	return out
}

// dashboardSummary is the status part of the dashboard: title, facts, counts.
func dashboardSummary(rca *workflow.RCA, p *workflow.Progress) []slack.Block {
	facts := []string{
		"*Phase*\n" + phaseLabel(rca.Phase),
		"*Facilitator*\n" + fmt.Sprintf("<@%s>", rca.Facilitator),
	}
	if rca.Severity != "" {
		facts = append(facts, "*Severity*\n"+Escape(rca.Severity))
	}
	if !rca.Due.IsZero() {
		facts = append(facts, "*Finish by*\n"+rca.Due.Format("Mon 2 Jan 2006"))
	}
	blocks := []slack.Block{header(":jigsaw: RCA: " + rca.Title), fields(facts...), section(progressLine(p))}
	if rca.Private {
		blocks = append(blocks, contextBlock(":lock: Private RCA: only participants can see it."))
	}
	return blocks
}

// progressLine counts symptoms, nodes, links and open work.
func progressLine(p *workflow.Progress) string {
	parts := []string{
		plural(p.UDEs, "symptom"),
		plural(p.Nodes, "node"),
		plural(p.Links, "link"),
	}
	if p.Links > 0 && (p.Accepted > 0 || p.Phase == workflow.PhaseChallenging) {
		parts = append(parts, fmt.Sprintf("%d/%d accepted", p.Accepted, p.Links))
	}
	if p.Disputed > 0 {
		parts = append(parts, plural(p.Disputed, "disputed link"))
	}
	if p.OpenReservations > 0 {
		parts = append(parts, plural(p.OpenReservations, "open reservation"))
	}
	if p.Unexplained > 0 && p.Phase == workflow.PhaseWiring {
		parts = append(parts, fmt.Sprintf("%d still unexplained", p.Unexplained))
	}
	return ":bar_chart: " + strings.Join(parts, " · ")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// dashboardBlocks is the whole dashboard message.
func dashboardBlocks(rca *workflow.RCA, p *workflow.Progress, fixLine string, uninvited []string) []slack.Block {
	blocks := dashboardSummary(rca, p)
	if fixLine != "" {
		blocks = append(blocks, section(fixLine))
	}
	blocks = append(blocks, section(phaseGuide[rca.Phase]))
	if btns := buttonsFor(rca.ID, rca.Phase); len(btns) > 0 {
		blocks = append(blocks, actions("dashboard_actions", btns...))
	}
	if len(uninvited) > 0 {
		names := make([]string, len(uninvited))
		for i, u := range uninvited {
			names[i] = fmt.Sprintf("<@%s>", u)
		}
		blocks = append(blocks, contextBlock(":warning: Could not invite "+strings.Join(names, ", ")+"; please add them by hand."))
	}
	return clipMessage(blocks)
}

// postDashboard posts the dashboard into the RCA's channel, pins it and
// remembers its timestamp and what it shows, for the refresher.
func (b *Bot) postDashboard(ctx context.Context, actor workflow.Actor, rca *workflow.RCA) error {
	snap, err := b.svc.Snapshot(ctx, actor, rca.ID)
	if err != nil {
		return err
	}
	var x keptExtra
	if u, _ := b.refs.Ref(ctx, rca.ID, refUninvited); u != "" {
		x.uninvited = splitUsers(u)
	}
	m := projectDashboard(snap, x)
	_, ts, err := b.api.PostMessageContext(ctx, rca.ChannelID, slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...))
	if err != nil {
		return fmt.Errorf("post dashboard: %w", err)
	}
	if err := b.refs.PutRef(ctx, rca.ID, refDashboard, ts); err != nil {
		return fmt.Errorf("remember dashboard: %w", err)
	}
	if err := b.refs.PutRef(ctx, rca.ID, refSentPrefix+refDashboard, keptHash(m)); err != nil {
		return fmt.Errorf("remember dashboard: %w", err)
	}
	if err := b.api.AddPinContext(ctx, rca.ChannelID, slack.NewRefToMessage(rca.ChannelID, ts)); err != nil && !isSlackError(err, "already_pinned") {
		return fmt.Errorf("pin dashboard: %w", err)
	}
	return nil
}
