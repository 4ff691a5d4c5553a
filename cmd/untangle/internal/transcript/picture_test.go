package transcript

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// TestCompact: a picture of few colours comes back pixel for pixel in
// fewer bytes; what is not a PNG comes back unchanged.
func TestCompact(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 300, 200))
	seed := uint32(1)
	for y := 0; y < 200; y++ {
		for x := 0; x < 300; x++ {
			seed = seed*1664525 + 1013904223 // a few colours in no pattern
			n := seed >> 27
			img.Set(x, y, color.NRGBA{R: uint8(n * 8), G: uint8(255 - n*8), B: uint8(n % 3 * 100), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	small := compact(buf.Bytes())
	if len(small) >= buf.Len() {
		t.Errorf("compact: %d bytes, not fewer than %d", len(small), buf.Len())
	}
	back, err := png.Decode(bytes.NewReader(small))
	if err != nil {
		t.Fatal(err)
	}
	for y := 0; y < 200; y++ {
		for x := 0; x < 300; x++ {
			if color.RGBAModel.Convert(back.At(x, y)) != color.RGBAModel.Convert(img.At(x, y)) {
				t.Fatalf("pixel %d,%d is %v, want %v", x, y, back.At(x, y), img.At(x, y))
			}
		}
	}
	if junk := []byte("not a picture"); !bytes.Equal(compact(junk), junk) {
		t.Error("compact changed what is not a PNG")
	}
}
