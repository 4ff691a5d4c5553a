package render

import (
	"bytes"
	"image"
	"image/png"
	"math/rand/v2"
	"testing"
)

func TestEncodePNGRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		w, h int
		flat bool // one colour, the common case in diagrams
	}{
		{name: "one pixel", w: 1, h: 1},
		{name: "odd size noise", w: 17, h: 5},
		{name: "tall noise", w: 3, h: 40},
		{name: "flat", w: 64, h: 64, flat: true},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := image.NewRGBA(image.Rect(0, 0, tt.w, tt.h))
			for i := range img.Pix {
				switch {
				case i%4 == 3:
					img.Pix[i] = 0xff
				case tt.flat:
					img.Pix[i] = 0xd5
				default:
					img.Pix[i] = byte(rng.IntN(256))
				}
			}
			var buf bytes.Buffer
			if err := encodePNG(&buf, img); err != nil {
				t.Fatal(err)
			}
			got, err := png.Decode(&buf)
			if err != nil {
				t.Fatalf("image/png cannot decode it: %v", err)
			}
			if got.Bounds() != img.Bounds() {
				t.Fatalf("bounds %v, want %v", got.Bounds(), img.Bounds())
			}
			for y := range tt.h {
				for x := range tt.w {
					r, g, b, a := got.At(x, y).RGBA()
					want := img.RGBAAt(x, y)
					if uint8(r>>8) != want.R || uint8(g>>8) != want.G || uint8(b>>8) != want.B || a != 0xffff {
						t.Fatalf("pixel %d,%d = %d,%d,%d,%d, want %v", x, y, r>>8, g>>8, b>>8, a>>8, want)
					}
				}
			}
		})
	}
}
