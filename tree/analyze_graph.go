package tree

import (
	"math/bits"
	"slices"
)

// graph is the compact, index-based form of a tree that the analysis works
// on: nodes are numbered 0..n-1 in NodeID order, and only the groups that
// count (all of them, or the accepted ones) are kept, in GroupID order.
type graph struct {
	ids    []NodeID         // node index → NodeID
	dense  []int32          // NodeID → node index + 1 (0: none), when numbers are dense
	sparse map[NodeID]int32 // NodeID → node index otherwise
	isUDE  []bool           // node index → the node is a UDE
	impact []int            // node index → UDE impact weight (0 for other kinds)
	future []bool           // node index → a node of the Future Reality Tree part (Kind.Future)

	gids       []GroupID // group index → GroupID
	gEffect    []int32   // group index → effect node index
	causeStart []int32   // group index → start of its causes in causes
	causes     []int32   // the causes of every group, concatenated

	inStart  []int32 // node index → start of its incoming groups in inGroups
	inGroups []int32 // group indexes by effect
	outStart []int32 // node index → start of its outgoing groups in outGroups
	outGrp   []int32 // group indexes by cause

	// Strongly connected components, numbered in Tarjan completion order, so
	// every edge between components goes from a higher to a lower number.
	comp        []int32 // node index → component
	compStart   []int32 // component → start of its members in compMembers
	compMembers []int32 // node indexes by component, ascending
	succStart   []int32 // component → start of its successors in succ (CSR)
	succ        []int32 // successor components (repeats allowed)
	predStart   []int32 // component → start of its predecessors in pred
	pred        []int32 // predecessor components (repeats allowed)
	inLoop      []bool  // node → its component has several nodes
	source      []bool  // component has no edge into it from outside
}

// newGraph indexes the counted groups of t; the others are returned by ID.
func newGraph(t *Tree, acceptedOnly bool) (*graph, []GroupID) {
	nodes := orderedNodes(t)
	g := &graph{
		ids:    make([]NodeID, len(nodes)),
		isUDE:  make([]bool, len(nodes)),
		impact: make([]int, len(nodes)),
		future: make([]bool, len(nodes)),
	}
	if int(t.nextNode) <= 2*len(nodes)+64 {
		g.dense = make([]int32, t.nextNode)
	} else {
		g.sparse = make(map[NodeID]int32, len(nodes))
	}
	for i, n := range nodes {
		g.ids[i] = n.ID
		if g.dense != nil {
			g.dense[n.ID] = int32(i) + 1
		} else {
			g.sparse[n.ID] = int32(i)
		}
		g.isUDE[i] = n.Kind == KindUDE
		g.impact[i] = n.Impact()
		g.future[i] = n.Kind.Future()
	}
	groups := orderedGroups(t)
	var skipped []GroupID
	g.gids = make([]GroupID, 0, len(groups))
	g.gEffect = make([]int32, 0, len(groups))
	g.causeStart = make([]int32, 1, len(groups)+1)
	g.causes = make([]int32, 0, 2*len(groups))
	for _, grp := range groups {
		if acceptedOnly && grp.Status != StatusAccepted {
			skipped = append(skipped, grp.ID)
			continue
		}
		g.gids = append(g.gids, grp.ID)
		g.gEffect = append(g.gEffect, int32(g.mustIndex(grp.Effect)))
		for _, c := range grp.Causes {
			g.causes = append(g.causes, int32(g.mustIndex(c)))
		}
		g.causeStart = append(g.causeStart, int32(len(g.causes)))
	}
	g.buildAdjacency()
	g.buildComponents()
	return g, skipped
}

// indexOf returns the node index of id.
func (g *graph) indexOf(id NodeID) (int, bool) {
	if g.dense == nil {
		v, ok := g.sparse[id]
		return int(v), ok
	}
	if id < 0 || int(id) >= len(g.dense) || g.dense[id] == 0 {
		return 0, false
	}
	return int(g.dense[id]) - 1, true
}

// mustIndex returns the node index of an id the tree guarantees to exist.
func (g *graph) mustIndex(id NodeID) int {
	v, _ := g.indexOf(id)
	return v
}

// orderedNodes returns the nodes by number; when numbers are dense it places
// them by number in one pass over the map instead of sorting.
func orderedNodes(t *Tree) []*Node {
	if int(t.nextNode) > 2*len(t.nodes)+64 {
		return t.Nodes()
	}
	slots := make([]*Node, t.nextNode)
	for id, n := range t.nodes {
		if id < 0 || int(id) >= len(slots) {
			return t.Nodes() // numbering out of step with nextNode: stay correct
		}
		slots[id] = n
	}
	return slices.DeleteFunc(slots, func(n *Node) bool { return n == nil })
}

// orderedGroups returns the groups by number, like orderedNodes.
func orderedGroups(t *Tree) []*Group {
	if int(t.nextGroup) > 2*len(t.groups)+64 {
		return t.Groups()
	}
	slots := make([]*Group, t.nextGroup)
	for id, g := range t.groups {
		if id < 0 || int(id) >= len(slots) {
			return t.Groups()
		}
		slots[id] = g
	}
	return slices.DeleteFunc(slots, func(g *Group) bool { return g == nil })
}

// groupCauses returns the cause node indexes of group gi.
func (g *graph) groupCauses(gi int32) []int32 {
	return g.causes[g.causeStart[gi]:g.causeStart[gi+1]]
}

// into returns the groups whose effect is node v.
func (g *graph) into(v int32) []int32 { return g.inGroups[g.inStart[v]:g.inStart[v+1]] }

// from returns the groups that have node v among their causes.
func (g *graph) from(v int32) []int32 { return g.outGrp[g.outStart[v]:g.outStart[v+1]] }

// members returns the nodes of component c.
func (g *graph) members(c int32) []int32 { return g.compMembers[g.compStart[c]:g.compStart[c+1]] }

// buildAdjacency fills the incoming and outgoing group lists (CSR form).
func (g *graph) buildAdjacency() {
	n := len(g.ids)
	g.inStart = make([]int32, n+1)
	g.outStart = make([]int32, n+1)
	for gi, e := range g.gEffect {
		g.inStart[e+1]++
		for _, c := range g.groupCauses(int32(gi)) {
			g.outStart[c+1]++
		}
	}
	for v := range n {
		g.inStart[v+1] += g.inStart[v]
		g.outStart[v+1] += g.outStart[v]
	}
	g.inGroups = make([]int32, g.inStart[n])
	g.outGrp = make([]int32, g.outStart[n])
	inFill := slices.Clone(g.inStart[:n])
	outFill := slices.Clone(g.outStart[:n])
	for gi, e := range g.gEffect {
		g.inGroups[inFill[e]] = int32(gi)
		inFill[e]++
		for _, c := range g.groupCauses(int32(gi)) {
			g.outGrp[outFill[c]] = int32(gi)
			outFill[c]++
		}
	}
}

// buildComponents finds the strongly connected components with an iterative
// Tarjan search, then the component graph (the condensation) and its sources.
func (g *graph) buildComponents() {
	n := len(g.ids)
	const unvisited = -1
	order := make([]int32, n)
	low := make([]int32, n)
	onStack := make([]bool, n)
	g.comp = make([]int32, n)
	for v := range n {
		order[v] = unvisited
	}
	type frame struct{ v, next int32 }
	var stack []int32
	var frames []frame
	var counter, ncomp int32
	for start := range int32(n) {
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
			if int(f.next) < len(out) {
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
	g.buildCondensation(int(ncomp))
}

// buildCondensation groups members by component and links the components.
func (g *graph) buildCondensation(ncomp int) {
	n := len(g.ids)
	g.compStart = make([]int32, ncomp+1)
	for v := range n {
		g.compStart[g.comp[v]+1]++
	}
	for c := range ncomp {
		g.compStart[c+1] += g.compStart[c]
	}
	g.compMembers = make([]int32, n)
	fill := slices.Clone(g.compStart[:ncomp])
	for v := range n { // ascending, so members come out sorted
		c := g.comp[v]
		g.compMembers[fill[c]] = int32(v)
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
	g.succStart = make([]int32, ncomp+1)
	g.predStart = make([]int32, ncomp+1)
	g.eachCrossEdge(func(from, to int32) {
		g.succStart[from+1]++
		g.predStart[to+1]++
		g.source[to] = false
	})
	for c := range ncomp {
		g.succStart[c+1] += g.succStart[c]
		g.predStart[c+1] += g.predStart[c]
	}
	g.succ = make([]int32, g.succStart[ncomp])
	g.pred = make([]int32, g.predStart[ncomp])
	sf := slices.Clone(g.succStart[:ncomp])
	pf := slices.Clone(g.predStart[:ncomp])
	g.eachCrossEdge(func(from, to int32) {
		g.succ[sf[from]] = to
		sf[from]++
		g.pred[pf[to]] = from
		pf[to]++
	})
}

// eachCrossEdge calls f for every cause→effect link between two components.
func (g *graph) eachCrossEdge(f func(from, to int32)) {
	for gi, e := range g.gEffect {
		ce := g.comp[e]
		for _, c := range g.groupCauses(int32(gi)) {
			if cc := g.comp[c]; cc != ce {
				f(cc, ce)
			}
		}
	}
}

// compSucc returns the components that component c has links into.
func (g *graph) compSucc(c int32) []int32 { return g.succ[g.succStart[c]:g.succStart[c+1]] }

// compPred returns the components with links into component c.
func (g *graph) compPred(c int32) []int32 { return g.pred[g.predStart[c]:g.predStart[c+1]] }

// numComps returns the number of strongly connected components.
func (g *graph) numComps() int { return len(g.source) }

// compSize returns the number of nodes in component c.
func (g *graph) compSize(c int32) int { return int(g.compStart[c+1] - g.compStart[c]) }

// hasUDE reports whether component c contains a UDE.
func (g *graph) hasUDE(c int32) bool {
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
	for c := range int32(len(depth)) { // successors have lower numbers
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
func (g *graph) explains(roots []int32) [][]int32 {
	out := make([][]int32, len(roots))
	rootOf := make([]int32, g.numComps())
	for c := range rootOf {
		rootOf[c] = -1
	}
	for i, c := range roots {
		rootOf[c] = int32(i)
	}
	var udes []int32
	for v, u := range g.isUDE {
		if u {
			udes = append(udes, int32(v))
		}
	}
	mark := make([]int32, g.numComps())
	reach := make([]uint64, g.numComps())
	var list []int32
	for s := 0; s < len(udes); s += 64 {
		batch := udes[s:min(s+64, len(udes))]
		stamp := int32(s/64 + 1)
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
