package export

import (
	"fmt"
	"math"
	"strings"
	"unicode"

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
	root      map[tree.NodeID]bool
	core      map[tree.NodeID]bool
	untrimmed map[tree.NodeID]bool // negative effects no injection trims
}

// nodeRoles collects root and core-cause nodes from a. Without an analysis,
// a node is a root when it has no incoming link but causes something.
func nodeRoles(t *tree.Tree, a *tree.Analysis) roles {
	r := roles{root: map[tree.NodeID]bool{}, core: map[tree.NodeID]bool{}, untrimmed: tree.Untrimmed(t)}
	if a == nil {
		into, from := linkCounts(t)
		for _, n := range t.Nodes() {
			if into[n.ID] == 0 && from[n.ID] > 0 {
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

// linkCounts counts, per node, the groups into it and the groups it is a cause in.
func linkCounts(t *tree.Tree) (into, from map[tree.NodeID]int) {
	into, from = map[tree.NodeID]int{}, map[tree.NodeID]int{}
	for _, g := range t.Groups() {
		into[g.Effect]++
		for _, c := range g.Causes {
			from[c]++
		}
	}
	return into, from
}

// nodeText returns the text of node id, or a placeholder when the analysis
// refers to a node the tree no longer has.
func nodeText(t *tree.Tree, id tree.NodeID) string {
	if n, ok := t.Node(id); ok {
		return n.Text
	}
	return "(removed node)"
}
