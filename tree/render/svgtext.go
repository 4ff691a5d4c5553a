package render

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// svgGlyphs writes text as outlines: each glyph used is defined once, as a
// path in <defs>, and placed with <use>. The SVG then needs no font and looks
// the same in every viewer, whatever fonts it has; the text itself stays in
// an aria-label for screen readers and search.
type svgGlyphs struct {
	m    *metrics // faces at scale 1: SVG coordinates are layout units
	defs strings.Builder
	ids  map[glyphKey]string // "" for a glyph with no outline (a space)
	buf  sfnt.Buffer
}

// glyphKey is one glyph of one font at one size.
type glyphKey struct {
	kind  fontKind
	font  int
	glyph sfnt.GlyphIndex
}

func newSVGGlyphs(m *metrics) *svgGlyphs {
	return &svgGlyphs{m: m, ids: map[glyphKey]string{}}
}

func (g *svgGlyphs) face(f fontKind) *chainFace {
	switch f {
	case fontHead:
		return g.m.head
	case fontTitle:
		return g.m.title
	}
	return g.m.text
}

// text writes s as a group of glyph uses to b, anchored like svgCanvas.text.
func (g *svgGlyphs) text(b *strings.Builder, s string, x, baseline float64, f fontKind, col color.RGBA, anchor float64) {
	vs := visual(s)
	face := g.face(f)
	x -= float64(font.MeasureString(face, vs)) / 64 * anchor
	fmt.Fprintf(b, "<g aria-label=\"%s\" fill=\"%s\">", escape(s), cssColor(col))
	dot := fixed.Int26_6(0)
	prev := rune(-1)
	for _, r := range vs {
		if invisible(r) {
			continue
		}
		if prev >= 0 {
			dot += face.Kern(prev, r)
		}
		if id := g.glyphID(f, face, r); id != "" {
			fmt.Fprintf(b, "<use xlink:href=\"#%s\" x=\"%s\" y=\"%s\"/>", id, f2(x+float64(dot)/64), f2(baseline))
		}
		adv, _ := face.GlyphAdvance(r)
		dot += adv
		prev = r
	}
	b.WriteString("</g>\n")
}

// glyphID returns the id of r's glyph path, defining it on first use.
func (g *svgGlyphs) glyphID(f fontKind, face *chainFace, r rune) string {
	i := face.fontIndex(r)
	fnt := face.chain.files[i].load()
	gi, err := fnt.GlyphIndex(&g.buf, r)
	if err != nil {
		return ""
	}
	key := glyphKey{f, i, gi}
	if id, ok := g.ids[key]; ok {
		return id
	}
	segs, err := fnt.LoadGlyph(&g.buf, gi, fixed.Int26_6(face.size*64), nil)
	id := ""
	if err == nil && len(segs) > 0 {
		id = "g" + strconv.Itoa(len(g.ids))
		fmt.Fprintf(&g.defs, "<path id=\"%s\" d=\"%s\"/>\n", id, pathData(segs))
	}
	g.ids[key] = id
	return id
}

// pathData turns glyph segments (26.6 fixed point, y down) into SVG path data.
func pathData(segs sfnt.Segments) string {
	var d strings.Builder
	pt := func(p fixed.Point26_6) string { return f2(float64(p.X)/64) + " " + f2(float64(p.Y)/64) }
	for i, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			if i > 0 {
				d.WriteString("Z")
			}
			d.WriteString("M" + pt(s.Args[0]))
		case sfnt.SegmentOpLineTo:
			d.WriteString("L" + pt(s.Args[0]))
		case sfnt.SegmentOpQuadTo:
			d.WriteString("Q" + pt(s.Args[0]) + " " + pt(s.Args[1]))
		case sfnt.SegmentOpCubeTo:
			d.WriteString("C" + pt(s.Args[0]) + " " + pt(s.Args[1]) + " " + pt(s.Args[2]))
		}
	}
	d.WriteString("Z")
	return d.String()
}

// f2 formats v with at most two decimals.
func f2(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" || s == "" {
		return "0"
	}
	return s
}
