package transcript

import (
	"bytes"
	"cmp"
	"encoding/binary"
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
	w := b.Dx()
	pixels := make([]uint32, 0, w*b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		if rgba, ok := img.(*image.RGBA); ok {
			row := rgba.Pix[rgba.PixOffset(b.Min.X, y):][:4*w]
			for i := 0; i < len(row); i += 4 {
				pixels = append(pixels, binary.BigEndian.Uint32(row[i:i+4]))
			}
			continue
		}
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			pixels = append(pixels, uint32(c.R)<<24|uint32(c.G)<<16|uint32(c.B)<<8|uint32(c.A))
		}
	}
	// Count by runs: a picture of flat colours is mostly long runs.
	count := map[uint32]int{}
	for i := 0; i < len(pixels); {
		j := i + 1
		for j < len(pixels) && pixels[j] == pixels[i] {
			j++
		}
		count[pixels[i]] += j - i
		i = j
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
	last, at := pixels[0]+1, uint8(0) // pixels is never empty: PNGs have at least one pixel
	for i, k := range pixels {
		if k != last {
			last, at = k, index[k]
		}
		out.Pix[(i/w)*out.Stride+i%w] = at
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, out); err != nil || buf.Len() >= len(in) {
		return in
	}
	return buf.Bytes()
}

// unpack turns a packed colour back into a color.RGBA.
func unpack(k uint32) color.RGBA {
	return color.RGBA{R: uint8(k >> 24), G: uint8(k >> 16), B: uint8(k >> 8), A: uint8(k)}
}
