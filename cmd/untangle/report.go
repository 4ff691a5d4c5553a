package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/untangle-rca/untangle/tree"
)

// reportVersion is the version of the `analyze --report json` document.
const reportVersion = 1

// jsonReport is the stable, documented shape of `untangle analyze --report json`
// (docs/cli.md). Node numbers appear with their texts so scripts need no lookup.
type jsonReport struct {
	Version     int             `json:"version"`
	Title       string          `json:"title"`
	Nodes       int             `json:"nodes"`
	Links       int             `json:"links"`
	Threshold   float64         `json:"threshold"`
	UDEs        []jsonRefNode   `json:"udes"`
	TotalImpact int             `json:"total_impact"`
	Roots       []jsonRoot      `json:"roots"`
	CoreCauses  []jsonRoot      `json:"core_causes"`
	Cover       jsonSet         `json:"cover"`
	Fix         jsonSet         `json:"fix"`
	Unexplained []jsonRefNode   `json:"unexplained"`
	Dangling    []jsonRefNode   `json:"dangling"`
	Loops       [][]tree.NodeID `json:"loops"`
	Warnings    []tree.Warning  `json:"warnings"`
	Chains      []jsonChain     `json:"chains"`
	Future      *jsonFuture     `json:"future,omitempty"` // the Future Reality Tree, when the tree or --fix has fixes
}

type jsonRefNode struct {
	Node   tree.NodeID `json:"node"`
	Text   string      `json:"text"`
	Impact int         `json:"impact,omitempty"`
}

type jsonRoot struct {
	Node     tree.NodeID   `json:"node"`
	Text     string        `json:"text"`
	Loop     []tree.NodeID `json:"loop,omitempty"`
	Explains []tree.NodeID `json:"explains"`
	Impact   int           `json:"impact"`
	Share    float64       `json:"weighted_share"`
	Removes  []tree.NodeID `json:"removes"`
	Depth    int           `json:"depth"`
	Core     bool          `json:"core"`
}

type jsonSet struct {
	Roots   []tree.NodeID `json:"roots"`
	Covered []tree.NodeID `json:"covered"`
	Exact   bool          `json:"exact"`
}

type jsonChain struct {
	From tree.NodeID `json:"from"`
	To   tree.NodeID `json:"to"`
	Text string      `json:"text"`
}

func writeJSONReport(w io.Writer, t *tree.Tree, a *tree.Analysis, future *jsonFuture) error {
	rep := jsonReport{Future: future,
		Version: reportVersion, Title: t.Title, Nodes: t.NumNodes(), Links: t.NumGroups(),
		Threshold: a.Threshold, TotalImpact: a.TotalImpact,
		UDEs: refNodes(t, a.UDEs), Unexplained: refNodes(t, a.Unexplained), Dangling: refNodes(t, a.Dangling),
		Loops: nonNil(a.Loops), Warnings: nonNil(a.Warnings), Roots: []jsonRoot{}, CoreCauses: []jsonRoot{},
		Cover: rootSet(a, a.Cover), Fix: rootSet(a, a.Fix), Chains: []jsonChain{},
	}
	for _, r := range a.Roots {
		jr := jsonRoot{Node: r.Nodes[0], Text: nodeText(t, r.Nodes[0]), Explains: nonNil(r.Explains), Impact: r.Impact,
			Share: r.Share, Removes: nonNil(r.Removes), Depth: r.Depth, Core: r.Core}
		if len(r.Nodes) > 1 {
			jr.Loop = r.Nodes
		}
		rep.Roots = append(rep.Roots, jr)
		if r.Core {
			rep.CoreCauses = append(rep.CoreCauses, jr)
		}
	}
	for _, c := range a.Chains {
		rep.Chains = append(rep.Chains, jsonChain{From: c.From, To: c.To, Text: tree.ChainText(t, c)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func refNodes(t *tree.Tree, ids []tree.NodeID) []jsonRefNode {
	out := []jsonRefNode{}
	for _, id := range ids {
		ref := jsonRefNode{Node: id, Text: nodeText(t, id)}
		if n, ok := t.Node(id); ok {
			ref.Impact = n.Impact()
		}
		out = append(out, ref)
	}
	return out
}

func rootSet(a *tree.Analysis, s tree.RootSet) jsonSet {
	out := jsonSet{Roots: []tree.NodeID{}, Covered: nonNil(s.Covered), Exact: s.Exact}
	for _, i := range s.Roots {
		out.Roots = append(out.Roots, a.Roots[i].Nodes[0])
	}
	return out
}

func nodeText(t *tree.Tree, id tree.NodeID) string {
	if n, ok := t.Node(id); ok {
		return n.Text
	}
	return ""
}

// writeTextReport prints the analysis for people reading a terminal.
func writeTextReport(w io.Writer, t *tree.Tree, a *tree.Analysis) error {
	b := bufio.NewWriter(w)
	n := len(a.UDEs)
	title := t.Title
	if title == "" {
		title = "Current State Tree"
	}
	fmt.Fprintf(b, "%s — %d nodes, %d links, %d UDEs\n", title, t.NumNodes(), t.NumGroups(), n)

	section(b, "Symptoms (UDEs)")
	for _, id := range a.UDEs {
		node, _ := t.Node(id)
		fmt.Fprintf(b, "  %s %s  [impact %d]\n", id, node.Text, node.Impact())
	}
	if n == 0 {
		fmt.Fprintln(b, "  none: declare symptoms with UDE [...]")
	}

	section(b, fmt.Sprintf("Core causes (a root explaining at least %.0f %% of the impact)", a.Threshold*100))
	core := 0
	for _, r := range a.Roots {
		if r.Core {
			core++
			writeRoot(b, t, r, n, "  ")
		}
	}
	if core == 0 {
		fmt.Fprintln(b, "  none reaches the threshold (see the warnings and the smallest set below)")
	}

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
	if len(a.Chains) > 0 {
		section(b, "Chains from each core cause")
		for _, c := range a.Chains {
			fmt.Fprintf(b, "  %s ⇒ %s:\n", c.From, c.To)
			for _, line := range strings.Split(tree.ChainText(t, c), "\n") {
				fmt.Fprintf(b, "    %s\n", line)
			}
		}
	}
	return b.Flush()
}

func section(w io.Writer, title string) {
	fmt.Fprintf(w, "\n%s\n", title)
}

func writeRoot(w io.Writer, t *tree.Tree, r tree.Root, udes int, prefix string) {
	label := nodeText(t, r.Nodes[0])
	if len(r.Nodes) > 1 {
		label = "the loop " + joinNodeIDs(r.Nodes, " → ")
	}
	fmt.Fprintf(w, "%s%s %s\n", prefix, r.Nodes[0], label)
	fmt.Fprintf(w, "%s    explains %d/%d UDEs (%.0f %% of impact) · fixing it alone removes %d/%d\n",
		strings.Repeat(" ", len([]rune(prefix))), len(r.Explains), udes, r.Share*100, len(r.Removes), udes)
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
