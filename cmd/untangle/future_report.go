package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/untangle-rca/untangle/tree"
)

// jsonFuture is the "future" member of `analyze --report json`: the Future
// Reality Tree of the fixes, by node number.
type jsonFuture struct {
	Fixes        []jsonFix             `json:"fixes"`
	Removed      []tree.NodeID         `json:"removed"`       // symptoms all fixes together remove
	OnlyTogether []tree.NodeID         `json:"only_together"` // of those, the ones no fix removes alone
	Remaining    []tree.NodeID         `json:"remaining"`     // symptoms that still hold
	Why          []jsonChain           `json:"why"`           // per remaining symptom, a chain that still produces it
	Suggested    []tree.Suggestion     `json:"suggested"`     // a desirable effect per removed symptom
	Desirable    []tree.NodeID         `json:"desirable"`     // desired effects recorded in the tree
	Negative     []tree.NegativeBranch `json:"negative"`
	Untrimmed    []tree.NodeID         `json:"untrimmed"` // ends of negative branches no injection trims
}

// jsonFix is one fix in the "future" member.
type jsonFix struct {
	Node      tree.NodeID    `json:"node"`      // the node the fix neutralises
	Injection tree.NodeID    `json:"injection"` // the injection node that stands for the fix
	Text      string         `json:"text"`      // the injection's wording
	Removes   []tree.NodeID  `json:"removes"`   // symptoms it removes alone
	AndLinks  []tree.GroupID `json:"and_links"` // AND links it breaks by one member only
	Survive   []tree.NodeID  `json:"survive"`   // symptoms the node leads to that OR alternatives keep
}

// futureJSON converts a Future for the JSON report; nil stays nil.
func futureJSON(t *tree.Tree, f *tree.Future) *jsonFuture {
	if f == nil {
		return nil
	}
	out := &jsonFuture{Fixes: []jsonFix{}, Removed: f.Removed, OnlyTogether: f.OnlyTogether, Remaining: []tree.NodeID{},
		Why: []jsonChain{}, Suggested: f.Suggested, Desirable: f.Desirable, Negative: f.Negative, Untrimmed: f.Untrimmed}
	for _, x := range f.Fixes {
		out.Fixes = append(out.Fixes, jsonFix{Node: x.Node, Injection: x.Injection, Text: nodeText(t, x.Injection),
			Removes: x.Removes, AndLinks: x.AndLinks, Survive: x.Survive})
	}
	for _, s := range f.Remaining {
		out.Remaining = append(out.Remaining, s.UDE)
		out.Why = append(out.Why, jsonChain{From: s.Path.From, To: s.UDE, Text: tree.ChainText(t, s.Path)})
	}
	return out
}

// writeFutureReport prints the Future Reality Tree of the fixes after the
// text report: each fix alone, all together, what remains and why, the
// desirable effects and the negative branches.
func writeFutureReport(w io.Writer, t *tree.Tree, f *tree.Future, udes int) error {
	b := bufio.NewWriter(w)
	section(b, fmt.Sprintf("Future Reality Tree (%s; the picture outputs draw it)", plural(len(f.Fixes), "fix", "fixes")))
	for _, x := range f.Fixes {
		writeFix(b, t, x, udes)
	}
	fmt.Fprintf(b, "  all fixes together remove %d/%d symptoms%s\n", len(f.Removed), udes, idTexts(t, f.Removed, ": "))
	if len(f.OnlyTogether) > 0 {
		fmt.Fprintf(b, "    only together, not by any fix alone: %s\n", idTexts(t, f.OnlyTogether, ""))
	}
	fmt.Fprintf(b, "  remaining %d/%d symptoms%s\n", len(f.Remaining), udes, map[bool]string{true: ": none", false: ":"}[len(f.Remaining) == 0])
	for _, s := range f.Remaining {
		writeSurvivor(b, t, s)
	}
	writeDesirable(b, t, f)
	writeNegative(b, t, f)
	return b.Flush()
}

// writeFix prints what one fix does alone and how sufficient it is.
func writeFix(w io.Writer, t *tree.Tree, x tree.FixEffect, udes int) {
	fmt.Fprintf(w, "  fix %s %q against %s %s\n", x.Injection, nodeText(t, x.Injection), x.Node, nodeText(t, x.Node))
	fmt.Fprintf(w, "    removes alone %d/%d symptoms%s\n", len(x.Removes), udes, idTexts(t, x.Removes, ": "))
	for _, gid := range x.AndLinks {
		g, _ := t.Group(gid)
		var others []tree.NodeID
		for _, c := range g.Causes {
			if c != x.Node {
				others = append(others, c)
			}
		}
		fmt.Fprintf(w, "    breaks only one member of the AND link into %s (%s still %s): enough for that link, since it needs every member\n",
			g.Effect, joinNodeIDs(others, ", "), map[bool]string{true: "holds", false: "hold"}[len(others) == 1])
	}
	if len(x.Survive) > 0 {
		fmt.Fprintf(w, "    not sufficient alone: other causes (OR alternatives) still produce %s\n", idTexts(t, x.Survive, ""))
	}
}

// writeSurvivor prints a remaining symptom with the chain that still produces it.
func writeSurvivor(w io.Writer, t *tree.Tree, s tree.Survivor) {
	fmt.Fprintf(w, "    %s %s\n", s.UDE, nodeText(t, s.UDE))
	if len(s.Path.Steps) == 0 {
		fmt.Fprintln(w, "      still there because nothing the fixes touch explains it (no cause, or only a loop)")
		return
	}
	fmt.Fprintf(w, "      still produced from %s by:\n", s.Path.From)
	for _, line := range strings.Split(tree.ChainText(t, s.Path), "\n") {
		fmt.Fprintf(w, "        %s\n", line)
	}
}

// writeDesirable prints the suggested and the recorded desirable effects.
func writeDesirable(w io.Writer, t *tree.Tree, f *tree.Future) {
	if len(f.Suggested)+len(f.Desirable) == 0 {
		return
	}
	fmt.Fprintln(w, "  desirable effects:")
	for _, s := range f.Suggested {
		fmt.Fprintf(w, "    instead of %s: %s (suggested; record your own with DESIRED [..])\n", s.UDE, s.Text)
	}
	for _, id := range f.Desirable {
		fmt.Fprintf(w, "    %s %s\n", id, nodeText(t, id))
	}
}

// writeNegative prints the negative branches, the untrimmed ones first.
func writeNegative(w io.Writer, t *tree.Tree, f *tree.Future) {
	if len(f.Negative) == 0 {
		return
	}
	fmt.Fprintf(w, "  negative branches: %d, %d untrimmed\n", len(f.Negative), len(f.Untrimmed))
	for _, trimmed := range []bool{false, true} {
		for _, nb := range f.Negative {
			if nb.Trimmed != trimmed {
				continue
			}
			how := "! UNTRIMMED"
			if trimmed {
				how = "trimmed by " + joinNodeIDs(nb.TrimmedBy, ", ")
			}
			fmt.Fprintf(w, "    %s %s — from %s through %s — %s\n", nb.End, nodeText(t, nb.End),
				joinNodeIDs(nb.From, ", "), joinNodeIDs(nb.Steps, " → "), how)
		}
	}
}

// idTexts lists nodes as "#N text", after lead; "none" when there are none.
func idTexts(t *tree.Tree, ids []tree.NodeID, lead string) string {
	if len(ids) == 0 {
		if lead != "" {
			return ""
		}
		return "none"
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id.String() + " " + nodeText(t, id)
	}
	return lead + strings.Join(parts, "; ")
}
