package tree

import (
	"strings"
	"testing"
)

// FuzzNormalizeFastPath checks that a text the fast path accepts as normal is
// exactly what the full normalisation returns for it.
func FuzzNormalizeFastPath(f *testing.F) {
	for _, s := range []string{"Checkout fails", " lead", "trail ", "two  spaces", "tab\there", "nbsp\u00a0x", "zw\u200bj",
		"bidi\u202ex", "ctl\x7f", "\xff", "ok \ufffd", "日本語のテキスト", "emoji 👩\u200d💻", "\u200dpay \u200cment\u200d", "a\u200d\u200cb", "a\u200d b", "فارسی\u200cها", strings.Repeat("x", 300), strings.Repeat("x", 301), ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !isNormal(s) {
			return
		}
		got, err := normalizeText(s)
		if err != nil || got != s {
			t.Fatalf("isNormal(%q) but normalizeText gives %q, %v", s, got, err)
		}
	})
}
