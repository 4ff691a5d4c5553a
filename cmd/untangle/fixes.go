package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/untangle-rca/untangle/tree"
)

// fixFlag is one --fix N=TEXT: an injection against node N.
type fixFlag struct {
	node tree.NodeID
	text string
}

// fixFlags collects the repeated --fix flags.
type fixFlags []fixFlag

// String implements flag.Value.
func (f *fixFlags) String() string {
	parts := make([]string, len(*f))
	for i, x := range *f {
		parts[i] = fmt.Sprintf("%d=%s", int(x.node), x.text)
	}
	return strings.Join(parts, " ")
}

// Set implements flag.Value: it reads "N=TEXT" or "#N=TEXT".
func (f *fixFlags) Set(v string) error {
	num, text, ok := strings.Cut(v, "=")
	n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(num), "#"))
	text = strings.TrimSpace(text)
	if !ok || err != nil || n <= 0 || text == "" {
		return fmt.Errorf("%q is not NODE=TEXT, such as 7=\"Quality KPIs count\"", v)
	}
	*f = append(*f, fixFlag{node: tree.NodeID(n), text: text})
	return nil
}

// futureOf builds the Future Reality Tree of t with the fixes in place and
// returns it with the elimination of all fixes together.
func futureOf(t *tree.Tree, fixes fixFlags, opt tree.Options) (*tree.Tree, tree.Elimination, error) {
	nodes := make([]tree.NodeID, len(fixes))
	injections := make([]tree.Injection, len(fixes))
	for i, f := range fixes {
		if _, ok := t.Node(f.node); !ok {
			return nil, tree.Elimination{}, fmt.Errorf("--fix %d: the tree has no node %s", int(f.node), f.node)
		}
		nodes[i] = f.node
		injections[i] = tree.Injection{Text: f.text, Removes: tree.Eliminate(t, []tree.NodeID{f.node}, opt).Removed}
	}
	combined := tree.Eliminate(t, nodes, opt)
	title := t.Title
	if title == "" {
		title = "Current State Tree"
	}
	frt, err := tree.FutureTree("Future Reality Tree: "+title, t, combined, injections)
	if err != nil {
		return nil, tree.Elimination{}, fmt.Errorf("--fix: %w", err)
	}
	return frt, combined, nil
}

// writeFixReport says what the fixes remove together, after the text report.
func writeFixReport(w io.Writer, t *tree.Tree, fixes fixFlags, combined tree.Elimination) error {
	section(w, fmt.Sprintf("With %d fix(es) in place (the picture and file outputs show the Future Reality Tree)", len(fixes)))
	for _, f := range fixes {
		fmt.Fprintf(w, "  against %s %s: %s\n", f.node, nodeText(t, f.node), f.text)
	}
	total := len(combined.Removed) + len(combined.Remaining)
	_, err := fmt.Fprintf(w, "  removes %d/%d symptoms%s\n  still there: %s\n", len(combined.Removed), total,
		idTexts(t, combined.Removed, ": "), idTexts(t, combined.Remaining, ""))
	return err
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
