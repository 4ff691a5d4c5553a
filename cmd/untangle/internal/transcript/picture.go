package transcript

import (
	"bytes"
	"cmp"
	"image"
	"image/color"
	"image/png"
	"slices"
)

// compact re-encodes a PNG with a palette of its 256 most frequent colours,
// each other colour drawn as the nearest of them. The tree pictures are
// flat colours and the anti-aliasing between them, so this changes little
// that shows and makes them about three times smaller, which keeps the page
// small. The original comes back when it cannot be read or is smaller.
func compact(in []byte) []byte {
	img, err := png.Decode(bytes.NewReader(in))
	if err != nil {
		return in
	}
	b := img.Bounds()
	pixels := make([]uint32, 0, b.Dx()*b.Dy())
	count := map[uint32]int{}
	rgba, fast := img.(*image.RGBA)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			var c color.RGBA
			if fast {
				i := rgba.PixOffset(x, y)
				c = color.RGBA{R: rgba.Pix[i], G: rgba.Pix[i+1], B: rgba.Pix[i+2], A: rgba.Pix[i+3]}
			} else {
				c = color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			}
			k := uint32(c.R)<<24 | uint32(c.G)<<16 | uint32(c.B)<<8 | uint32(c.A)
			pixels = append(pixels, k)
			count[k]++
		}
	}
	colors := make([]uint32, 0, len(count))
	for k := range count {
		colors = append(colors, k)
	}
	slices.SortFunc(colors, func(a, b uint32) int {
		if c := cmp.Compare(count[b], count[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	pal := make(color.Palette, 0, 256)
	for _, k := range colors[:min(256, len(colors))] {
		pal = append(pal, unpack(k))
	}
	index := make(map[uint32]uint8, len(colors))
	for _, k := range colors {
		index[k] = uint8(pal.Index(unpack(k)))
	}
	out := image.NewPaletted(b, pal)
	for i, k := range pixels {
		out.Pix[(i/b.Dx())*out.Stride+i%b.Dx()] = index[k]
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, out); err != nil || buf.Len() >= len(in) {
		return in
	}
	return buf.Bytes()
}

// unpack turns a packed colour back into a color.RGBA.
func unpack(k uint32) color.RGBA {
	return color.RGBA{R: uint8(k >> 24), G: uint8(k >> 16), B: uint8(k >> 8), A: uint8(k)}
}
