package render

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"math"
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

// TestStripsPaintTheSamePicture paints pictures whole and in strips and
// checks that the decoded pixels are the same but for a shade of
// anti-aliasing at the seams: nothing is lost or doubled there, and nothing
// that reaches into a strip is skipped. It tries the strips the PNG uses and
// strips of a few rows (many seams), at the default and the smallest
// readable scale.
func TestStripsPaintTheSamePicture(t *testing.T) {
	r := newRenderer(t)
	cases := []struct {
		fixture fixture
		scale   float64
		rows    int // 0: the strips the PNG uses
	}{
		{fixtures[0], DefaultScale, 0},
		{fixtures[0], MinReadableScale, 0},
		{fixtures[1], DefaultScale, 23}, // dashed strokes, many seams
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/scale %.2f/rows %d", c.fixture.name, c.scale, c.rows), func(t *testing.T) {
			tr, a := c.fixture.make(t)
			opt := c.fixture.opt
			opt.Scale = c.scale
			pic, err := r.picture(context.Background(), tr, a, opt)
			if err != nil {
				t.Fatal(err)
			}
			rows := c.rows
			if rows == 0 {
				rows = stripPixels / int(math.Ceil(pic.w*pic.scale))
			}
			compareStrips(t, pic, rows)
		})
	}
}

// compareStrips paints pic whole and in strips of rows and compares them.
func compareStrips(t *testing.T, pic *picture, rows int) {
	t.Helper()
	var whole, strips bytes.Buffer
	if err := pic.pngStrips(&whole, 1<<30); err != nil {
		t.Fatal(err)
	}
	if err := pic.pngStrips(&strips, rows); err != nil {
		t.Fatal(err)
	}
	a1, err := png.Decode(&whole)
	if err != nil {
		t.Fatal(err)
	}
	a2, err := png.Decode(&strips)
	if err != nil {
		t.Fatal(err)
	}
	p1, ok1 := a1.(*image.RGBA)
	p2, ok2 := a2.(*image.RGBA)
	if !ok1 || !ok2 || p1.Bounds() != p2.Bounds() {
		t.Fatalf("decoded as %T %v and %T %v", a1, a1.Bounds(), a2, a2.Bounds())
	}
	diff, worst := 0, 0
	for i := 0; i < len(p1.Pix); i += 4 {
		d := 0
		for c := range 3 {
			d = max(d, absDiff(uint32(p1.Pix[i+c]), uint32(p2.Pix[i+c])))
		}
		if d > 0 {
			diff++
			worst = max(worst, d)
		}
	}
	if total := len(p1.Pix) / 4; worst > 64 || diff > total/500 {
		t.Errorf("%d of %d pixels differ between the whole picture and strips of %d rows, by up to %d of 255", diff, total, rows, worst)
	}
}

func absDiff(a, b uint32) int { return max(int(a)-int(b), int(b)-int(a)) }
