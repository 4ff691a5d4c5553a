package tree

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// TestParseInPartsIsParseInOneGo checks that reading a large document in
// parts gives exactly what reading it line by line in one go gives: the same
// statements with the same line numbers, or the same first errors.
func TestParseInPartsIsParseInOneGo(t *testing.T) {
	var b strings.Builder
	b.WriteString("\uFEFFTITLE [big]\r\n")
	for i := 0; b.Len() < minPartBytes; i++ {
		fmt.Fprintf(&b, "IF [cause %d with some words] AND [condition %d] THEN [effect %d] (accepted)\n", i, i%97, i/3)
		if i%1000 == 0 {
			b.WriteString("# a comment\n\n")
		}
	}
	good := b.String()
	lines := strings.Split(good, "\n")
	bad := func(at ...int) string {
		ls := append([]string(nil), lines...)
		for _, i := range at {
			ls[i] = "IF [broken THEN [x]"
		}
		return strings.Join(ls, "\n")
	}
	n := len(lines)
	for name, src := range map[string]string{
		"no errors":                           good,
		"no final newline":                    strings.TrimSuffix(good, "\n"),
		"errors in every part":                bad(3, n/3, n/2, n-2),
		"more than ten errors, late ones cut": bad(n-20, n-19, n-18, n-17, n-16, n-15, n-14, n-13, n-12, n-11, n-10, 5),
	} {
		t.Run(name, func(t *testing.T) {
			body := []byte(strings.TrimPrefix(src, "\uFEFF"))
			if parts := splitLines(body, 3); len(parts) != 3 {
				t.Fatalf("the document was cut in %d parts, want 3", len(parts))
			}
			got, gotErr := parseInParts(body, 3)
			one := parsePart(body, 1)
			var want []Statement
			var wantErr error
			if len(one.errs) > 0 {
				wantErr = one.errs
			} else {
				want = one.stmts
			}
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Fatalf("errors:\n got %v\nwant %v", gotErr, wantErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("statements differ: %d vs %d", len(got), len(want))
			}
		})
	}
}
