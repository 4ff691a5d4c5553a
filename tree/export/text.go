package export

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/untangle-rca/untangle/tree"
)

// wrapWidth is the line length, in runes, of wrapped node texts in diagrams.
const wrapWidth = 28

// wrap splits s into lines of at most width runes, breaking at spaces and
// cutting words that are longer than a line.
func wrap(s string, width int) []string {
	var lines []string
	var line []rune
	for _, word := range strings.Fields(s) {
		w := []rune(word)
		for len(w) > width {
			if len(line) > 0 {
				lines = append(lines, string(line))
				line = nil
			}
			lines = append(lines, string(w[:width]))
			w = w[width:]
		}
		switch {
		case len(line) == 0:
			line = w
		case len(line)+1+len(w) <= width:
			line = append(append(line, ' '), w...)
		default:
			lines = append(lines, string(line))
			line = w
		}
	}
	if len(line) > 0 {
		lines = append(lines, string(line))
	}
	return lines
}

// collapse trims s and turns every run of white space into one space, so
// that free-form text such as a title stays on one line.
func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
}

// percent renders a 0–1 share as a whole percentage, "82 %".
func percent(share float64) string {
	return fmt.Sprintf("%d %%", int(math.Round(share*100)))
}

// roles is what the analysis says about each node, for styling.
type roles struct {
	root map[tree.NodeID]bool
	core map[tree.NodeID]bool
}

// nodeRoles collects root and core-cause nodes from a. Without an analysis,
// a node is a root when it has no incoming link but causes something.
func nodeRoles(t *tree.Tree, a *tree.Analysis) roles {
	r := roles{root: map[tree.NodeID]bool{}, core: map[tree.NodeID]bool{}}
	if a == nil {
		for _, n := range t.Nodes() {
			if len(t.GroupsInto(n.ID)) == 0 && len(t.GroupsFrom(n.ID)) > 0 {
				r.root[n.ID] = true
			}
		}
		return r
	}
	for _, root := range a.Roots {
		for _, id := range root.Nodes {
			r.root[id] = true
			if root.Core {
				r.core[id] = true
			}
		}
	}
	return r
}

// nodeText returns the text of node id, or a placeholder when the analysis
// refers to a node the tree no longer has.
func nodeText(t *tree.Tree, id tree.NodeID) string {
	if n, ok := t.Node(id); ok {
		return n.Text
	}
	return "(removed node)"
}

// statementText quotes a node text for the statement syntax: inside
// brackets, with backslashes and closing brackets escaped.
func statementText(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return "[" + strings.ReplaceAll(s, "]", `\]`) + "]"
}

// groupStatement renders a group as "IF [a] AND [b] THEN [c]".
func groupStatement(t *tree.Tree, g *tree.Group) string {
	causes := make([]string, len(g.Causes))
	for i, c := range g.Causes {
		causes[i] = statementText(nodeText(t, c))
	}
	return "IF " + strings.Join(causes, " AND ") + " THEN " + statementText(nodeText(t, g.Effect))
}

// statements writes the whole tree in the statement syntax: a comment with
// the title, the UDEs, every link, and the nodes no link mentions.
func statements(t *tree.Tree) string {
	var b strings.Builder
	if title := collapse(t.Title); title != "" {
		fmt.Fprintf(&b, "# %s\n", title)
	}
	linked := map[tree.NodeID]bool{}
	for _, g := range t.Groups() {
		linked[g.Effect] = true
		for _, c := range g.Causes {
			linked[c] = true
		}
	}
	for _, n := range t.Nodes() {
		if n.Kind == tree.KindUDE {
			fmt.Fprintf(&b, "UDE %s\n", statementText(n.Text))
		}
	}
	for _, g := range t.Groups() {
		b.WriteString(groupStatement(t, g) + "\n")
	}
	for _, n := range t.Nodes() {
		if n.Kind != tree.KindUDE && !linked[n.ID] {
			fmt.Fprintf(&b, "%s\n", statementText(n.Text))
		}
	}
	return b.String()
}

// idList renders node numbers as "#1, #4".
func idList(ids []tree.NodeID) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id.String()
	}
	return strings.Join(parts, ", ")
}

// sortedIDs returns a sorted copy of ids.
func sortedIDs(ids []tree.NodeID) []tree.NodeID {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// runeLen is the number of runes in s.
func runeLen(s string) int { return utf8.RuneCountInString(s) }
