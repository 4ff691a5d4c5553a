package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/export"
	"github.com/untangle-rca/untangle/tree/render"
	"github.com/untangle-rca/untangle/workflow"
)

// Ids of the finish confirmation.
const (
	actFinishConfirm = "finish_confirm" // value: rcaValue(rcaID)
)

func (b *Bot) finishRoutes(rt *routes) {
	rt.actions[actFinish] = b.confirmFinish // the button carries Slack's confirmation dialog
	rt.actions[actFinishConfirm] = b.confirmFinish
	rt.slash["finish"] = b.slashFinish
	rt.slash["reopen"] = b.slashReopen
}

// finishConfirm is Slack's confirmation dialog on every Finish button: the
// one confirmation finishing needs.
func finishConfirm() *slack.ConfirmationBlockObject {
	return slack.NewConfirmationBlockObject(plain("Finish this RCA?", 100),
		md("The summary, pictures and report are posted and the RCA becomes read-only until you reopen it.", 300),
		plain("Finish", 30), plain("Not yet", 30))
}

// finishConfirmBlocks answers /rca finish: what finishing does, and the
// button that does it, the one confirmation (the command was typed on
// purpose, so the button carries no second dialog).
func finishConfirmBlocks(rca *workflow.RCA) []slack.Block {
	btn := button(":checkered_flag: Finish RCA", actFinishConfirm, rcaValue(rca.ID), slack.StyleDanger)
	return []slack.Block{
		section(fmt.Sprintf(":checkered_flag: *Finish “%s”?* I will post the final summary, the tree pictures and the JSON export here and write the report into the channel canvas (kept up to date as fixes move). "+
			"The RCA then becomes read-only; you can reopen it with `/rca reopen`.", truncateEscaped(rca.Title, 200))),
		actions("finish_confirm", btn),
	}
}

func (b *Bot) slashFinish(ctx context.Context, r *reply, cmd *slack.SlashCommand, _ string) {
	rca, err := b.rcaHere(ctx, workflow.Actor{UserID: cmd.UserID}, cmd.ChannelID)
	if err == nil {
		err = workflow.Check(rca, cmd.UserID, workflow.CmdFinish)
	}
	if err != nil {
		r.ack = ephemeralAck(userText(r.log, err))
		return
	}
	r.ack = ephemeralBlocksAck("Finish this RCA?", finishConfirmBlocks(rca))
}

// confirmFinish closes the RCA and posts the final summary and files.
func (b *Bot) confirmFinish(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	actor := workflow.Actor{UserID: cb.User.ID}
	rca, _, err := b.rcaForAction(ctx, cb, act.Value)
	var sum *workflow.Summary
	if err == nil {
		sum, err = b.svc.Finish(r.key(ctx, "finish"), actor, rca.ID)
	}
	if err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	b.ticketsOnFinish(ctx, r, sum.RCA.ID)
	final := func(ctx context.Context) { // in order after any picture asked before
		b.setTopic(ctx, r.log, &sum.RCA)
		b.postFinal(ctx, r.log, sum)
	}
	b.changed(actor, sum.RCA.ID, change{jobs: []func(context.Context){final}})
}

func (b *Bot) slashReopen(ctx context.Context, r *reply, cmd *slack.SlashCommand, _ string) {
	actor := workflow.Actor{UserID: cmd.UserID}
	rca, err := b.rcaHere(ctx, actor, cmd.ChannelID)
	if err == nil {
		_, err = b.svc.Reopen(r.key(ctx, "reopen"), actor, rca.ID)
	}
	if err != nil {
		r.ack = ephemeralAck(userText(r.log, err))
		return
	}
	r.ack = ephemeralAck(":unlock: Reopened: the RCA is back in *planning fixes*. Finish it again with `/rca finish` when you are done.")
	b.reopened(r.log, r, actor, rca)
}

// setTopic keeps the channel topic on the RCA's title and phase.
func (b *Bot) setTopic(ctx context.Context, log *slog.Logger, rca *workflow.RCA) {
	topic := Truncate(fmt.Sprintf("RCA: %s · %s", Escape(rca.Title), phaseName(rca.Phase)), 250)
	if _, err := b.api.SetTopicOfConversationContext(ctx, rca.ChannelID, topic); err != nil {
		log.Warn("set topic", "rca", rca.ID, "error", err)
	}
}

// postFinal posts the summary message, then the CST and FRT pictures, the
// Markdown report and the JSON export as files.
func (b *Bot) postFinal(ctx context.Context, log *slog.Logger, sum *workflow.Summary) {
	channel := sum.RCA.ChannelID
	blocks := b.withWebLink(ctx, log, sum.RCA.ID, summaryBlocks(sum, b.cfg.Location))
	if _, _, err := b.api.PostMessageContext(ctx, channel, slack.MsgOptionText("Final summary: "+sum.RCA.Title, false), slack.MsgOptionBlocks(blocks...)); err != nil {
		log.Error("post the final summary", "rca", sum.RCA.ID, "error", err)
	}
	files, err := b.finalFiles(ctx, log, sum)
	if err != nil {
		log.Error("prepare the final files", "rca", sum.RCA.ID, "error", err)
	}
	if _, err := b.uploadAll(ctx, channel, files); err != nil {
		log.Error("upload the final files", "rca", sum.RCA.ID, "error", err)
	}
	if len(sum.Fixes) > 0 {
		if _, err := b.postFRT(ctx, log, sum); err != nil {
			log.Error("upload the future reality tree", "rca", sum.RCA.ID, "error", err)
		}
	}
}

// finalFiles are the CST pictures, the Markdown report (only where the
// channel canvas cannot hold the report) and the JSON export.
func (b *Bot) finalFiles(ctx context.Context, log *slog.Logger, sum *workflow.Summary) ([]upload, error) {
	var files []upload
	key, err := versionKey("cst", sum.Tree, sum.Analysis)
	if err != nil {
		return nil, err
	}
	shown, _ := b.refs.Ref(ctx, sum.RCA.ID, refPicturePrefix+"cst")
	if shown != key {
		imgs, err := b.media.cached(key, log, func() ([]render.Image, error) { return b.drawTree(ctx, sum.Tree, sum.Analysis) })
		if err != nil {
			return nil, err
		}
		files = append(files, pictureUploads("cst", imgs, treeAltText(sum.Tree, sum.Analysis))...)
	}
	if !b.postCanvas(ctx, log, sum) {
		files = append(files, b.reportFile(ctx, log, sum))
	}
	js, err := sum.Tree.MarshalJSON()
	if err != nil {
		return files, fmt.Errorf("json export: %w", err)
	}
	files = append(files, upload{name: "rca-tree.json", title: "Tree (JSON, re-importable)", data: js})
	return files, nil
}

// reportFile is the RCA's report as a Markdown file, for where the channel
// canvas cannot hold it.
func (b *Bot) reportFile(ctx context.Context, log *slog.Logger, sum *workflow.Summary) upload {
	owners := b.userNames(ctx, log, fixOwners(sum.Fixes))
	report := export.Markdown(sum.Tree, sum.Analysis, export.MarkdownOptions{Sections: reportSections(sum, owners, b.cfg.Location)})
	return upload{name: "rca-report.md", title: "RCA report: " + sum.RCA.Title, data: report}
}

func fixOwners(fixes []workflow.FixOutcome) []string {
	var out []string
	for _, f := range fixes {
		if f.Fix.Owner != "" {
			out = append(out, f.Fix.Owner)
		}
	}
	return out
}

// userNames looks up display names for the report; an unknown user keeps its id.
func (b *Bot) userNames(ctx context.Context, log *slog.Logger, ids []string) map[string]string {
	out := map[string]string{}
	for _, id := range ids {
		if _, ok := out[id]; ok {
			continue
		}
		out[id] = id
		u, err := b.api.GetUserInfoContext(ctx, id)
		if err != nil {
			log.Warn("look up a fix owner", "user", id, "error", err)
			continue
		}
		if name := firstNonEmpty(u.RealName, u.Profile.DisplayName, u.Name); name != "" {
			out[id] = name
		}
	}
	return out
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// summaryBlocks is the final summary message: facts, symptoms, core causes
// with coverage, their chains in IF/THEN words, open reservations and fixes.
func summaryBlocks(sum *workflow.Summary, loc *time.Location) []slack.Block {
	rca, t := &sum.RCA, sum.Tree
	facts := []string{"*Facilitator*\n" + fmt.Sprintf("<@%s>", rca.Facilitator)}
	if rca.Severity != "" {
		facts = append(facts, "*Severity*\n"+Escape(rca.Severity))
	}
	facts = append(facts, "*Started*\n"+rca.CreatedAt.In(loc).Format("Mon 2 Jan 2006"))
	if !rca.ClosedAt.IsZero() {
		facts = append(facts, "*Closed*\n"+rca.ClosedAt.In(loc).Format("Mon 2 Jan 2006"))
	}
	facts = append(facts, "*Took*\n"+humanDuration(sum.Duration), "*Participants*\n"+fmt.Sprint(len(rca.Participants)))
	blocks := []slack.Block{header(":white_check_mark: RCA closed: " + rca.Title), fields(facts...)}

	udes := make([]string, 0, len(sum.Analysis.UDEs))
	for _, id := range sum.Analysis.UDEs {
		udes = append(udes, "• "+nodeRef(t, id, 200))
	}
	blocks = append(blocks, section("*Symptoms*"))
	blocks = append(blocks, pagedSections(udes, 3)...)
	blocks = append(blocks, coreCauseSummary(sum)...)
	blocks = append(blocks, chainBlocks(sum)...)
	blocks = append(blocks, openItemBlocks(sum)...)
	blocks = append(blocks, fixSummaryBlocks(sum, loc)...)
	blocks = append(blocks, contextBlock("The tree pictures and the JSON export follow; the full report is in the channel canvas (or a Markdown file where canvases are unavailable). The RCA is read-only now; the facilitator can reopen it with `/rca reopen`."))
	return clipMessage(blocks)
}

// coreCauseSummary lists the core causes (or the cover set) with coverage.
func coreCauseSummary(sum *workflow.Summary) []slack.Block {
	n := len(sum.Analysis.UDEs)
	if len(sum.CoreCauses) == 0 {
		return []slack.Block{section("*Core causes:* none found; the tree has no root that explains the symptoms.")}
	}
	title := "*Core causes*"
	if len(sum.Analysis.CoreCauses) == 0 {
		title = "*No single core cause; fixing these together removes every removable symptom*"
	}
	lines := []string{title}
	for _, c := range sum.CoreCauses {
		lines = append(lines, fmt.Sprintf("• %s — explains %d/%d (%s of impact) · fixing it alone removes %d/%d",
			nodeRef(sum.Tree, c.Node, 200), len(c.Explains), n, percent(c.Share), len(c.Removes), n))
	}
	if len(sum.Contributing) > 0 {
		lines = append(lines, "*Contributing causes* (other causes would still produce the symptoms)")
	}
	for _, c := range sum.Contributing {
		lines = append(lines, fmt.Sprintf("• %s — explains %d/%d (%s of impact), but fixing it alone removes %d/%d",
			nodeRef(sum.Tree, c.Node, 200), len(c.Explains), n, percent(c.Share), len(c.Removes), n))
	}
	return pagedSections(lines, 3)
}

// chainBlocks are the causal chains of the core causes in IF/THEN words.
func chainBlocks(sum *workflow.Summary) []slack.Block {
	var lines []string
	for _, c := range sum.CoreCauses {
		for _, ch := range c.Chains {
			lines = append(lines, "• "+truncateEscaped(ch, 1200))
		}
	}
	if len(lines) == 0 {
		return nil
	}
	blocks := append([]slack.Block{section("*How it happened (IF … THEN …)*")}, pagedSections(lines, 6)...)
	if n := sum.Analysis.ChainsLeftOut; n > 0 {
		word := "chains"
		if n == 1 {
			word = "chain"
		}
		blocks = append(blocks, contextBlock(fmt.Sprintf("_%d more %s not listed, to keep the summary readable._", n, word)))
	}
	return blocks
}

// openItemBlocks lists what was left open: reservations, links, symptoms.
func openItemBlocks(sum *workflow.Summary) []slack.Block {
	o := sum.Open
	var lines []string
	for _, res := range o.OpenReservations {
		lines = append(lines, "• "+reservationLine(sum.Tree, res))
	}
	if n := len(o.UnreviewedLinks); n > 0 {
		lines = append(lines, fmt.Sprintf("• %s never accepted in the challenge pass", plural(n, "link")))
	}
	if n := len(o.DisputedLinks); n > 0 {
		lines = append(lines, fmt.Sprintf("• %s still disputed", plural(n, "link")))
	}
	if len(o.Unexplained) > 0 {
		lines = append(lines, "• unexplained symptoms: "+nodeList(sum.Tree, o.Unexplained))
	}
	if len(lines) == 0 {
		return []slack.Block{section("*Open items:* none — every link was settled.")}
	}
	return append([]slack.Block{section("*Open items*")}, pagedSections(lines, 3)...)
}

// reservationLine is one open reservation: its category, subject and note.
func reservationLine(t *tree.Tree, res workflow.Reservation) string {
	subject := ""
	switch {
	case res.Node != 0:
		subject = nodeRef(t, res.Node, 80)
	case res.Group != 0:
		if g, ok := t.Group(res.Group); ok {
			subject = truncateEscaped(tree.FormatGroupNumbered(t, g), 300)
		} else {
			subject = fmt.Sprintf("link %d", res.Group)
		}
	}
	line := fmt.Sprintf("_%s_ on %s", categoryName(res.Category), subject)
	if res.Note != "" {
		line += ": " + truncateEscaped(res.Note, 200)
	}
	return line
}

// categoryName is a reservation category as people read it.
func categoryName(c workflow.Category) string {
	s := strings.ReplaceAll(string(c), "_", " ")
	if s == "" {
		return "reservation"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// fixSummaryBlocks lists the fixes with owners and dates, and what remains.
func fixSummaryBlocks(sum *workflow.Summary, loc *time.Location) []slack.Block {
	if len(sum.Fixes) == 0 {
		return []slack.Block{section("*Fixes:* none proposed.")}
	}
	n := len(sum.Analysis.UDEs)
	lines := []string{"*Fixes*"}
	for _, f := range sum.Fixes {
		line := fmt.Sprintf("• *%s* (against *%s*) — removes %d/%d", truncateEscaped(f.Fix.Injection, 300), f.Fix.Node, len(f.Elimination.Removed), n)
		if meta := fixMeta(&f.Fix, loc); meta != "" {
			line += " · " + meta
		}
		if f.Fix.TicketKey != "" {
			line += " · :ticket: " + ticketLink(f.Fix.TicketKey, f.Fix.Ticket)
		}
		lines = append(lines, line)
	}
	c := sum.Combined
	lines = append(lines, fmt.Sprintf("Together they remove %d/%d symptoms; still there: %s", len(c.Removed), n, nodeList(sum.Tree, c.Remaining)))
	for _, br := range sum.Untrimmed() {
		lines = append(lines, ":warning: *Negative branch not trimmed:* "+branchText(sum.Tree, br))
	}
	return pagedSections(lines, 4)
}

// humanDuration is a duration as "3d 4h", "2h 5m" or "45m".
func humanDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return fmt.Sprintf("%dd %dh", days, hours)
	case hours > 0:
		return fmt.Sprintf("%dh %dm", hours, mins)
	}
	return fmt.Sprintf("%dm", mins)
}

// mdEscaper escapes user text for the Markdown report.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`,
	"<", "&lt;", ">", "&gt;", "#", `\#`, "|", `\|`, "\n", " ", "\r", " ")

// reportSections are the report's extra parts: key facts and durations,
// planned fixes, and the open items.
func reportSections(sum *workflow.Summary, owners map[string]string, loc *time.Location) []export.Section {
	return []export.Section{
		{Heading: "Key facts", Body: factsMarkdown(sum, loc)},
		{Heading: "Planned fixes", Body: fixesMarkdown(sum, owners, loc)},
		{Heading: "Open items", Body: openMarkdown(sum)},
	}
}

func factsMarkdown(sum *workflow.Summary, loc *time.Location) string {
	rca := &sum.RCA
	var b strings.Builder
	fmt.Fprintf(&b, "- RCA: %s\n", mdEscaper.Replace(rca.Title))
	if rca.Severity != "" {
		fmt.Fprintf(&b, "- Severity: %s\n", mdEscaper.Replace(rca.Severity))
	}
	fmt.Fprintf(&b, "- Started: %s\n", rca.CreatedAt.In(loc).Format("2006-01-02 15:04 MST"))
	if !rca.ClosedAt.IsZero() {
		fmt.Fprintf(&b, "- Closed: %s\n", rca.ClosedAt.In(loc).Format("2006-01-02 15:04 MST"))
	}
	fmt.Fprintf(&b, "- Duration: %s\n", humanDuration(sum.Duration))
	for _, p := range workflow.Phases {
		if d, ok := sum.InPhase[p]; ok {
			fmt.Fprintf(&b, "  - %s: %s\n", phaseName(p), humanDuration(d))
		}
	}
	return b.String()
}

func fixesMarkdown(sum *workflow.Summary, owners map[string]string, loc *time.Location) string {
	if len(sum.Fixes) == 0 {
		return "No fixes were proposed.\n"
	}
	n := len(sum.Analysis.UDEs)
	var b strings.Builder
	for _, f := range sum.Fixes {
		fmt.Fprintf(&b, "- **%s** against %s; removes %d/%d symptoms", mdEscaper.Replace(f.Fix.Injection), f.Fix.Node, len(f.Elimination.Removed), n)
		if f.Fix.Owner != "" {
			fmt.Fprintf(&b, "; owner: %s", mdEscaper.Replace(owners[f.Fix.Owner]))
		}
		if !f.Fix.Due.IsZero() {
			fmt.Fprintf(&b, "; due %s", f.Fix.Due.In(loc).Format("2006-01-02"))
		}
		if f.Fix.TicketKey != "" && canvasLinkable(f.Fix.Ticket) {
			fmt.Fprintf(&b, "; ticket [%s](%s)", mdEscaper.Replace(f.Fix.TicketKey), f.Fix.Ticket)
		}
		b.WriteString("\n")
	}
	c := sum.Combined
	fmt.Fprintf(&b, "\nAll fixes together remove %d/%d symptoms.", len(c.Removed), n)
	if len(c.Remaining) > 0 {
		ids := make([]string, len(c.Remaining))
		for i, id := range c.Remaining {
			ids[i] = id.String()
		}
		fmt.Fprintf(&b, " Still there: %s.", strings.Join(ids, ", "))
	}
	b.WriteString("\n")
	for _, br := range sum.Untrimmed() {
		fmt.Fprintf(&b, "\nNegative branch not trimmed: %s\n", branchPlain(sum.Tree, br, mdEscaper.Replace))
	}
	return b.String()
}

func openMarkdown(sum *workflow.Summary) string {
	o := sum.Open
	var lines []string
	for _, res := range o.OpenReservations {
		subject := fmt.Sprintf("link %d", res.Group)
		if res.Node != 0 {
			subject = res.Node.String()
		}
		line := fmt.Sprintf("- %s reservation on %s", categoryName(res.Category), subject)
		if res.Note != "" {
			line += ": " + mdEscaper.Replace(res.Note)
		}
		lines = append(lines, line)
	}
	if len(o.UnreviewedLinks) > 0 {
		lines = append(lines, fmt.Sprintf("- %s never accepted in the challenge pass", plural(len(o.UnreviewedLinks), "link")))
	}
	if len(o.DisputedLinks) > 0 {
		lines = append(lines, fmt.Sprintf("- %s still disputed", plural(len(o.DisputedLinks), "link")))
	}
	if len(lines) == 0 {
		return "Nothing was left open.\n"
	}
	return strings.Join(lines, "\n") + "\n"
}
