package render

import (
	"image"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// chainFace is a font.Face that draws each character with the first font of
// its chain that has it, so text in any script is measured and drawn with
// the glyphs actually shown. Invisible format characters (joiners, variation
// selectors) take no space and draw nothing. Not safe for concurrent use.
type chainFace struct {
	chain *fontChain
	size  float64
	faces []font.Face  // by font index, made on first use
	pick  map[rune]int // local cache of chain.fontFor
}

func newChainFace(c *fontChain, size float64) (*chainFace, error) {
	f := &chainFace{chain: c, size: size, faces: make([]font.Face, len(c.files)), pick: map[rune]int{}}
	var err error
	if f.faces[0], err = c.face(0, size); err != nil {
		return nil, err
	}
	return f, nil
}

// fontIndex is the chain index of the font drawing r.
func (f *chainFace) fontIndex(r rune) int {
	if r < 0x180 { // Latin-1 and Latin Extended-A: always in the embedded font
		return 0
	}
	i, ok := f.pick[r]
	if !ok {
		i = f.chain.fontFor(r)
		f.pick[r] = i
	}
	return i
}

// faceFor returns the face drawing r and its chain index.
func (f *chainFace) faceFor(r rune) (font.Face, int) {
	i := f.fontIndex(r)
	if f.faces[i] == nil {
		fc, err := f.chain.face(i, f.size)
		if err != nil {
			return f.faces[0], 0
		}
		f.faces[i] = fc
	}
	return f.faces[i], i
}

// Close closes every face made.
func (f *chainFace) Close() error {
	for _, fc := range f.faces {
		if fc != nil {
			fc.Close()
		}
	}
	return nil
}

// Glyph implements font.Face.
func (f *chainFace) Glyph(dot fixed.Point26_6, r rune) (image.Rectangle, image.Image, image.Point, fixed.Int26_6, bool) {
	if invisible(r) {
		return image.Rectangle{}, nil, image.Point{}, 0, true
	}
	fc, _ := f.faceFor(r)
	return fc.Glyph(dot, r)
}

// GlyphBounds implements font.Face.
func (f *chainFace) GlyphBounds(r rune) (fixed.Rectangle26_6, fixed.Int26_6, bool) {
	if invisible(r) {
		return fixed.Rectangle26_6{}, 0, true
	}
	fc, _ := f.faceFor(r)
	return fc.GlyphBounds(r)
}

// GlyphAdvance implements font.Face.
func (f *chainFace) GlyphAdvance(r rune) (fixed.Int26_6, bool) {
	if invisible(r) {
		return 0, true
	}
	fc, _ := f.faceFor(r)
	return fc.GlyphAdvance(r)
}

// Kern implements font.Face: only pairs drawn by the same font kern.
func (f *chainFace) Kern(r0, r1 rune) fixed.Int26_6 {
	if invisible(r0) || invisible(r1) {
		return 0
	}
	fc, i := f.faceFor(r0)
	if f.fontIndex(r1) != i {
		return 0
	}
	return fc.Kern(r0, r1)
}

// Metrics implements font.Face with the embedded font's metrics.
func (f *chainFace) Metrics() font.Metrics { return f.faces[0].Metrics() }

// invisible reports whether r is a format character drawn as nothing:
// joiners and non-joiners, variation selectors, tags, the soft hyphen.
func invisible(r rune) bool {
	switch {
	case r < 0xAD:
		return false
	case r == 0xAD, r == 0x34F, r >= 0x180B && r <= 0x180F, r >= 0x200B && r <= 0x200F,
		r >= 0x2060 && r <= 0x206F, r >= 0xFE00 && r <= 0xFE0F, r == 0xFEFF,
		r >= 0xE0000 && r <= 0xE0FFF:
		return true
	}
	return false
}
