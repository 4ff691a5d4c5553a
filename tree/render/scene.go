package render

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/width"

	"github.com/untangle-rca/untangle/tree"
)

// look is the visual role of a node.
type look int

// The node looks, in legend order.
const (
	lookUDE look = iota
	lookCore
	lookRoot
	lookCause
	lookPremise
	lookInjection
	lookDesired
	numLooks
)

// point is a position in layout units (1 unit = 1 px at scale 1), y down.
type point struct{ X, Y float64 }

// sceneNode is a node or an AND junction, sized before layout and placed after.
type sceneNode struct {
	name       string // DOT name: n<id> or j<group>
	id         tree.NodeID
	junction   bool
	look       look
	unverified bool
	blame      bool
	highlight  bool
	header     string   // "#7"
	badges     []string // "CORE", "UDE", ...
	lines      []string // wrapped text
	w, h       float64
	pos        point // centre, after layout
}

// sceneEdge is one drawn arrow: cause→effect, cause→junction or junction→effect.
type sceneEdge struct {
	key      string // DOT id, unique
	from, to string
	arrow    bool
	disputed bool
	accepted bool
	label    string
	spline   []point // cubic bezier control points (3n+1), after layout
	tip      *point  // arrowhead tip, after layout
	labelPos point
}

// scene is everything needed to write DOT and to paint the tree.
type scene struct {
	title string
	nodes []*sceneNode
	edges []*sceneEdge
	top   []string // UDEs that cause nothing: drawn together on the top rank
}

// roles says which nodes are roots and core causes.
type roles struct {
	root, core, highlight map[tree.NodeID]bool
}

// findRoles takes roots and core causes from the analysis, or, without one,
// treats causes with no incoming link as roots.
func findRoles(t *tree.Tree, a *tree.Analysis, highlight []tree.NodeID) roles {
	r := roles{root: map[tree.NodeID]bool{}, core: map[tree.NodeID]bool{}, highlight: map[tree.NodeID]bool{}}
	for _, id := range highlight {
		r.highlight[id] = true
	}
	if a != nil {
		for _, root := range a.Roots {
			for _, id := range root.Nodes {
				r.root[id] = true
				if root.Core {
					r.core[id] = true
				}
			}
		}
		for _, i := range a.CoreCauses {
			if i >= 0 && i < len(a.Roots) {
				for _, id := range a.Roots[i].Nodes {
					r.core[id] = true
				}
			}
		}
		return r
	}
	effects := map[tree.NodeID]bool{}
	for _, g := range t.Groups() {
		effects[g.Effect] = true
	}
	for _, n := range t.Nodes() {
		if n.Kind == tree.KindCause && (n.RootMarked || !effects[n.ID]) {
			r.root[n.ID] = true
		}
	}
	return r
}

// lookOf picks the look of n given its roles.
func lookOf(n *tree.Node, r roles) look {
	switch {
	case n.Kind == tree.KindUDE:
		return lookUDE
	case r.core[n.ID]:
		return lookCore
	case n.Kind == tree.KindPremise:
		return lookPremise
	case n.Kind == tree.KindInjection:
		return lookInjection
	case n.Kind == tree.KindDesiredEffect:
		return lookDesired
	case r.root[n.ID]:
		return lookRoot
	}
	return lookCause
}

// badgeOf is the word shown in the corner of a node of look l ("" for none).
var badgeOf = [numLooks]string{
	lookUDE:       "UDE",
	lookCore:      "CORE",
	lookRoot:      "ROOT",
	lookPremise:   "PREMISE",
	lookInjection: "FIX",
	lookDesired:   "GOAL",
}

// buildScene turns the tree into sized nodes and unplaced edges, in a
// deterministic order (nodes by number, then junctions and edges by link).
func buildScene(t *tree.Tree, a *tree.Analysis, opt Options, m *metrics) *scene {
	s := &scene{title: opt.Title}
	if s.title == "" {
		s.title = t.Title
	}
	r := findRoles(t, a, opt.Highlight)
	causes := map[tree.NodeID]bool{}
	for _, g := range t.Groups() {
		for _, c := range g.Causes {
			causes[c] = true
		}
	}
	for _, n := range t.Nodes() {
		s.nodes = append(s.nodes, newSceneNode(n, r, m))
		if n.Kind == tree.KindUDE && !causes[n.ID] {
			s.top = append(s.top, nodeName(n.ID))
		}
	}
	for _, g := range t.Groups() {
		s.addGroup(g, m)
	}
	return s
}

func newSceneNode(n *tree.Node, r roles, m *metrics) *sceneNode {
	sn := &sceneNode{
		name:       nodeName(n.ID),
		id:         n.ID,
		look:       lookOf(n, r),
		unverified: n.Unverified,
		blame:      n.BlameWorded,
		highlight:  r.highlight[n.ID],
		header:     n.ID.String(),
		lines:      wrap(n.Text, wrapRunes),
	}
	if b := badgeOf[sn.look]; b != "" {
		sn.badges = append(sn.badges, b)
	}
	if n.Kind == tree.KindUDE && n.Weight == tree.WeightHigh {
		sn.badges = append(sn.badges, "HIGH")
	}
	sn.w, sn.h = m.nodeSize(sn)
	return sn
}

func (s *scene) addGroup(g *tree.Group, m *metrics) {
	disputed := g.Status == tree.StatusDisputed
	accepted := g.Status == tree.StatusAccepted
	label := ""
	if disputed {
		label = "disputed"
	}
	effect := nodeName(g.Effect)
	if !g.IsAnd() {
		s.edges = append(s.edges, &sceneEdge{key: fmt.Sprintf("g%d", g.ID), from: nodeName(g.Causes[0]), to: effect,
			arrow: true, disputed: disputed, accepted: accepted, label: label})
		return
	}
	j := &sceneNode{name: fmt.Sprintf("j%d", g.ID), junction: true, header: "AND"}
	j.w, j.h = m.junctionSize()
	s.nodes = append(s.nodes, j)
	causes := slices.Clone(g.Causes)
	slices.Sort(causes)
	for _, c := range causes {
		s.edges = append(s.edges, &sceneEdge{key: fmt.Sprintf("g%dc%d", g.ID, c), from: nodeName(c), to: j.name,
			disputed: disputed, accepted: accepted})
	}
	s.edges = append(s.edges, &sceneEdge{key: fmt.Sprintf("g%d", g.ID), from: j.name, to: effect,
		arrow: true, disputed: disputed, accepted: accepted, label: label})
}

func nodeName(id tree.NodeID) string { return fmt.Sprintf("n%d", int(id)) }

// wrapRunes is the target line length of node texts, in columns: a Latin
// letter takes one, a Chinese, Japanese or Korean character two.
const wrapRunes = 32

// wrap breaks text into lines of at most width columns at spaces; a longer
// word is cut between characters (never between a character and the marks
// or joiners that go with it).
func wrap(text string, width int) []string {
	var lines []string
	var cur []rune
	curW := 0
	for _, word := range strings.Fields(text) {
		w := []rune(word)
		ww := columns(w)
		for ww > width {
			if len(cur) > 0 {
				lines = append(lines, string(cur))
				cur, curW = nil, 0
			}
			n := cut(w, width)
			lines = append(lines, string(w[:n]))
			w = w[n:]
			ww = columns(w)
		}
		switch {
		case len(cur) == 0:
			cur, curW = w, ww
		case curW+1+ww <= width:
			cur = append(append(cur, ' '), w...)
			curW += 1 + ww
		default:
			lines = append(lines, string(cur))
			cur, curW = w, ww
		}
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

// columns is how many columns rs takes.
func columns(rs []rune) int {
	n := 0
	for _, r := range rs {
		n += runeColumns(r)
	}
	return n
}

func runeColumns(r rune) int {
	switch {
	case invisible(r) || isMark(r):
		return 0
	case r >= 0x1100 && (width.LookupRune(r).Kind() == width.EastAsianWide || width.LookupRune(r).Kind() == width.EastAsianFullwidth):
		return 2
	}
	return 1
}

// cut returns how many runes of w fit in width columns (at least one
// character), moving the cut back so marks and joiners stay with their
// character.
func cut(w []rune, width int) int {
	n, cols := 0, 0
	for n < len(w) && cols+runeColumns(w[n]) <= width {
		cols += runeColumns(w[n])
		n++
	}
	for n < len(w) && n > 1 && (runeColumns(w[n]) == 0 || w[n-1] == 0x200D) {
		n--
	}
	return max(n, 1)
}
