package main

import (
	"bufio"
	"encoding/json"
	"io"

	"github.com/untangle-rca/untangle/tree"
)

// reportVersion is the version of the `analyze --report json` document.
const reportVersion = 1

// jsonReport is the stable, documented shape of `untangle analyze --report json`
// (docs/cli.md). Node numbers appear with their texts so scripts need no lookup.
// writeJSONReport streams the same fields in the same order; tests decode
// into this type.
type jsonReport struct {
	Version       int             `json:"version"`
	Title         string          `json:"title"`
	Nodes         int             `json:"nodes"`
	Links         int             `json:"links"`
	Threshold     float64         `json:"threshold"`
	UDEs          []jsonRefNode   `json:"udes"`
	TotalImpact   int             `json:"total_impact"`
	Roots         []jsonRoot      `json:"roots"`
	CoreCauses    []jsonRoot      `json:"core_causes"`
	Contributing  []jsonRoot      `json:"contributing_causes"`
	Cover         jsonSet         `json:"cover"`
	Fix           jsonSet         `json:"fix"`
	Unexplained   []jsonRefNode   `json:"unexplained"`
	Dangling      []jsonRefNode   `json:"dangling"`
	Loops         [][]tree.NodeID `json:"loops"`
	Warnings      []tree.Warning  `json:"warnings"`
	Blame         []blameNote     `json:"blame"`
	Chains        []jsonChain     `json:"chains"`
	ChainsLeftOut int             `json:"chains_left_out"`
	Future        *jsonFuture     `json:"future,omitempty"` // the Future Reality Tree, when the tree or --fix has fixes
}

type jsonRefNode struct {
	Node   tree.NodeID `json:"node"`
	Text   string      `json:"text"`
	Impact int         `json:"impact,omitempty"`
}

type jsonRoot struct {
	Node          tree.NodeID   `json:"node"`
	Text          string        `json:"text"`
	Loop          []tree.NodeID `json:"loop,omitempty"`
	Explains      []tree.NodeID `json:"explains"`
	Impact        int           `json:"impact"`
	Share         float64       `json:"weighted_share"`
	Removes       []tree.NodeID `json:"removes"`
	RemovedImpact int           `json:"removed_impact"`
	RemovalShare  float64       `json:"removal_share"`
	Depth         int           `json:"depth"`
	Core          bool          `json:"core"`
	Contributing  bool          `json:"contributing"`
}

type jsonSet struct {
	Roots   []tree.NodeID `json:"roots"`
	Covered []tree.NodeID `json:"covered"`
	Exact   bool          `json:"exact"`
}

type jsonChain struct {
	From tree.NodeID `json:"from"`
	To   tree.NodeID `json:"to"`
	Text string      `json:"text"`
}

// writeJSONReport streams the report one field, and one list element, at a
// time, so a large tree never needs the whole document in memory.
func writeJSONReport(w io.Writer, t *tree.Tree, a *tree.Analysis, blame []blameNote, future *jsonFuture) error {
	s := &jsonStream{w: bufio.NewWriter(w)}
	s.raw("{")
	s.field("version", reportVersion)
	s.field("title", t.Title)
	s.field("nodes", t.NumNodes())
	s.field("links", t.NumGroups())
	s.field("threshold", a.Threshold)
	s.list("udes", len(a.UDEs), func(i int) any { return refNode(t, a.UDEs[i]) })
	s.field("total_impact", a.TotalImpact)
	s.list("roots", len(a.Roots), func(i int) any { return reportRoot(t, a.Roots[i]) })
	s.list("core_causes", len(a.CoreCauses), func(i int) any { return reportRoot(t, a.Roots[a.CoreCauses[i]]) })
	s.list("contributing_causes", len(a.Contributing), func(i int) any { return reportRoot(t, a.Roots[a.Contributing[i]]) })
	s.field("cover", rootSet(a, a.Cover))
	s.field("fix", rootSet(a, a.Fix))
	s.list("unexplained", len(a.Unexplained), func(i int) any { return refNode(t, a.Unexplained[i]) })
	s.list("dangling", len(a.Dangling), func(i int) any { return refNode(t, a.Dangling[i]) })
	s.list("loops", len(a.Loops), func(i int) any { return a.Loops[i] })
	s.list("warnings", len(a.Warnings), func(i int) any { return a.Warnings[i] })
	s.list("blame", len(blame), func(i int) any { return blame[i] })
	s.list("chains", len(a.Chains), func(i int) any {
		c := a.Chains[i]
		return jsonChain{From: c.From, To: c.To, Text: tree.ChainText(t, c)}
	})
	s.field("chains_left_out", a.ChainsLeftOut)
	if future != nil {
		s.field("future", future)
	}
	s.raw("\n}\n")
	if s.err != nil {
		return s.err
	}
	return s.w.Flush()
}

// jsonStream writes an indented JSON object field by field.
type jsonStream struct {
	w      *bufio.Writer
	fields int
	err    error
}

// raw writes text as is.
func (s *jsonStream) raw(text string) {
	if s.err == nil {
		_, s.err = s.w.WriteString(text)
	}
}

// value writes v indented to the given depth.
func (s *jsonStream) value(v any, indent string) {
	if s.err != nil {
		return
	}
	data, err := json.MarshalIndent(v, indent, "  ")
	if err != nil {
		s.err = err
		return
	}
	_, s.err = s.w.Write(data)
}

// key starts the next field of the object.
func (s *jsonStream) key(name string) {
	if s.fields > 0 {
		s.raw(",")
	}
	s.fields++
	s.raw("\n  ")
	s.value(name, "")
	s.raw(": ")
}

// field writes one field with its whole value.
func (s *jsonStream) field(name string, v any) {
	s.key(name)
	s.value(v, "  ")
}

// list writes a field holding an array of n elements made one at a time.
func (s *jsonStream) list(name string, n int, elem func(i int) any) {
	s.key(name)
	if n == 0 {
		s.raw("[]")
		return
	}
	s.raw("[")
	for i := range n {
		if i > 0 {
			s.raw(",")
		}
		s.raw("\n    ")
		s.value(elem(i), "    ")
	}
	s.raw("\n  ]")
}

func reportRoot(t *tree.Tree, r tree.Root) jsonRoot {
	jr := jsonRoot{Node: r.Nodes[0], Text: nodeText(t, r.Nodes[0]), Explains: nonNil(r.Explains), Impact: r.Impact,
		Share: r.Share, Removes: nonNil(r.Removes), RemovedImpact: r.RemovedImpact, RemovalShare: r.RemovalShare,
		Depth: r.Depth, Core: r.Core, Contributing: r.Contributing}
	if len(r.Nodes) > 1 {
		jr.Loop = r.Nodes
	}
	return jr
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func refNode(t *tree.Tree, id tree.NodeID) jsonRefNode {
	ref := jsonRefNode{Node: id, Text: nodeText(t, id)}
	if n, ok := t.Node(id); ok {
		ref.Impact = n.Impact()
	}
	return ref
}

func rootSet(a *tree.Analysis, s tree.RootSet) jsonSet {
	out := jsonSet{Roots: []tree.NodeID{}, Covered: nonNil(s.Covered), Exact: s.Exact}
	for _, i := range s.Roots {
		out.Roots = append(out.Roots, a.Roots[i].Nodes[0])
	}
	return out
}

func nodeText(t *tree.Tree, id tree.NodeID) string {
	if n, ok := t.Node(id); ok {
		return n.Text
	}
	return ""
}
