package main

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// maxBlameWarnings is how many blame-worded nodes get a warning of their own;
// the others are named together in one more warning.
const maxBlameWarnings = 8

// blameNote is a node worded as blame, with why and how to restate it.
type blameNote struct {
	Node       tree.NodeID `json:"node"`
	Text       string      `json:"text"`
	Reasons    []string    `json:"reasons"`
	Suggestion string      `json:"suggestion"`
}

// markedBlameSuggestion is the suggestion for a node the team marked as blame
// wording although the wording check finds nothing.
const markedBlameSuggestion = "Node texts describe conditions, not people. Could you restate this as the systemic condition that allowed it?"

// checkBlame runs the bot's blame-wording check on every node, so that the
// command line reports what the bot would point out. Nodes marked as blame
// wording in the file are reported too.
//
// The nodes are checked in as many parts at the same time as there are
// processors; the notes come out in node order.
func checkBlame(t *tree.Tree) []blameNote {
	nodes := t.Nodes()
	parts := min(runtime.GOMAXPROCS(0), len(nodes)/500+1)
	found := make([][]blameNote, parts)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() { found[p] = blameNotes(nodes[p*len(nodes)/parts : (p+1)*len(nodes)/parts]) })
	}
	wg.Wait()
	return slices.Concat(found...)
}

// blameNotes checks the given nodes one by one.
func blameNotes(nodes []*tree.Node) []blameNote {
	var out []blameNote
	for _, n := range nodes {
		f := workflow.CheckBlame(n.Text)
		switch {
		case f != nil:
			out = append(out, blameNote{Node: n.ID, Text: n.Text, Reasons: f.Reasons, Suggestion: f.Suggestion})
		case n.BlameWorded:
			out = append(out, blameNote{Node: n.ID, Text: n.Text, Reasons: []string{"It is marked as blame wording."},
				Suggestion: markedBlameSuggestion})
		}
	}
	return out
}

// blameWarnings turns the notes into analysis warnings: one per node up to
// maxBlameWarnings, then one naming the rest.
func blameWarnings(notes []blameNote) []tree.Warning {
	var out []tree.Warning
	for i, b := range notes {
		if i == maxBlameWarnings {
			rest := make([]string, 0, len(notes)-i)
			for _, r := range notes[i:] {
				rest = append(rest, r.Node.String())
			}
			out = append(out, tree.Warning{Code: tree.WarnBlameWording, Message: fmt.Sprintf(
				"%d more %s as blame too: %s. Restate each as the systemic condition that allowed it.",
				len(rest), pick(len(rest), "node reads", "nodes read"), strings.Join(rest, ", "))})
			break
		}
		out = append(out, tree.Warning{Code: tree.WarnBlameWording, Message: fmt.Sprintf("%s reads as blame. %s %s",
			b.Node, strings.Join(b.Reasons, " "), b.Suggestion)})
	}
	return out
}

// plural is "1 node" or "3 nodes".
func plural(n int, one, many string) string {
	return fmt.Sprintf("%d %s", n, pick(n, one, many))
}

// pick returns one when n is 1 and many otherwise.
func pick(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
