package render

import (
	"fmt"
	"image"
	"image/color"
	"io"
	"math"

	"github.com/fogleman/gg"
	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// ggCanvas paints one horizontal strip of the picture (rows y0 to y0+rows)
// on an anti-aliased raster with fogleman/gg.
type ggCanvas struct {
	dc       *gg.Context
	img      *image.RGBA // dc's raster
	s        float64
	y0, rows float64 // the strip, in pixels
	faces    [3]font.Face
}

// stripPixels bounds the raster painted at once: a picture is painted and
// encoded in strips of about this many pixels, so a 4,000 px wide picture
// needs a 4 MB raster instead of one as big as the picture. (Strokes that
// start above a strip are rounded a little differently there, so a line
// crossing a seam may shift by a shade, or by a pixel at small scales: the
// strips are kept large so there are few seams.)
const stripPixels = 1 << 20

func (p *picture) png(w io.Writer) error {
	width := int(math.Ceil(p.w * p.scale))
	return p.pngStrips(w, stripPixels/max(width, 1))
}

// stripPad is how many rows each strip also paints above and below the rows
// it encodes: the rasteriser's coverage at the raster's top and bottom edge
// differs from the same row inside a bigger raster, so edges are never kept.
const stripPad = 4

// pngStrips paints and encodes the picture in strips of the given rows.
func (p *picture) pngStrips(w io.Writer, rows int) error {
	width, height := int(math.Ceil(p.w*p.scale)), int(math.Ceil(p.h*p.scale))
	rows = max(1, min(height, rows))
	c := &ggCanvas{
		dc:    gg.NewContext(width, rows+2*stripPad),
		s:     p.scale,
		rows:  float64(rows + 2*stripPad),
		faces: [3]font.Face{fontText: p.m.text, fontHead: p.m.head, fontTitle: p.m.title},
	}
	img, ok := c.dc.Image().(*image.RGBA)
	if !ok {
		return fmt.Errorf("gg raster is %T, not *image.RGBA", c.dc.Image())
	}
	c.img = img
	c.dc.SetLineJoinRound()
	c.dc.SetLineCapRound()
	enc, err := newPNGEncoder(width, height)
	if err != nil {
		return err
	}
	inner := img.SubImage(image.Rect(0, stripPad, width, stripPad+rows)).(*image.RGBA)
	for y0 := 0; y0 < height; y0 += rows {
		c.y0 = float64(y0 - stripPad)
		c.dc.Identity()
		c.dc.SetColor(colWhite) // the whole raster, so the PNG is opaque (RGB, smaller and faster)
		c.dc.Clear()
		c.dc.Translate(0, -c.y0)
		p.draw(c)
		if err := enc.rows(inner, min(rows, height-y0)); err != nil {
			return fmt.Errorf("encode: %w", err)
		}
	}
	if err := enc.finish(w); err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	return nil
}

// visible reports whether anything between y0 and y1 (layout units) falls
// in the strip being painted.
func (c *ggCanvas) visible(y0, y1 float64) bool {
	return y1*c.s >= c.y0-2 && y0*c.s <= c.y0+c.rows+2
}

func (c *ggCanvas) apply(p paint) {
	if p.fill.A > 0 {
		c.dc.SetColor(p.fill)
		c.dc.FillPreserve()
	}
	if p.stroke.A > 0 && p.width > 0 {
		c.dc.SetColor(p.stroke)
		c.dc.SetLineWidth(p.width * c.s)
		dash := make([]float64, len(p.dash))
		for i, d := range p.dash {
			dash[i] = d * c.s
		}
		c.dc.SetDash(dash...)
		c.dc.StrokePreserve()
		c.dc.SetDash()
	}
	c.dc.ClearPath()
}

func (c *ggCanvas) rect(x, y, w, h, radius float64, p paint) {
	s := c.s
	if radius > 0 {
		c.dc.DrawRoundedRectangle(x*s, y*s, w*s, h*s, radius*s)
	} else {
		c.dc.DrawRectangle(x*s, y*s, w*s, h*s)
	}
	c.apply(p)
}

func (c *ggCanvas) polygon(pts []point, p paint) {
	for i, q := range pts {
		if i == 0 {
			c.dc.MoveTo(q.X*c.s, q.Y*c.s)
		} else {
			c.dc.LineTo(q.X*c.s, q.Y*c.s)
		}
	}
	c.dc.ClosePath()
	c.apply(p)
}

func (c *ggCanvas) ellipse(cx, cy, rx, ry float64, p paint) {
	c.dc.DrawEllipse(cx*c.s, cy*c.s, rx*c.s, ry*c.s)
	c.apply(p)
}

func (c *ggCanvas) curve(pts []point, p paint) {
	s := c.s
	c.dc.MoveTo(pts[0].X*s, pts[0].Y*s)
	for i := 1; i+2 < len(pts); i += 3 {
		c.dc.CubicTo(pts[i].X*s, pts[i].Y*s, pts[i+1].X*s, pts[i+1].Y*s, pts[i+2].X*s, pts[i+2].Y*s)
	}
	p.fill = color.RGBA{}
	c.apply(p)
}

// text draws glyph masks straight onto the raster (gg's DrawString resamples
// every glyph, which is several times slower and allocates heavily).
func (c *ggCanvas) text(str string, x, baseline float64, f fontKind, col color.RGBA, anchor float64) {
	face := c.faces[f]
	str = visual(str)
	w := font.MeasureString(face, str)
	start := fixed.Int26_6(math.Round(x*c.s*64)) - fixed.Int26_6(math.Round(float64(w)*anchor))
	d := font.Drawer{
		Dst:  c.img,
		Src:  image.NewUniform(col),
		Face: face,
		Dot:  fixed.Point26_6{X: start, Y: fixed.Int26_6(math.Round((baseline*c.s - c.y0) * 64))},
	}
	d.DrawString(str)
}
