package tree

import (
	"fmt"
	"slices"
)

// checkAgainst checks the Against field of a node about to be added: only an
// injection (the node it neutralises) and a desired effect (the symptom it
// is the positive counterpart of) have one, and never against itself.
// Whether the target exists is left to the readers, since a document may
// declare it further down.
func checkAgainst(n Node) error {
	switch {
	case n.Against < 0:
		return fmt.Errorf("%w: negative target %d", ErrInvalidNode, n.Against)
	case n.Against != 0 && n.Kind != KindInjection && n.Kind != KindDesiredEffect:
		return fmt.Errorf("%w: only an injection or a desired effect is against a node, not %s", ErrInvalidNode, n.Kind)
	case n.Against != 0 && n.Against == n.ID:
		return fmt.Errorf("%w: a node cannot be against itself", ErrInvalidNode)
	}
	return nil
}

// Counterparts returns the desired effects of t that the team wrote as the
// positive counterpart of a symptom (a desired effect against a UDE), by
// symptom. The Future Reality Tree uses their wording instead of the one
// DesirableWording suggests.
func Counterparts(t *Tree) map[NodeID]*Node {
	out := map[NodeID]*Node{}
	for _, n := range t.nodes {
		if n.Kind != KindDesiredEffect || n.Against == 0 {
			continue
		}
		if u, ok := t.nodes[n.Against]; ok && u.Kind == KindUDE {
			out[u.ID] = n
		}
	}
	return out
}

// CounterpartText is the positive counterpart of symptom ude: the team's
// wording (see Counterparts) or the suggested one.
func CounterpartText(t *Tree, counter map[NodeID]*Node, ude NodeID) string {
	if c, ok := counter[ude]; ok {
		return c.Text
	}
	if n, ok := t.nodes[ude]; ok {
		return DesirableWording(n.Text)
	}
	return ""
}

// FixEffect is what one fix (an injection against a node of the Current
// State Tree) does on its own, and how sufficient it is.
type FixEffect struct {
	Injection NodeID   `json:"injection"` // the injection node
	Node      NodeID   `json:"node"`      // the node it neutralises
	Removes   []NodeID `json:"removes"`   // UDEs that stop holding with this fix alone
	// AndLinks are the AND links the node is one member of: the fix breaks
	// each by breaking only that member, while the other members still hold.
	AndLinks []GroupID `json:"and_links"`
	// Survive are the UDEs the node leads to that still hold with this fix
	// alone: OR alternatives (other causes of an effect on the way) keep
	// producing them.
	Survive []NodeID `json:"survive"`
}

// Survivor is a symptom that remains with the fixes in place, and one chain
// that still produces it (no steps when nothing explains it, or only a loop).
type Survivor struct {
	UDE  NodeID `json:"node"`
	Path Chain  `json:"path"`
}

// Suggestion is the desirable effect suggested for a removed symptom.
type Suggestion struct {
	UDE  NodeID `json:"node"`
	Text string `json:"text"`
}

// NegativeBranch is a reservation against injections: IF they are done THEN,
// through its steps, a new undesirable effect (End) follows. Another
// injection against one of its steps trims it.
type NegativeBranch struct {
	End       NodeID   `json:"end"`        // the negative effect the branch ends in
	From      []NodeID `json:"from"`       // the injections that lead to it
	Steps     []NodeID `json:"steps"`      // the negative effects on the way, End included
	TrimmedBy []NodeID `json:"trimmed_by"` // injections against a step of it
	Trimmed   bool     `json:"trimmed"`    // the end no longer holds with every injection in place
}

// Future is the Future Reality Tree that a tree's injections make: what the
// fixes remove, alone and together, what remains and why, the desirable
// effects, and the negative branches.
type Future struct {
	Fixes        []FixEffect      `json:"fixes"`
	Removed      []NodeID         `json:"removed"`       // UDEs that all fixes together remove
	OnlyTogether []NodeID         `json:"only_together"` // of those, the ones no single fix removes
	Remaining    []Survivor       `json:"remaining"`     // UDEs that still hold
	Desirable    []NodeID         `json:"desirable"`     // desired effects the team recorded
	Suggested    []Suggestion     `json:"suggested"`     // a desirable effect per removed UDE
	Negative     []NegativeBranch `json:"negative"`
	Untrimmed    []NodeID         `json:"untrimmed"` // ends of negative branches still holding
	// Open are the negative effects, ends and steps, that still hold with
	// every injection in place: the untrimmed parts of negative branches.
	Open []NodeID `json:"open"`
}

// FutureOf reads the Future Reality Tree in t: every injection against a
// node of the Current State Tree is a fix, every injection against a
// negative effect trims a branch. It neutralises all their targets together
// (see Eliminate) and, for each fix, its target alone. Unknown targets are
// ignored. It does not change t.
func FutureOf(t *Tree, opt Options) *Future {
	f := &Future{Fixes: []FixEffect{}, Removed: []NodeID{}, OnlyTogether: []NodeID{}, Remaining: []Survivor{},
		Desirable: []NodeID{}, Suggested: []Suggestion{}, Negative: []NegativeBranch{}, Untrimmed: []NodeID{}, Open: []NodeID{}}
	if !hasFuture(t) {
		return f // nothing to neutralise and no branch: skip building the graph
	}
	g, _ := newGraph(t, opt.AcceptedOnly)
	kinds := make([]Kind, len(g.ids))
	for v, id := range g.ids {
		kinds[v] = t.nodes[id].Kind
	}
	all := make([]bool, len(g.ids))
	before := g.fixpoint(all)
	alone := map[NodeID]bool{}
	for v, id := range g.ids {
		n := t.nodes[id]
		target, ok := g.indexOf(n.Against)
		if n.Kind != KindInjection || !ok {
			continue
		}
		all[target] = true
		if kinds[target].Future() {
			continue
		}
		fix := g.fixEffect(int32(v), int32(target), before)
		for _, u := range fix.Removes {
			alone[u] = true
		}
		f.Fixes = append(f.Fixes, fix)
	}
	holds := g.fixpoint(all)
	counter := Counterparts(t)
	for v, id := range g.ids {
		switch {
		case g.isUDE[v] && !holds[v]:
			f.Removed = append(f.Removed, id)
			f.Suggested = append(f.Suggested, Suggestion{UDE: id, Text: CounterpartText(t, counter, id)})
			if !alone[id] {
				f.OnlyTogether = append(f.OnlyTogether, id)
			}
		case kinds[v] == KindDesiredEffect:
			f.Desirable = append(f.Desirable, id)
		case kinds[v] == KindNegativeEffect && holds[v]:
			f.Open = append(f.Open, id)
		}
	}
	f.Remaining = g.survivors(holds, kinds)
	f.Negative = g.negativeBranches(t, holds, kinds)
	for _, b := range f.Negative {
		if !b.Trimmed {
			f.Untrimmed = append(f.Untrimmed, b.End)
		}
	}
	return f
}

// hasFuture reports whether t has an injection against a node or a negative
// effect, without journaling.
func hasFuture(t *Tree) bool {
	for _, n := range t.nodes {
		if n.Kind == KindNegativeEffect || n.Kind == KindInjection && n.Against != 0 {
			return true
		}
	}
	return false
}

// Untrimmed returns the set of negative effects of t (ends and steps of
// negative branches) that still hold with every injection in place: the
// ones a picture draws as open risks. A tree without negative effects costs
// one pass over its nodes.
func Untrimmed(t *Tree) map[NodeID]bool {
	out := map[NodeID]bool{}
	for _, id := range FutureOf(t, Options{}).Open {
		out[id] = true
	}
	return out
}

// fixEffect works out what the injection v against node target does alone;
// before says which nodes hold with nothing neutralised.
func (g *graph) fixEffect(v, target int32, before []bool) FixEffect {
	cut := make([]bool, len(g.ids))
	cut[target] = true
	holds := g.fixpoint(cut)
	fix := FixEffect{Injection: g.ids[v], Node: g.ids[target], Removes: []NodeID{}, AndLinks: []GroupID{}, Survive: []NodeID{}}
	for _, gi := range g.from(target) {
		if len(g.groupCauses(gi)) > 1 {
			fix.AndLinks = append(fix.AndLinks, g.gids[gi])
		}
	}
	for _, u := range g.downstream(target) {
		switch {
		case !g.isUDE[u] || !before[u]:
		case holds[u]:
			fix.Survive = append(fix.Survive, g.ids[u])
		default:
			fix.Removes = append(fix.Removes, g.ids[u])
		}
	}
	slices.Sort(fix.Removes)
	slices.Sort(fix.Survive)
	return fix
}

// downstream returns every node reachable from v along links, v excluded.
func (g *graph) downstream(v int32) []int32 {
	seen := make([]bool, len(g.ids))
	seen[v] = true
	queue := []int32{v}
	for i := 0; i < len(queue); i++ {
		for _, gi := range g.from(queue[i]) {
			if e := g.gEffect[gi]; !seen[e] {
				seen[e] = true
				queue = append(queue, e)
			}
		}
	}
	return queue[1:]
}

// upstream returns every node from which v is reachable along links, v included.
func (g *graph) upstream(v int32) []int32 {
	seen := make([]bool, len(g.ids))
	seen[v] = true
	queue := []int32{v}
	for i := 0; i < len(queue); i++ {
		for _, gi := range g.into(queue[i]) {
			for _, c := range g.groupCauses(gi) {
				if !seen[c] {
					seen[c] = true
					queue = append(queue, c)
				}
			}
		}
	}
	return queue
}

// survivors lists the UDEs that hold, each with a chain of holding links
// that produces it, found breadth-first from the holding sources of the
// Current State Tree.
func (g *graph) survivors(holds []bool, kinds []Kind) []Survivor {
	p := pathSearch{via: make([]int32, len(g.ids)), prev: make([]int32, len(g.ids)), stamp: make([]int32, len(g.ids)), mark: 1}
	var queue []int32
	for v := range g.ids {
		if holds[v] && g.source[g.comp[v]] && !kinds[v].Future() {
			p.stamp[v], p.via[v] = 1, -1
			queue = append(queue, int32(v))
		}
	}
	for i := 0; i < len(queue); i++ {
		for _, gi := range g.from(queue[i]) {
			e := g.gEffect[gi]
			if p.stamp[e] == 1 || !holds[e] || slices.ContainsFunc(g.groupCauses(gi), func(c int32) bool { return !holds[c] }) {
				continue
			}
			p.stamp[e], p.via[e], p.prev[e] = 1, gi, queue[i]
			queue = append(queue, e)
		}
	}
	out := []Survivor{}
	for v, id := range g.ids {
		if !g.isUDE[v] || !holds[v] {
			continue
		}
		c, ok := p.chainTo(g, int32(v))
		if !ok {
			c = Chain{From: id, To: id}
		}
		c.Steps = nonNil(c.Steps)
		out = append(out, Survivor{UDE: id, Path: c})
	}
	return out
}

// negativeBranches finds every negative effect that no other negative effect
// follows from, with the injections and steps behind it.
func (g *graph) negativeBranches(t *Tree, holds []bool, kinds []Kind) []NegativeBranch {
	trimmers := map[int32][]NodeID{} // step → injections against it
	for v, id := range g.ids {
		if target, ok := g.indexOf(t.nodes[id].Against); ok && kinds[v] == KindInjection {
			trimmers[int32(target)] = append(trimmers[int32(target)], id)
		}
	}
	out := []NegativeBranch{}
	for v, id := range g.ids {
		if kinds[v] != KindNegativeEffect || slices.ContainsFunc(g.from(int32(v)), func(gi int32) bool {
			return kinds[g.gEffect[gi]] == KindNegativeEffect
		}) {
			continue
		}
		b := NegativeBranch{End: id, From: []NodeID{}, Steps: []NodeID{}, TrimmedBy: []NodeID{}, Trimmed: !holds[v]}
		for _, u := range g.upstream(int32(v)) {
			switch kinds[u] {
			case KindInjection:
				b.From = append(b.From, g.ids[u])
			case KindNegativeEffect:
				b.Steps = append(b.Steps, g.ids[u])
				b.TrimmedBy = append(b.TrimmedBy, trimmers[u]...)
			}
		}
		for _, s := range []*[]NodeID{&b.From, &b.Steps, &b.TrimmedBy} {
			slices.Sort(*s)
			*s = slices.Compact(*s)
		}
		out = append(out, b)
	}
	return out
}
