package render

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/untangle-rca/untangle/tree"
)

// Defaults and limits of Options.
const (
	DefaultScale    = 1.5  // px per layout unit: node text is 24 px, crisp on HiDPI screens
	DefaultMaxWidth = 4000 // px
	// MinReadableScale keeps node text at 14 px or more.
	MinReadableScale = 14.0 / textSize
	// MaxReadableNodes is the size above which a tree should be split with
	// Subtrees without trying: beyond it a picture capped at DefaultMaxWidth
	// nearly always gets text smaller than 14 px. Below it, Fit tells.
	MaxReadableNodes = 120
	// MaxPixels bounds the raster (width × height) so a long chain of causes
	// cannot make a picture of hundreds of megabytes; the scale is lowered to fit.
	MaxPixels = 24_000_000
	// MaxSide bounds both sides of a picture in pixels (a long chain of
	// causes would otherwise be a strip hundreds of thousands of pixels
	// tall); the scale is lowered to fit.
	MaxSide = 16_000
)

// Options tunes a picture. The zero value is ready to use.
type Options struct {
	// Title is drawn above the tree; "" uses the tree's title.
	Title string
	// Scale is pixels per layout unit (node text is 16 units); 0 means
	// DefaultScale. It is lowered to keep the width within MaxWidth.
	Scale float64
	// MaxWidth caps the picture width in pixels; 0 means DefaultMaxWidth.
	MaxWidth int
	// Highlight lists nodes drawn with a yellow halo (say, the ones a message talks about).
	Highlight []tree.NodeID
	// NoLegend leaves the legend out.
	NoLegend bool
}

func (o Options) scale() float64 {
	if o.Scale <= 0 {
		return DefaultScale
	}
	return o.Scale
}

func (o Options) maxWidth() float64 {
	if o.MaxWidth <= 0 {
		return DefaultMaxWidth
	}
	return float64(o.MaxWidth)
}

// NeedsSplit reports whether t has more than MaxReadableNodes nodes, so that
// callers should render Subtrees instead of one picture.
func NeedsSplit(t *tree.Tree) bool { return t.NumNodes() > MaxReadableNodes }

// processFonts parses the embedded fonts and lists the fallback fonts once
// per process; fallback fonts are then parsed on first use and shared.
var processFonts = sync.OnceValues(loadFonts)

// defaultMetrics measures with the process's fonts at scale 1, for layout.
func defaultMetrics() (*metrics, error) {
	f, err := processFonts()
	if err != nil {
		return nil, err
	}
	return f.newMetrics(1)
}

// PNG lays out t and writes it to w as a PNG image. a may be nil.
func (r *Renderer) PNG(ctx context.Context, t *tree.Tree, a *tree.Analysis, opt Options, w io.Writer) error {
	pic, err := r.picture(ctx, t, a, opt)
	if err != nil {
		return err
	}
	if err := pic.png(w); err != nil {
		return fmt.Errorf("render: png of %q: %w", pic.scene.title, err)
	}
	return nil
}

// SVG lays out t and writes it to w as a standalone SVG document that looks
// like the PNG. a may be nil.
func (r *Renderer) SVG(ctx context.Context, t *tree.Tree, a *tree.Analysis, opt Options, w io.Writer) error {
	pic, err := r.picture(ctx, t, a, opt)
	if err != nil {
		return err
	}
	if err := pic.svg(w); err != nil {
		return fmt.Errorf("render: svg of %q: %w", pic.scene.title, err)
	}
	return nil
}

// Fit lays t out and reports the scale its picture would be drawn at with
// opt, and whether that keeps node text readable (scale ≥ MinReadableScale,
// text of 14 px or more). When it does not, render Subtrees instead.
func (r *Renderer) Fit(ctx context.Context, t *tree.Tree, a *tree.Analysis, opt Options) (scale float64, readable bool, err error) {
	pic, err := r.picture(ctx, t, a, opt)
	if err != nil {
		return 0, false, err
	}
	return pic.scale, pic.scale >= MinReadableScale, nil
}

// Image is one rendered picture and the title drawn on it.
type Image struct {
	Title string
	PNG   []byte
}

// ReadablePNGs renders t as one PNG when its text stays readable within the
// width cap (see Fit), and otherwise as one PNG per subtree (see Subtrees),
// neighbouring subtrees sharing a PNG while its text stays readable, each
// titled after the causes it starts from. This is what to post in Slack.
func (r *Renderer) ReadablePNGs(ctx context.Context, t *tree.Tree, a *tree.Analysis, opt Options) ([]Image, error) {
	pics, err := r.readablePictures(ctx, t, a, opt, false)
	if err != nil {
		return nil, err
	}
	out := make([]Image, 0, len(pics))
	for _, pic := range pics {
		img, err := pic.image()
		if err != nil {
			return nil, err
		}
		out = append(out, img)
	}
	return out, nil
}

// image encodes the picture as an Image.
func (p *picture) image() (Image, error) {
	var buf bytes.Buffer
	if err := p.png(&buf); err != nil {
		return Image{}, fmt.Errorf("render: png of %q: %w", p.scene.title, err)
	}
	return Image{Title: p.scene.title, PNG: buf.Bytes()}, nil
}

// picture builds, lays out and frames the scene.
func (r *Renderer) picture(ctx context.Context, t *tree.Tree, a *tree.Analysis, opt Options) (*picture, error) {
	m, err := r.fonts.newMetrics(1)
	if err != nil {
		return nil, err
	}
	s := buildScene(t, a, opt, m)
	if err := r.layout(ctx, s); err != nil {
		return nil, err
	}
	return frame(s, opt, r.fonts, m)
}
