package render

import (
	"slices"
	"testing"
	"unicode/utf8"
)

// FuzzVisual checks that reordering any text for drawing neither panics nor
// loses or invents characters: without Arabic letters (whose joined forms
// replace them) the drawn text holds the same characters, brackets mirrored.
func FuzzVisual(f *testing.F) {
	for _, s := range []string{"", "abc", "אב (ג) 12", "\u0644\u0627 \u0628\u0628", "स्थि कि", "a\u200db", "(((", "\u0627\u200c\u0628", "🔥 שלום [x]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		in := []rune(s)
		out := []rune(visual(s))
		if hasArabic(in) {
			if len(out) > len(in) {
				t.Fatalf("visual(%q) = %q is longer", s, string(out))
			}
			return
		}
		norm := func(rs []rune) []rune {
			c := make([]rune, len(rs))
			for i, r := range rs {
				c[i] = min(r, mirror(r))
			}
			slices.Sort(c)
			return c
		}
		if !slices.Equal(norm(in), norm(out)) {
			t.Fatalf("visual(%q) = %q: characters lost or added", s, string(out))
		}
	})
}
