package demo

import (
	"fmt"
	"slices"
	"strings"

	"github.com/untangle-rca/untangle/tree"
)

// plan is what the team answers, derived from the example's tree.
type plan struct {
	title    string
	symptoms []string        // the UDEs, in order
	paste    string          // the statements pasted (one for the bundled example), "" when none
	walk     map[string]step // the walk's answers, by the text of the node asked about
	premise  *premise        // the reservation raised and repaired; nil when the tree has no AND link
	links    int             // cause groups of the finished tree: the challenge pass's cards
	core     string          // the text of the node the fix goes against: the tree's most upstream cause
}

// step is one answer of the walk.
type step struct {
	causes []string // the causes to add
	and    bool     // they produce the effect only together
	root   bool     // "Root — stop here"
}

// premise is a cause the walk leaves out so that the challenge pass adds it:
// a reservation of cause insufficiency on the link from partner to effect.
type premise struct {
	text, partner, effect string
}

// newPlan derives the team's answers from a tree.
func newPlan(title string, t *tree.Tree) (*plan, error) {
	p := &plan{title: title, walk: map[string]step{}, links: len(t.Groups())}
	text := func(id tree.NodeID) string { n, _ := t.Node(id); return n.Text }
	var udes []*tree.Node
	for _, n := range t.Nodes() {
		if n.Kind == tree.KindUDE {
			udes = append(udes, n)
		}
	}
	if len(udes) == 0 {
		return nil, fmt.Errorf("the example has no symptom (UDE)")
	}
	for _, n := range udes {
		p.symptoms = append(p.symptoms, n.Text)
	}
	pasted := pastedLinks(t, udes)
	var lines []string
	for _, g := range t.Groups() {
		if pasted[g] {
			var causes []string
			for _, c := range g.Causes {
				causes = append(causes, "["+text(c)+"]")
			}
			lines = append(lines, "IF "+strings.Join(causes, " AND ")+" THEN ["+text(g.Effect)+"]")
		}
	}
	p.paste = strings.Join(lines, "\n")
	p.premise = pickPremise(t, pasted)
	for _, n := range t.Nodes() {
		var gs []*tree.Group
		for _, g := range t.GroupsInto(n.ID) {
			if !pasted[g] {
				gs = append(gs, g)
			}
		}
		if len(gs) == 0 {
			if len(t.GroupsInto(n.ID)) == 0 {
				p.walk[n.Text] = step{root: true}
			}
			continue
		}
		s := step{and: len(gs) == 1 && len(gs[0].Causes) > 1}
		for _, g := range gs {
			for _, c := range g.Causes {
				if p.premise == nil || text(c) != p.premise.text || n.Text != p.premise.effect {
					s.causes = append(s.causes, text(c))
				}
			}
		}
		s.and = s.and && len(s.causes) > 1
		p.walk[n.Text] = s
	}
	p.core = mostUpstream(t)
	return p, nil
}

// pastedLinks are the links the team pastes as statements: those into a
// node with an AND link beside other links, which one answer of the walk
// cannot give, or else the one link into the last symptom that has one.
func pastedLinks(t *tree.Tree, udes []*tree.Node) map[*tree.Group]bool {
	pasted := map[*tree.Group]bool{}
	for _, n := range t.Nodes() {
		gs := t.GroupsInto(n.ID)
		if len(gs) > 1 && slices.ContainsFunc(gs, func(g *tree.Group) bool { return len(g.Causes) > 1 }) {
			for _, g := range gs {
				pasted[g] = true
			}
		}
	}
	for i := len(udes) - 1; i >= 0 && len(pasted) == 0; i-- {
		if gs := t.GroupsInto(udes[i].ID); len(gs) == 1 {
			pasted[gs[0]] = true
		}
	}
	return pasted
}

// pickPremise picks the cause of an AND link with the fewest causes above
// it that is a cause nowhere else, or nil.
func pickPremise(t *tree.Tree, pasted map[*tree.Group]bool) *premise {
	text := func(id tree.NodeID) string { n, _ := t.Node(id); return n.Text }
	var best *premise
	bestSize := 0
	for _, g := range t.Groups() {
		if pasted[g] || len(g.Causes) < 2 {
			continue
		}
		for i, c := range g.Causes {
			n, _ := t.Node(c)
			if n.Kind == tree.KindUDE || len(t.GroupsFrom(c)) != 1 {
				continue
			}
			size := len(upstream(t, c))
			if best == nil || size < bestSize {
				partner := g.Causes[(i+1)%len(g.Causes)]
				best, bestSize = &premise{text: n.Text, partner: text(partner), effect: text(g.Effect)}, size
			}
		}
	}
	return best
}

// upstream is every node above id.
func upstream(t *tree.Tree, id tree.NodeID) map[tree.NodeID]bool {
	seen := map[tree.NodeID]bool{}
	var walk func(tree.NodeID)
	walk = func(id tree.NodeID) {
		for _, g := range t.GroupsInto(id) {
			for _, c := range g.Causes {
				if !seen[c] {
					seen[c] = true
					walk(c)
				}
			}
		}
	}
	walk(id)
	return seen
}

// mostUpstream is the cause without causes of its own that reaches the most
// nodes below it: where the demo proposes its fix.
func mostUpstream(t *tree.Tree) string {
	best, bestN := "", -1
	below := func(id tree.NodeID) int {
		seen := map[tree.NodeID]bool{}
		var walk func(tree.NodeID)
		walk = func(id tree.NodeID) {
			for _, g := range t.GroupsFrom(id) {
				if !seen[g.Effect] {
					seen[g.Effect] = true
					walk(g.Effect)
				}
			}
		}
		walk(id)
		return len(seen)
	}
	nodes := t.Nodes()
	slices.SortStableFunc(nodes, func(a, b *tree.Node) int { return int(a.ID) - int(b.ID) })
	for _, n := range nodes {
		if len(t.GroupsInto(n.ID)) == 0 && n.Kind != tree.KindUDE {
			if k := below(n.ID); k > bestN {
				best, bestN = n.Text, k
			}
		}
	}
	return best
}
