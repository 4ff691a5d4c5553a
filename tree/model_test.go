package tree_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/treetest"
)

func TestNormalizeText(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr error
	}{
		{name: "trims and collapses", in: "  a \t b\n\nc  ", want: "a b c"},
		{name: "unicode kept", in: "Zahlungsdienst fiel 45 Minuten aus — 支付", want: "Zahlungsdienst fiel 45 Minuten aus — 支付"},
		{name: "zero width dropped", in: "pay\u200bment", want: "payment"},
		{name: "word joiner and BOM dropped", in: "\ufeffpay\u2060ment", want: "payment"},
		{name: "emoji ZWJ sequence kept", in: "on call \U0001F469\u200d\U0001F4BB tired", want: "on call \U0001F469\u200d\U0001F4BB tired"},
		{name: "Persian ZWNJ kept", in: "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", want: "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"},
		{name: "Devanagari ZWJ kept", in: "\u0915\u094d\u200d\u0937", want: "\u0915\u094d\u200d\u0937"},
		{name: "joiners at the edges of words dropped", in: "\u200dpay \u200cment\u200d", want: "pay ment"},
		{name: "ltr mark refused", in: "abc\u200Edef", wantErr: tree.ErrInvalidText},
		{name: "empty", in: "", wantErr: tree.ErrEmptyText},
		{name: "whitespace only", in: " \t\n ", wantErr: tree.ErrEmptyText},
		{name: "exactly 300 runes", in: strings.Repeat("é", 300), want: strings.Repeat("é", 300)},
		{name: "301 runes", in: strings.Repeat("a", 301), wantErr: tree.ErrTextTooLong},
		{name: "invalid utf-8", in: "bad \xff byte", wantErr: tree.ErrInvalidText},
		{name: "control character", in: "bell\x07", wantErr: tree.ErrInvalidText},
		{name: "rtl override", in: "abc\u202Edef", wantErr: tree.ErrInvalidText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tree.NormalizeText(tt.in)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("NormalizeText(%q) error = %v, want %v", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NormalizeText(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

// modelTree makes a tree from node texts (numbered from 1) and groups given as
// effect followed by causes.
func modelTree(t *testing.T, texts []string, groups ...[]tree.NodeID) *tree.Tree {
	t.Helper()
	tr := tree.New("test")
	for i, s := range texts {
		kind := tree.KindCause
		if i == 0 {
			kind = tree.KindUDE
		}
		if _, err := tr.AddNode(tree.Node{Kind: kind, Text: s}); err != nil {
			t.Fatalf("AddNode(%q): %v", s, err)
		}
	}
	for _, g := range groups {
		if _, err := tr.AddGroup(tree.Group{Effect: g[0], Causes: g[1:]}); err != nil {
			t.Fatalf("AddGroup(%v): %v", g, err)
		}
	}
	return tr
}

func TestAddGroupErrors(t *testing.T) {
	tr := modelTree(t, []string{"effect", "a", "b"}, []tree.NodeID{1, 2, 3})
	tests := []struct {
		name    string
		group   tree.Group
		wantErr error
		wantMsg string
	}{
		{name: "self link", group: tree.Group{Effect: 2, Causes: []tree.NodeID{2}}, wantErr: tree.ErrSelfLink, wantMsg: "#2"},
		{name: "missing cause", group: tree.Group{Effect: 1, Causes: []tree.NodeID{99}}, wantErr: tree.ErrUnknownNode, wantMsg: "#99"},
		{name: "missing effect", group: tree.Group{Effect: 42, Causes: []tree.NodeID{1}}, wantErr: tree.ErrUnknownNode, wantMsg: "#42"},
		{name: "duplicate group in other order", group: tree.Group{Effect: 1, Causes: []tree.NodeID{3, 2}}, wantErr: tree.ErrDuplicateLink, wantMsg: "#3 AND #2"},
		{name: "no causes", group: tree.Group{Effect: 1}, wantErr: tree.ErrInvalidNode},
		{name: "repeated cause", group: tree.Group{Effect: 1, Causes: []tree.NodeID{2, 2}}, wantErr: tree.ErrInvalidNode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tr.AddGroup(tt.group)
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("AddGroup error = %v, want %v mentioning %q", err, tt.wantErr, tt.wantMsg)
			}
		})
	}
	if tr.NumGroups() != 1 {
		t.Fatalf("failed AddGroup calls changed the tree: %d groups", tr.NumGroups())
	}
}

func TestAddNodeRules(t *testing.T) {
	tr := modelTree(t, []string{"Payment API times out"})
	if _, err := tr.AddNode(tree.Node{Text: "  Payment   API times out "}); !errors.Is(err, tree.ErrDuplicateNode) {
		t.Fatalf("duplicate text: err = %v", err)
	}
	if _, err := tr.AddNode(tree.Node{ID: 1, Text: "other"}); !errors.Is(err, tree.ErrDuplicateNode) {
		t.Fatalf("duplicate id: err = %v", err)
	}
	if _, err := tr.AddNode(tree.Node{Text: "x", Kind: "bogus"}); !errors.Is(err, tree.ErrInvalidNode) {
		t.Fatalf("bad kind: err = %v", err)
	}
	if _, err := tr.AddNode(tree.Node{Text: "x", Weight: 4}); !errors.Is(err, tree.ErrInvalidNode) {
		t.Fatalf("bad weight: err = %v", err)
	}
	n, err := tr.AddNode(tree.Node{ID: 10, Text: "ten"})
	if err != nil || n.Kind != tree.KindCause {
		t.Fatalf("AddNode with id: %+v, %v", n, err)
	}
	if next, _ := tr.AddNode(tree.Node{Text: "eleven"}); next.ID != 11 {
		t.Fatalf("numbering after explicit id: got %s, want #11", next.ID)
	}
	if got, ok := tr.NodeByText("payment api times out"); ok {
		t.Fatalf("NodeByText must match exact text, matched %s", got.ID)
	}
	if got, ok := tr.NodeByText(" Payment API\ttimes out"); !ok || got.ID != 1 {
		t.Fatalf("NodeByText with extra spaces: %v %v", got, ok)
	}
}

func TestImpact(t *testing.T) {
	for _, tt := range []struct {
		node tree.Node
		want int
	}{
		{tree.Node{Kind: tree.KindUDE}, 2},
		{tree.Node{Kind: tree.KindUDE, Weight: 3}, 3},
		{tree.Node{Kind: tree.KindCause, Weight: 3}, 0},
	} {
		if got := tt.node.Impact(); got != tt.want {
			t.Errorf("%+v.Impact() = %d, want %d", tt.node, got, tt.want)
		}
	}
}

func TestEditing(t *testing.T) {
	tr := modelTree(t, []string{"effect", "a", "b", "c"}, []tree.NodeID{1, 2, 3}, []tree.NodeID{1, 2}, []tree.NodeID{2, 4})

	if err := tr.SetText(2, "b"); !errors.Is(err, tree.ErrDuplicateNode) {
		t.Fatalf("SetText to an existing text: %v", err)
	}
	if err := tr.SetText(2, "a reworded"); err != nil {
		t.Fatal(err)
	}
	if _, ok := tr.NodeByText("a"); ok {
		t.Fatal("old text still resolves after SetText")
	}
	if err := tr.SetCauses(1, []tree.NodeID{2, 3, 4}); err != nil {
		t.Fatalf("add premise: %v", err)
	}
	if err := tr.SetCauses(1, []tree.NodeID{2}); !errors.Is(err, tree.ErrDuplicateLink) {
		t.Fatalf("SetCauses into a duplicate: %v", err)
	}
	if err := tr.Flip(3); err != nil {
		t.Fatalf("Flip: %v", err)
	}
	if g, _ := tr.Group(3); g.Effect != 4 || !reflect.DeepEqual(g.Causes, []tree.NodeID{2}) {
		t.Fatalf("after Flip group = %+v", g)
	}
	if err := tr.Flip(1); !errors.Is(err, tree.ErrInvalidNode) {
		t.Fatalf("Flip of an AND group: %v", err)
	}

	// Removing #3 and #4 turns group 1 into #2 ⇒ #1, a duplicate of the
	// untouched group 2, which is kept.
	if err := tr.RemoveNode(3); err != nil {
		t.Fatal(err)
	}
	if err := tr.RemoveNode(4); err != nil {
		t.Fatal(err)
	}
	groups := tr.Groups()
	if len(groups) != 1 || groups[0].ID != 2 || !reflect.DeepEqual(groups[0].Causes, []tree.NodeID{2}) {
		t.Fatalf("groups after RemoveNode = %+v", groups)
	}
	if err := tr.RemoveGroup(2); err != nil || tr.NumGroups() != 0 {
		t.Fatalf("RemoveGroup: %v, %d left", err, tr.NumGroups())
	}
	if err := tr.RemoveGroup(2); !errors.Is(err, tree.ErrUnknownGroup) {
		t.Fatalf("second RemoveGroup: %v", err)
	}
	if _, err := tr.AddGroup(tree.Group{Effect: 1, Causes: []tree.NodeID{2}}); err != nil {
		t.Fatalf("re-adding a removed link: %v", err)
	}
}

func TestCloneIsDeep(t *testing.T) {
	tr := modelTree(t, []string{"effect", "a", "b"}, []tree.NodeID{1, 2, 3})
	c := tr.Clone()
	if err := c.SetCauses(1, []tree.NodeID{2}); err != nil {
		t.Fatal(err)
	}
	if err := c.SetText(3, "changed"); err != nil {
		t.Fatal(err)
	}
	g, _ := tr.Group(1)
	n, _ := tr.Node(3)
	if len(g.Causes) != 2 || n.Text != "b" {
		t.Fatalf("editing the clone changed the original: %+v %+v", g, n)
	}
	if _, err := c.AddNode(tree.Node{Text: "new"}); err != nil {
		t.Fatal(err)
	}
	if tr.NextNodeID() != 4 || c.NextNodeID() != 5 {
		t.Fatalf("numbering shared between clone and original: %d %d", tr.NextNodeID(), c.NextNodeID())
	}
}

func TestJSONRoundTrip(t *testing.T) {
	tr := tree.New("Deleted production database")
	nodes := []tree.Node{
		{ID: 3, Kind: tree.KindUDE, Text: "Orders were lost for 6 hours", Weight: 3, Evidence: "https://status.example.com/1"},
		{ID: 5, Kind: tree.KindCause, Text: "Backups were never restored in a drill", Unverified: true},
		{ID: 6, Kind: tree.KindPremise, Text: "Restores need a manual runbook", BlameWorded: true},
		{ID: 9, Kind: tree.KindInjection, Text: "Monthly restore drill", RootMarked: true, Against: 5},
		{ID: 10, Kind: tree.KindDesiredEffect, Text: "Restores are known to work"},
		{ID: 11, Kind: tree.KindInjection, Text: "Drill on a copy, not on production", Against: 12},
		{ID: 12, Kind: tree.KindNegativeEffect, Text: "A drill overwrites live data"},
	}
	for _, n := range nodes {
		if _, err := tr.AddNode(n); err != nil {
			t.Fatal(err)
		}
	}
	for _, g := range []tree.Group{
		{ID: 4, Effect: 3, Causes: []tree.NodeID{5, 6}, Status: tree.StatusAccepted},
		{ID: 7, Effect: 10, Causes: []tree.NodeID{9}, Status: tree.StatusDisputed},
		{ID: 8, Effect: 12, Causes: []tree.NodeID{9}},
	} {
		if _, err := tr.AddGroup(g); err != nil {
			t.Fatal(err)
		}
	}
	data, err := json.Marshal(tr)
	if err != nil {
		t.Fatal(err)
	}
	var back tree.Tree
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("Unmarshal: %v\n%s", err, data)
	}
	modelSameTree(t, tr, &back)
	if back.NextNodeID() != 13 {
		t.Fatalf("NextNodeID after import = %d, want 13", back.NextNodeID())
	}
}

func TestJSONRejects(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"wrong format", `{"format":"other","version":1,"nodes":[],"groups":[]}`, `format is "other"`},
		{"newer version", `{"format":"untangle-tree","version":9,"nodes":[],"groups":[]}`, "version 9 is not supported"},
		{"unknown field", `{"format":"untangle-tree","version":1,"nodes":[],"groups":[],"x":1}`, "unknown field"},
		{"self link", `{"format":"untangle-tree","version":1,"nodes":[{"id":1,"kind":"ude","text":"a"}],"groups":[{"id":1,"effect":1,"causes":[1],"status":"accepted"}]}`, "link 1: a node cannot cause itself: #1"},
		{"missing node", `{"format":"untangle-tree","version":1,"nodes":[{"id":1,"kind":"ude","text":"a"}],"groups":[{"id":1,"effect":1,"causes":[7],"status":"accepted"}]}`, "no such node: #7"},
		{"bad status", `{"format":"untangle-tree","version":1,"nodes":[{"id":1,"kind":"ude","text":"a"},{"id":2,"kind":"cause","text":"b"}],"groups":[{"id":1,"effect":1,"causes":[2],"status":"maybe"}]}`, `unknown status "maybe"`},
		{"empty text", `{"format":"untangle-tree","version":1,"nodes":[{"id":1,"kind":"ude","text":" "}],"groups":[]}`, "node #1: text is empty"},
		{"against a missing node", `{"format":"untangle-tree","version":1,"nodes":[{"id":1,"kind":"injection","text":"a","against":4}],"groups":[]}`, "node #1: no such node: it is against #4"},
		{"a cause against a node", `{"format":"untangle-tree","version":1,"nodes":[{"id":1,"kind":"ude","text":"a"},{"id":2,"kind":"cause","text":"b","against":1}],"groups":[]}`, "node #2: node is not valid: only an injection or a desired effect is against a node"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := tree.New("keep")
			err := json.Unmarshal([]byte(tt.doc), tr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
			if tr.Title != "keep" || tr.NumNodes() != 0 {
				t.Fatalf("failed import changed the tree")
			}
		})
	}
}

func modelSameTree(t *testing.T, want, got *tree.Tree) {
	t.Helper()
	if want.Title != got.Title {
		t.Errorf("title %q, want %q", got.Title, want.Title)
	}
	if !reflect.DeepEqual(want.Nodes(), got.Nodes()) {
		t.Errorf("nodes differ:\n got %+v\nwant %+v", modelNodes(got.Nodes()), modelNodes(want.Nodes()))
	}
	if !reflect.DeepEqual(want.Groups(), got.Groups()) {
		t.Errorf("groups differ:\n got %+v\nwant %+v", modelGroups(got.Groups()), modelGroups(want.Groups()))
	}
}

func modelNodes(ns []*tree.Node) []tree.Node {
	out := make([]tree.Node, len(ns))
	for i, n := range ns {
		out[i] = *n
	}
	return out
}

func modelGroups(gs []*tree.Group) []tree.Group {
	out := make([]tree.Group, len(gs))
	for i, g := range gs {
		out[i] = *g
	}
	return out
}

func TestReserveNumbers(t *testing.T) {
	tr := modelTree(t, []string{"effect", "a"}, []tree.NodeID{1, 2})
	tr.ReserveNumbers(9, 4)
	n, err := tr.AddNode(tree.Node{Text: "new"})
	if err != nil || n.ID != 10 {
		t.Fatalf("node after ReserveNumbers(9, 4): %v, %v", n, err)
	}
	g, err := tr.AddGroup(tree.Group{Effect: 1, Causes: []tree.NodeID{10}})
	if err != nil || g.ID != 5 {
		t.Fatalf("group after ReserveNumbers(9, 4): %v, %v", g, err)
	}
	tr.ReserveNumbers(3, 1) // never lowers
	if tr.NextNodeID() != 11 {
		t.Fatalf("ReserveNumbers lowered the counter to %d", tr.NextNodeID())
	}
}

// journalCheck fails unless j holds, for every node and group that differs
// between before and after, its state in before, and holds nothing else but
// states from before.
func journalCheck(t *testing.T, before, after *tree.Tree, j *tree.Journal) {
	t.Helper()
	if j == nil {
		t.Fatal("StopJournal returned no journal")
	}
	recNodes := map[tree.NodeID]bool{}
	j.EachNode(func(id tree.NodeID, img *tree.Node) {
		recNodes[id] = true
		was, ok := before.Node(id)
		switch {
		case img == nil && ok:
			t.Errorf("journal says %s was absent; it was %+v", id, *was)
		case img != nil && !ok:
			t.Errorf("journal says %s was %+v; it was absent", id, *img)
		case img != nil && *img != *was:
			t.Errorf("journal image of %s is %+v, want %+v", id, *img, *was)
		}
	})
	recGroups := map[tree.GroupID]bool{}
	j.EachGroup(func(id tree.GroupID, img *tree.Group) {
		recGroups[id] = true
		was, ok := before.Group(id)
		switch {
		case img == nil && ok:
			t.Errorf("journal says link %d was absent; it was %+v", id, *was)
		case img != nil && !ok:
			t.Errorf("journal says link %d was %+v; it was absent", id, *img)
		case img != nil && !reflect.DeepEqual(*img, *was):
			t.Errorf("journal image of link %d is %+v, want %+v", id, *img, *was)
		}
	})
	nodeIDs := map[tree.NodeID]bool{}
	for _, tr := range []*tree.Tree{before, after} {
		for _, n := range tr.Nodes() {
			nodeIDs[n.ID] = true
		}
	}
	for id := range nodeIDs {
		a, okA := before.Node(id)
		b, okB := after.Node(id)
		if (okA != okB || okA && *a != *b) && !recNodes[id] {
			t.Errorf("node %s changed (%v → %v) but the journal missed it", id, a, b)
		}
	}
	groupIDs := map[tree.GroupID]bool{}
	for _, tr := range []*tree.Tree{before, after} {
		for _, g := range tr.Groups() {
			groupIDs[g.ID] = true
		}
	}
	for id := range groupIDs {
		a, okA := before.Group(id)
		b, okB := after.Group(id)
		if (okA != okB || okA && !reflect.DeepEqual(*a, *b)) && !recGroups[id] {
			t.Errorf("link %d changed (%v → %v) but the journal missed it", id, a, b)
		}
	}
}

func TestJournal(t *testing.T) {
	tests := []struct {
		name string
		edit func(t *testing.T, tr *tree.Tree)
		// most bounds how many nodes and groups may be recorded, so an edit
		// that hands out no pointers does not copy the whole tree; -1: any.
		mostNodes, mostGroups int
	}{
		{name: "add node", mostNodes: 1, edit: func(t *testing.T, tr *tree.Tree) {
			if _, err := tr.AddNode(tree.Node{Kind: tree.KindUDE, Text: "new symptom"}); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "change through the pointer AddNode returns", mostNodes: 1, edit: func(t *testing.T, tr *tree.Tree) {
			n, err := tr.AddNode(tree.Node{Text: "new cause"})
			if err != nil {
				t.Fatal(err)
			}
			n.BlameWorded = true
		}},
		{name: "change through Node", mostNodes: 1, edit: func(t *testing.T, tr *tree.Tree) {
			n, _ := tr.Node(2)
			n.RootMarked, n.Evidence = true, "https://example.com/graph"
		}},
		{name: "change through NodeByText", mostNodes: 1, edit: func(t *testing.T, tr *tree.Tree) {
			n, _ := tr.NodeByText("  cause  a ")
			n.Unverified = true
		}},
		{name: "change through Group", mostGroups: 1, edit: func(t *testing.T, tr *tree.Tree) {
			g, _ := tr.Group(1)
			g.Status = tree.StatusDisputed
		}},
		{name: "change through GroupsInto and GroupsFrom", mostGroups: 2, edit: func(t *testing.T, tr *tree.Tree) {
			tr.GroupsInto(2)[0].Status = tree.StatusAccepted
			tr.GroupsFrom(2)[0].Status = tree.StatusDisputed
		}},
		{name: "change through Nodes", mostNodes: -1, edit: func(t *testing.T, tr *tree.Tree) {
			tr.Nodes()[3].Weight = tree.WeightHigh
		}},
		{name: "change through EachNode and EachGroup", mostNodes: -1, mostGroups: -1, edit: func(t *testing.T, tr *tree.Tree) {
			tr.EachNode(func(n *tree.Node) { n.Evidence = "seen " + n.ID.String() })
			tr.EachGroup(func(g *tree.Group) { g.Status = tree.StatusAccepted })
		}},
		{name: "change through Groups", mostGroups: -1, edit: func(t *testing.T, tr *tree.Tree) {
			tr.Groups()[0].Causes[0] = 5
		}},
		{name: "reword", mostNodes: 1, edit: func(t *testing.T, tr *tree.Tree) {
			if err := tr.SetText(3, "cause b, reworded"); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "set causes and flip", mostNodes: 1, mostGroups: 2, edit: func(t *testing.T, tr *tree.Tree) {
			if err := tr.SetCauses(1, []tree.NodeID{2, 4}); err != nil {
				t.Fatal(err)
			}
			n, err := tr.AddNode(tree.Node{Text: "cause d"})
			if err != nil {
				t.Fatal(err)
			}
			g, err := tr.AddGroup(tree.Group{Effect: 4, Causes: []tree.NodeID{n.ID}})
			if err != nil {
				t.Fatal(err)
			}
			if err := tr.Flip(g.ID); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "remove node and link", mostNodes: 1, mostGroups: 3, edit: func(t *testing.T, tr *tree.Tree) {
			if err := tr.RemoveNode(2); err != nil {
				t.Fatal(err)
			}
			if err := tr.RemoveGroup(3); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "remove and add back under the same number", mostNodes: 1, mostGroups: 2, edit: func(t *testing.T, tr *tree.Tree) {
			if err := tr.RemoveNode(4); err != nil {
				t.Fatal(err)
			}
			if _, err := tr.AddNode(tree.Node{ID: 4, Text: "cause c, again"}); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "statements", mostNodes: -1, mostGroups: -1, edit: func(t *testing.T, tr *tree.Tree) {
			stmts, err := tree.ParseStatements([]byte("IF [new root] THEN [#4 cause c]\n"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tr.Apply(stmts); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "failed edit", edit: func(t *testing.T, tr *tree.Tree) {
			if _, err := tr.AddNode(tree.Node{Text: "cause a"}); err == nil {
				t.Fatal("duplicate text accepted")
			}
			if err := tr.SetCauses(1, []tree.NodeID{1}); err == nil {
				t.Fatal("self link accepted")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := modelTree(t, []string{"effect", "cause a", "cause b", "cause c", "cause e"},
				[]tree.NodeID{1, 2, 3}, []tree.NodeID{2, 4}, []tree.NodeID{3, 4})
			before := tr.Clone()
			tr.StartJournal()
			tt.edit(t, tr)
			j := tr.StopJournal()
			journalCheck(t, before, tr, j)
			nodes, groups := j.Len()
			if tt.mostNodes >= 0 && nodes > tt.mostNodes || tt.mostGroups >= 0 && groups > tt.mostGroups {
				t.Errorf("journal recorded %d nodes and %d links, want at most %d and %d",
					nodes, groups, tt.mostNodes, tt.mostGroups)
			}
			if tr.StopJournal() != nil {
				t.Error("a stopped journal is still running")
			}
		})
	}
}

// TestJournalRandomEdits runs random edits, some through pointers, on
// generated trees and checks that the journal holds every change.
func TestJournalRandomEdits(t *testing.T) {
	for seed := range uint64(20) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			tr := treetest.Generate(int64(seed), 40)
			before := tr.Clone()
			tr.StartJournal()
			for step := range 30 {
				journalRandomEdit(rng, tr, step)
			}
			journalCheck(t, before, tr, tr.StopJournal())
		})
	}
}

// journalRandomEdit makes one random edit; failed edits are part of the test.
func journalRandomEdit(rng *rand.Rand, tr *tree.Tree, step int) {
	node := func() tree.NodeID { return tree.NodeID(1 + rng.IntN(int(tr.NextNodeID()))) }
	group := func() tree.GroupID { return tree.GroupID(1 + rng.IntN(tr.NumGroups()+3)) }
	switch rng.IntN(10) {
	case 0:
		_, _ = tr.AddNode(tree.Node{Text: fmt.Sprintf("random cause %d", step)})
	case 1:
		_ = tr.SetText(node(), fmt.Sprintf("random rewording %d", step))
	case 2:
		_ = tr.RemoveNode(node())
	case 3:
		_, _ = tr.AddGroup(tree.Group{Effect: node(), Causes: []tree.NodeID{node(), node()}})
	case 4:
		_ = tr.SetCauses(group(), []tree.NodeID{node()})
	case 5:
		_ = tr.Flip(group())
	case 6:
		_ = tr.RemoveGroup(group())
	case 7:
		if n, ok := tr.Node(node()); ok {
			n.RootMarked = !n.RootMarked
		}
	case 8:
		if g, ok := tr.Group(group()); ok {
			g.Status = tree.StatusDisputed
		}
	case 9:
		for _, g := range tr.GroupsFrom(node()) {
			g.Status = tree.StatusAccepted
		}
	}
}
