// Package treetest generates random but plausible Current State Trees for
// tests and benchmarks of the tree, rendering and storage packages.
//
// Generate(seed, n) builds a layered DAG, the way a CST is drawn: UDEs (about
// 5 % of the nodes) on the top layer, causes on the layers below, roots at the
// bottom. Every cause is linked to an effect near its own position on the
// layer above (so the tree has local structure, like real clusters), some
// effects get extra causes (also from two layers down), about a third of the
// groups are AND groups, a few links point back down to make loops, and about
// one node in thirty is left dangling. That gives roughly two links per node.
// Most links are accepted, some unreviewed or disputed; UDE weights, premises,
// unverified and root-marked flags are sprinkled in. The same seed and size
// always give the same tree, and generation is linear in n.
package treetest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/untangle-rca/untangle/tree"
)

// Tuning of the generated shape.
const (
	udeShare      = 0.05 // share of nodes that are UDEs
	danglingShare = 0.03 // share of causes linked to no effect
	extraLinks    = 1.2  // mean extra causes per effect
	skipLayer     = 0.2  // chance an extra cause comes from two layers down
	andChance     = 0.35 // chance a group takes one more cause (repeatable once)
	loopsPer      = 150  // one loop per this many nodes
)

// groupKey identifies a group: its effect and up to three sorted causes.
type groupKey struct {
	effect tree.NodeID
	causes [3]tree.NodeID
}

// layered is the generator's working state.
type layered struct {
	rng    *rand.Rand
	layers [][]tree.NodeID // layer → nodes ordered by position
	nodes  []tree.Node
	groups []tree.Group
	keys   map[groupKey]bool // effect and sorted causes of every group
}

// Generate returns a deterministic random tree of n nodes (see the package
// documentation for its shape). Trees of fewer than 2 nodes have no links.
func Generate(seed int64, nodes int) *tree.Tree {
	l := &layered{
		rng:  rand.New(rand.NewPCG(uint64(seed), 0x7e57_7ee5)),
		keys: map[groupKey]bool{},
	}
	l.makeNodes(max(nodes, 0))
	for i := 0; i+1 < len(l.layers); i++ {
		l.linkLayer(i)
	}
	if nodes >= 20 {
		l.addLoops(1 + nodes/loopsPer)
	}
	t, err := tree.Build(fmt.Sprintf("Generated tree %d/%d", seed, nodes), l.nodes, l.groups)
	if err != nil {
		panic(fmt.Sprintf("treetest: generated an invalid tree (a bug in the generator): %v", err))
	}
	return t
}

// layerSizes splits n nodes into a UDE layer and cause layers; the bottom
// layer is smaller, as causes converge.
func layerSizes(n int) []int {
	if n == 0 {
		return nil
	}
	udes := max(1, int(math.Round(float64(n)*udeShare)))
	if n >= 10 {
		udes = max(udes, 2)
	}
	depth := min(8, max(2, 2+int(math.Log2(float64(n)))/2))
	rest := n - udes
	if rest <= 0 {
		return []int{n}
	}
	depth = min(depth, rest+1)
	weights := make([]float64, depth-1)
	total := 0.0
	for i := range weights {
		weights[i] = 1
		if i == len(weights)-1 && len(weights) > 1 {
			weights[i] = 0.6
		}
		total += weights[i]
	}
	sizes := []int{udes}
	left := rest
	for i, w := range weights {
		size := int(math.Round(float64(rest) * w / total))
		if i == len(weights)-1 {
			size = left
		}
		size = max(1, min(size, left-(len(weights)-1-i)))
		sizes = append(sizes, size)
		left -= size
	}
	return sizes
}

// makeNodes creates the nodes layer by layer.
func (l *layered) makeNodes(n int) {
	texts := newTexter(l.rng)
	id := tree.NodeID(1)
	for depth, size := range layerSizes(n) {
		var layer []tree.NodeID
		for range size {
			node := tree.Node{ID: id, Kind: tree.KindCause, Text: texts.cause()}
			switch {
			case depth == 0:
				node.Kind, node.Text, node.Weight = tree.KindUDE, texts.ude(), l.rng.IntN(4)
			case l.rng.Float64() < 0.08:
				node.Kind = tree.KindPremise
			}
			node.Unverified = l.rng.Float64() < 0.04
			layer = append(layer, id)
			l.nodes = append(l.nodes, node)
			id++
		}
		l.layers = append(l.layers, layer)
	}
}

// near returns a node of layer d close to relative position x (0–1).
func (l *layered) near(d int, x float64) tree.NodeID {
	layer := l.layers[d]
	i := int(x*float64(len(layer))) + l.rng.IntN(3) - 1
	return layer[max(0, min(i, len(layer)-1))]
}

// pos returns the relative position of the i-th node of a layer of size n.
func pos(i, n int) float64 { return (float64(i) + 0.5) / float64(n) }

// linkLayer gives every node of layer d its causes from the layers below.
func (l *layered) linkLayer(d int) {
	effects := l.layers[d]
	causes := make([][]tree.NodeID, len(effects))
	slot := map[tree.NodeID]int{}
	for i, e := range effects {
		slot[e] = i
	}
	below := l.layers[d+1]
	for i, c := range below {
		if l.rng.Float64() < danglingShare && len(below) > 1 {
			continue
		}
		e := l.near(d, pos(i, len(below)))
		causes[slot[e]] = append(causes[slot[e]], c)
	}
	for i := range effects {
		x := pos(i, len(effects))
		extra := l.poissonish()
		if len(causes[i]) == 0 {
			extra++
		}
		for range extra {
			from := d + 1
			if from+1 < len(l.layers) && l.rng.Float64() < skipLayer {
				from++
			}
			if c := l.near(from, x); !slices.Contains(causes[i], c) {
				causes[i] = append(causes[i], c)
			}
		}
		l.groupCauses(effects[i], causes[i])
	}
}

// poissonish returns 0, 1 or 2 extra links with mean about extraLinks.
func (l *layered) poissonish() int {
	n := 0
	for p := extraLinks; p > 0 && n < 2; p-- {
		if l.rng.Float64() < p {
			n++
		}
	}
	return n
}

// groupCauses splits an effect's causes into OR groups, some of them AND.
func (l *layered) groupCauses(effect tree.NodeID, causes []tree.NodeID) {
	l.rng.Shuffle(len(causes), func(i, j int) { causes[i], causes[j] = causes[j], causes[i] })
	for i := 0; i < len(causes); {
		size := 1
		for size < 3 && i+size < len(causes) && l.rng.Float64() < andChance {
			size++
		}
		l.addGroup(effect, causes[i:i+size])
		i += size
	}
}

// addGroup appends a group unless the same one exists already.
func (l *layered) addGroup(effect tree.NodeID, causes []tree.NodeID) bool {
	sorted := slices.Clone(causes)
	slices.Sort(sorted)
	key := groupKey{effect: effect}
	copy(key.causes[:], sorted)
	if l.keys[key] || slices.Contains(sorted, effect) {
		return false
	}
	l.keys[key] = true
	status := tree.StatusAccepted
	switch r := l.rng.Float64(); {
	case r < 0.10:
		status = tree.StatusUnreviewed
	case r < 0.15:
		status = tree.StatusDisputed
	}
	l.groups = append(l.groups, tree.Group{Effect: effect, Causes: slices.Clone(causes), Status: status})
	return true
}

// addLoops adds links that point back down a one-cause link, making loops of
// two nodes (with or without support from outside).
func (l *layered) addLoops(count int) {
	if len(l.groups) == 0 {
		return
	}
	for range count {
		for range 10 { // a few tries to find a one-cause link
			g := l.groups[l.rng.IntN(len(l.groups))]
			if len(g.Causes) == 1 && l.addGroup(g.Causes[0], []tree.NodeID{g.Effect}) {
				break
			}
		}
	}
}
