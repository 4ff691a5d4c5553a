package bot

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// canvasEscaper escapes user text for canvas Markdown: every character that
// could start emphasis, code, a link, a mention (![](@U…)), a heading, a
// table or HTML, and line breaks, so a text stays one plain run of words.
var canvasEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "~", `\~`,
	"[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`, "!", `\!`, "#", `\#`, "|", `\|`,
	"&", "&amp;", "<", "&lt;", ">", "&gt;", "\n", " ", "\r", " ")

// canvasText is user text as canvas Markdown.
func canvasText(s string) string { return canvasEscaper.Replace(s) }

// Names of the files the final report refers to.
const (
	reportJSONName = "rca-tree.json"
)

// canvasMarkdown is the RCA's living report for its channel canvas: the
// summary, symptoms, causes, chains, fixes with owners and status, and the
// risks that remain. owners maps user ids to display names.
func canvasMarkdown(sum *workflow.Summary, owners map[string]string, loc *time.Location) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# RCA report: %s\n\n", canvasText(sum.RCA.Title))
	canvasFacts(&b, sum, loc)
	canvasSymptoms(&b, sum)
	canvasCauses(&b, "Core causes", sum, sum.CoreCauses)
	canvasCauses(&b, "Contributing causes", sum, sum.Contributing)
	canvasChains(&b, sum)
	canvasFixes(&b, sum, owners, loc)
	canvasRisks(&b, sum)
	canvasTree(&b, sum.Tree)
	b.WriteString("## Pictures and export\n\n")
	b.WriteString("Canvases cannot show the pictures: the Current State Tree and the Future Reality Tree are posted as files in this channel " +
		"(cst.png, frt.png; a large tree comes in numbered parts), with the tree as re-importable JSON in " + reportJSONName + ".\n")
	return b.String()
}

func canvasFacts(b *strings.Builder, sum *workflow.Summary, loc *time.Location) {
	rca := &sum.RCA
	b.WriteString("## Summary\n\n")
	fmt.Fprintf(b, "- Phase: %s\n", phaseName(rca.Phase))
	if rca.Severity != "" {
		fmt.Fprintf(b, "- Severity: %s\n", canvasText(rca.Severity))
	}
	fmt.Fprintf(b, "- Started: %s\n", rca.CreatedAt.In(loc).Format("2006-01-02"))
	if !rca.ClosedAt.IsZero() {
		fmt.Fprintf(b, "- Closed: %s\n", rca.ClosedAt.In(loc).Format("2006-01-02"))
	}
	fmt.Fprintf(b, "- Took: %s\n", humanDuration(sum.Duration))
	p := sum.Progress
	fmt.Fprintf(b, "- Fixes done: %d/%d; symptoms removed by them: %d/%d\n\n", p.Done, p.Total, len(p.Removed), len(sum.Analysis.UDEs))
}

func canvasNode(t *tree.Tree, id tree.NodeID) string {
	if n, ok := t.Node(id); ok {
		return "**" + id.String() + "** " + canvasText(n.Text)
	}
	return "**" + id.String() + "**"
}

func canvasSymptoms(b *strings.Builder, sum *workflow.Summary) {
	b.WriteString("## Symptoms\n\n")
	removed := map[tree.NodeID]bool{}
	for _, id := range sum.Progress.Removed {
		removed[id] = true
	}
	for _, id := range sum.Analysis.UDEs {
		state := "still there"
		if removed[id] {
			state = "removed by the fixes done"
		}
		fmt.Fprintf(b, "- %s (%s)\n", canvasNode(sum.Tree, id), state)
	}
	b.WriteString("\n")
}

func canvasCauses(b *strings.Builder, heading string, sum *workflow.Summary, causes []workflow.CoreCause) {
	if len(causes) == 0 {
		return
	}
	n := len(sum.Analysis.UDEs)
	fmt.Fprintf(b, "## %s\n\n", heading)
	for _, c := range causes {
		fmt.Fprintf(b, "- %s: explains %d/%d (%s of impact); fixing it alone removes %d/%d\n",
			canvasNode(sum.Tree, c.Node), len(c.Explains), n, percent(c.Share), len(c.Removes), n)
	}
	b.WriteString("\n")
}

func canvasChains(b *strings.Builder, sum *workflow.Summary) {
	var lines []string
	for _, c := range sum.CoreCauses {
		for _, ch := range c.Chains {
			lines = append(lines, "- "+canvasText(ch))
		}
	}
	if len(lines) == 0 {
		return
	}
	b.WriteString("## How it happened\n\n" + strings.Join(lines, "\n") + "\n")
	if n := sum.Analysis.ChainsLeftOut; n > 0 {
		fmt.Fprintf(b, "\n%s not listed.\n", plural(n, "more chain"))
	}
	b.WriteString("\n")
}

func canvasFixes(b *strings.Builder, sum *workflow.Summary, owners map[string]string, loc *time.Location) {
	b.WriteString("## Fixes\n\n")
	if len(sum.Fixes) == 0 {
		b.WriteString("No fixes were proposed.\n\n")
		return
	}
	n := len(sum.Analysis.UDEs)
	for _, f := range sum.Fixes {
		fmt.Fprintf(b, "- **%s** against %s: %s; removes %d/%d", canvasText(f.Fix.Injection), f.Fix.Node, f.Fix.Status.Label(), len(f.Elimination.Removed), n)
		if f.Fix.Owner != "" {
			fmt.Fprintf(b, "; owner: %s", canvasText(firstNonEmpty(owners[f.Fix.Owner], f.Fix.Owner)))
		}
		if !f.Fix.Due.IsZero() {
			fmt.Fprintf(b, "; due %s", f.Fix.Due.In(loc).Format("2006-01-02"))
		}
		if f.Fix.Status == workflow.FixDropped && f.Fix.Reason != "" {
			fmt.Fprintf(b, "; dropped because: %s", canvasText(f.Fix.Reason))
		}
		for _, l := range [][2]string{{"ticket", f.Fix.Ticket}, {"pull request", f.Fix.PullReq}} {
			if canvasLinkable(l[1]) {
				fmt.Fprintf(b, "; [%s](%s)", l[0], l[1])
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

// canvasLinkable reports whether a URL can stand in a Markdown link as is.
func canvasLinkable(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" &&
		!strings.ContainsAny(s, " ()<>[]\n\r\t")
}

func canvasRisks(b *strings.Builder, sum *workflow.Summary) {
	var lines []string
	if open := sum.Progress.Open; len(open) > 0 {
		lines = append(lines, fmt.Sprintf("- %s still there until more fixes are done: %s", plural(len(open), "symptom"), canvasNodes(sum.Tree, open)))
	}
	if c := sum.Combined; len(c.Remaining) > 0 {
		lines = append(lines, "- not removed even by every fix together: "+canvasNodes(sum.Tree, c.Remaining))
	}
	if u := sum.Open.Unexplained; len(u) > 0 {
		lines = append(lines, "- unexplained symptoms: "+canvasNodes(sum.Tree, u))
	}
	for _, br := range sum.Untrimmed() {
		lines = append(lines, "- negative branch of the fixes, not trimmed: "+branchPlain(sum.Tree, br, canvasText))
	}
	for _, res := range sum.Open.OpenReservations {
		line := fmt.Sprintf("- open %s reservation", strings.ToLower(categoryName(res.Category)))
		if res.Note != "" {
			line += ": " + canvasText(res.Note)
		}
		lines = append(lines, line)
	}
	if n := len(sum.Open.DisputedLinks); n > 0 {
		lines = append(lines, fmt.Sprintf("- %s still disputed", plural(n, "link")))
	}
	if n := len(sum.Open.UnreviewedLinks); n > 0 {
		lines = append(lines, fmt.Sprintf("- %s never accepted in the challenge pass", plural(n, "link")))
	}
	b.WriteString("## Remaining risks\n\n")
	if len(lines) == 0 {
		b.WriteString("None: every symptom is removed and nothing was left open.\n\n")
		return
	}
	b.WriteString(strings.Join(lines, "\n") + "\n\n")
}

func canvasNodes(t *tree.Tree, ids []tree.NodeID) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = canvasNode(t, id)
	}
	return strings.Join(parts, "; ")
}

// canvasKind marks the nodes of the Future Reality Tree part in the list.
var canvasKind = map[tree.Kind]string{
	tree.KindInjection:      " (fix)",
	tree.KindNegativeEffect: " (negative effect)",
	tree.KindDesiredEffect:  " (desired effect)",
}

// canvasTree lists every statement and every link of the tree, so the
// report holds the whole analysis even where no chain passes.
func canvasTree(b *strings.Builder, t *tree.Tree) {
	b.WriteString("## The tree\n\n")
	for _, n := range t.Nodes() {
		fmt.Fprintf(b, "- %s%s\n", canvasNode(t, n.ID), canvasKind[n.Kind])
	}
	if gs := t.Groups(); len(gs) > 0 {
		b.WriteString("\nLinks:\n\n")
		for _, g := range gs {
			fmt.Fprintf(b, "- %s\n", canvasText(tree.FormatGroupNumbered(t, g)))
		}
	}
	b.WriteString("\n")
}
