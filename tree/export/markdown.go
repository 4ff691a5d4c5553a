package export

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/untangle-rca/untangle/tree"
)

// Section is an extra part of the Markdown report, such as planned fixes,
// open reservations or key dates, added by the workflow.
type Section struct {
	Heading string // plain text; escaped when written
	Body    string // Markdown written as is; the caller escapes user text in it
}

// MarkdownOptions tunes the Markdown report. The zero value is a complete report.
type MarkdownOptions struct {
	// Sections are written, in order, after the analysis and before the full tree.
	Sections []Section
}

// markdownSpecial are the characters escaped with a backslash anywhere in
// user text, so that it cannot start emphasis, code, links, HTML, entities,
// table cells or math.
const markdownSpecial = "\\`*_[]<>|~&$"

// leadingOrdinal matches text that would start an ordered list item.
var leadingOrdinal = regexp.MustCompile(`^(\d+)([.)])`)

// md escapes user text for inline Markdown (paragraphs, list items, table
// cells and headings). Characters that only matter at the start of a line
// (#, -, +, "1.") are escaped there, since a list item may begin with the text.
func md(s string) string {
	s = collapse(s)
	var b strings.Builder
	switch m := leadingOrdinal.FindStringSubmatch(s); {
	case m != nil:
		b.WriteString(m[1] + `\` + m[2])
		s = s[len(m[0]):]
	case strings.HasPrefix(s, "#"), strings.HasPrefix(s, "-"), strings.HasPrefix(s, "+"):
		b.WriteByte('\\')
	}
	for _, r := range s {
		if strings.ContainsRune(markdownSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdNode renders a node reference as "**#7** text".
func mdNode(t *tree.Tree, id tree.NodeID) string {
	return fmt.Sprintf("**%s** %s", id, md(nodeText(t, id)))
}

// markdownWriter builds the report.
type markdownWriter struct {
	b strings.Builder
	t *tree.Tree
	a *tree.Analysis
}

// printf appends formatted text to the report.
func (w *markdownWriter) printf(format string, args ...any) { fmt.Fprintf(&w.b, format, args...) }

// heading starts a section; text must already be escaped.
func (w *markdownWriter) heading(text string) { w.printf("\n## %s\n\n", text) }

// Markdown renders a readable report of t and its analysis a: the UDEs and
// their weights, core causes with their coverage, the ranked roots, the
// minimal cover and fix sets, unexplained symptoms, dangling nodes, loops,
// unreviewed links, warnings, the causal chains in IF/THEN words, any extra
// sections, and the whole tree in statement syntax. User text is escaped.
// a may be nil; then only the UDEs and the tree are reported.
func Markdown(t *tree.Tree, a *tree.Analysis, opt MarkdownOptions) []byte {
	w := &markdownWriter{t: t, a: a}
	w.title()
	w.udes()
	if a != nil {
		w.coreCauses()
		w.roots()
		w.rootSet("Minimal cover set", "This root cause explains", "These %d root causes together explain", a.Cover)
		w.rootSet("Minimal fix set", "Fixing this root cause removes", "Fixing these %d root causes together removes", a.Fix)
		w.nodeList("Unexplained symptoms", "Every UDE has a cause.", a.Unexplained)
		w.nodeList("Dangling nodes", "Every node leads to a UDE.", a.Dangling)
		w.loops()
		w.unreviewed()
		w.warnings()
		w.chains()
		w.chainsLeftOut()
	}
	w.future()
	for _, s := range opt.Sections {
		w.heading(md(s.Heading))
		w.printf("%s\n", strings.TrimSpace(s.Body))
	}
	w.tree()
	return []byte(w.b.String())
}

// title writes the heading and a one-line summary.
func (w *markdownWriter) title() {
	title := "Root-cause analysis"
	if t := collapse(w.t.Title); t != "" {
		title += ": " + md(t)
	}
	udes := 0
	for _, n := range w.t.Nodes() {
		if n.Kind == tree.KindUDE {
			udes++
		}
	}
	w.printf("# %s\n\nA Current State Tree of %d %s and %d %s, with %d %s.\n", title,
		w.t.NumNodes(), plural(w.t.NumNodes(), "node", "nodes"), w.t.NumGroups(), plural(w.t.NumGroups(), "link", "links"),
		udes, plural(udes, "undesirable effect", "undesirable effects"))
}

// weightNames name the impact weights.
var weightNames = map[int]string{tree.WeightLow: "low", tree.WeightMedium: "medium", tree.WeightHigh: "high"}

// udes writes the table of UDEs with their impact.
func (w *markdownWriter) udes() {
	w.heading("Undesirable effects")
	rows := 0
	for _, n := range w.t.Nodes() {
		if n.Kind != tree.KindUDE {
			continue
		}
		if rows == 0 {
			w.printf("| # | Undesirable effect | Impact |\n| --- | --- | --- |\n")
		}
		w.printf("| %s | %s | %s (%d) |\n", n.ID, md(n.Text), weightNames[n.Impact()], n.Impact())
		rows++
	}
	if rows == 0 {
		w.printf("None recorded yet.\n")
	}
}

// numUDEs is n in "explains k/n UDEs".
func (w *markdownWriter) numUDEs() int { return len(w.a.UDEs) }

// rootName names a root: a node, or a loop of nodes.
func (w *markdownWriter) rootName(r tree.Root) string {
	if len(r.Nodes) == 1 {
		return mdNode(w.t, r.Nodes[0])
	}
	parts := make([]string, len(r.Nodes))
	for i, id := range r.Nodes {
		parts[i] = mdNode(w.t, id)
	}
	return "the loop of " + strings.Join(parts, ", ")
}

// coreCauses writes each core cause with its coverage, or says there is
// none and names the smallest fix set; then the contributing causes.
func (w *markdownWriter) coreCauses() {
	w.heading("Core causes")
	threshold := w.a.Threshold
	if threshold == 0 {
		threshold = tree.DefaultThreshold
	}
	n := w.numUDEs()
	if len(w.a.CoreCauses) == 0 {
		w.printf("No root cause is a core cause: none both explains at least %s of the impact and removes that much when fixed alone.", percent(threshold))
		if len(w.a.Fix.Roots) > 0 {
			w.printf(" Fixing %s removes every symptom that can be removed (%d/%d UDEs); see the minimal fix set below.",
				w.rootNames(w.a.Fix.Roots), len(w.a.Fix.Covered), n)
		}
		w.printf("\n")
	}
	for _, i := range w.a.CoreCauses {
		r := w.a.Roots[i]
		w.printf("- %s — explains %d/%d UDEs (%s of impact); fixing it alone removes %d/%d (%s).\n",
			w.rootName(r), len(r.Explains), n, percent(r.Share), len(r.Removes), n, percent(r.RemovalShare))
	}
	if len(w.a.Contributing) == 0 {
		return
	}
	w.printf("\nContributing causes explain at least %s of the impact, but other causes would still produce the symptoms:\n\n", percent(threshold))
	for _, i := range w.a.Contributing {
		r := w.a.Roots[i]
		w.printf("- %s — explains %d/%d UDEs (%s of impact), but fixing it alone removes %d/%d (%s).\n",
			w.rootName(r), len(r.Explains), n, percent(r.Share), len(r.Removes), n, percent(r.RemovalShare))
	}
}

// rootNames names the roots at the given indexes: "**#4** text and **#9** text".
func (w *markdownWriter) rootNames(idx []int) string {
	names := make([]string, len(idx))
	for k, i := range idx {
		names[k] = w.rootName(w.a.Roots[i])
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " together"
}

// roots writes the ranked table of root causes.
func (w *markdownWriter) roots() {
	w.heading("Root causes, ranked")
	if len(w.a.Roots) == 0 {
		w.printf("No root causes yet.\n")
		return
	}
	n := w.numUDEs()
	w.printf("| Rank | Root cause | Explains | Share of impact | Fixing it alone removes | Depth |\n")
	w.printf("| ---: | --- | ---: | ---: | ---: | ---: |\n")
	for i, r := range w.a.Roots {
		name := w.rootName(r)
		switch {
		case r.Core:
			name += " (core cause)"
		case r.Contributing:
			name += " (contributing cause)"
		}
		w.printf("| %d | %s | %d/%d | %s | %d/%d | %d |\n",
			i+1, name, len(r.Explains), n, percent(r.Share), len(r.Removes), n, r.Depth)
	}
}

// rootSet writes a minimal set of roots and whether it is proven minimal;
// one and many lead the sentence for one root and (with %d) for several.
func (w *markdownWriter) rootSet(heading, one, many string, s tree.RootSet) {
	w.heading(heading)
	if len(s.Roots) == 0 {
		w.printf("Empty: no root cause reaches a UDE.\n")
		return
	}
	how := "exact: no smaller set does it"
	if !s.Exact {
		how = "greedy search: small, but not proven minimal"
	}
	lead := one
	if len(s.Roots) > 1 {
		lead = fmt.Sprintf(many, len(s.Roots))
	}
	w.printf("%s %d/%d UDEs (%s):\n\n", lead, len(s.Covered), w.numUDEs(), how)
	for _, idx := range s.Roots {
		w.printf("- %s\n", w.rootName(w.a.Roots[idx]))
	}
}

// nodeList writes a list of nodes, or the sentence for an empty one.
func (w *markdownWriter) nodeList(heading, none string, ids []tree.NodeID) {
	w.heading(heading)
	if len(ids) == 0 {
		w.printf("%s\n", none)
		return
	}
	for _, id := range ids {
		w.printf("- %s\n", mdNode(w.t, id))
	}
}

// loops writes each cycle of the tree.
func (w *markdownWriter) loops() {
	w.heading("Loops")
	if len(w.a.Loops) == 0 {
		w.printf("None.\n")
		return
	}
	for _, loop := range w.a.Loops {
		parts := make([]string, len(loop))
		for i, id := range loop {
			parts[i] = mdNode(w.t, id)
		}
		w.printf("- A loop of %d nodes: %s\n", len(loop), strings.Join(parts, ", "))
	}
}

// unreviewed lists links left out because the challenge pass has not accepted them.
func (w *markdownWriter) unreviewed() {
	if len(w.a.Unreviewed) == 0 {
		return
	}
	w.heading("Links not yet accepted")
	w.printf("These links were left out of the analysis until the challenge pass accepts them:\n\n")
	for _, id := range w.a.Unreviewed {
		if g, ok := w.t.Group(id); ok {
			w.printf("- %s\n", md(tree.FormatGroup(w.t, g)))
		}
	}
}

// warnings writes the analysis warnings.
func (w *markdownWriter) warnings() {
	if len(w.a.Warnings) == 0 {
		return
	}
	w.heading("Warnings")
	for _, warn := range w.a.Warnings {
		w.printf("- %s\n", md(warn.Message))
	}
}

// chains writes each causal chain as numbered IF/THEN steps for people:
// node numbers and texts as typed (statement syntax, with its escapes, is
// only in the full tree at the end).
func (w *markdownWriter) chains() {
	if len(w.a.Chains) == 0 {
		return
	}
	w.heading("Chains")
	for i, c := range w.a.Chains {
		if i > 0 {
			w.printf("\n")
		}
		w.printf("From %s to %s:\n\n", mdNode(w.t, c.From), mdNode(w.t, c.To))
		for j, gid := range c.Steps {
			if g, ok := w.t.Group(gid); ok {
				w.printf("%d. %s\n", j+1, w.step(g))
			}
		}
	}
}

// chainsLeftOut says how many chains the analysis did not list.
func (w *markdownWriter) chainsLeftOut() {
	n := w.a.ChainsLeftOut
	if n == 0 {
		return
	}
	if len(w.a.Chains) == 0 {
		w.heading("Chains")
	} else {
		w.printf("\n")
	}
	w.printf("%d more %s not listed, to keep the report readable.\n", n, plural(n, "chain is", "chains are"))
}

// plural picks the singular or plural phrase for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// step writes one link as "IF **#3** text AND **#5** text THEN **#8** text".
func (w *markdownWriter) step(g *tree.Group) string {
	var b strings.Builder
	for i, c := range g.Causes {
		if i == 0 {
			b.WriteString("IF ")
		} else {
			b.WriteString(" AND ")
		}
		b.WriteString(mdNode(w.t, c))
	}
	b.WriteString(" THEN " + mdNode(w.t, g.Effect))
	return b.String()
}

// tree writes the whole tree in statement syntax in a fenced block.
func (w *markdownWriter) tree() {
	w.heading("Full tree")
	body := string(tree.Format(w.t))
	fence := strings.Repeat("`", max(3, longestRun(body, '`')+1))
	w.printf("%stext\n%s%s\n", fence, body, fence)
}

// longestRun is the length of the longest run of r in s.
func longestRun(s string, r rune) int {
	best, cur := 0, 0
	for _, c := range s {
		if c == r {
			cur++
			best = max(best, cur)
			continue
		}
		cur = 0
	}
	return best
}
