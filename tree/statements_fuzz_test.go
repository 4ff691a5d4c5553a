package tree_test

import (
	"errors"
	"testing"

	"github.com/untangle-rca/untangle/tree"
)

// FuzzParse checks that Parse never panics, that its errors carry positions,
// and that whatever it accepts survives Format → Parse unchanged.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"UDE [x]\nIF [a] AND [b], THEN [x] (accepted)",
		"#5 UDE(weight=3, unverified, evidence=\"e\\n\") [x]\nIF #5 THEN [#5 x]",
		"TITLE \"a\\tb\"\nROOT [\\#1 y \\] \\\\]\nif [y] then [z] # c",
		"\uFEFFPREMISE(blame, id=9) [p]\r\nDESIRED [d]\r\nIF [p] THEN [d] (id=4, disputed)",
		"UDE [u]\nIF [c] THEN [u]\nINJECTION(against=#2) [i]\nNEGATIVE [n]\nIF [i] THEN [n]\nINJECTION(against=4) [t]",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		tr, err := tree.Parse(src)
		if err != nil {
			var list tree.ErrorList
			if errors.As(err, &list) {
				for _, e := range list {
					if e.Line < 1 || e.Col < 1 || e.Msg == "" {
						t.Fatalf("error without a position or message: %+v", e)
					}
				}
			}
			return
		}
		out := tree.Format(tr)
		back, err := tree.Parse(out)
		if err != nil {
			t.Fatalf("Parse(Format(t)) failed: %v\ninput: %q\nformatted:\n%s", err, src, out)
		}
		stSame(t, tr, back)
	})
}
