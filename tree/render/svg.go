package render

import (
	"bufio"
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"
)

// svgCanvas writes SVG elements in layout units scaled by a root transform;
// text is drawn as glyph outlines (see svgGlyphs).
type svgCanvas struct {
	b      *strings.Builder
	glyphs *svgGlyphs
}

func (p *picture) svg(w io.Writer) error {
	m1, err := p.fonts.newMetrics(1)
	if err != nil {
		return err
	}
	var body strings.Builder
	c := &svgCanvas{b: &body, glyphs: newSVGGlyphs(m1)}
	c.rect(0, 0, p.w, p.h, 0, paint{fill: colWhite})
	p.draw(c)
	bw := bufio.NewWriter(w)
	W, H := math.Ceil(p.w*p.scale), math.Ceil(p.h*p.scale)
	fmt.Fprintf(bw, "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"%s\" height=\"%s\" viewBox=\"0 0 %s %s\" role=\"img\">\n",
		f1(W), f1(H), f1(p.w), f1(p.h))
	fmt.Fprintf(bw, "<title>%s</title>\n<defs>\n%s</defs>\n", escape(p.scene.title), c.glyphs.defs.String())
	bw.WriteString(body.String())
	bw.WriteString("</svg>\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

// attrs renders a paint as SVG presentation attributes.
func (p paint) attrs() string {
	var parts []string
	if p.fill.A > 0 {
		parts = append(parts, `fill="`+cssColor(p.fill)+`"`)
	} else {
		parts = append(parts, `fill="none"`)
	}
	if p.stroke.A > 0 && p.width > 0 {
		parts = append(parts, `stroke="`+cssColor(p.stroke)+`"`, `stroke-width="`+f1(p.width)+`"`,
			`stroke-linejoin="round"`, `stroke-linecap="round"`)
		if len(p.dash) > 0 {
			ds := make([]string, len(p.dash))
			for i, d := range p.dash {
				ds[i] = f1(d)
			}
			parts = append(parts, `stroke-dasharray="`+strings.Join(ds, " ")+`"`)
		}
	}
	return strings.Join(parts, " ")
}

func (c *svgCanvas) rect(x, y, w, h, radius float64, p paint) {
	r := ""
	if radius > 0 {
		r = fmt.Sprintf(` rx="%s"`, f1(radius))
	}
	fmt.Fprintf(c.b, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\"%s %s/>\n", f1(x), f1(y), f1(w), f1(h), r, p.attrs())
}

func (c *svgCanvas) polygon(pts []point, p paint) {
	fmt.Fprintf(c.b, "<polygon points=\"%s\" %s/>\n", pointList(pts), p.attrs())
}

func (c *svgCanvas) ellipse(cx, cy, rx, ry float64, p paint) {
	fmt.Fprintf(c.b, "<ellipse cx=\"%s\" cy=\"%s\" rx=\"%s\" ry=\"%s\" %s/>\n", f1(cx), f1(cy), f1(rx), f1(ry), p.attrs())
}

func (c *svgCanvas) curve(pts []point, p paint) {
	var d strings.Builder
	fmt.Fprintf(&d, "M%s,%s", f1(pts[0].X), f1(pts[0].Y))
	for i := 1; i+2 < len(pts); i += 3 {
		fmt.Fprintf(&d, " C%s,%s %s,%s %s,%s", f1(pts[i].X), f1(pts[i].Y), f1(pts[i+1].X), f1(pts[i+1].Y), f1(pts[i+2].X), f1(pts[i+2].Y))
	}
	p.fill = color.RGBA{}
	fmt.Fprintf(c.b, "<path d=\"%s\" %s/>\n", d.String(), p.attrs())
}

// begin opens a group for a node or a link: id "node-n7", "node-j3" or
// "link-g3c7"; a link names its ends in data-from and data-to.
func (c *svgCanvas) begin(id, class, from, to string) {
	ends := ""
	if from != "" || to != "" {
		ends = fmt.Sprintf(" data-from=\"node-%s\" data-to=\"node-%s\"", escape(from), escape(to))
	}
	fmt.Fprintf(c.b, "<g id=\"%s\" class=\"%s\"%s>\n", escape(id), escape(class), ends)
}

// end closes the group begin opened.
func (c *svgCanvas) end() { c.b.WriteString("</g>\n") }

// visible is always true: an SVG holds the whole picture.
func (c *svgCanvas) visible(float64, float64) bool { return true }

func (c *svgCanvas) text(s string, x, baseline float64, f fontKind, col color.RGBA, anchor float64) {
	c.glyphs.text(c.b, s, x, baseline, f, col, anchor)
}

func pointList(pts []point) string {
	parts := make([]string, len(pts))
	for i, q := range pts {
		parts[i] = f1(q.X) + "," + f1(q.Y)
	}
	return strings.Join(parts, " ")
}

// f1 formats v with one decimal, dropping ".0".
func f1(v float64) string {
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		return "0"
	}
	return s
}

// escape makes s safe as XML character data and attribute values.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
