package render

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/treetest"
)

// chainTree is a UDE caused by a chain of n-1 causes.
func chainTree(tb testing.TB, n int) *tree.Tree {
	tb.Helper()
	nodes := []tree.Node{{Kind: tree.KindUDE, Text: "Orders are lost"}}
	var groups []tree.Group
	for i := 2; i <= n; i++ {
		nodes = append(nodes, tree.Node{Text: fmt.Sprintf("Step %d of a long chain", i)})
		groups = append(groups, tree.Group{Effect: tree.NodeID(i - 1), Causes: []tree.NodeID{tree.NodeID(i)}})
	}
	return build(tb, "A chain", nodes, groups)
}

// fanTree is one UDE with n direct causes.
func fanTree(tb testing.TB, n int) *tree.Tree {
	tb.Helper()
	nodes := []tree.Node{{Kind: tree.KindUDE, Text: "Checkout fails"}}
	var groups []tree.Group
	for i := 2; i <= n+1; i++ {
		nodes = append(nodes, tree.Node{Text: fmt.Sprintf("Cause number %d", i)})
		groups = append(groups, tree.Group{Effect: 1, Causes: []tree.NodeID{tree.NodeID(i)}})
	}
	return build(tb, "A fan", nodes, groups)
}

func TestReadable(t *testing.T) {
	r := newRenderer(t)
	small, smallA := paymentOutage(t)
	big := treetest.Generate(1, 300)
	bigA := tree.Analyze(big, tree.Options{})
	subs, err := Subtrees(big, bigA)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		tree     *tree.Tree
		a        *tree.Analysis
		pictures int
		whole    bool // the one picture is of the whole tree
		formats  []Format
		opt      Options
	}{
		{"small tree: one picture", small, smallA, 1, true, []Format{FormatPNG, FormatSVG}, Options{}},
		// Scale 0.9 (text of 14.4 px) keeps the rasters small under -race.
		{"big tree: an overview and one per subtree", big, bigA, len(subs) + 1, false, []Format{FormatPNG}, Options{Scale: 0.9}},
		{"tall but readable chain: one subtree", chainTree(t, 150), nil, 1, false, []Format{FormatSVG}, Options{}},
	}
	for _, tt := range tests {
		for _, f := range tt.formats {
			t.Run(fmt.Sprintf("%s/%d", tt.name, f), func(t *testing.T) {
				pics, err := r.Readable(context.Background(), tt.tree, tt.a, tt.opt, f)
				if err != nil {
					t.Fatal(err)
				}
				if len(pics) != tt.pictures {
					t.Fatalf("%d pictures, want %d", len(pics), tt.pictures)
				}
				for i, p := range pics {
					overview := !tt.whole && len(pics) > 1 && i == 0
					if overview != strings.HasSuffix(p.Title, " — overview") ||
						(p.From == 0) != (tt.whole || overview) || (p.From != 0 && !strings.Contains(p.Title, "from "+p.From.String())) {
						t.Errorf("picture %d %q from %v", i, p.Title, p.From)
					}
					checkPictureSize(t, p, f)
				}
			})
		}
	}
}

// checkPictureSize decodes p and fails when a side is over MaxSide or its
// width over DefaultMaxWidth.
func checkPictureSize(t *testing.T, p Picture, f Format) {
	t.Helper()
	if f == FormatSVG {
		if err := xml.Unmarshal(p.Data, new(struct{})); err != nil {
			t.Fatalf("%q: SVG is not XML: %v", p.Title, err)
		}
		return
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(p.Data))
	if err != nil {
		t.Fatalf("%q: %v", p.Title, err)
	}
	if cfg.Width > DefaultMaxWidth || cfg.Height > MaxSide {
		t.Errorf("%q is %d × %d px", p.Title, cfg.Width, cfg.Height)
	}
}

func TestReadableRefuses(t *testing.T) {
	r := newRenderer(t)
	tests := []struct {
		name string
		tree *tree.Tree
		want string
	}{
		{"20,000-node chain", chainTree(t, 20_000), "part from #20000 has 20000 nodes, more than one picture holds"},
		{"2,000 causes of one symptom", fanTree(t, 2000), "would need 2000 pictures"},
		{"1,000-node chain", chainTree(t, 1000), "would have text of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.Readable(context.Background(), tt.tree, tree.Analyze(tt.tree, tree.Options{}), Options{}, FormatPNG)
			if !errors.Is(err, ErrUnreadable) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrUnreadable saying %q", err, tt.want)
			}
		})
	}
}

func TestOverview(t *testing.T) {
	tr := build(t, "T", []tree.Node{
		{Kind: tree.KindUDE, Text: "Orders are lost"},  // 1
		{Text: "The queue drops messages"},             // 2
		{Text: "The queue is full"},                    // 3
		{Text: "Consumers were scaled down"},           // 4
		{Kind: tree.KindUDE, Text: "Refunds are late"}, // 5
		{Text: "A deploy restarted the brokers"},       // 6
		{Text: "Nobody reads the broker dashboard"},    // 7: leads nowhere
	}, []tree.Group{
		{Effect: 1, Causes: []tree.NodeID{2}},
		{Effect: 2, Causes: []tree.NodeID{3}},
		{Effect: 3, Causes: []tree.NodeID{4}},
		{Effect: 5, Causes: []tree.NodeID{4}},
		{Effect: 1, Causes: []tree.NodeID{6}},
	})
	ov, err := overview(tr, [][]tree.NodeID{{4}, {6}}, "T")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range ov.Groups() {
		from, _ := ov.Node(g.Causes[0])
		to, _ := ov.Node(g.Effect)
		got = append(got, from.Text+" → "+to.Text)
	}
	want := []string{
		"Consumers were scaled down → … 2 nodes from #4 on …",
		"… 2 nodes from #4 on … → Orders are lost",
		"… 2 nodes from #4 on … → Refunds are late",
		"A deploy restarted the brokers → Orders are lost",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || ov.NumNodes() != 5 || ov.Title != "T — overview" {
		t.Errorf("overview %q (%d nodes):\n%s\nwant\n%s", ov.Title, ov.NumNodes(), strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
