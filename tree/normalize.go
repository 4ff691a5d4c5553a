package tree

// Node texts are normalised before they enter a tree: white space collapsed,
// invisible and control characters refused or dropped.

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormalizeText trims s, collapses runs of white space into one space and
// checks the result: valid UTF-8, no control or bidirectional-override
// characters, 1 to MaxTextRunes runes. Invisible spaces are dropped; the
// zero-width joiner and non-joiner stay between two characters.
func NormalizeText(s string) (string, error) {
	if isNormal(s) {
		return s, nil
	}
	return normalizeText(s)
}

// normalizeText is NormalizeText without the fast path for normal texts.
func normalizeText(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("%w: it is not valid UTF-8", ErrInvalidText)
	}
	var b strings.Builder
	space := false
	var joiner rune // a pending ZWJ or ZWNJ, kept only between two characters
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			joiner = 0
			continue
		case unicode.IsControl(r):
			return "", fmt.Errorf("%w: it contains the control character %U", ErrInvalidText, r)
		case isBidiControl(r):
			return "", fmt.Errorf("%w: it contains the direction-override character %U", ErrInvalidText, r)
		case isJoiner(r):
			if b.Len() > 0 && !space {
				joiner = r
			}
			continue
		case isZeroWidth(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if joiner != 0 {
			b.WriteRune(joiner)
			joiner = 0
		}
		b.WriteRune(r)
	}
	out := b.String()
	switch n := utf8.RuneCountInString(out); {
	case n == 0:
		return "", ErrEmptyText
	case n > MaxTextRunes:
		return "", fmt.Errorf("%w (it has %d)", ErrTextTooLong, n)
	}
	return out, nil
}

// isNormal reports whether s is already a valid normalised text, so that
// NormalizeText can return it without building a copy: ASCII printable
// characters and valid UTF-8 beyond it, single inner spaces, no leading or
// trailing space, joiners only between two characters, nothing NormalizeText
// would drop or refuse, and 1 to MaxTextRunes runes.
func isNormal(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	runes := 0
	prevSpace, prevJoiner := false, false
	for _, r := range s {
		runes++
		switch {
		case r == ' ':
			if prevSpace || prevJoiner {
				return false
			}
			prevSpace = true
			continue
		case isJoiner(r): // kept only between two characters
			if runes == 1 || prevSpace || prevJoiner {
				return false
			}
			prevJoiner = true
			continue
		case r == utf8.RuneError, r < 0x20, r == 0x7f:
			return false
		case r >= 0x80 && (unicode.IsSpace(r) || unicode.IsControl(r) || isBidiControl(r) || isZeroWidth(r)):
			return false
		}
		prevSpace, prevJoiner = false, false
	}
	return !prevJoiner && runes <= MaxTextRunes
}

func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

// isJoiner reports whether r is the zero-width joiner or non-joiner: emoji
// sequences (👩‍💻) and Persian and Indic spelling need them, so they are kept
// between two characters.
func isJoiner(r rune) bool { return r == 0x200C || r == 0x200D }

// isZeroWidth reports whether r is an invisible space or word joiner, dropped
// from texts.
func isZeroWidth(r rune) bool {
	return r == 0x200B || r == 0x2060 || r == 0xFEFF
}
