package render

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/treetest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// newRenderer starts a Renderer closed at the end of the test.
func newRenderer(tb testing.TB) *Renderer {
	tb.Helper()
	r, err := New(context.Background())
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	tb.Cleanup(func() {
		if err := r.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return r
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff\n got: %.600s", path, got)
	}
}

type fixture struct {
	name string
	make func(testing.TB) (*tree.Tree, *tree.Analysis)
	opt  Options
}

var fixtures = []fixture{
	{name: "payment-outage", make: paymentOutage},
	{name: "small-frt", make: smallFRT, opt: Options{Highlight: []tree.NodeID{2}}},
	{name: "no-analysis", make: func(tb testing.TB) (*tree.Tree, *tree.Analysis) {
		t, _ := paymentOutage(tb)
		return t, nil
	}},
}

func TestDOTGolden(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			tr, a := f.make(t)
			golden(t, f.name+".dot.golden", DOT(tr, a, f.opt))
		})
	}
}

func TestSVGGolden(t *testing.T) {
	r := newRenderer(t)
	for _, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			tr, a := f.make(t)
			var buf bytes.Buffer
			if err := r.SVG(context.Background(), tr, a, f.opt, &buf); err != nil {
				t.Fatal(err)
			}
			golden(t, f.name+".svg.golden", buf.Bytes())
		})
	}
}

func TestDOTShape(t *testing.T) {
	tr, a := smallFRT(t)
	dot := string(DOT(tr, a, Options{}))
	tests := []struct {
		name string
		want string
		n    int // how many times it must appear
	}{
		{name: "bottom to top", want: "rankdir=BT", n: 1},
		{name: "one junction per AND group", want: "shape=ellipse", n: 1},
		{name: "causes join the junction without arrowhead", want: "-> j1 [id=", n: 2},
		{name: "junction points at the effect", want: "j1 -> n1 [", n: 1},
		{name: "one-cause groups are plain edges", want: "n7 -> n2 [", n: 1},
		{name: "disputed link dashed", want: "style=dashed, color=\"#D55E00\"", n: 1},
		{name: "disputed link labelled", want: "label=\"disputed\"", n: 1},
		{name: "unverified node dashed", want: "filled,rounded,dashed", n: 1},
		{name: "injection hexagon", want: "shape=hexagon", n: 1},
		{name: "core badge", want: "#7 CORE", n: 1},
		{name: "quotes escaped", want: `\"plan\"`, n: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Count(dot, tt.want); got != tt.n {
				t.Errorf("%q appears %d times, want %d\n%s", tt.want, got, tt.n, dot)
			}
		})
	}
	for _, n := range tr.Nodes() {
		if !strings.Contains(dot, "label=\""+n.ID.String()) {
			t.Errorf("node %s has no numbered label", n.ID)
		}
	}
}

// TestDOTDeterministic builds the same tree in two insertion orders.
func TestDOTDeterministic(t *testing.T) {
	fwd, a := paymentOutage(t)
	rev := tree.New(fwd.Title)
	nodes, groups := fwd.Nodes(), fwd.Groups()
	for i := len(nodes) - 1; i >= 0; i-- {
		if _, err := rev.AddNode(*nodes[i]); err != nil {
			t.Fatal(err)
		}
	}
	for i := len(groups) - 1; i >= 0; i-- {
		if _, err := rev.AddGroup(*groups[i]); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := DOT(rev, a, Options{}), DOT(fwd, a, Options{}); !bytes.Equal(got, want) {
		t.Errorf("DOT depends on insertion order:\n%s\nvs\n%s", got, want)
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		width int
		want  []string
	}{
		{name: "short", text: "one two", width: 32, want: []string{"one two"}},
		{name: "breaks at spaces", text: "aaa bbb ccc", width: 7, want: []string{"aaa bbb", "ccc"}},
		{name: "cuts long words", text: "abcdefghij x", width: 4, want: []string{"abcd", "efgh", "ij x"}},
		{name: "runes not bytes", text: "ééé ééé", width: 3, want: []string{"ééé", "ééé"}},
		{name: "CJK takes two columns", text: "支付服务在高峰期超时", width: 8, want: []string{"支付服务", "在高峰期", "超时"}},
		{name: "marks stay with their letter", text: "abe\u0301cd", width: 3, want: []string{"abe\u0301", "cd"}},
		{name: "ZWJ sequence kept whole", text: "abc👩\u200d💻", width: 4, want: []string{"abc", "👩\u200d💻"}},
		{name: "joiner not left at a line end", text: "ab\u200dcd", width: 2, want: []string{"a", "b\u200dc", "d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wrap(tt.text, tt.width)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("wrap(%q, %d) = %q, want %q", tt.text, tt.width, got, tt.want)
			}
		})
	}
}

// rendered is a decoded PNG with the geometry it was drawn from.
type rendered struct {
	img *image.RGBA
	pic *picture
}

func renderPNG(tb testing.TB, r *Renderer, t *tree.Tree, a *tree.Analysis, opt Options) rendered {
	tb.Helper()
	pic, err := r.picture(context.Background(), t, a, opt)
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := pic.png(&buf); err != nil {
		tb.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		tb.Fatalf("decode png: %v", err)
	}
	rgba := image.NewRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Bounds(), img, image.Point{}, draw.Src)
	return rendered{img: rgba, pic: pic}
}

// px converts a picture point (layout units, canvas origin) to pixels.
func (r rendered) px(q point) (int, int) {
	return int(math.Round(q.X * r.pic.scale)), int(math.Round(q.Y * r.pic.scale))
}

// inkNear reports whether a pixel within radius px of q is within tol of c.
func (r rendered) inkNear(q point, radius int, c color.RGBA, tol float64) bool {
	x0, y0 := r.px(q)
	for dy := -radius; dy <= radius; dy++ {
		for dx := -radius; dx <= radius; dx++ {
			if colorDist(r.img.RGBAAt(x0+dx, y0+dy), c) <= tol {
				return true
			}
		}
	}
	return false
}

func colorDist(a, b color.RGBA) float64 {
	dr, dg, db := float64(a.R)-float64(b.R), float64(a.G)-float64(b.G), float64(a.B)-float64(b.B)
	return math.Sqrt(dr*dr + dg*dg + db*db)
}

// bezier evaluates the cubic segment starting at pts[i] at parameter u.
func bezier(pts []point, i int, u float64) point {
	p0, p1, p2, p3 := pts[i], pts[i+1], pts[i+2], pts[i+3]
	v := 1 - u
	a, b, c, d := v*v*v, 3*v*v*u, 3*v*u*u, u*u*u
	return point{a*p0.X + b*p1.X + c*p2.X + d*p3.X, a*p0.Y + b*p1.Y + c*p2.Y + d*p3.Y}
}

// edgeSamples returns points along e's spline in canvas units, away from
// the node boxes and labels that are painted over edges.
func (r rendered) edgeSamples(e *sceneEdge) []point {
	var out []point
	for i := 0; i+3 < len(e.spline); i += 3 {
		for k := 1; k < 10; k++ {
			q := r.pic.at(bezier(e.spline, i, float64(k)/10))
			if !r.covered(q) {
				out = append(out, q)
			}
		}
	}
	return out
}

// covered reports whether q lies in a node box (with halo) or an edge label.
func (r rendered) covered(q point) bool {
	for _, n := range r.pic.scene.nodes {
		c := r.pic.at(n.pos)
		if math.Abs(q.X-c.X) <= n.w/2+haloPad+2 && math.Abs(q.Y-c.Y) <= n.h/2+haloPad+2 {
			return true
		}
	}
	for _, e := range r.pic.scene.edges {
		if e.label != "" {
			c := r.pic.at(e.labelPos)
			if math.Abs(q.X-c.X) <= 45 && math.Abs(q.Y-c.Y) <= headSize {
				return true
			}
		}
	}
	return false
}

func TestPNGDrawsEdges(t *testing.T) {
	r := newRenderer(t)
	for _, f := range fixtures[:2] {
		t.Run(f.name, func(t *testing.T) {
			tr, a := f.make(t)
			opt := f.opt
			opt.Scale = 1
			img := renderPNG(t, r, tr, a, opt)
			for _, e := range img.pic.scene.edges {
				ink := edgePaint(e).stroke
				samples := img.edgeSamples(e)
				missing := 0
				for _, q := range samples {
					// dashed links have gaps; allow them, but not for solid ones
					if !img.inkNear(q, 2, ink, 90) {
						missing++
					}
				}
				limit := 0
				if e.disputed {
					limit = len(samples) / 2
				}
				if len(samples) == 0 || missing > limit {
					t.Errorf("edge %s (%s→%s): %d of %d samples have no ink", e.key, e.from, e.to, missing, len(samples))
				}
				if e.arrow {
					base := img.pic.at(e.spline[len(e.spline)-1])
					tip := img.pic.at(*e.tip)
					mid := point{(base.X*2 + tip.X) / 3, (base.Y*2 + tip.Y) / 3}
					if !img.inkNear(mid, 1, ink, 60) {
						t.Errorf("edge %s: no arrowhead ink at %v", e.key, mid)
					}
				}
			}
		})
	}
}

func TestPNGDrawsNodes(t *testing.T) {
	r := newRenderer(t)
	tr, a := smallFRT(t)
	img := renderPNG(t, r, tr, a, Options{Scale: 1})
	junctions := 0
	for _, n := range img.pic.scene.nodes {
		c := img.pic.at(n.pos)
		if n.junction {
			junctions++
			for _, q := range []point{{c.X - n.w/2, c.Y}, {c.X + n.w/2, c.Y}, {c.X, c.Y - n.h/2}, {c.X, c.Y + n.h/2}} {
				if !img.inkNear(q, 2, colJunction, 60) {
					t.Errorf("junction %s: no outline at %v", n.name, q)
				}
			}
			if got := inkCount(img, c.X-12, c.Y-6, 24, 12, colJunction); got < 10 {
				t.Errorf("junction %s: %d ink pixels for its AND text", n.name, got)
			}
			continue
		}
		st := styles[n.look]
		outline := []point{{c.X, c.Y - n.h/2}, {c.X, c.Y + n.h/2}, {c.X + n.w/2, c.Y}, {c.X - n.w/2, c.Y}}
		if n.unverified {
			outline = outline[:2] // a dashed edge may show a gap at one side; top and bottom are long enough
		}
		seen := 0
		for _, q := range outline {
			if img.inkNear(q, 4, st.border, 60) {
				seen++
			}
		}
		if seen < len(outline)-boolInt(n.unverified) {
			t.Errorf("node %s: outline found at %d of %d probes", n.name, seen, len(outline))
		}
		top := c.Y - n.h/2 + padY + headSize*lineGap
		if got := inkCount(img, c.X-n.w/2+padX, top, n.w-2*padX, n.h-padY-(top-(c.Y-n.h/2)), colInk); got < 30*len(n.lines) {
			t.Errorf("node %s: only %d text pixels for %d lines", n.name, got, len(n.lines))
		}
	}
	if junctions != 1 {
		t.Errorf("drew %d junctions, want 1", junctions)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// inkCount counts pixels close to c in a box given in canvas units.
func inkCount(img rendered, x, y, w, h float64, c color.RGBA) int {
	x0, y0 := img.px(point{x, y})
	x1, y1 := img.px(point{x + w, y + h})
	n := 0
	for py := y0; py < y1; py++ {
		for px := x0; px < x1; px++ {
			if colorDist(img.img.RGBAAt(px, py), c) < 80 {
				n++
			}
		}
	}
	return n
}

// TestProbesCanFail checks the probes against an empty canvas.
func TestProbesCanFail(t *testing.T) {
	r := newRenderer(t)
	tr, a := smallFRT(t)
	img := renderPNG(t, r, tr, a, Options{Scale: 1})
	blank := image.NewRGBA(img.img.Bounds())
	for i := range blank.Pix {
		blank.Pix[i] = 0xff
	}
	empty := rendered{img: blank, pic: img.pic}
	for _, e := range img.pic.scene.edges {
		for _, q := range empty.edgeSamples(e) {
			if empty.inkNear(q, 2, edgePaint(e).stroke, 90) {
				t.Fatalf("probe found ink on a blank canvas at %v", q)
			}
		}
	}
	n := img.pic.scene.nodes[0]
	c := img.pic.at(n.pos)
	if got := inkCount(empty, c.X-n.w/2, c.Y-n.h/2, n.w, n.h, colInk); got != 0 {
		t.Errorf("inkCount on blank = %d", got)
	}
}

func TestPNGWidthCap(t *testing.T) {
	r := newRenderer(t)
	m, err := defaultMetrics()
	if err != nil {
		t.Fatal(err)
	}
	s := buildScene(treetest.Generate(7, 150), nil, Options{}, m)
	if err := r.layout(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		opt    Options
		want   int
		raster bool // paint and decode, or only check the frame (big pictures are slow under -race)
	}{
		{name: "default cap", opt: Options{}, want: DefaultMaxWidth},
		{name: "big scale still capped", opt: Options{Scale: 4, MaxWidth: 2500}, want: 2500},
		{name: "small cap painted", opt: Options{MaxWidth: 900}, want: 900, raster: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pic, err := frame(s, tt.opt, r.fonts, m)
			if err != nil {
				t.Fatal(err)
			}
			width := int(math.Ceil(pic.w * pic.scale))
			if tt.raster {
				var buf bytes.Buffer
				if err := pic.png(&buf); err != nil {
					t.Fatal(err)
				}
				cfg, err := png.DecodeConfig(&buf)
				if err != nil {
					t.Fatal(err)
				}
				width = cfg.Width
			}
			if width > tt.want || width < tt.want/2 {
				t.Errorf("width %d, want at most %d (and not tiny)", width, tt.want)
			}
		})
	}
}

func TestFit(t *testing.T) {
	r := newRenderer(t)
	small, a := paymentOutage(t)
	tests := []struct {
		name     string
		tree     *tree.Tree
		opt      Options
		readable bool
	}{
		{name: "shared example", tree: small, readable: true},
		{name: "shared example squeezed", tree: small, opt: Options{MaxWidth: 400}, readable: false},
		{name: "big generated tree", tree: treetest.Generate(5, 200), readable: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scale, readable, err := r.Fit(context.Background(), tt.tree, a, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if readable != tt.readable {
				t.Errorf("readable = %v at scale %.2f, want %v", readable, scale, tt.readable)
			}
			if NeedsSplit(tt.tree) && readable {
				t.Errorf("NeedsSplit says split but Fit says readable")
			}
		})
	}
}

func TestReadablePNGs(t *testing.T) {
	r := newRenderer(t)
	small, smallA := paymentOutage(t)
	big := treetest.Generate(1, 300)
	bigA := tree.Analyze(big, tree.Options{})
	scattered, scatteredA := scatteredCauses(t, 10, 28)
	tests := []struct {
		name           string
		tree           *tree.Tree
		a              *tree.Analysis
		opt            Options
		minImg, maxImg int
		title          string // prefix of every title
	}{
		{name: "small tree: one image", tree: small, a: smallA, minImg: 1, maxImg: 1, title: "Payment routing outage"},
		{name: "big tree: one per subtree or fewer", tree: big, a: bigA, opt: Options{Title: "Big RCA", Scale: 0.9},
			minImg: 2, maxImg: len(subtreeStarts(big, bigA)), title: "Big RCA — from #"},
		{name: "many small subtrees: packed into one", tree: scattered, a: scatteredA, minImg: 1, maxImg: 1, title: "Scattered — from #"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			imgs, err := r.ReadablePNGs(context.Background(), tt.tree, tt.a, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(imgs) < tt.minImg || len(imgs) > tt.maxImg {
				t.Fatalf("%d images, want %d to %d", len(imgs), tt.minImg, tt.maxImg)
			}
			var titles strings.Builder
			for _, img := range imgs {
				titles.WriteString(img.Title + "\n")
				if !strings.HasPrefix(img.Title, tt.title) {
					t.Errorf("title %q, want prefix %q", img.Title, tt.title)
				}
				cfg, err := png.DecodeConfig(bytes.NewReader(img.PNG))
				if err != nil {
					t.Fatalf("%q: %v", img.Title, err)
				}
				if cfg.Width > DefaultMaxWidth {
					t.Errorf("%q is %d px wide", img.Title, cfg.Width)
				}
			}
			if len(imgs) == 1 && tt.minImg == 1 && tt.tree == small {
				return
			}
			for _, start := range subtreeStarts(tt.tree, tt.a) {
				if !regexp.MustCompile(regexp.QuoteMeta(start[0].String()) + `\b`).MatchString(titles.String()) {
					t.Errorf("no picture is titled after %s; titles:\n%s", start[0], titles.String())
				}
			}
		})
	}
}

// scatteredCauses is a tree too big for one readable picture whose causes
// each explain one symptom: symptoms symptoms with perSymptom causes each.
func scatteredCauses(tb testing.TB, symptoms, perSymptom int) (*tree.Tree, *tree.Analysis) {
	var nodes []tree.Node
	var groups []tree.Group
	for s := 1; s <= symptoms; s++ {
		nodes = append(nodes, tree.Node{Kind: tree.KindUDE, Text: fmt.Sprintf("Service %d returns errors to its callers", s), Weight: tree.WeightMedium})
	}
	for s := 1; s <= symptoms; s++ {
		for c := range perSymptom {
			nodes = append(nodes, tree.Node{Text: fmt.Sprintf("Queue %d-%d in front of service %d is full", s, c, s)})
			groups = append(groups, tree.Group{Effect: tree.NodeID(s), Causes: []tree.NodeID{tree.NodeID(len(nodes))}})
		}
	}
	t := build(tb, "Scattered", nodes, groups)
	if !NeedsSplit(t) {
		tb.Fatalf("%d nodes fit one picture; the test needs a tree that is split", t.NumNodes())
	}
	return t, tree.Analyze(t, tree.Options{})
}

func TestPixelBudget(t *testing.T) {
	var nodes []tree.Node
	var groups []tree.Group
	for i := 1; i <= 400; i++ {
		nodes = append(nodes, tree.Node{Text: fmt.Sprintf("Step %d of a very long chain of causes", i)})
		if i > 1 {
			groups = append(groups, tree.Group{Effect: tree.NodeID(i - 1), Causes: []tree.NodeID{tree.NodeID(i)}})
		}
	}
	chain := build(t, "A long chain", nodes, groups)
	r := newRenderer(t)
	m, err := defaultMetrics()
	if err != nil {
		t.Fatal(err)
	}
	s := buildScene(chain, nil, Options{}, m)
	if err := r.layout(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	pic, err := frame(s, Options{Scale: 3}, r.fonts, m)
	if err != nil {
		t.Fatal(err)
	}
	if px := math.Ceil(pic.w*pic.scale) * math.Ceil(pic.h*pic.scale); px > MaxPixels*1.01 {
		t.Errorf("raster of %.0f pixels, want at most %d", px, MaxPixels)
	}
	if pic.scale >= 3 {
		t.Errorf("scale %.2f was not lowered for a %.0f-unit-tall picture", pic.scale, pic.h)
	}
	if w, h := math.Ceil(pic.w*pic.scale), math.Ceil(pic.h*pic.scale); w > MaxSide || h > MaxSide {
		t.Errorf("picture of %.0f × %.0f px, want both sides at most %d", w, h, MaxSide)
	}
	var buf bytes.Buffer
	if err := pic.png(&buf); err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width > MaxSide || cfg.Height > MaxSide || cfg.Height < MaxSide*9/10 {
		t.Errorf("PNG of %d × %d px, want the height near and within %d", cfg.Width, cfg.Height, MaxSide)
	}
}

func TestConcurrentRendering(t *testing.T) {
	r1, r2 := newRenderer(t), newRenderer(t)
	frt, a := smallFRT(t)
	trees := []*tree.Tree{treetest.Generate(1, 8), treetest.Generate(2, 12), frt}
	opt := Options{Scale: 0.75}
	want := make([][]byte, len(trees))
	for i, tr := range trees {
		var buf bytes.Buffer
		if err := r1.PNG(context.Background(), tr, a, opt, &buf); err != nil {
			t.Fatal(err)
		}
		want[i] = buf.Bytes()
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := r1
			if g%2 == 1 {
				r = r2
			}
			i := g % len(trees)
			var buf bytes.Buffer
			if err := r.PNG(context.Background(), trees[i], a, opt, &buf); err != nil {
				t.Error(err)
				return
			}
			if !bytes.Equal(buf.Bytes(), want[i]) {
				t.Errorf("goroutine %d: concurrent PNG differs from the serial one", g)
			}
		}()
	}
	wg.Wait()
}

func TestClosedRenderer(t *testing.T) {
	r, err := New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	tr, a := smallFRT(t)
	if err := r.PNG(context.Background(), tr, a, Options{}, &bytes.Buffer{}); !errors.Is(err, ErrClosed) {
		t.Errorf("PNG after Close: err = %v, want ErrClosed", err)
	}
}

func TestLegendListsOnlyUsedLooks(t *testing.T) {
	tests := []struct {
		name    string
		make    func(testing.TB) (*tree.Tree, *tree.Analysis)
		want    []string
		notWant []string
	}{
		{name: "payment", make: paymentOutage,
			want:    []string{"Undesirable effect (UDE)", "Core cause", "Root cause", "AND: only together sufficient"},
			notWant: []string{"Injection (fix)", "Link disputed", "Premise (condition)", "Unverified (evidence asked)"}},
		{name: "frt", make: smallFRT,
			want:    []string{"Injection (fix)", "Desired effect", "Premise (condition)", "Link disputed", "Link accepted", "Unverified (evidence asked)", "Blame wording (restate it)"},
			notWant: []string{"Negative branch, trimmed by an injection", "Injection against a node (fixes or trims it)"}},
		{name: "negative branches", make: negativeBranches,
			want: []string{"Injection (fix)", "Negative branch, trimmed by an injection", "Negative branch not trimmed: new harm", "Injection against a node (fixes or trims it)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, a := tt.make(t)
			m, err := defaultMetrics()
			if err != nil {
				t.Fatal(err)
			}
			labels := map[string]bool{}
			for _, it := range legendItems(buildScene(tr, a, Options{}, m)) {
				labels[it.label] = true
			}
			for _, w := range tt.want {
				if !labels[w] {
					t.Errorf("legend lacks %q (has %v)", w, labels)
				}
			}
			for _, w := range tt.notWant {
				if labels[w] {
					t.Errorf("legend lists unused %q", w)
				}
			}
		})
	}
}

func TestSubtrees(t *testing.T) {
	big := treetest.Generate(3, 60)
	tests := []struct {
		name      string
		make      func(testing.TB) (*tree.Tree, *tree.Analysis)
		wantTrees int
		has       []tree.NodeID
		lacks     []tree.NodeID
	}{
		{name: "one core cause", make: paymentOutage, wantTrees: 1,
			has:   []tree.NodeID{14, 9, 8, 10, 4, 6, 5, 11, 1, 2, 3, 7, 12, 13}, // 8: the AND partner of 9
			lacks: []tree.NodeID{15}},
		{name: "no analysis: every root", make: func(tb testing.TB) (*tree.Tree, *tree.Analysis) {
			return big, nil
		}, wantTrees: countRoots(big)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, a := tt.make(t)
			subs, err := Subtrees(tr, a)
			if err != nil {
				t.Fatal(err)
			}
			if len(subs) != tt.wantTrees {
				t.Fatalf("%d subtrees, want %d", len(subs), tt.wantTrees)
			}
			for _, id := range tt.has {
				if _, ok := subs[0].Node(id); !ok {
					t.Errorf("subtree lacks %s", id)
				}
			}
			for _, id := range tt.lacks {
				if _, ok := subs[0].Node(id); ok {
					t.Errorf("subtree has %s", id)
				}
			}
			for _, s := range subs {
				if s.NumNodes() >= tr.NumNodes() && tr.NumNodes() > 20 {
					t.Errorf("subtree %q is as big as the tree", s.Title)
				}
				for _, g := range s.Groups() {
					orig, ok := tr.Group(g.ID)
					if !ok || orig.Effect != g.Effect || len(orig.Causes) != len(g.Causes) {
						t.Errorf("subtree changed link %d", g.ID)
					}
				}
			}
		})
	}
}

func countRoots(t *tree.Tree) int {
	n := 0
	for _, nd := range t.Nodes() {
		if nd.Kind != tree.KindUDE && len(t.GroupsInto(nd.ID)) == 0 {
			n++
		}
	}
	return n
}

func BenchmarkRender(b *testing.B) {
	r := newRenderer(b)
	for _, n := range []int{30, 150, 500} {
		tr := treetest.Generate(42, n)
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			for b.Loop() {
				if err := r.PNG(context.Background(), tr, nil, Options{}, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestDocsExampleImage keeps docs/example-tree.png (the shared example as
// the bot posts it) in step with the renderer; -update rewrites it.
func TestDocsExampleImage(t *testing.T) {
	r := newRenderer(t)
	tr, a := paymentOutage(t)
	var buf bytes.Buffer
	if err := r.PNG(context.Background(), tr, a, Options{}, &buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "..", "docs", "example-tree.png")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open (run with -update to create it): %v", err)
	}
	defer f.Close()
	got, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	want, err := png.DecodeConfig(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got.Width != want.Width || got.Height != want.Height {
		t.Errorf("%s is %dx%d, a fresh render is %dx%d; run go test -update", path, got.Width, got.Height, want.Width, want.Height)
	}
}

func TestRenderEdgeCases(t *testing.T) {
	long := strings.Repeat("x", tree.MaxTextRunes)
	tests := []struct {
		name   string
		nodes  []tree.Node
		groups []tree.Group
	}{
		{name: "empty tree"},
		{name: "one UDE", nodes: []tree.Node{{Kind: tree.KindUDE, Text: "Checkout is down"}}},
		{name: "loop", nodes: []tree.Node{{Text: "Queue grows"}, {Text: "Workers slow down"}, {Kind: tree.KindUDE, Text: "Orders are late"}},
			groups: []tree.Group{{Effect: 1, Causes: []tree.NodeID{2}}, {Effect: 2, Causes: []tree.NodeID{1}}, {Effect: 3, Causes: []tree.NodeID{1}}}},
		{name: "hostile text", nodes: []tree.Node{{Kind: tree.KindUDE, Text: `a\b "q" <script>&amp; ]]> {x} | <@U123>`}, {Text: long}},
			groups: []tree.Group{{Effect: 1, Causes: []tree.NodeID{2}, Status: tree.StatusDisputed}}},
	}
	r := newRenderer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := build(t, tt.name+" <&>", tt.nodes, tt.groups)
			var svg, pngBuf bytes.Buffer
			if err := r.SVG(context.Background(), tr, nil, Options{Scale: 0.5}, &svg); err != nil {
				t.Fatalf("SVG: %v", err)
			}
			dec := xml.NewDecoder(&svg)
			texts := 0
			for {
				tok, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("SVG is not well-formed XML: %v", err)
				}
				if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "g" && attr(se, "aria-label") != "" {
					texts++
				}
			}
			if texts < 2*len(tt.nodes) {
				t.Errorf("SVG has %d labelled texts for %d nodes", texts, len(tt.nodes))
			}
			if err := r.PNG(context.Background(), tr, nil, Options{Scale: 0.5}, &pngBuf); err != nil {
				t.Fatalf("PNG: %v", err)
			}
			if _, err := png.Decode(&pngBuf); err != nil {
				t.Fatalf("PNG does not decode: %v", err)
			}
		})
	}
}

func TestCanceledContext(t *testing.T) {
	r := newRenderer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tr, a := smallFRT(t)
	if err := r.PNG(ctx, tr, a, Options{}, io.Discard); !errors.Is(err, context.Canceled) {
		t.Errorf("PNG with a canceled context: err = %v, want context.Canceled", err)
	}
}

func BenchmarkNewRenderer(b *testing.B) {
	for b.Loop() {
		r, err := New(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if err := r.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSubtreesOfBigTreeAreReadable checks the splitting rule end to end: a
// tree past MaxReadableNodes is unreadable in one picture, and each of its
// subtrees (rendered with the whole tree's analysis) is readable.
func TestSubtreesOfBigTreeAreReadable(t *testing.T) {
	r := newRenderer(t)
	big := treetest.Generate(1, 300)
	a := tree.Analyze(big, tree.Options{})
	if !NeedsSplit(big) {
		t.Fatalf("NeedsSplit(%d nodes) = false", big.NumNodes())
	}
	if _, readable, err := r.Fit(context.Background(), big, a, Options{}); err != nil || readable {
		t.Fatalf("whole tree: readable = %v, err = %v; want unreadable", readable, err)
	}
	subs, err := Subtrees(big, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) < 2 {
		t.Fatalf("%d subtrees", len(subs))
	}
	for _, s := range subs {
		scale, readable, err := r.Fit(context.Background(), s, a, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !readable || NeedsSplit(s) {
			t.Errorf("subtree %q (%d nodes) is drawn at scale %.2f, below %.2f", s.Title, s.NumNodes(), scale, MinReadableScale)
		}
	}
}

// negativeBranches is a Future Reality Tree with two negative branches from
// one injection: one ends untrimmed (#3), the other (#4) is trimmed by #5.
func negativeBranches(tb testing.TB) (*tree.Tree, *tree.Analysis) {
	tb.Helper()
	nodes := []tree.Node{
		{Kind: tree.KindInjection, Text: "Roll pods out in batches of 10%"},           // 1
		{Kind: tree.KindNegativeEffect, Text: "Deploys take four times longer"},       // 2
		{Kind: tree.KindNegativeEffect, Text: "Hotfixes wait behind slow deploys"},    // 3
		{Kind: tree.KindNegativeEffect, Text: "Batches drain the connection pool"},    // 4
		{Kind: tree.KindInjection, Text: "Size the pool for two batches", Against: 4}, // 5
	}
	groups := []tree.Group{
		{Effect: 2, Causes: []tree.NodeID{1}},
		{Effect: 3, Causes: []tree.NodeID{2}},
		{Effect: 4, Causes: []tree.NodeID{1}},
	}
	return build(tb, "Negative branches", nodes, groups), nil
}

func TestNegativeBranchLooks(t *testing.T) {
	tr, a := negativeBranches(t)
	m, err := defaultMetrics()
	if err != nil {
		t.Fatal(err)
	}
	s := buildScene(tr, a, Options{}, m)
	want := map[tree.NodeID]look{1: lookInjection, 2: lookRisk, 3: lookRisk, 4: lookNegative, 5: lookInjection}
	for _, n := range s.nodes {
		if w, ok := want[n.id]; ok && !n.junction && n.look != w {
			t.Errorf("node %s has look %d, want %d", n.id, n.look, w)
		}
	}
	trims := 0
	for _, e := range s.edges {
		if e.against && e.from == nodeName(5) && e.to == nodeName(4) && e.label == "trims" {
			trims++
		}
	}
	if trims != 1 {
		t.Errorf("want one trims edge from #5 to #4, found %d", trims)
	}
	if dot := string(DOT(tr, a, Options{})); !strings.Contains(dot, `label="trims"`) || !strings.Contains(dot, "UNTRIMMED") {
		t.Errorf("the DOT source lacks the trim or the untrimmed badge:\n%s", dot)
	}
	var buf bytes.Buffer
	if err := newRenderer(t).PNG(context.Background(), tr, a, Options{}, &buf); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if img.Bounds().Dx() < 300 {
		t.Errorf("picture is %v", img.Bounds())
	}
}

// TestSVGGroups checks that every node, junction and link of the SVG sits in
// a group with a stable id and class, and that links name their ends, so a
// page's script can find and highlight them.
func TestSVGGroups(t *testing.T) {
	tr, a := smallFRT(t)
	var buf bytes.Buffer
	if err := newRenderer(t).SVG(context.Background(), tr, a, Options{}, &buf); err != nil {
		t.Fatal(err)
	}
	svg := buf.String()
	for _, n := range tr.Nodes() {
		want := fmt.Sprintf(`<g id="node-n%d" class="node">`, int(n.ID))
		if strings.Count(svg, want) != 1 {
			t.Errorf("node %s: %q appears %d times, want once", n.ID, want, strings.Count(svg, want))
		}
	}
	if got := strings.Count(svg, `class="junction"`); got != 1 {
		t.Errorf("%d junction groups, want 1", got)
	}
	if !strings.Contains(svg, `class="link" data-from="node-n7" data-to="node-n2"`) {
		t.Errorf("the link from #7 to #2 is not a group naming its ends")
	}
	if strings.Count(svg, "<g ") != strings.Count(svg, "</g>") {
		t.Errorf("unbalanced groups")
	}
}
