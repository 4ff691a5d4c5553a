package tree

import (
	"container/heap"
	"slices"
	"strconv"
	"strings"
)

// searchBudget bounds the work (element checks) of one exhaustive search; past
// it the best set found so far is returned and marked not exact.
const searchBudget = 20_000_000

// pruneBudget bounds the work (nodes + links per fixpoint, times roots) spent
// dropping redundant roots from a greedy fix set.
const pruneBudget = 4_000_000

// greedyTries is how many candidate roots the greedy fix search tries (by
// elimination) before it commits to one, per step.
const greedyTries = 8

// setProblem is a minimal-set search over roots: every element (a UDE) must
// end up done, and an element can only become done when one of its
// candidates (the roots that explain it) is chosen.
type setProblem interface {
	add(r int)       // choose root r
	undo()           // drop the root chosen last
	done(e int) bool // element e is covered / removed by the chosen roots
	gain(r int) int  // elements newly done if r were chosen as well
}

// coverProblem is set cover: an element is done when a chosen root explains it.
type coverProblem struct {
	explains [][]int // root → elements
	count    []int   // element → chosen roots explaining it
	stack    []int
}

func (p *coverProblem) add(r int) {
	p.stack = append(p.stack, r)
	for _, e := range p.explains[r] {
		p.count[e]++
	}
}

func (p *coverProblem) undo() {
	r := p.stack[len(p.stack)-1]
	p.stack = p.stack[:len(p.stack)-1]
	for _, e := range p.explains[r] {
		p.count[e]--
	}
}

func (p *coverProblem) done(e int) bool { return p.count[e] > 0 }

func (p *coverProblem) gain(r int) int {
	n := 0
	for _, e := range p.explains[r] {
		if p.count[e] == 0 {
			n++
		}
	}
	return n
}

// fixProblem is the elimination search: an element (a UDE node) is done when
// it stops holding once the chosen roots are neutralised.
type fixProblem struct {
	el        *eliminator
	rootNodes [][]int32 // root → its node indexes
	isElem    []bool    // node → is an element
	marks     []elimMark
}

func (p *fixProblem) add(r int) {
	p.marks = append(p.marks, p.el.mark())
	p.el.kill(p.rootNodes[r])
}

func (p *fixProblem) undo() {
	p.el.undo(p.marks[len(p.marks)-1])
	p.marks = p.marks[:len(p.marks)-1]
}

func (p *fixProblem) done(e int) bool { return !p.el.holds[e] }

func (p *fixProblem) gain(r int) int {
	m := p.el.mark()
	p.el.kill(p.rootNodes[r])
	n := 0
	for _, v := range p.el.died[m.died:] {
		if p.isElem[v] {
			n++
		}
	}
	p.el.undo(m)
	return n
}

// setSearch finds a small set of roots making every element done.
type setSearch struct {
	p     setProblem
	elems []int   // the elements
	cand  [][]int // per element (same order as elems): candidate roots, best-ranked first
	// state of the exhaustive search
	chosen, best []int
	forbidden    []bool
	work         int
	aborted      bool
}

// lowerBound returns how many roots any solution needs at least: the number
// of elements with pairwise disjoint candidate sets (packed greedily).
func (s *setSearch) lowerBound(nroots int) int {
	order := make([]int, len(s.elems))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return len(s.cand[a]) - len(s.cand[b]) })
	used := make([]bool, nroots)
	n := 0
	for _, i := range order {
		if slices.ContainsFunc(s.cand[i], func(r int) bool { return used[r] }) {
			continue
		}
		n++
		for _, r := range s.cand[i] {
			used[r] = true
		}
	}
	return n
}

// exact runs a branch-and-bound search starting from the upper bound ub: it
// branches on the open element with the fewest candidates left and forbids a
// candidate in the later branches once its own branch is explored.
func (s *setSearch) exact(ub []int, nroots int) ([]int, bool) {
	s.best = slices.Clone(ub)
	s.chosen = s.chosen[:0]
	s.forbidden = make([]bool, nroots)
	s.recurse()
	return s.best, !s.aborted
}

func (s *setSearch) recurse() {
	if s.aborted {
		return
	}
	pick, left := -1, 0
	for i, e := range s.elems {
		s.work++
		if s.p.done(e) {
			continue
		}
		n := 0
		for _, r := range s.cand[i] {
			if !s.forbidden[r] && !slices.Contains(s.chosen, r) {
				n++
			}
		}
		if pick < 0 || n < left {
			pick, left = i, n
		}
	}
	if s.work > searchBudget {
		s.aborted = true
		return
	}
	if pick < 0 {
		if len(s.chosen) < len(s.best) {
			s.best = slices.Clone(s.chosen)
		}
		return
	}
	if left == 0 || len(s.chosen)+1 >= len(s.best) {
		return
	}
	var tried []int
	for _, r := range s.cand[pick] {
		if s.forbidden[r] || slices.Contains(s.chosen, r) {
			continue
		}
		s.p.add(r)
		s.chosen = append(s.chosen, r)
		s.recurse()
		s.chosen = s.chosen[:len(s.chosen)-1]
		s.p.undo()
		s.forbidden[r] = true
		tried = append(tried, r)
	}
	for _, r := range tried {
		s.forbidden[r] = false
	}
}

// greedyFix (over nroots roots) walks the elements and, while one is still open, adds the
// candidate (of the first greedyTries not yet chosen) that closes the most
// elements. Every open element has a candidate left: once all its explainers
// are neutralised a removable UDE is gone.
func (s *setSearch) greedyFix(nroots int) []int {
	var chosen []int
	in := make([]bool, nroots)
	for i, e := range s.elems {
		for !s.p.done(e) {
			best, bestGain, tries := -1, -1, 0
			for _, r := range s.cand[i] {
				if in[r] {
					continue
				}
				if gain := s.p.gain(r); gain > bestGain {
					best, bestGain = r, gain
				}
				if tries++; tries == greedyTries {
					break
				}
			}
			if best < 0 {
				break // cannot happen for removable elements; stay safe
			}
			s.p.add(best)
			in[best] = true
			chosen = append(chosen, best)
		}
	}
	return chosen
}

// greedyCover is the classic greedy set cover (most new elements first, ties
// to the better-ranked root) with lazy gain updates, then drops roots that
// became redundant.
func greedyCover(p *coverProblem, nelems int) []int {
	h := &gainHeap{}
	for r, ex := range p.explains {
		if len(ex) > 0 {
			*h = append(*h, gainItem{root: r, gain: len(ex)})
		}
	}
	heap.Init(h)
	var chosen []int
	covered := 0
	for covered < nelems && h.Len() > 0 {
		top := heap.Pop(h).(gainItem)
		if g := p.gain(top.root); g != top.gain {
			if g > 0 {
				heap.Push(h, gainItem{root: top.root, gain: g})
			}
			continue
		}
		p.add(top.root)
		chosen = append(chosen, top.root)
		covered += top.gain
	}
	for i := len(chosen) - 1; i >= 0; i-- {
		r := chosen[i]
		if !slices.ContainsFunc(p.explains[r], func(e int) bool { return p.count[e] < 2 }) {
			for _, e := range p.explains[r] {
				p.count[e]--
			}
			chosen = slices.Delete(chosen, i, i+1)
		}
	}
	p.stack = p.stack[:0]
	for i := range p.count {
		p.count[i] = 0
	}
	return chosen
}

// gainItem is a root and its last known gain.
type gainItem struct{ root, gain int }

// gainHeap is a max-heap by gain, then by lowest root index (best rank).
type gainHeap []gainItem

func (h gainHeap) Len() int { return len(h) }
func (h gainHeap) Less(i, j int) bool {
	if h[i].gain != h[j].gain {
		return h[i].gain > h[j].gain
	}
	return h[i].root < h[j].root
}
func (h gainHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *gainHeap) Push(x any)   { *h = append(*h, x.(gainItem)) }
func (h *gainHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}

// candidates inverts root → elements into element → roots (ascending root
// index, which is rank order), for the given elements.
func candidates(elems []int, rootElems [][]int) [][]int {
	pos := make([]int, slices.Max(elems)+1)
	for i := range pos {
		pos[i] = -1
	}
	for i, e := range elems {
		pos[e] = i
	}
	cand := make([][]int, len(elems))
	for r, es := range rootElems {
		for _, e := range es {
			if e < len(pos) && pos[e] >= 0 {
				cand[pos[e]] = append(cand[pos[e]], r)
			}
		}
	}
	return cand
}

// distinctByCandidates keeps one element per distinct candidate set: for set
// cover, elements with the same candidates are covered together.
func distinctByCandidates(elems []int, cand [][]int) ([]int, [][]int) {
	seen := map[string]bool{}
	var outE []int
	var outC [][]int
	var b strings.Builder
	for i, c := range cand {
		b.Reset()
		for _, r := range c {
			b.WriteString(strconv.Itoa(r))
			b.WriteByte(',')
		}
		if k := b.String(); !seen[k] {
			seen[k] = true
			outE = append(outE, elems[i])
			outC = append(outC, c)
		}
	}
	return outE, outC
}

// minimalCover finds the smallest set of roots (indexes into rootElems) that
// explains every element: exact when there are at most limit roots (and the
// search stays in budget), otherwise greedy, which is still reported exact
// when it meets the lower bound.
func minimalCover(elems []int, rootElems [][]int, limit int) ([]int, bool) {
	if len(elems) == 0 {
		return nil, true
	}
	index := make([]int, slices.Max(elems)+1)
	for i := range index {
		index[i] = -1
	}
	for i, e := range elems {
		index[e] = i
	}
	local := make([][]int, len(rootElems))
	for r, es := range rootElems {
		for _, e := range es {
			if e < len(index) && index[e] >= 0 {
				local[r] = append(local[r], index[e])
			}
		}
	}
	ids := make([]int, len(elems))
	for i := range ids {
		ids[i] = i
	}
	p := &coverProblem{explains: local, count: make([]int, len(elems))}
	greedy := greedyCover(p, len(elems))
	slices.Sort(greedy)
	s := &setSearch{p: p, elems: ids, cand: candidates(ids, local)}
	if len(greedy) == s.lowerBound(len(rootElems)) {
		return greedy, true
	}
	if len(rootElems) > limit {
		return greedy, false
	}
	s.elems, s.cand = distinctByCandidates(s.elems, s.cand)
	best, exact := s.exact(greedy, len(rootElems))
	slices.Sort(best)
	return best, exact
}

// minimalFix finds the smallest set of roots whose fix removes every element
// (removable UDE node indexes), using the eliminator; exact up to limit roots.
func minimalFix(el *eliminator, elems []int, rootNodes [][]int32, rootElems [][]int, limit int) ([]int, bool) {
	if len(elems) == 0 {
		return nil, true
	}
	isElem := make([]bool, len(el.holds))
	for _, e := range elems {
		isElem[e] = true
	}
	p := &fixProblem{el: el, rootNodes: rootNodes, isElem: isElem}
	s := &setSearch{p: p, elems: elems, cand: candidates(elems, rootElems)}
	greedy := s.greedyFix(len(rootElems))
	for range greedy {
		p.undo()
	}
	slices.Sort(greedy)
	greedy = pruneFix(el.g, greedy, rootNodes, elems)
	if len(greedy) == s.lowerBound(len(rootElems)) {
		return greedy, true
	}
	if len(rootElems) > limit {
		return greedy, false
	}
	best, exact := s.exact(greedy, len(rootElems))
	slices.Sort(best)
	return best, exact
}

// pruneFix drops roots from a greedy fix set (sorted, best-ranked first) when
// the others already remove every element, trying the worst-ranked first, with
// one full fixpoint per root; it is skipped when that would exceed pruneBudget.
func pruneFix(g *graph, set []int, rootNodes [][]int32, elems []int) []int {
	if len(set)*(len(g.ids)+len(g.causes)) > pruneBudget {
		return set
	}
	cut := make([]bool, len(g.ids))
	mark := func(r int, on bool) {
		for _, v := range rootNodes[r] {
			cut[v] = on
		}
	}
	for _, r := range set {
		mark(r, true)
	}
	for i := len(set) - 1; i >= 0; i-- {
		mark(set[i], false)
		holds := g.fixpoint(cut)
		if slices.ContainsFunc(elems, func(e int) bool { return holds[e] }) {
			mark(set[i], true)
			continue
		}
		set = slices.Delete(set, i, i+1)
	}
	return set
}
