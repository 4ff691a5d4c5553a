package render

import (
	"fmt"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
)

// Sizes in layout units (px at scale 1).
const (
	textSize   = 16.0 // node text
	headSize   = 14.0 // "#7", badges, junction "AND", legend, edge labels
	titleSize  = 26.0
	lineGap    = 1.3 // line height as a multiple of the font size
	padX       = 12.0
	padY       = 9.0
	badgePadX  = 5.0
	badgeGap   = 5.0
	junctionW  = 50.0
	junctionH  = 28.0
	minNodeW   = 120.0
	markerSize = 20.0 // the "?" and "!" markers
)

// metrics holds faces at one scale for one goroutine.
type metrics struct {
	scale             float64
	text, head, title *chainFace
}

// newMetrics makes faces at scale (px per layout unit).
func (f *fonts) newMetrics(scale float64) (*metrics, error) {
	m := &metrics{scale: scale}
	var err error
	if m.text, err = newChainFace(f.regular, textSize*scale); err != nil {
		return nil, err
	}
	if m.head, err = newChainFace(f.bold, headSize*scale); err != nil {
		return nil, err
	}
	if m.title, err = newChainFace(f.bold, titleSize*scale); err != nil {
		return nil, err
	}
	return m, nil
}

func face(f *opentype.Font, size float64) (font.Face, error) {
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, fmt.Errorf("render: font face at %.1f px: %w", size, err)
	}
	return fc, nil
}

// width measures s, as drawn (shaped and in visual order), in layout units
// with the fonts that draw it.
func (m *metrics) width(fc *chainFace, s string) float64 {
	return float64(font.MeasureString(fc, visual(s))) / 64 / m.scale
}

// badgeWidth is the width of a badge pill in layout units.
func (m *metrics) badgeWidth(b string) float64 { return m.width(m.head, b) + 2*badgePadX }

// headerWidth is the width of the "#7  [CORE]" line.
func (m *metrics) headerWidth(n *sceneNode) float64 {
	w := m.width(m.head, n.header)
	for _, b := range n.badges {
		w += badgeGap + m.badgeWidth(b)
	}
	if n.unverified {
		w += badgeGap + markerSize
	}
	if n.blame {
		w += badgeGap + markerSize
	}
	return w
}

// nodeSize returns the box size of a node: header line plus wrapped text.
func (m *metrics) nodeSize(n *sceneNode) (w, h float64) {
	w = m.headerWidth(n)
	for _, l := range n.lines {
		w = max(w, m.width(m.text, l))
	}
	w = max(minNodeW, w+2*padX)
	if n.look == lookInjection {
		w += 2 * hexInset
	}
	h = 2*padY + headSize*lineGap + float64(len(n.lines))*textSize*lineGap
	return roundUp(w), roundUp(h)
}

func (m *metrics) junctionSize() (w, h float64) { return junctionW, junctionH }

// roundUp rounds up to a whole unit so DOT stays short and stable.
func roundUp(v float64) float64 {
	i := float64(int(v))
	if i < v {
		i++
	}
	return i
}
