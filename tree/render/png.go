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

// ggCanvas paints on an anti-aliased raster with fogleman/gg.
type ggCanvas struct {
	dc    *gg.Context
	img   *image.RGBA // dc's raster
	s     float64
	faces [3]font.Face
}

func (p *picture) png(w io.Writer) error {
	c := &ggCanvas{
		dc:    gg.NewContext(int(math.Ceil(p.w*p.scale)), int(math.Ceil(p.h*p.scale))),
		s:     p.scale,
		faces: [3]font.Face{fontText: p.m.text, fontHead: p.m.head, fontTitle: p.m.title},
	}
	c.dc.SetColor(colWhite) // the whole raster, so the PNG is opaque (RGB, smaller and faster)
	c.dc.Clear()
	img, ok := c.dc.Image().(*image.RGBA)
	if !ok {
		return fmt.Errorf("gg raster is %T, not *image.RGBA", c.dc.Image())
	}
	c.img = img
	c.dc.SetLineJoinRound()
	c.dc.SetLineCapRound()
	p.draw(c)
	if err := encodePNG(w, c.img); err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	return nil
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
		Dot:  fixed.Point26_6{X: start, Y: fixed.Int26_6(math.Round(baseline * c.s * 64))},
	}
	d.DrawString(str)
}
