package render

import (
	"slices"
	"unicode"

	"golang.org/x/text/unicode/bidi"
)

// visual turns one line of text, in logical (typed) order, into the order
// its characters are drawn from left to right: Arabic letters take their
// joined forms, Devanagari's short i moves before its consonant cluster,
// and right-to-left runs (Arabic, Hebrew) are reversed with their brackets
// mirrored, by the Unicode bidirectional algorithm. Text with none of these
// scripts is returned as it is.
func visual(s string) string {
	complex := false
	for _, r := range s {
		if r >= 0x590 {
			complex = true
			break
		}
	}
	if !complex {
		return s
	}
	rs := shapeArabic([]rune(s))
	rs = reorderDevanagari(rs)
	return string(reorderBidi(rs))
}

// reorderBidi applies the bidirectional algorithm to one line: runs of the
// paragraph's opposite direction keep their place, right-to-left runs are
// reversed, and in a right-to-left line the runs go from right to left.
func reorderBidi(rs []rune) []rune {
	var p bidi.Paragraph
	if _, err := p.SetString(string(rs)); err != nil {
		return rs
	}
	o, err := p.Order()
	if err != nil || o.NumRuns() == 0 {
		return rs
	}
	runs := make([][]rune, o.NumRuns())
	for i := range runs {
		run := o.Run(i)
		runs[i] = []rune(run.String())
		if run.Direction() == bidi.RightToLeft {
			runs[i] = reverseClusters(runs[i])
		}
	}
	if firstStrongRTL(rs) {
		slices.Reverse(runs)
	}
	out := make([]rune, 0, len(rs))
	for _, r := range runs {
		out = append(out, r...)
	}
	return out
}

// firstStrongRTL reports whether the first letter with a direction is
// right-to-left, which makes the whole line right-to-left.
func firstStrongRTL(rs []rune) bool {
	for _, r := range rs {
		props, _ := bidi.LookupRune(r)
		switch props.Class() {
		case bidi.L:
			return false
		case bidi.R, bidi.AL:
			return true
		}
	}
	return false
}

// reverseClusters reverses rs keeping each character's combining marks after
// it, and mirrors brackets.
func reverseClusters(rs []rune) []rune {
	out := make([]rune, 0, len(rs))
	end := len(rs)
	for end > 0 {
		start := end - 1
		for start > 0 && isMark(rs[start]) {
			start--
		}
		for _, r := range rs[start:end] {
			out = append(out, mirror(r))
		}
		end = start
	}
	return out
}

func isMark(r rune) bool { return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc) }

// mirror returns the mirror image of a bracket, r otherwise.
func mirror(r rune) rune {
	const pairs = "()[]{}<>«»‹›"
	rs := []rune(pairs)
	for i, p := range rs {
		if p == r {
			return rs[i^1]
		}
	}
	return r
}

// reorderDevanagari moves each short i vowel sign (ि), which is typed after
// its consonant cluster, in front of that cluster, where it is drawn.
func reorderDevanagari(rs []rune) []rune {
	const (
		iSign  = 0x093F
		virama = 0x094D
		nukta  = 0x093C
	)
	consonant := func(r rune) bool { return (r >= 0x0915 && r <= 0x0939) || (r >= 0x0958 && r <= 0x095F) }
	for i, r := range rs {
		if r != iSign || i == 0 || !(consonant(rs[i-1]) || rs[i-1] == nukta) {
			continue
		}
		start := i - 1
		for {
			if rs[start] == nukta && start > 0 {
				start--
			}
			if start >= 2 && rs[start-1] == virama && consonant(rs[start-2]) {
				start -= 2
				continue
			}
			break
		}
		copy(rs[start+1:i+1], rs[start:i])
		rs[start] = iSign
	}
	return rs
}
