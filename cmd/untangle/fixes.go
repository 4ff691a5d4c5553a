package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/untangle-rca/untangle/tree"
)

// fixFlag is one --fix N or --fix N=TEXT: an injection against node N.
type fixFlag struct {
	node tree.NodeID
	text string // "" means the default wording, "Fix: <node text>"
}

// fixFlags collects the repeated --fix flags.
type fixFlags []fixFlag

// String implements flag.Value.
func (f *fixFlags) String() string {
	parts := make([]string, len(*f))
	for i, x := range *f {
		parts[i] = strconv.Itoa(int(x.node))
		if x.text != "" {
			parts[i] += "=" + x.text
		}
	}
	return strings.Join(parts, " ")
}

// Set implements flag.Value: it reads "N", "#N", "N=TEXT" or "#N=TEXT".
func (f *fixFlags) Set(v string) error {
	num, text, named := strings.Cut(v, "=")
	n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(num), "#"))
	text = strings.TrimSpace(text)
	if err != nil || n <= 0 || named && text == "" {
		return fmt.Errorf("%q is not NODE or NODE=TEXT, such as 14 or 14=\"Quality KPIs count\"", v)
	}
	*f = append(*f, fixFlag{node: tree.NodeID(n), text: text})
	return nil
}

// fixPrefix starts the default wording of a --fix without a text.
const fixPrefix = "Fix: "

// withFixes returns a copy of t with one injection per --fix against its
// node, named by the flag's text or "Fix: <node text>". An injection that
// already says that text against that node is reused.
func withFixes(t *tree.Tree, fixes fixFlags) (*tree.Tree, error) {
	out := t.Clone()
	for _, f := range fixes {
		target, ok := out.Node(f.node)
		if !ok {
			return nil, fmt.Errorf("--fix %d: the tree has no node %s", int(f.node), f.node)
		}
		if target.Kind.Future() {
			return nil, fmt.Errorf("--fix %d: %s is %s, not a node of the Current State Tree", int(f.node), f.node, strings.ReplaceAll(string(target.Kind), "_", " "))
		}
		text := f.text
		if text == "" {
			text = clipText(fixPrefix+target.Text, tree.MaxTextRunes)
		}
		if n, ok := out.NodeByText(text); ok && n.Kind == tree.KindInjection && n.Against == f.node {
			continue
		}
		if _, err := out.AddNode(tree.Node{Kind: tree.KindInjection, Text: text, Against: f.node}); err != nil {
			return nil, fmt.Errorf("--fix %d: %w", int(f.node), err)
		}
	}
	return out, nil
}

// futureTree draws the Future Reality Tree of t (which holds its fixes as
// injections, see withFixes) with tree.FutureTree, the builder the bot uses.
func futureTree(t *tree.Tree, fut *tree.Future, opt tree.Options) (*tree.Tree, error) {
	var targets []tree.NodeID
	t.EachNode(func(n *tree.Node) {
		if n.Kind == tree.KindInjection && n.Against != 0 {
			targets = append(targets, n.Against)
		}
	})
	injections := make([]tree.Injection, len(fut.Fixes))
	for i, f := range fut.Fixes {
		injections[i] = tree.Injection{Text: nodeText(t, f.Injection), Removes: f.Removes}
	}
	title := t.Title
	if title == "" {
		title = "Current State Tree"
	}
	frt, err := tree.FutureTree("Future Reality Tree: "+title, t, tree.Eliminate(t, targets, opt), injections)
	if err != nil {
		return nil, fmt.Errorf("--fix: %w", err)
	}
	return frt, nil
}

// clipText shortens s to at most max runes, ending with "…" when it cut.
func clipText(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max-1]) + "…"
}

// future adds the --fix injections to t and reads the Future Reality Tree.
// It returns the tree with its fixes (t itself when there are none), the
// Future (nil when the tree has neither fixes nor negative branches) and
// the tree to draw: the Future Reality Tree, or t.
func future(t *tree.Tree, fixes fixFlags, opt tree.Options) (whole *tree.Tree, fut *tree.Future, drawn *tree.Tree, err error) {
	whole = t
	if len(fixes) > 0 {
		if whole, err = withFixes(t, fixes); err != nil {
			return nil, nil, nil, err
		}
	}
	fut = tree.FutureOf(whole, opt)
	if len(fut.Fixes) == 0 && len(fut.Negative) == 0 {
		return whole, nil, t, nil
	}
	if drawn, err = futureTree(whole, fut, opt); err != nil {
		return nil, nil, nil, err
	}
	return whole, fut, drawn, nil
}
