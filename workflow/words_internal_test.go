package workflow

import (
	"reflect"
	"strings"
	"testing"
)

// splitWordsByRunes is the plain form of splitWords (over a rune slice), kept
// to check that the faster one splits every text the same way.
func splitWordsByRunes(text string) []word {
	out := []word{}
	runes := []rune(text)
	start := -1
	flush := func(end int) {
		if start >= 0 {
			raw := string(runes[start:end])
			out = append(out, word{raw: raw, lower: strings.ReplaceAll(strings.ToLower(raw), "’", "'")})
			start = -1
		}
	}
	for i, r := range runes {
		switch {
		case isWordRune(r):
			if start < 0 {
				start = i
			}
		case isJoiner(r) && start >= 0 && i+1 < len(runes) && isWordRune(runes[i+1]):
		default:
			flush(i)
		}
	}
	flush(len(runes))
	return out
}

func FuzzSplitWords(f *testing.F) {
	for _, s := range []string{"", "Bob's change", "on-call engineer didn't", "Priya’s deploy", "a--b", "x-", "-x", "'quoted'",
		"invalid \xff utf-8 \xe2\x80", "é\u0301 combining", "日本語 テキスト", "emoji 👩‍💻 here", "Sergeant-at-arms’"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, want := splitWords(s), splitWordsByRunes(s)
		if len(got) == 0 && len(want) == 0 {
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("splitWords(%q) = %q, want %q", s, got, want)
		}
	})
}
