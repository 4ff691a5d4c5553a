package render

import "unicode"

// arabicForms are the presentation forms of an Arabic letter: isolated,
// final, initial, medial. Letters that join only to the preceding letter
// (alef, dal, reh, waw, …) have no initial or medial form (0).
type arabicForms [4]rune

const (
	formIsolated = iota
	formFinal
	formInitial
	formMedial
)

// dual makes the four forms of a letter that joins on both sides, starting at first.
func dual(first rune) arabicForms { return arabicForms{first, first + 1, first + 2, first + 3} }

// right makes the two forms of a letter that joins only to the preceding one.
func right(first rune) arabicForms { return arabicForms{first, first + 1, 0, 0} }

// arabicLetters maps the Arabic and Persian letters to their presentation
// forms (Unicode's Arabic Presentation Forms-A and -B blocks).
var arabicLetters = map[rune]arabicForms{
	0x0621: {0xFE80, 0, 0, 0}, // hamza: joins neither side
	0x0622: right(0xFE81), 0x0623: right(0xFE83), 0x0624: right(0xFE85), 0x0625: right(0xFE87),
	0x0626: dual(0xFE89), 0x0627: right(0xFE8D), 0x0628: dual(0xFE8F), 0x0629: right(0xFE93),
	0x062A: dual(0xFE95), 0x062B: dual(0xFE99), 0x062C: dual(0xFE9D), 0x062D: dual(0xFEA1),
	0x062E: dual(0xFEA5), 0x062F: right(0xFEA9), 0x0630: right(0xFEAB), 0x0631: right(0xFEAD),
	0x0632: right(0xFEAF), 0x0633: dual(0xFEB1), 0x0634: dual(0xFEB5), 0x0635: dual(0xFEB9),
	0x0636: dual(0xFEBD), 0x0637: dual(0xFEC1), 0x0638: dual(0xFEC5), 0x0639: dual(0xFEC9),
	0x063A: dual(0xFECD), 0x0641: dual(0xFED1), 0x0642: dual(0xFED5), 0x0643: dual(0xFED9),
	0x0644: dual(0xFEDD), 0x0645: dual(0xFEE1), 0x0646: dual(0xFEE5), 0x0647: dual(0xFEE9),
	0x0648: right(0xFEED), 0x0649: right(0xFEEF), 0x064A: dual(0xFEF1),
	0x067E: dual(0xFB56), 0x0686: dual(0xFB7A), 0x0698: right(0xFB8A), 0x06A9: dual(0xFB8E),
	0x06AF: dual(0xFB92), 0x06CC: dual(0xFBFC),
}

// lamAlef maps an alef after lam to the isolated lam-alef ligature; the
// final form follows it.
var lamAlef = map[rune]rune{0x0622: 0xFEF5, 0x0623: 0xFEF7, 0x0625: 0xFEF9, 0x0627: 0xFEFB}

const (
	lam      = 0x0644
	tatweel  = 0x0640
	joiner   = 0x200D
	firstAra = 0x0600
	lastAra  = 0x06FF
)

// joinsNext reports whether r connects to the letter after it.
func joinsNext(r rune) bool {
	if r == tatweel || r == joiner {
		return true
	}
	f, ok := arabicLetters[r]
	return ok && f[formInitial] != 0
}

// joinsPrev reports whether r connects to the letter before it.
func joinsPrev(r rune) bool {
	if r == tatweel || r == joiner {
		return true
	}
	f, ok := arabicLetters[r]
	return ok && f[formFinal] != 0
}

// neighbour returns the nearest character from i in direction step that is
// not a combining mark, or 0.
func neighbour(rs []rune, i, step int) rune {
	for j := i + step; j >= 0 && j < len(rs); j += step {
		if !unicode.Is(unicode.Mn, rs[j]) {
			return rs[j]
		}
	}
	return 0
}

// shapeArabic replaces Arabic letters by the joined form their neighbours
// call for, and lam followed by alef by their ligature. A zero-width
// non-joiner keeps two letters apart, a zero-width joiner joins them.
func shapeArabic(rs []rune) []rune {
	if !hasArabic(rs) {
		return rs
	}
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		forms, ok := arabicLetters[r]
		if !ok {
			out = append(out, r)
			continue
		}
		prev := joinsNext(neighbour(rs, i, -1))
		if r == lam && i+1 < len(rs) {
			if lig, ok := lamAlef[rs[i+1]]; ok {
				if prev {
					lig++
				}
				out = append(out, lig)
				i++
				continue
			}
		}
		next := forms[formInitial] != 0 && joinsPrev(neighbour(rs, i, 1))
		out = append(out, pickForm(forms, prev && forms[formFinal] != 0, next))
	}
	return out
}

func pickForm(f arabicForms, prev, next bool) rune {
	switch {
	case prev && next:
		return f[formMedial]
	case prev:
		return f[formFinal]
	case next:
		return f[formInitial]
	}
	return f[formIsolated]
}

func hasArabic(rs []rune) bool {
	for _, r := range rs {
		if r >= firstAra && r <= lastAra {
			return true
		}
	}
	return false
}
