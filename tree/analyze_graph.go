package tree

import (
	"math/bits"
	"slices"
)

// graph is the compact, index-based form of a tree that the analysis works
// on: nodes are numbered 0..n-1 in NodeID order, and only the groups that
// count (all of them, or the accepted ones) are kept, in GroupID order.
type graph struct {
	ids    []NodeID       // node index → NodeID
	dense  []int          // NodeID → node index + 1 (0: none), when numbers are dense
	sparse map[NodeID]int // NodeID → node index otherwise
	isUDE  []bool         // node index → the node is a UDE
	impact []int          // node index → UDE impact weight (0 for other kinds)

	gids       []GroupID // group index → GroupID
	gEffect    []int     // group index → effect node index
	causeStart []int     // group index → start of its causes in causes
	causes     []int     // the causes of every group, concatenated

	inStart  []int // node index → start of its incoming groups in inGroups
	inGroups []int // group indexes by effect
	outStart []int // node index → start of its outgoing groups in outGroups
	outGrp   []int // group indexes by cause

	// Strongly connected components, numbered in Tarjan completion order, so
	// every edge between components goes from a higher to a lower number.
	comp        []int  // node index → component
	compStart   []int  // component → start of its members in compMembers
	compMembers []int  // node indexes by component, ascending
	succStart   []int  // component → start of its successors in succ (CSR)
	succ        []int  // successor components (repeats allowed)
	predStart   []int  // component → start of its predecessors in pred
	pred        []int  // predecessor components (repeats allowed)
	inLoop      []bool // node → its component has several nodes
	source      []bool // component has no edge into it from outside
}

// newGraph indexes the counted groups of t; the others are returned by ID.
func newGraph(t *Tree, acceptedOnly bool) (*graph, []GroupID) {
	nodes := orderedNodes(t)
	g := &graph{
		ids:    make([]NodeID, len(nodes)),
		isUDE:  make([]bool, len(nodes)),
		impact: make([]int, len(nodes)),
	}
	if int(t.nextNode) <= 2*len(nodes)+64 {
		g.dense = make([]int, t.nextNode)
	} else {
		g.sparse = make(map[NodeID]int, len(nodes))
	}
	for i, n := range nodes {
		g.ids[i] = n.ID
		if g.dense != nil {
			g.dense[n.ID] = i + 1
		} else {
			g.sparse[n.ID] = i
		}
		g.isUDE[i] = n.Kind == KindUDE
		g.impact[i] = n.Impact()
	}
	groups := orderedGroups(t)
	var skipped []GroupID
	g.gids = make([]GroupID, 0, len(groups))
	g.gEffect = make([]int, 0, len(groups))
	g.causeStart = make([]int, 1, len(groups)+1)
	g.causes = make([]int, 0, 2*len(groups))
	for _, grp := range groups {
		if acceptedOnly && grp.Status != StatusAccepted {
			skipped = append(skipped, grp.ID)
			continue
		}
		g.gids = append(g.gids, grp.ID)
		g.gEffect = append(g.gEffect, g.mustIndex(grp.Effect))
		for _, c := range grp.Causes {
			g.causes = append(g.causes, g.mustIndex(c))
		}
		g.causeStart = append(g.causeStart, len(g.causes))
	}
	g.buildAdjacency()
	g.buildComponents()
	return g, skipped
}

// indexOf returns the node index of id.
func (g *graph) indexOf(id NodeID) (int, bool) {
	if g.dense == nil {
		v, ok := g.sparse[id]
		return v, ok
	}
	if id < 0 || int(id) >= len(g.dense) || g.dense[id] == 0 {
		return 0, false
	}
	return g.dense[id] - 1, true
}

// mustIndex returns the node index of an id the tree guarantees to exist.
func (g *graph) mustIndex(id NodeID) int {
	v, _ := g.indexOf(id)
	return v
}

// orderedNodes returns the nodes by number; when numbers are dense it walks
// them instead of sorting.
func orderedNodes(t *Tree) []*Node {
	if int(t.nextNode) > 2*len(t.nodes)+64 {
		return t.Nodes()
	}
	out := make([]*Node, 0, len(t.nodes))
	for id := NodeID(0); id < t.nextNode; id++ {
		if n, ok := t.nodes[id]; ok {
			out = append(out, n)
		}
	}
	return out
}

// orderedGroups returns the groups by number, like orderedNodes.
func orderedGroups(t *Tree) []*Group {
	if int(t.nextGroup) > 2*len(t.groups)+64 {
		return t.Groups()
	}
	out := make([]*Group, 0, len(t.groups))
	for id := GroupID(0); id < t.nextGroup; id++ {
		if g, ok := t.groups[id]; ok {
			out = append(out, g)
		}
	}
	return out
}

// groupCauses returns the cause node indexes of group gi.
func (g *graph) groupCauses(gi int) []int {
	return g.causes[g.causeStart[gi]:g.causeStart[gi+1]]
}

// into returns the groups whose effect is node v.
func (g *graph) into(v int) []int { return g.inGroups[g.inStart[v]:g.inStart[v+1]] }

// from returns the groups that have node v among their causes.
func (g *graph) from(v int) []int { return g.outGrp[g.outStart[v]:g.outStart[v+1]] }

// members returns the nodes of component c.
func (g *graph) members(c int) []int { return g.compMembers[g.compStart[c]:g.compStart[c+1]] }

// buildAdjacency fills the incoming and outgoing group lists (CSR form).
func (g *graph) buildAdjacency() {
	n := len(g.ids)
	g.inStart = make([]int, n+1)
	g.outStart = make([]int, n+1)
	for gi, e := range g.gEffect {
		g.inStart[e+1]++
		for _, c := range g.groupCauses(gi) {
			g.outStart[c+1]++
		}
	}
	for v := range n {
		g.inStart[v+1] += g.inStart[v]
		g.outStart[v+1] += g.outStart[v]
	}
	g.inGroups = make([]int, g.inStart[n])
	g.outGrp = make([]int, g.outStart[n])
	inFill := slices.Clone(g.inStart[:n])
	outFill := slices.Clone(g.outStart[:n])
	for gi, e := range g.gEffect {
		g.inGroups[inFill[e]] = gi
		inFill[e]++
		for _, c := range g.groupCauses(gi) {
			g.outGrp[outFill[c]] = gi
			outFill[c]++
		}
	}
}

// buildComponents finds the strongly connected components with an iterative
// Tarjan search, then the component graph (the condensation) and its sources.
func (g *graph) buildComponents() {
	n := len(g.ids)
	const unvisited = -1
	order := make([]int, n)
	low := make([]int, n)
	onStack := make([]bool, n)
	g.comp = make([]int, n)
	for v := range n {
		order[v] = unvisited
	}
	type frame struct{ v, next int }
	var stack []int
	var frames []frame
	counter, ncomp := 0, 0
	for start := range n {
		if order[start] != unvisited {
			continue
		}
		frames = append(frames[:0], frame{v: start})
		order[start], low[start] = counter, counter
		counter++
		stack = append(stack, start)
		onStack[start] = true
		for len(frames) > 0 {
			f := &frames[len(frames)-1]
			out := g.from(f.v)
			if f.next < len(out) {
				w := g.gEffect[out[f.next]]
				f.next++
				switch {
				case order[w] == unvisited:
					order[w], low[w] = counter, counter
					counter++
					stack = append(stack, w)
					onStack[w] = true
					frames = append(frames, frame{v: w})
				case onStack[w]:
					low[f.v] = min(low[f.v], order[w])
				}
				continue
			}
			v := f.v
			frames = frames[:len(frames)-1]
			if len(frames) > 0 {
				p := frames[len(frames)-1].v
				low[p] = min(low[p], low[v])
			}
			if low[v] != order[v] {
				continue
			}
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				g.comp[w] = ncomp
				if w == v {
					break
				}
			}
			ncomp++
		}
	}
	g.buildCondensation(ncomp)
}

// buildCondensation groups members by component and links the components.
func (g *graph) buildCondensation(ncomp int) {
	n := len(g.ids)
	g.compStart = make([]int, ncomp+1)
	for v := range n {
		g.compStart[g.comp[v]+1]++
	}
	for c := range ncomp {
		g.compStart[c+1] += g.compStart[c]
	}
	g.compMembers = make([]int, n)
	fill := slices.Clone(g.compStart[:ncomp])
	for v := range n { // ascending, so members come out sorted
		c := g.comp[v]
		g.compMembers[fill[c]] = v
		fill[c]++
	}
	g.source = make([]bool, ncomp)
	for c := range ncomp {
		g.source[c] = true
	}
	g.inLoop = make([]bool, n)
	for v := range n {
		g.inLoop[v] = g.compSize(g.comp[v]) > 1
	}
	g.succStart = make([]int, ncomp+1)
	g.predStart = make([]int, ncomp+1)
	g.eachCrossEdge(func(from, to int) {
		g.succStart[from+1]++
		g.predStart[to+1]++
		g.source[to] = false
	})
	for c := range ncomp {
		g.succStart[c+1] += g.succStart[c]
		g.predStart[c+1] += g.predStart[c]
	}
	g.succ = make([]int, g.succStart[ncomp])
	g.pred = make([]int, g.predStart[ncomp])
	sf := slices.Clone(g.succStart[:ncomp])
	pf := slices.Clone(g.predStart[:ncomp])
	g.eachCrossEdge(func(from, to int) {
		g.succ[sf[from]] = to
		sf[from]++
		g.pred[pf[to]] = from
		pf[to]++
	})
}

// eachCrossEdge calls f for every cause→effect link between two components.
func (g *graph) eachCrossEdge(f func(from, to int)) {
	for gi, e := range g.gEffect {
		ce := g.comp[e]
		for _, c := range g.groupCauses(gi) {
			if cc := g.comp[c]; cc != ce {
				f(cc, ce)
			}
		}
	}
}

// compSucc returns the components that component c has links into.
func (g *graph) compSucc(c int) []int { return g.succ[g.succStart[c]:g.succStart[c+1]] }

// compPred returns the components with links into component c.
func (g *graph) compPred(c int) []int { return g.pred[g.predStart[c]:g.predStart[c+1]] }

// numComps returns the number of strongly connected components.
func (g *graph) numComps() int { return len(g.source) }

// compSize returns the number of nodes in component c.
func (g *graph) compSize(c int) int { return g.compStart[c+1] - g.compStart[c] }

// hasUDE reports whether component c contains a UDE.
func (g *graph) hasUDE(c int) bool {
	for _, v := range g.members(c) {
		if g.isUDE[v] {
			return true
		}
	}
	return false
}

// udeDepth returns, for each component, the longest distance (in component
// edges; a loop counts as one place) to a component holding a UDE, or -1 when
// it reaches none.
func (g *graph) udeDepth() []int {
	depth := make([]int, g.numComps())
	for c := range depth { // successors have lower numbers
		depth[c] = -1
		if g.hasUDE(c) {
			depth[c] = 0
		}
		for _, s := range g.compSucc(c) {
			if depth[s] >= 0 && depth[s]+1 > depth[c] {
				depth[c] = depth[s] + 1
			}
		}
	}
	return depth
}

// explains returns, for each component in roots, the UDE node indexes
// reachable from it in ascending order. It walks the UDEs 64 at a time and,
// for each batch, only the components that can reach the batch, so the cost is
// the total size of the batches' ancestries (at worst UDEs/64 × (nodes+links)).
func (g *graph) explains(roots []int) [][]int {
	out := make([][]int, len(roots))
	rootOf := make([]int, g.numComps())
	for c := range rootOf {
		rootOf[c] = -1
	}
	for i, c := range roots {
		rootOf[c] = i
	}
	var udes []int
	for v, u := range g.isUDE {
		if u {
			udes = append(udes, v)
		}
	}
	mark := make([]int, g.numComps())
	reach := make([]uint64, g.numComps())
	var list []int
	for s := 0; s < len(udes); s += 64 {
		batch := udes[s:min(s+64, len(udes))]
		stamp := s/64 + 1
		list = list[:0]
		for k, v := range batch {
			c := g.comp[v]
			if mark[c] != stamp {
				mark[c], reach[c] = stamp, 0
				list = append(list, c)
			}
			reach[c] |= 1 << uint(k)
		}
		for i := 0; i < len(list); i++ {
			for _, p := range g.compPred(list[i]) {
				if mark[p] != stamp {
					mark[p], reach[p] = stamp, 0
					list = append(list, p)
				}
			}
		}
		slices.Sort(list)
		for _, c := range list {
			for _, sc := range g.compSucc(c) {
				if mark[sc] == stamp {
					reach[c] |= reach[sc]
				}
			}
			if i := rootOf[c]; i >= 0 {
				for b := reach[c]; b != 0; b &= b - 1 {
					out[i] = append(out[i], batch[bits.TrailingZeros64(b)])
				}
			}
		}
	}
	return out
}

// reachable marks the components reachable from the given ones.
func (g *graph) reachable(from []int) []bool {
	seen := make([]bool, g.numComps())
	queue := slices.Clone(from)
	for _, c := range queue {
		seen[c] = true
	}
	for i := 0; i < len(queue); i++ {
		for _, s := range g.compSucc(queue[i]) {
			if !seen[s] {
				seen[s] = true
				queue = append(queue, s)
			}
		}
	}
	return seen
}
