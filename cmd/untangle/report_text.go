package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/untangle-rca/untangle/tree"
)

// writeTextReport prints the analysis for people reading a terminal.
func writeTextReport(w io.Writer, t *tree.Tree, a *tree.Analysis) error {
	b := bufio.NewWriter(w)
	n := len(a.UDEs)
	title := t.Title
	if title == "" {
		title = "Current State Tree"
	}
	fmt.Fprintf(b, "%s — %s, %s, %s\n", title, plural(t.NumNodes(), "node", "nodes"),
		plural(t.NumGroups(), "link", "links"), plural(n, "UDE", "UDEs"))

	section(b, "Symptoms (UDEs)")
	for _, id := range a.UDEs {
		node, _ := t.Node(id)
		fmt.Fprintf(b, "  %s %s  [impact %d]\n", id, node.Text, node.Impact())
	}
	if n == 0 {
		fmt.Fprintln(b, "  none: declare symptoms with UDE [...]")
	}
	writeCoreCauses(b, t, a)

	section(b, "Root causes, ranked")
	for i, r := range a.Roots {
		writeRoot(b, t, r, n, fmt.Sprintf("  %d. ", i+1))
	}
	if len(a.Roots) == 0 {
		fmt.Fprintln(b, "  none")
	}

	section(b, "Smallest sets")
	fmt.Fprintf(b, "  explains every explained UDE: %s\n", describeSet(a, a.Cover))
	fmt.Fprintf(b, "  fixing these removes every removable UDE: %s\n", describeSet(a, a.Fix))

	writeIDList(b, t, "Unexplained symptoms", a.Unexplained)
	writeIDList(b, t, "Dangling nodes (reach no UDE)", a.Dangling)
	section(b, "Loops")
	for _, loop := range a.Loops {
		fmt.Fprintf(b, "  %s\n", joinNodeIDs(loop, " → "))
	}
	if len(a.Loops) == 0 {
		fmt.Fprintln(b, "  none")
	}
	if len(a.Warnings) > 0 {
		section(b, "Warnings")
		for _, wn := range a.Warnings {
			fmt.Fprintf(b, "  ! %s\n", wn.Message)
		}
	}
	writeChains(b, t, a)
	return b.Flush()
}

// writeCoreCauses writes the core causes, or, when there is none, says so
// and leads with the smallest fix set; then the contributing causes.
func writeCoreCauses(w io.Writer, t *tree.Tree, a *tree.Analysis) {
	n := len(a.UDEs)
	th := fmt.Sprintf("%.0f %%", a.Threshold*100)
	section(w, fmt.Sprintf("Core causes (a root that explains at least %s of the impact and, fixed alone, removes as much)", th))
	for _, i := range a.CoreCauses {
		writeRoot(w, t, a.Roots[i], n, "  ")
	}
	if len(a.CoreCauses) == 0 {
		fmt.Fprintf(w, "  none: no root cause alone removes %s of the impact\n", th)
		if len(a.Fix.Roots) > 0 {
			fmt.Fprintf(w, "  fix these together to remove every removable UDE (%d/%d): %s\n", len(a.Fix.Covered), n, describeSet(a, a.Fix))
		}
	}
	if len(a.Contributing) == 0 {
		return
	}
	section(w, fmt.Sprintf("Contributing causes (explain at least %s of the impact, but other causes would still produce the symptoms)", th))
	for _, i := range a.Contributing {
		writeRoot(w, t, a.Roots[i], n, "  ")
	}
}

// writeChains lists the chains from each core cause and how many were left out.
func writeChains(w io.Writer, t *tree.Tree, a *tree.Analysis) {
	if len(a.Chains) == 0 && a.ChainsLeftOut == 0 {
		return
	}
	section(w, "Chains from each core cause")
	for _, c := range a.Chains {
		fmt.Fprintf(w, "  %s ⇒ %s:\n", c.From, c.To)
		for _, line := range strings.Split(tree.ChainText(t, c), "\n") {
			fmt.Fprintf(w, "    %s\n", line)
		}
	}
	if k := a.ChainsLeftOut; k > 0 {
		fmt.Fprintf(w, "  … %s not listed, to keep the report readable\n", plural(k, "more chain", "more chains"))
	}
}

func section(w io.Writer, title string) {
	fmt.Fprintf(w, "\n%s\n", title)
}

// writeRoot writes a root and its figures; a contributing cause says why it
// is not a core cause.
func writeRoot(w io.Writer, t *tree.Tree, r tree.Root, udes int, prefix string) {
	label := nodeText(t, r.Nodes[0])
	if len(r.Nodes) > 1 {
		label = "the loop " + joinNodeIDs(r.Nodes, " → ")
	}
	fmt.Fprintf(w, "%s%s %s\n", prefix, r.Nodes[0], label)
	sep := " ·"
	if r.Contributing {
		sep = ", but other causes would still produce the symptoms:"
	}
	fmt.Fprintf(w, "%s    explains %d/%d (%.0f %% of impact)%s fixing it alone removes %d/%d (%.0f %%)\n",
		strings.Repeat(" ", len([]rune(prefix))), len(r.Explains), udes, r.Share*100, sep, len(r.Removes), udes, r.RemovalShare*100)
}

func describeSet(a *tree.Analysis, s tree.RootSet) string {
	if len(s.Roots) == 0 {
		return "none"
	}
	ids := make([]tree.NodeID, len(s.Roots))
	for i, idx := range s.Roots {
		ids[i] = a.Roots[idx].Nodes[0]
	}
	how := "exact"
	if !s.Exact {
		how = "greedy, may not be the smallest"
	}
	return fmt.Sprintf("%s (%s)", joinNodeIDs(ids, ", "), how)
}

func writeIDList(w io.Writer, t *tree.Tree, title string, ids []tree.NodeID) {
	section(w, title)
	if len(ids) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, id := range ids {
		fmt.Fprintf(w, "  %s %s\n", id, nodeText(t, id))
	}
}

func joinNodeIDs(ids []tree.NodeID, sep string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id.String()
	}
	return strings.Join(parts, sep)
}
