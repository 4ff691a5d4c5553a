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
	}{
		{"small tree: one picture", small, smallA, 1, true},
		{"big tree: one per subtree", big, bigA, len(subs), false},
		{"tall but readable chain: one subtree", chainTree(t, 150), nil, 1, false},
	}
	for _, tt := range tests {
		for _, f := range []Format{FormatPNG, FormatSVG} {
			t.Run(fmt.Sprintf("%s/%d", tt.name, f), func(t *testing.T) {
				pics, err := r.Readable(context.Background(), tt.tree, tt.a, Options{}, f)
				if err != nil {
					t.Fatal(err)
				}
				if len(pics) != tt.pictures {
					t.Fatalf("%d pictures, want %d", len(pics), tt.pictures)
				}
				for _, p := range pics {
					if (p.From == 0) != tt.whole || (p.From != 0 && !strings.Contains(p.Title, "from "+p.From.String())) {
						t.Errorf("picture %q from %v", p.Title, p.From)
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
