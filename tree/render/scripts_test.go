package render

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/flopp/go-findfont"
	"github.com/goccy/go-graphviz"
	"github.com/untangle-rca/untangle/tree"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
)

// scriptSamples are single characters of each script a team may write in,
// separated by spaces so that each is one blob of ink in the picture.
var scriptSamples = []struct{ script, text string }{
	{"Chinese", "支 付 服 务 超 时 故 障"},
	{"Japanese", "あ い う え お カ キ ク"},
	{"Korean", "결 제 서 비 스 시 간 초"},
	{"Arabic", "ب ج س ع ف ك م ه"},
	{"Hebrew", "א ב ג ד ה ו ז ח"},
	{"Cyrillic", "Ж Д Ф Я Щ Ю Л П"},
	{"Greek", "Ω Σ Φ Ψ λ μ π ξ"},
	{"Devanagari", "क ख ग घ च छ ज झ"},
	{"Emoji", "🔥 👍 😀 🚀 💥 ⏰ 📉 🐛"},
}

// missingFontsHint says what to install when the fallback fonts are absent.
const missingFontsHint = "the fallback fonts are missing: install Debian's fonts-noto-core, fonts-noto-cjk and fonts-symbola (.ci/run does), or point " + FontDirEnv + " at fonts covering this script"

// blob is the ink of one glyph: columns of dark pixels, trimmed to its box.
type blob [][]bool

// alike reports whether two blobs show the same glyph, allowing for the
// anti-aliasing of another sub-pixel position: boxes within a pixel and at
// least 85 % of the ink in common.
func alike(a, b blob) bool {
	if len(a) == 0 || len(b) == 0 || abs(len(a)-len(b)) > 1 || abs(len(a[0])-len(b[0])) > 1 {
		return false
	}
	same, ink := 0, 0
	for x := range min(len(a), len(b)) {
		for y := range min(len(a[x]), len(b[x])) {
			if a[x][y] || b[x][y] {
				ink++
				if a[x][y] == b[x][y] {
					same++
				}
			}
		}
	}
	return ink > 0 && float64(same) >= 0.85*float64(ink)
}

func abs(v int) int { return max(v, -v) }

// glyphBlobs renders text as the only node of a tree with r and returns the
// ink of its first text line cut into blobs, left to right: runs of columns
// with ink, where gaps narrower than a fifth of the font size (inside 付 or
// 결) do not cut.
func glyphBlobs(tb testing.TB, r *Renderer, text string) []blob {
	tb.Helper()
	tr := build(tb, "", []tree.Node{{Kind: tree.KindCause, Text: text}}, nil)
	img := renderPNG(tb, r, tr, nil, Options{NoLegend: true, Scale: 4})
	n := img.pic.scene.nodes[0]
	c := img.pic.at(n.pos)
	top := c.Y - n.h/2 + padY + headSize*lineGap
	// The badges of the header line end where the text line starts.
	x0, y0 := img.px(point{c.X - n.w/2 + padX/2, top + 1})
	x1, y1 := img.px(point{c.X + n.w/2 - padX/2, top + textSize*lineGap})
	fill := styles[n.look].fill
	minGap := int(textSize * img.pic.scale / 5)
	var cols [][]bool
	for x := x0; x <= x1; x++ {
		col := make([]bool, y1-y0+1)
		for y := y0; y <= y1; y++ {
			col[y-y0] = colorDist(img.img.RGBAAt(x, y), fill) > 100
		}
		cols = append(cols, col)
	}
	var blobs []blob
	start, gap := -1, 0
	for x, col := range cols {
		if slices.Contains(col, true) {
			if start < 0 {
				start = x
			}
			gap = 0
			continue
		}
		gap++
		if start >= 0 && gap >= minGap {
			blobs = append(blobs, trim(cols[start:x-gap+1]))
			start = -1
		}
	}
	if start >= 0 {
		blobs = append(blobs, trim(cols[start:len(cols)-gap]))
	}
	return blobs
}

// trim cuts the empty rows above and below the ink.
func trim(cols [][]bool) blob {
	lo, hi := len(cols[0]), -1
	for _, col := range cols {
		for y, ink := range col {
			if ink {
				lo, hi = min(lo, y), max(hi, y)
			}
		}
	}
	out := make(blob, len(cols))
	for i, col := range cols {
		out[i] = col[lo : hi+1]
	}
	return out
}

// checkGlyphs fails unless text (characters separated by spaces) is drawn by
// r as one distinct glyph per character, none alike the missing-glyph box.
func checkGlyphs(t *testing.T, r *Renderer, text string, tofu blob) {
	t.Helper()
	chars := strings.Fields(text)
	blobs := glyphBlobs(t, r, text)
	if len(blobs) != len(chars) {
		t.Fatalf("%s: %d blobs of ink for %d characters", text, len(blobs), len(chars))
	}
	for i, b := range blobs {
		if alike(b, tofu) {
			t.Fatalf("%q is drawn as the missing-glyph box: %s", chars[i], missingFontsHint)
		}
		for j := range i {
			if alike(blobs[j], b) {
				t.Fatalf("%q and %q are drawn alike (tofu?): %s", chars[j], chars[i], missingFontsHint)
			}
		}
	}
}

// tofuBlob is how r draws a character no font has.
func tofuBlob(t *testing.T, r *Renderer) blob {
	t.Helper()
	tofu := glyphBlobs(t, r, "\U000F0001") // private use: no font draws it
	if len(tofu) != 1 {
		t.Fatalf("the missing-glyph box is %d blobs, want 1", len(tofu))
	}
	return tofu[0]
}

// TestEveryScriptDrawn renders a tree in each script and checks, on the
// decoded PNG, that every character is drawn as its own glyph: as many ink
// blobs as characters, all different, and none the "missing glyph" box.
func TestEveryScriptDrawn(t *testing.T) {
	r := newRenderer(t)
	tofu := tofuBlob(t, r)
	for _, s := range scriptSamples {
		t.Run(s.script, func(t *testing.T) { checkGlyphs(t, r, s.text, tofu) })
	}
}

// TestTofuIsCaught shows that the check above fails when the fallback fonts
// are missing: with the embedded font alone, CJK is drawn as boxes.
func TestTofuIsCaught(t *testing.T) {
	r := newRenderer(t)
	reg, err := opentype.Parse(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	r.fonts = &fonts{regular: newFontChain(reg, false, nil, nil), bold: r.fonts.bold}
	tofu := tofuBlob(t, r)
	blobs := glyphBlobs(t, r, "支 付 服")
	if len(blobs) != 3 || !alike(blobs[0], tofu) || !alike(blobs[1], blobs[2]) {
		t.Fatalf("with the embedded font alone, CJK is not drawn as missing-glyph boxes (%d blobs)", len(blobs))
	}
	if alike(glyphBlobs(t, r, "L")[0], glyphBlobs(t, r, "T")[0]) {
		t.Fatal("L and T look alike")
	}
}

// TestRightToLeftDrawnRightToLeft checks on the decoded PNG that the first
// letter typed in a Hebrew or Arabic text is drawn rightmost, and a Latin
// word inside it stays left to right.
func TestRightToLeftDrawnRightToLeft(t *testing.T) {
	r := newRenderer(t)
	for _, tt := range []struct{ first, text string }{
		{"א", "א ב ג"},
		{"س", "س ب ت"},
	} {
		alone := glyphBlobs(t, r, tt.first)
		line := glyphBlobs(t, r, tt.text)
		if len(alone) != 1 || len(line) != 3 {
			t.Fatalf("%q: %d and %d blobs", tt.text, len(alone), len(line))
		}
		if !alike(line[2], alone[0]) || alike(line[0], alone[0]) {
			t.Errorf("%q: the first letter is not drawn rightmost", tt.text)
		}
	}
	l, tee := glyphBlobs(t, r, "L"), glyphBlobs(t, r, "T")
	line := glyphBlobs(t, r, "א L T")
	if len(line) != 3 || !alike(line[0], l[0]) || !alike(line[1], tee[0]) {
		t.Errorf("a Latin run inside Hebrew is not kept left to right (%d blobs)", len(line))
	}
}

// TestTextFitsItsBox checks that each node box is as wide as its text drawn
// with the fonts actually used, whatever the script: no ink touches the
// border area and the box is not much wider than the text.
func TestTextFitsItsBox(t *testing.T) {
	r := newRenderer(t)
	for _, s := range scriptSamples {
		text := strings.ReplaceAll(s.text, " ", "")
		tr := build(t, "", []tree.Node{{Kind: tree.KindCause, Text: text}}, nil)
		img := renderPNG(t, r, tr, nil, Options{NoLegend: true})
		n := img.pic.scene.nodes[0]
		c := img.pic.at(n.pos)
		top := c.Y - n.h/2 + padY + headSize*lineGap
		x0, y0 := img.px(point{c.X - n.w/2, top + 1})
		x1, y1 := img.px(point{c.X + n.w/2, top + textSize*lineGap})
		minX, maxX := math.MaxInt, -1
		for x := x0 + 3; x <= x1-3; x++ {
			for y := y0; y <= y1; y++ {
				if colorDist(img.img.RGBAAt(x, y), colInk) < 200 {
					minX, maxX = min(minX, x), max(maxX, x)
				}
			}
		}
		pad := int(padX * img.pic.scale / 2)
		if maxX < 0 || minX < x0+pad || maxX > x1-pad {
			t.Errorf("%s: text ink spans x %d..%d in a box %d..%d", s.script, minX, maxX, x0, x1)
		}
		if n.w > minNodeW && float64(maxX-minX) < 0.8*(n.w-2*padX)*img.pic.scale {
			t.Errorf("%s: text %d px wide in a box made for %.0f px: measured with another font", s.script, maxX-minX, (n.w-2*padX)*img.pic.scale)
		}
	}
}

func TestVisualOrder(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"latin unchanged", "Payment (EU) failed", "Payment (EU) failed"},
		{"hebrew reversed", "אבג", "גבא"},
		{"hebrew in latin", "run אב now", "run בא now"},
		{"latin in hebrew", "אב v2 גד", "דג v2 בא"},
		{"brackets mirrored", "א (ב)", "(ב) א"},
		{"arabic joined", "\u0628\u0628\u0628", "\uFE90\uFE92\uFE91"},                                  // beh: final, medial, initial, drawn right to left
		{"lam alef ligature", "\u0644\u0627", "\uFEFB"},                                                // لا
		{"non-joiner separates", "\u0645\u06cc\u200c\u062e", "\uFEA5\u200c\uFBFD\uFEE3"},               // می‌خ
		{"alef does not join forward", "\u0627\u0628", "\uFE8F\uFE8D"},                                 // اب
		{"devanagari short i first", "\u0915\u093F", "\u093F\u0915"},                                   // कि
		{"devanagari short i before conjunct", "\u0938\u094D\u0925\u093F", "\u093F\u0938\u094D\u0925"}, // स्थि
		{"emoji kept", "on call 👩\u200d💻", "on call 👩\u200d💻"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := visual(tt.in); got != tt.want {
				t.Errorf("visual(%q) = %q (%U), want %q (%U)", tt.in, got, []rune(got), tt.want, []rune(tt.want))
			}
		})
	}
}

func TestRankFonts(t *testing.T) {
	paths := []string{"/f/NotoSerifCJK-Regular.ttc", "/f/NotoSansArabic-Bold.ttf", "/f/NotoSansArabic-Regular.ttf",
		"/f/NotoSansArabic-SemiBold.ttf", "/f/readme.txt", "/f/NotoKufiArabic-Regular.ttf", "/f/NotoSansCJK-Regular.ttc"}
	got := rankFonts(paths, false)
	want := []string{"/f/NotoSansArabic-Regular.ttf", "/f/NotoSansCJK-Regular.ttc", "/f/NotoKufiArabic-Regular.ttf",
		"/f/NotoSerifCJK-Regular.ttc", "/f/NotoSansArabic-Bold.ttf", "/f/NotoSansArabic-SemiBold.ttf"}
	if !slices.Equal(got, want) {
		t.Errorf("regular: %v\nwant %v", got, want)
	}
	if got := rankFonts(paths, true); got[0] != "/f/NotoSansArabic-Bold.ttf" {
		t.Errorf("bold chain starts with %s", got[0])
	}
}

// TestFontDirEnv checks that the fonts under FontDirEnv are searched, after
// the system fonts: with the system fonts left out, a CJK character is drawn
// only when the directory holds a CJK font.
func TestFontDirEnv(t *testing.T) {
	cjk, err := findfont.Find("NotoSansCJK-Regular.ttc")
	if err != nil {
		t.Fatalf("%v: %s", err, missingFontsHint)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "cjk"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "cjk", "cjk.ttc")
	if err := os.Symlink(cjk, link); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "README.txt"), []byte("not a font"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := fontsIn(dir); !slices.Equal(got, []string{link}) {
		t.Fatalf("fontsIn = %v, want [%s]", got, link)
	}
	reg, err := opentype.Parse(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	if newFontChain(reg, false, nil, nil).fontFor('支') != 0 {
		t.Fatal("the embedded font alone draws 支")
	}
	with := newFontChain(reg, false, nil, fontsIn(dir))
	if i := with.fontFor('支'); i == 0 || with.files[i].path != link {
		t.Fatalf("支 drawn by font %d, want %s", i, link)
	}
	t.Setenv(FontDirEnv, dir)
	f, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	last := f.regular.files[len(f.regular.files)-1]
	if last.path != link {
		t.Errorf("the last font of the chain is %q, want the one of %s", last.path, FontDirEnv)
	}
}

// attr returns the value of the attribute called name ("" if absent).
func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// TestSVGNeedsNoFont checks that the SVG draws its text as outlines, so that
// a viewer with other fonts shows the same picture: no text element and no
// font named, every glyph used is defined once, and every node's text is
// kept as a label in every script.
func TestSVGNeedsNoFont(t *testing.T) {
	r := newRenderer(t)
	var nodes []tree.Node
	for _, s := range scriptSamples {
		nodes = append(nodes, tree.Node{Kind: tree.KindCause, Text: s.script + ": " + strings.ReplaceAll(s.text, " ", "")})
	}
	tr := build(t, "Scripts & <fonts>", nodes, nil)
	var buf bytes.Buffer
	if err := r.SVG(context.Background(), tr, nil, Options{}, &buf); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("font-family")) {
		t.Error("the SVG names a font")
	}
	defined := map[string]bool{}
	used := map[string]bool{}
	labels := map[string]bool{}
	dec := xml.NewDecoder(&buf)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "text":
			t.Fatal("the SVG has a text element: its look depends on the viewer's fonts")
		case "path":
			if id := attr(se, "id"); id != "" {
				if defined[id] {
					t.Errorf("glyph %s defined twice", id)
				}
				defined[id] = true
			}
		case "use":
			used[strings.TrimPrefix(attr(se, "href"), "#")] = true
		case "g":
			labels[attr(se, "aria-label")] = true
		}
	}
	for id := range used {
		if !defined[id] {
			t.Errorf("glyph %s used but not defined", id)
		}
	}
	if len(defined) < 60 {
		t.Errorf("only %d glyphs defined for texts in %d scripts", len(defined), len(nodes))
	}
	for _, n := range nodes {
		if !labels[n.Text] {
			t.Errorf("text %q is not labelled in the SVG", n.Text)
		}
	}
	if !labels["Scripts & <fonts>"] {
		t.Error("the title is not labelled")
	}
}

// TestDOTTextsSurviveGraphviz lays the DOT out with Graphviz itself (its SVG
// output) and checks that every title and node text line comes out exactly
// as typed: entities such as "&amp;" or "&lt;b&gt;" in user text must not be
// turned into other characters.
func TestDOTTextsSurviveGraphviz(t *testing.T) {
	r := newRenderer(t)
	texts := []string{"Q&A: a &amp; b", "&lt;b&gt; stays", "<b>bold?</b> & \"quoted\"", `C:\temp \n [x]`, "支付 & 🔥"}
	var nodes []tree.Node
	for _, s := range texts {
		nodes = append(nodes, tree.Node{Kind: tree.KindCause, Text: s})
	}
	title := "R&D &amp; <ops>"
	tr := build(t, title, nodes, nil)
	g, err := graphviz.ParseBytes(DOT(tr, nil, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	var out bytes.Buffer
	layoutMu.Lock()
	err = r.gv.Render(context.Background(), g, graphviz.SVG, &out)
	layoutMu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	shown := map[string]bool{}
	dec := xml.NewDecoder(&out)
	dec.Strict = false
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Graphviz SVG: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			inText = tok.Name.Local == "text"
		case xml.CharData:
			if inText {
				shown[string(tok)] = true
			}
		case xml.EndElement:
			inText = false
		}
	}
	for _, want := range append(texts, title) {
		if !shown[want] {
			t.Errorf("Graphviz does not show %q; it shows %q", want, slices.Sorted(maps.Keys(shown)))
		}
	}
}
