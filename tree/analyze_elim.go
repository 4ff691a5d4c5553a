package tree

import "slices"

// Eliminate neutralises the given nodes (as fixes would) and reports which
// UDEs still hold. A node holds when it is not neutralised and either it has
// no cause (a root, or a UDE nobody explained yet) or some counted group into
// it has all its causes holding. This is the least fixpoint, computed with a
// worklist that counts the unmet causes of each group, in O(nodes + links):
// a loop held up only by itself dies once its outside support is gone.
//
// A loop with no cause from outside it (a self-sustaining loop, reported as one
// root) is treated like a root: all its nodes hold, unless any of them is
// neutralised, in which case the whole loop stops. Unknown node numbers in
// neutralised are ignored. With opt.AcceptedOnly only accepted links count.
// Removed lists every UDE that does not hold, which includes the rare UDE that
// holds only through a loop needing itself in an AND group (it has no
// grounded support even with nothing neutralised).
func Eliminate(t *Tree, neutralised []NodeID, opt Options) Elimination {
	g, _ := newGraph(t, opt.AcceptedOnly)
	cut := make([]bool, len(g.ids))
	var kept []NodeID
	for _, id := range neutralised {
		if v, ok := g.indexOf(id); ok && !cut[v] {
			cut[v] = true
			kept = append(kept, id)
		}
	}
	slices.Sort(kept)
	holds := g.fixpoint(cut)
	el := Elimination{Neutralised: nonNil(kept), Removed: []NodeID{}, Remaining: []NodeID{}, Holding: []NodeID{}}
	for v, h := range holds {
		if h {
			el.Holding = append(el.Holding, g.ids[v])
		}
		switch {
		case !g.isUDE[v]:
		case h:
			el.Remaining = append(el.Remaining, g.ids[v])
		default:
			el.Removed = append(el.Removed, g.ids[v])
		}
	}
	return el
}

// fixpoint returns which nodes hold when the nodes marked in cut are
// neutralised (see Eliminate).
func (g *graph) fixpoint(cut []bool) []bool {
	holds := make([]bool, len(g.ids))
	need := make([]int32, len(g.gEffect))
	for gi := range need {
		need[gi] = g.causeStart[gi+1] - g.causeStart[gi]
	}
	var queue []int32
	for c := range int32(g.numComps()) {
		if !g.source[c] || slices.ContainsFunc(g.members(c), func(v int32) bool { return cut[v] }) {
			continue
		}
		for _, v := range g.members(c) {
			holds[v] = true
			queue = append(queue, v)
		}
	}
	for i := 0; i < len(queue); i++ {
		for _, gi := range g.from(queue[i]) {
			need[gi]--
			if e := g.gEffect[gi]; need[gi] == 0 && !holds[e] && !cut[e] {
				holds[e] = true
				queue = append(queue, e)
			}
		}
	}
	return holds
}

// eliminator answers "what stops holding if these nodes are also neutralised"
// incrementally: starting from the nodes that hold with nothing neutralised,
// kill propagates only through the part of the tree that actually stops, and
// undo rolls the state back. Nodes inside a loop are re-checked loop-wide
// (their own support may be circular), which costs the loop's size.
type eliminator struct {
	g       *graph
	holds   []bool
	seeded  []bool  // members of a source component: hold without support
	unmet   []int32 // group → causes not holding
	support []int32 // node → groups into it with every cause holding

	died, unmetLog, supportLog []int32
	work                       []int32
	touched                    []int32
	inTouched                  []bool  // component → queued for a loop re-check
	localNeed                  []int32 // scratch per group for loop re-checks
	localHold                  []bool  // scratch per node for loop re-checks
}

// elimMark is a point to undo to.
type elimMark struct{ died, unmet, support int }

// newEliminator starts from what holds when nothing is neutralised.
func newEliminator(g *graph) *eliminator {
	e := &eliminator{
		g:         g,
		holds:     g.fixpoint(make([]bool, len(g.ids))),
		seeded:    make([]bool, len(g.ids)),
		unmet:     make([]int32, len(g.gEffect)),
		support:   make([]int32, len(g.ids)),
		inTouched: make([]bool, g.numComps()),
		localNeed: make([]int32, len(g.gEffect)),
		localHold: make([]bool, len(g.ids)),
		// Fixing every root at once kills most of the tree: size the logs for it.
		died:       make([]int32, 0, len(g.ids)),
		unmetLog:   make([]int32, 0, len(g.causes)),
		supportLog: make([]int32, 0, len(g.gEffect)),
	}
	for v := range g.ids {
		e.seeded[v] = g.source[g.comp[v]]
	}
	for gi, eff := range g.gEffect {
		for _, c := range g.groupCauses(int32(gi)) {
			if !e.holds[c] {
				e.unmet[gi]++
			}
		}
		if e.unmet[gi] == 0 {
			e.support[eff]++
		}
	}
	return e
}

// mark returns the current state, for undo.
func (e *eliminator) mark() elimMark {
	return elimMark{len(e.died), len(e.unmetLog), len(e.supportLog)}
}

// undo restores the state saved by mark.
func (e *eliminator) undo(m elimMark) {
	for _, v := range e.died[m.died:] {
		e.holds[v] = true
	}
	for _, gi := range e.unmetLog[m.unmet:] {
		e.unmet[gi]--
	}
	for _, v := range e.supportLog[m.support:] {
		e.support[v]++
	}
	e.died, e.unmetLog, e.supportLog = e.died[:m.died], e.unmetLog[:m.unmet], e.supportLog[:m.support]
}

// kill neutralises the nodes and propagates; the nodes that stopped holding
// are appended to e.died.
func (e *eliminator) kill(nodes []int32) {
	for _, v := range nodes {
		if e.holds[v] {
			e.die(v)
		}
	}
	for len(e.work) > 0 || len(e.touched) > 0 {
		if n := len(e.work); n > 0 {
			v := e.work[n-1]
			e.work = e.work[:n-1]
			if e.holds[v] {
				e.die(v)
			}
			continue
		}
		c := e.touched[len(e.touched)-1]
		e.touched = e.touched[:len(e.touched)-1]
		e.recheckLoop(c)
		e.inTouched[c] = false
	}
}

// die records that v stops holding and updates the groups it is a cause in.
func (e *eliminator) die(v int32) {
	g := e.g
	e.holds[v] = false
	e.died = append(e.died, v)
	for _, gi := range g.from(v) {
		e.unmet[gi]++
		e.unmetLog = append(e.unmetLog, gi)
		if e.unmet[gi] != 1 {
			continue
		}
		eff := g.gEffect[gi]
		e.support[eff]--
		e.supportLog = append(e.supportLog, eff)
		if !e.holds[eff] || e.seeded[eff] {
			continue
		}
		if e.support[eff] == 0 {
			e.work = append(e.work, eff)
		}
		if c := g.comp[eff]; g.inLoop[eff] && !e.inTouched[c] {
			e.inTouched[c] = true
			e.touched = append(e.touched, c)
		}
	}
}

// recheckLoop recomputes, inside loop component c, which holding members are
// still supported from outside the loop (directly or through other members),
// and kills the rest.
func (e *eliminator) recheckLoop(c int32) {
	g := e.g
	var queue []int32
	for _, v := range g.members(c) {
		e.localHold[v] = false
		if !e.holds[v] {
			continue
		}
		if e.seeded[v] {
			e.localHold[v] = true
			queue = append(queue, v)
			continue
		}
		for _, gi := range g.into(v) {
			var n int32
			for _, x := range g.groupCauses(gi) {
				if !e.holds[x] || g.comp[x] == c {
					n++
				}
			}
			e.localNeed[gi] = n
			if n == 0 && !e.localHold[v] {
				e.localHold[v] = true
				queue = append(queue, v)
			}
		}
	}
	for i := 0; i < len(queue); i++ {
		for _, gi := range g.from(queue[i]) {
			eff := g.gEffect[gi]
			if g.comp[eff] != c || !e.holds[eff] || e.localHold[eff] {
				continue
			}
			e.localNeed[gi]--
			if e.localNeed[gi] == 0 {
				e.localHold[eff] = true
				queue = append(queue, eff)
			}
		}
	}
	for _, v := range g.members(c) {
		if e.holds[v] && !e.localHold[v] {
			e.die(v)
		}
	}
}

// nonNil returns s, or an empty slice when s is nil, so JSON shows [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
